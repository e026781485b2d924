"""The figure definitions, the evaluation context and the helpers every figure module shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType, LabourAbility, SchoolStatus
from gonggu.registry.models import Household, IncomeAccount, Person

from .. import inputs

KEY_TYPES = (HouseholdType.LIFTED, HouseholdType.MONITORED)
LABOUR = (LabourAbility.ORDINARY, LabourAbility.SKILLED)
NOT_STUDENT = ("", SchoolStatus.NOT_STUDENT, SchoolStatus.DROPOUT)
ZERO = Decimal(0)


# --- definitions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    op: str                 # ">=", "<=", ">", "==" or "" (重点关注: shown, not judged)
    value: Decimal | None
    text: str               # as shown: "≥ 99%"
    source: str             # seed file and passage
    quote: str              # the seed's words

    def met(self, value: Decimal | None) -> bool | None:
        if not self.op or value is None or self.value is None:
            return None
        if self.op == ">=":
            return value >= self.value
        if self.op == "<=":
            return value <= self.value
        if self.op == ">":
            return value > self.value
        return value == self.value


@dataclass
class Missing:
    since: dt.date | None
    reason: str
    not_applicable: bool = False     # nothing to count here (no relocated households …), as opposed to no data

    def text(self) -> str:
        if self.not_applicable:
            return f"不适用：{self.reason}"
        since = f"（自 {self.since:%Y-%m-%d} 起）" if self.since else ""
        return f"暂无数据{since}：{self.reason}"


@dataclass
class FigureData:
    """Additive components keyed by region code (village codes, or any level for region-level records)."""

    by_code: dict[str, dict[str, Decimal | int]]
    data_date: dt.date | None
    basis: str
    missing: Missing | None = None
    target: Target | None = None          # overrides the definition's target (e.g. a per-year parameter)
    extra: dict = field(default_factory=dict)

    def total(self, prefix: str | None) -> dict[str, Decimal | int]:
        out: dict[str, Decimal | int] = {}
        for code, comps in self.by_code.items():
            if prefix and not code.startswith(prefix):
                continue
            for k, v in comps.items():
                out[k] = out.get(k, 0) + (v or 0)
        return out


@dataclass
class DrillRow:
    household_no: str
    head_name: str
    region_code: str
    person_name: str = ""
    id_number: str = ""
    detail: str = ""
    household_id: int | None = None


@dataclass
class Drill:
    """The records behind a number: a queryset (paginated by the page) and how to turn one into a row."""

    queryset: QuerySet
    row: Callable[[object], DrillRow]
    title: str


@dataclass(frozen=True)
class Figure:
    code: str
    title: str
    indicator: str                       # code of the 2025 indicator it informs
    formula: str
    unit: str                            # "%" ratio, "户"/"人" count, "元" money
    target: Target
    compute: Callable[[EvalContext], FigureData]
    value: Callable[[dict], Decimal | None]
    numerator: str                       # component shown as 分子 / count
    denominator: str = ""                # component shown as 分母
    drill: Callable[[EvalContext, str], Drill] | None = None
    needs: str = "户籍台账"
    lower_is_better: bool = False


@dataclass
class EvalContext:
    prefix: str | None                   # the scope computed in one pass (a county's prefix, usually)
    today: dt.date
    _cache: dict = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.today.year, 1, 1)

    def data(self, figure: Figure) -> FigureData:
        if figure.code not in self._cache:
            self._cache[figure.code] = figure.compute(self)
        return self._cache[figure.code]

    def memo(self, key: str, fn: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    # Shared facts --------------------------------------------------------------------------------------

    def registry_date(self) -> dt.date | None:
        """When the registry in scope last changed: the data date of registry-based figures."""
        def compute():
            dates = [
                Household.objects.filter(in_scope_q("region_code", self.prefix)).aggregate(d=Max("updated_at"))["d"],
                Person.objects.filter(in_scope_q("region_code", self.prefix)).aggregate(d=Max("updated_at"))["d"],
                IncomeAccount.objects.filter(in_scope_q("household__region_code", self.prefix))
                .aggregate(d=Max("updated_at"))["d"],
            ]
            dates = [d for d in dates if d is not None]
            return timezone.localdate(max(dates)) if dates else None
        return self.memo("registry_date", compute)

    def income_year(self) -> int | None:
        """The latest income year recorded for 脱贫户 in scope: every region compares the same year."""
        return self.memo("income_year", lambda: IncomeAccount.objects.filter(
            in_scope_q("household__region_code", self.prefix), household__household_type=HouseholdType.LIFTED,
        ).aggregate(y=Max("year"))["y"])

    def low_income_line(self) -> Decimal:
        return self.memo("low_income_line", low_income_line)


# --- helpers -------------------------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_q(field_name: str, today: dt.date, low: int, high: int) -> Q:
    """Whole-year age at `today` between low and high inclusive, as a range on the birth date."""
    return Q(**{f"{field_name}__lte": years_before(today, low), f"{field_name}__gt": years_before(today, high + 1)})


def ratio(num, den) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def grouped(qs: QuerySet, key: str, **aggregates) -> dict[str, dict]:
    return {row.pop(key): row for row in qs.values(key).annotate(**aggregates).order_by(key)}


def household_row(h: dict, detail: str = "") -> DrillRow:
    return DrillRow(household_no=h["household_no"], head_name=h["head_name"], region_code=h["region_code"],
                    detail=detail or h.get("detail", ""), household_id=h["id"])


def person_row(detail_fn: Callable[[dict], str]):
    def row(p: dict) -> DrillRow:
        return DrillRow(household_no=p["household__household_no"], head_name=p["household__head_name"],
                        region_code=p["region_code"], person_name=p["name"], id_number=p["id_number"],
                        detail=detail_fn(p), household_id=p["household_id"])
    return row


PERSON_VALUES = ("id", "name", "id_number", "region_code", "household_id", "household__household_no",
                 "household__head_name")
HOUSEHOLD_VALUES = ("id", "household_no", "head_name", "region_code")


def findings_drill(ctx: EvalContext, prefix: str, rules: tuple[str, ...], title: str) -> Drill | None:
    run = inputs.latest_run_with(rules[0], prefix=ctx.prefix, as_of=ctx.today)
    if run is None:
        return None
    qs = inputs.findings(run, rules, prefix)
    heads = {}

    def row(f: dict) -> DrillRow:
        if not heads:
            heads.update(dict(Household.objects.filter(in_scope_q("region_code", prefix))
                              .values_list("household_no", "head_name")))
        return DrillRow(household_no=f["household_no"], head_name=heads.get(f["household_no"], ""),
                        region_code=f["region_code"] or "", id_number=f.get("id_number") or "",
                        detail=f.get("detail") or f["rule"])
    return Drill(queryset=qs.values("household_no", "id_number", "region_code", "detail", "rule")
                 .order_by("region_code", "household_no"), row=row, title=title)


def _param_values():
    from gonggu.rules.params import ParamValues

    return ParamValues.load()


def inputs_param(name: str, year: int) -> Decimal | None:
    """A per-year rule parameter (e.g. rural_income_growth of the income year), or None when not set."""
    return _param_values().yearly(name, year)


LOW_INCOME_LINE = "low_income_line"


def low_income_line() -> Decimal:
    """The 收入较低 line: the rule parameter registered in rule_defs.py (default 10000 yuan)."""
    value = _param_values().scalar(LOW_INCOME_LINE)
    return value if value is not None else Decimal("10000")


def count_of(key: str) -> Callable[[dict], Decimal | None]:
    return lambda c: Decimal(c.get(key) or 0)


def share_of(num: str, den: str) -> Callable[[dict], Decimal | None]:
    return lambda c: ratio(c.get(num) or 0, c.get(den))

