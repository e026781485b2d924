"""Figures that count the stored findings of work-area catalog rules (ledger rules of funds, employment,
welfare, credit, guarantees, stationing).

A work area's rules already judge its ledgers set-based (gonggu.rules); the self-evaluation reads their
findings and never recomputes them. Each rule is read from the latest run that evaluated it (the rules of
one figure may come from different runs, e.g. a 驻村 run and a funds run). A rule never run is named in
the basis; a figure none of whose rules has run is 暂无数据, never a zero.
"""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from gonggu.core.codes import in_scope_q
from gonggu.rules.models import Finding
from gonggu.rules.words import rule_title

from .. import inputs
from .base import Drill, DrillRow, EvalContext, Figure, FigureData, Missing, Target, count_of, grouped


def _runs(ctx: EvalContext, rules: tuple[str, ...]) -> tuple[dict[str, inputs.RunInfo], list[str]]:
    """The latest run of each rule covering the scope, and the rules no run has evaluated yet."""
    def compute():
        found, never = {}, []
        for code in rules:
            run = inputs.latest_run_with(code, prefix=ctx.prefix, as_of=ctx.today)
            if run is None:
                never.append(code)
            else:
                found[code] = run
        return found, never
    return ctx.memo("runs:" + ",".join(rules), compute)


def _findings(runs: dict[str, inputs.RunInfo], prefix: str | None):
    if not runs:
        return None
    which = reduce(or_, (Q(run_id=run.pk, rule=code) for code, run in runs.items()))
    return Finding.objects.filter(which).filter(in_scope_q("region_code", prefix))


def findings_compute(rules: tuple[str, ...], needs: str):
    def compute(ctx: EvalContext) -> FigureData:
        runs, never = _runs(ctx, rules)
        titles = "、".join(rule_title(c) for c in never)
        qs = _findings(runs, ctx.prefix)
        if qs is None:
            return FigureData({}, None, needs, missing=Missing(
                ctx.year_start, f"尚未运行规则：{titles}（规则库“台账检查”，需先导入{needs}）"))
        # A region without rows sums to 0 findings: the rules ran there and found nothing.
        rows = grouped(qs, "region_code", findings=Count("id"))
        as_of = min(run.as_of for run in runs.values())
        basis = f"{needs}，规则 {'、'.join(rule_title(c) for c in runs)}（{as_of:%Y-%m-%d} 起运行）"
        if never:
            basis += f"；尚未运行：{titles}"
        return FigureData(rows, as_of, basis)
    return compute


def findings_drill(rules: tuple[str, ...], title: str):
    def drill(ctx: EvalContext, prefix: str) -> Drill | None:
        runs, _never = _runs(ctx, rules)
        qs = _findings(runs, prefix)
        if qs is None:
            return None
        titles = {c: rule_title(c) for c in rules}

        def row(f: dict) -> DrillRow:
            return DrillRow(household_no=f["household_no"] or "", head_name="", region_code=f["region_code"] or "",
                            id_number=f["id_number"] or "",
                            detail=f"{titles.get(f['rule'], f['rule'])}：{f['detail'] or ''}".rstrip("："))
        return Drill(qs.values("household_no", "id_number", "region_code", "detail", "rule")
                     .order_by("region_code", "rule", "household_no"), row, title)
    return drill


RULES_OF: dict[str, tuple[str, ...]] = {}     # figure code → the rules whose findings it counts


def findings_figure(*, code: str, title: str, indicator: str, rules: tuple[str, ...], source: str, quote: str,
                    needs: str, watch: bool = False) -> Figure:
    """问题数 of the given rules in scope: every finding is a problem to clear (target 0), or, for a `watch`
    figure (households at risk the seed asks to follow, not to avoid), 重点关注 without a target."""
    RULES_OF[code] = rules
    names = "、".join(rule_title(c) for c in rules)
    target = (Target("", None, "重点关注（种子文件未设数值目标）", source, quote) if watch
              else Target("<=", Decimal(0), "无问题（0 条）", source, quote))
    return Figure(
        code=code, title=title, indicator=indicator, formula=f"规则发现的{'情况' if watch else '问题'}条数：{names}",
        unit="条", target=target,
        compute=findings_compute(rules, needs), value=count_of("findings"), numerator="findings",
        drill=findings_drill(rules, f"{title}：规则发现的问题"), needs=needs, lower_is_better=True)
