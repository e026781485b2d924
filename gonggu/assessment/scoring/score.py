"""The score of a region: a pure function of evaluation results, evidence, scoring rules and deductions.

Nothing here reads the database, so a frozen run (its stored Results) is scored exactly like a live one.

Weights: seed 002 附件2 leaves every 分值 blank ("合计" is empty), so an indicator's points are, in order,
the county's scoring rule, the county's indicator system (分值), else an equal share of what remains of
DEFAULT_TOTAL among the indicators without points — shown as such on the page.

Within an indicator each content item weighs the same. A figure item is met in the share of its figures
that are met (达标, 重点关注 or 不适用); 未达标 is not met; 暂无数据 is not met unless the county's rule
excludes it. An evidence item is met when its evidence is entered. Method "share" gives the indicator's
points in proportion to its items met; "all" gives them only when every item is fully met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .items import ContentItem, item_figures

DEFAULT_TOTAL = Decimal(100)
CENT = Decimal("0.01")
MET = ("pass", "watch", "na")
METHODS = {"share": "按达标内容项比例得分", "all": "内容项全部达标得满分，否则不得分"}


@dataclass(frozen=True)
class Rule:
    """A county's scoring rule for one indicator (None / defaults = the system's)."""

    indicator: str
    points: Decimal | None = None
    method: str = "share"
    nodata_excluded: bool = False      # 暂无数据的测算项不计入（默认计为未达标）


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name: str
    points: Decimal | None            # the indicator system's 分值


@dataclass
class ItemScore:
    item: ContentItem
    status: str                       # pass / fail / nodata / missing (evidence not entered)
    fraction: Decimal
    results: list = field(default_factory=list)
    absent: list[str] = field(default_factory=list)   # figure codes not registered
    max_points: Decimal = Decimal(0)
    points: Decimal = Decimal(0)
    gain_if_met: Decimal = Decimal(0)  # what-if: points the total gains if this item alone were fully met

    @property
    def status_label(self) -> str:
        return {"pass": "达标", "fail": "未达标", "nodata": "暂无数据", "missing": "待上传佐证"}[self.status]

    @property
    def badge(self) -> str:
        return {"pass": "green", "fail": "red", "nodata": "grey", "missing": "amber"}[self.status]


@dataclass
class IndicatorScore:
    code: str
    name: str
    weight: Decimal
    weight_source: str                # 评分规则 / 指标体系 / 平均分配
    method: str
    items: list[ItemScore]
    points: Decimal

    @property
    def lost(self) -> Decimal:
        return self.weight - self.points


@dataclass
class ScoreCard:
    indicators: list[IndicatorScore]
    deduction: Decimal
    total: Decimal
    max_total: Decimal

    @property
    def what_if(self) -> list[tuple[IndicatorScore, ItemScore]]:
        """Items that lose points, the most first."""
        pairs = [(ind, it) for ind in self.indicators for it in ind.items if it.gain_if_met > 0]
        return sorted(pairs, key=lambda p: (-p[1].gain_if_met, p[1].item.key))


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _item(item: ContentItem, results: dict, evidence: set[str], rule: Rule, registered) -> ItemScore:
    if item.is_evidence:
        met = item.key in evidence
        return ItemScore(item, "pass" if met else "missing", Decimal(1) if met else Decimal(0))
    codes = item_figures(item, registered)
    found = [results[c] for c in codes if c in results]
    absent = [c for c in codes if c not in results]
    # An item with no figure at all (none registered yet) is 暂无数据 like a figure without data.
    statuses = [r.status for r in found] + ["nodata"] * len(absent) or ["nodata"]
    judged = [s for s in statuses if not (rule.nodata_excluded and s == "nodata")]
    if not judged:
        fraction = Decimal(1) if rule.nodata_excluded else Decimal(0)
    else:
        fraction = Decimal(sum(1 for s in judged if s in MET)) / Decimal(len(judged))
    status = "fail" if "fail" in statuses else ("nodata" if "nodata" in statuses else "pass")
    return ItemScore(item, status, fraction, found, absent)


def _points(weight: Decimal, fractions: list[Decimal], method: str) -> Decimal:
    if not fractions:
        return Decimal(0)
    if method == "all":
        return weight if all(f == 1 for f in fractions) else Decimal(0)
    return weight * sum(fractions) / len(fractions)


def _weights(indicators: list[IndicatorDef], rules: dict[str, Rule]) -> dict[str, tuple[Decimal, str]]:
    out: dict[str, tuple[Decimal, str]] = {}
    for ind in indicators:
        rule = rules.get(ind.code)
        if rule is not None and rule.points is not None:
            out[ind.code] = (rule.points, "本县评分规则")
        elif ind.points is not None:
            out[ind.code] = (ind.points, "指标体系分值")
    rest = [ind for ind in indicators if ind.code not in out]
    if rest:
        share = max(DEFAULT_TOTAL - sum(w for w, _ in out.values()), Decimal(0)) / len(rest)
        for ind in rest:
            out[ind.code] = (share, f"未设分值，按 {DEFAULT_TOTAL} 分平均分配")
    return out


def score_card(*, indicators: Iterable[IndicatorDef], items: Iterable[ContentItem], results: Iterable,
               evidence: Iterable[str], rules: dict[str, Rule] | None = None, deduction: Decimal = Decimal(0),
               registered: dict | None = None) -> ScoreCard:
    """Score indicators (13 — 扣分项 — excluded: it is `deduction`) from results keyed by figure code.

    `registered` is the figure registry (for items that take every figure of their indicator); by default the
    figures the results are of.
    """
    rules = rules or {}
    by_code = {r.figure.code: r for r in results}
    registered = registered if registered is not None else {code: r.figure for code, r in by_code.items()}
    evidence = set(evidence)
    items = list(items)
    scored_inds = [i for i in indicators if any(it.indicator == i.code for it in items)]
    weights = _weights(scored_inds, rules)
    out, raw_points, raw_weights = [], Decimal(0), Decimal(0)
    for ind in scored_inds:
        rule = rules.get(ind.code) or Rule(ind.code)
        weight, source = weights[ind.code]
        its = [_item(it, by_code, evidence, rule, registered) for it in items if it.indicator == ind.code]
        fractions = [it.fraction for it in its]
        points = _points(weight, fractions, rule.method)
        for n, it in enumerate(its):
            it.max_points = _q(weight / len(its))
            it.points = _q(it.max_points * it.fraction) if rule.method == "share" else (
                it.max_points if points == weight else Decimal(0))
            forced = fractions[:n] + [Decimal(1)] + fractions[n + 1:]
            it.gain_if_met = _q(_points(weight, forced, rule.method) - points)
        out.append(IndicatorScore(ind.code, ind.name, _q(weight), source, rule.method, its, _q(points)))
        raw_points += points
        raw_weights += weight
    # Totals from unrounded points: twelve equal shares of 100 add up to 100, not 99.96.
    return ScoreCard(out, _q(deduction), _q(raw_points - deduction), _q(raw_weights))
