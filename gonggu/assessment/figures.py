"""Self-evaluation figures (自评测算项): each is a small definition registered in FIGURES.

A figure computes additive components per region code in one set-based query
(GROUP BY the village code column), so a county, each township and each
village get their numbers from the same pass by summing codes under a prefix.
Each figure states its formula, its target with the seed passage, the date of
the data it used, and lists the households behind its number (drill-down).
Missing data is never a zero: the figure reports "暂无数据（自…起）" with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, FilteredRelation, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType, LabourAbility, PersonStatus, SchoolStatus
from gonggu.registry.models import Household, IncomeAccount, Person
from gonggu.rules.words import rule_title

from . import inputs

KEY_TYPES = (HouseholdType.LIFTED, HouseholdType.MONITORED)
LABOUR = (LabourAbility.ORDINARY, LabourAbility.SKILLED)
NOT_STUDENT = ("", SchoolStatus.NOT_STUDENT, SchoolStatus.DROPOUT)
ZERO = Decimal(0)


# --- definitions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    op: str                 # ">=", "<=", "==" or "" (重点关注: shown, not judged)
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


def _household_row(h: dict, detail: str = "") -> DrillRow:
    return DrillRow(household_no=h["household_no"], head_name=h["head_name"], region_code=h["region_code"],
                    detail=detail or h.get("detail", ""), household_id=h["id"])


def _person_row(detail_fn: Callable[[dict], str]):
    def row(p: dict) -> DrillRow:
        return DrillRow(household_no=p["household__household_no"], head_name=p["household__head_name"],
                        region_code=p["region_code"], person_name=p["name"], id_number=p["id_number"],
                        detail=detail_fn(p), household_id=p["household_id"])
    return row


PERSON_VALUES = ("id", "name", "id_number", "region_code", "household_id", "household__household_no",
                 "household__head_name")
HOUSEHOLD_VALUES = ("id", "household_no", "head_name", "region_code")


def _findings_drill(ctx: EvalContext, prefix: str, rules: tuple[str, ...], title: str) -> Drill | None:
    run = inputs.latest_run_with(rules[0], prefix=ctx.prefix, as_of=ctx.today)
    if run is None:
        return None
    qs = inputs.findings(run, rules, prefix)
    if qs is None:
        return None
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


# --- registry and department-data figures --------------------------------------------------------------


def _alive(qs: QuerySet) -> QuerySet:
    """Active persons: 在册 in the registry and not deregistered as dead by the latest 公安 list."""
    qs = qs.filter(status=PersonStatus.ACTIVE)
    ga = inputs.latest_fact("ga_deregistration", OuterRef("id_number"), "status")
    if ga is not None:
        qs = qs.annotate(ga_status=ga).filter(Q(ga_status__isnull=True) | ~Q(ga_status="死亡"))
    return qs


def _key_persons(prefix):
    return _alive(Person.objects.filter(in_scope_q("region_code", prefix), household__household_type__in=KEY_TYPES))


def _enrolment(prefix):
    """Persons of key households with their enrolment status: the latest 医保 list, else the registry's answer."""
    qs = _key_persons(prefix)
    yb = inputs.latest_fact("yb_enrolment", OuterRef("id_number"), "status")
    if yb is None:
        return (qs, Q(medical_insured=True), Q(medical_insured=False), Q(medical_insured__isnull=True))
    qs = qs.annotate(yb_status=yb)
    return (qs,
            Q(yb_status__in=("已参保", "异地参保")) | Q(yb_status__isnull=True, medical_insured=True),
            Q(yb_status__in=("未参保", "中断")) | Q(yb_status__isnull=True, medical_insured=False),
            Q(yb_status__isnull=True, medical_insured__isnull=True))


def compute_med(ctx: EvalContext) -> FigureData:
    qs, insured, uninsured, unknown = _enrolment(ctx.prefix)
    rows = grouped(qs, "region_code", persons=Count("id"), insured=Count("id", filter=insured),
                   uninsured=Count("id", filter=uninsured), unknown=Count("id", filter=unknown))
    yb_date = inputs.dept_source_date("yb_enrolment")
    basis = "户籍台账“是否参加基本医疗保险”"
    if yb_date:
        basis = f"医保部门参保名单（截至 {yb_date:%Y-%m-%d}），名单中没有的人按户籍台账"
    data = FigureData(rows, max([d for d in (yb_date, ctx.registry_date()) if d], default=None), basis)
    total = data.total(None)
    if not total.get("persons"):
        data.missing = Missing(ctx.year_start, "本区域户籍台账中没有脱贫人口和监测对象")
    elif not (total.get("insured", 0) + total.get("uninsured", 0)):
        data.missing = Missing(ctx.year_start, "户籍台账未填写参保情况，也未导入医保参保名单")
    return data


def drill_med(ctx: EvalContext, prefix: str) -> Drill:
    qs, _insured, uninsured, unknown = _enrolment(prefix)
    fields = [*PERSON_VALUES, "medical_insured"] + (["yb_status"] if "yb_status" in qs.query.annotations else [])
    qs = qs.filter(uninsured | unknown).values(*fields).order_by("region_code", "household__household_no", "id")

    def detail(p):
        if p.get("yb_status"):
            return f"医保名单：{p['yb_status']}"
        return "户籍台账：未参保" if p["medical_insured"] is False else "参保情况不详（台账未填，医保名单中也没有）"
    return Drill(qs, _person_row(detail), "未参保或参保情况不详的脱贫人口、监测对象")


def _children(prefix, today):
    qs = _alive(Person.objects.filter(in_scope_q("region_code", prefix)).filter(age_q("birth_date", today, 6, 15)))
    jy = inputs.latest_fact("jy_student", OuterRef("id_number"), "status")
    if jy is None:
        return qs, Q(school_status=SchoolStatus.DROPOUT), ~Q(school_status="")
    qs = qs.annotate(jy_status=jy)
    return (qs, Q(school_status=SchoolStatus.DROPOUT) | Q(jy_status__in=("辍学", "疑似辍学")),
            ~Q(school_status="") | Q(jy_status__isnull=False))


def compute_dropout(ctx: EvalContext) -> FigureData:
    qs, dropout, known = _children(ctx.prefix, ctx.today)
    rows = grouped(qs, "region_code", children=Count("id"), known=Count("id", filter=known),
                   dropouts=Count("id", filter=dropout))
    jy_date = inputs.dept_source_date("jy_student")
    basis = "户籍台账“在校情况”" + (f"；教育部门学籍名单（截至 {jy_date:%Y-%m-%d}）" if jy_date else "")
    data = FigureData(rows, max([d for d in (jy_date, ctx.registry_date()) if d], default=None), basis)
    if not data.total(None).get("known"):
        data.missing = Missing(ctx.year_start, "户籍台账未填写 6–15 周岁儿童的在校情况，也未导入教育部门学籍名单")
    return data


def drill_dropout(ctx: EvalContext, prefix: str) -> Drill:
    qs, dropout, _known = _children(prefix, ctx.today)
    fields = [*PERSON_VALUES, "school_status"] + (["jy_status"] if "jy_status" in qs.query.annotations else [])
    qs = qs.filter(dropout).values(*fields).order_by("region_code", "household__household_no")

    def detail(p):
        parts = []
        if p["school_status"] == SchoolStatus.DROPOUT:
            parts.append("户籍台账：辍学")
        if p.get("jy_status") in ("辍学", "疑似辍学"):
            parts.append(f"教育部门：{p['jy_status']}")
        return "；".join(parts)
    return Drill(qs, _person_row(detail), "6–15 周岁失学辍学人员")


def _housing(prefix):
    grade = inputs.latest_household_fact("zj_housing", "grade")
    if grade is None:
        return None
    return Household.objects.filter(in_scope_q("region_code", prefix)).annotate(house_grade=grade)


def compute_house_unsafe(ctx: EvalContext) -> FigureData:
    source_date = inputs.dept_source_date("zj_housing")
    qs = _housing(ctx.prefix)
    if qs is None or source_date is None:
        return FigureData({}, None, "住建部门农房安全鉴定名单",
                          missing=Missing(ctx.year_start, "尚未导入住建部门农房安全鉴定名单"))
    rows = grouped(qs.filter(house_grade__in=("C", "D")), "region_code", households=Count("id"),
                   grade_c=Count("id", filter=Q(house_grade="C")), grade_d=Count("id", filter=Q(house_grade="D")))
    return FigureData(rows, source_date, f"住建部门农房安全鉴定名单（截至 {source_date:%Y-%m-%d}），每户取最新鉴定等级")


def drill_house_unsafe(ctx: EvalContext, prefix: str) -> Drill | None:
    qs = _housing(prefix)
    if qs is None:
        return None
    qs = (qs.filter(house_grade__in=("C", "D")).values(*HOUSEHOLD_VALUES, "house_grade")
          .order_by("-house_grade", "region_code", "household_no"))
    return Drill(qs, lambda h: _household_row(h, f"住房鉴定为 {h['house_grade']} 级"), "C级、D级危房户")


def _labour_member(today: dt.date):
    return Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.ACTIVE, labour_ability__in=LABOUR,
                                 school_status__in=NOT_STUDENT).filter(age_q("birth_date", today, 16, 59))


def _employed_member():
    """A member who works: 务工月数 ≥ 1 in the registry, or 已就业 in the latest 人社 list."""
    members = Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.ACTIVE)
    rs = inputs.latest_fact("rs_employment", OuterRef("id_number"), "status")
    if rs is None:
        return members.filter(work_months__gte=1)
    return members.annotate(rs_status=rs).filter(Q(work_months__gte=1) | Q(rs_status="已就业"))


def _labour_households(prefix, today, types=KEY_TYPES):
    return (Household.objects.filter(in_scope_q("region_code", prefix), household_type__in=types)
            .annotate(has_labour=Exists(_labour_member(today)), has_job=Exists(_employed_member()))
            .filter(has_labour=True))


def compute_zero_employment(ctx: EvalContext) -> FigureData:
    labour = _labour_households(ctx.prefix, ctx.today)
    rows = grouped(labour, "region_code", households=Count("id"), zero=Count("id", filter=Q(has_job=False)))
    rs_date = inputs.dept_source_date("rs_employment")
    basis = "户籍台账“劳动能力”“务工月数”" + (f"；人社部门就业名单（截至 {rs_date:%Y-%m-%d}）" if rs_date else "")
    data = FigureData(rows, max([d for d in (rs_date, ctx.registry_date()) if d], default=None), basis)
    if not rows:
        data.missing = Missing(None, "本区域没有有劳动力的脱贫户、监测户", not_applicable=True)
    return data


def drill_zero_employment(ctx: EvalContext, prefix: str) -> Drill:
    qs = (_labour_households(prefix, ctx.today).filter(has_job=False).values(*HOUSEHOLD_VALUES)
          .order_by("region_code", "household_no"))
    return Drill(qs, lambda h: _household_row(h, "有劳动力成员，但无人务工（务工月数为 0 或未填，人社名单无已就业）"),
                 "零就业家庭")


def compute_relocated(ctx: EvalContext) -> FigureData:
    labour = _labour_households(ctx.prefix, ctx.today).filter(relocated=True)
    rows = grouped(labour, "region_code", households=Count("id"), employed=Count("id", filter=Q(has_job=True)))
    data = FigureData(rows, ctx.registry_date(), "户籍台账“是否易地搬迁”“劳动能力”“务工月数”")
    if not rows:
        data.missing = Missing(None, "本区域没有有劳动力的易地搬迁脱贫户、监测户", not_applicable=True)
    return data


def drill_relocated(ctx: EvalContext, prefix: str) -> Drill:
    qs = (_labour_households(prefix, ctx.today).filter(relocated=True, has_job=False).values(*HOUSEHOLD_VALUES)
          .order_by("region_code", "household_no"))
    return Drill(qs, lambda h: _household_row(h, "易地搬迁户有劳动力但无人务工"), "无人就业的易地搬迁户")


# Income figures: 脱贫户 income accounts of the latest year Y and of Y−1.

def _lifted_incomes(prefix, year: int):
    return IncomeAccount.objects.filter(in_scope_q("household__region_code", prefix), year=year,
                                        household__household_type=HouseholdType.LIFTED)


def _both_years(prefix, year: int):
    """脱贫户 with an income account for Y and for Y−1 (like-for-like comparison)."""
    return (Household.objects.filter(in_scope_q("region_code", prefix), household_type=HouseholdType.LIFTED)
            .annotate(cur=FilteredRelation("incomes", condition=Q(incomes__year=year)),
                      prv=FilteredRelation("incomes", condition=Q(incomes__year=year - 1)))
            .filter(cur__isnull=False, prv__isnull=False))


def _no_income(ctx: EvalContext, data: FigureData) -> FigureData:
    data.missing = Missing(ctx.year_start, "户籍台账中没有脱贫户的收入数据")
    return data


def compute_income_growth(ctx: EvalContext) -> FigureData:
    year = ctx.income_year()
    if year is None:
        return _no_income(ctx, FigureData({}, None, "户籍台账收入账户"))
    rows = grouped(_both_years(ctx.prefix, year), "region_code", households=Count("id"),
                   net=Sum("cur__net_income"), size=Sum("cur__household_size"),
                   net_prev=Sum("prv__net_income"), size_prev=Sum("prv__household_size"))
    data = FigureData(rows, ctx.registry_date(), f"户籍台账收入账户（{year} 年与 {year - 1} 年均有记录的脱贫户）",
                      extra={"year": year})
    if not rows:
        data.missing = Missing(dt.date(year - 1, 1, 1), f"脱贫户缺少 {year - 1} 年收入数据，无法计算增长")
    growth = inputs_param("rural_income_growth", year)
    if growth is not None:
        data.target = Target(">=", growth, f"≥ {growth * 100:.1f}%（本省农村居民收入增速，参数“农村居民人均可支配收入增幅”{year} 年）",
                             FIG_INCOME_SOURCE, FIG_INCOME_QUOTE)
    return data


def value_income_growth(c: dict) -> Decimal | None:
    if not c.get("size") or not c.get("size_prev") or not c.get("net_prev"):
        return None
    cur = Decimal(c["net"]) / Decimal(c["size"])
    prev = Decimal(c["net_prev"]) / Decimal(c["size_prev"])
    if prev <= 0:
        return None
    return (cur / prev - 1).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def compute_income_drop(ctx: EvalContext) -> FigureData:
    year = ctx.income_year()
    if year is None:
        return _no_income(ctx, FigureData({}, None, "户籍台账收入账户"))
    rows = grouped(_both_years(ctx.prefix, year), "region_code", households=Count("id"),
                   dropped=Count("id", filter=Q(cur__per_capita__lt=F("prv__per_capita"))))
    data = FigureData(rows, ctx.registry_date(), f"户籍台账收入账户（{year} 年比 {year - 1} 年）", extra={"year": year})
    if not rows:
        data.missing = Missing(dt.date(year - 1, 1, 1), f"脱贫户缺少 {year - 1} 年收入数据，无法比较")
    return data


def drill_income_drop(ctx: EvalContext, prefix: str) -> Drill:
    year = ctx.income_year() or ctx.year
    qs = (_both_years(prefix, year).filter(cur__per_capita__lt=F("prv__per_capita"))
          .values(*HOUSEHOLD_VALUES, pc=F("cur__per_capita"), pc_prev=F("prv__per_capita"))
          .order_by("region_code", "household_no"))
    return Drill(qs, lambda h: _household_row(
        h, f"人均纯收入 {year - 1} 年 {h['pc_prev']} 元 → {year} 年 {h['pc']} 元"), "收入同比下降的脱贫户")


def drill_income_growth(ctx: EvalContext, prefix: str) -> Drill:
    drill = drill_income_drop(ctx, prefix)
    drill.title = "人均纯收入下降、拉低增速的脱贫户"
    return drill


def compute_income_low(ctx: EvalContext) -> FigureData:
    year = ctx.income_year()
    if year is None:
        return _no_income(ctx, FigureData({}, None, "户籍台账收入账户"))
    line = ctx.low_income_line()
    rows = grouped(_lifted_incomes(ctx.prefix, year), "household__region_code", households=Count("id"),
                   low=Count("id", filter=Q(per_capita__lt=line)))
    return FigureData(rows, ctx.registry_date(), f"户籍台账收入账户（{year} 年，收入较低标准：人均纯收入低于 {line} 元）",
                      extra={"year": year, "line": line})


def drill_income_low(ctx: EvalContext, prefix: str) -> Drill:
    year = ctx.income_year() or ctx.year
    line = ctx.low_income_line()
    qs = (Household.objects.filter(in_scope_q("region_code", prefix), household_type=HouseholdType.LIFTED)
          .annotate(cur=FilteredRelation("incomes", condition=Q(incomes__year=year)))
          .filter(cur__per_capita__lt=line).values(*HOUSEHOLD_VALUES, pc=F("cur__per_capita"))
          .order_by("region_code", "household_no"))
    return Drill(qs, lambda h: _household_row(h, f"{year} 年人均纯收入 {h['pc']} 元（低于 {line} 元）"), "收入较低的脱贫户")


def compute_income_structure(ctx: EvalContext) -> FigureData:
    year = ctx.income_year()
    if year is None:
        return _no_income(ctx, FigureData({}, None, "户籍台账收入账户"))
    productive = Sum(F("wage") + F("business") - F("business_expense"))
    rows = grouped(_lifted_incomes(ctx.prefix, year), "household__region_code", households=Count("id"),
                   productive=productive, net=Sum("net_income"),
                   without=Count("id", filter=Q(wage__lte=0, business__lte=F("business_expense"))))
    prev = grouped(_lifted_incomes(ctx.prefix, year - 1), "household__region_code", productive_prev=productive,
                   net_prev=Sum("net_income"))
    for code, comps in prev.items():
        rows.setdefault(code, {}).update(comps)
    return FigureData(rows, ctx.registry_date(), f"户籍台账收入账户（{year} 年，对比 {year - 1} 年）", extra={"year": year})


def value_income_structure(c: dict) -> Decimal | None:
    return ratio(c.get("productive") or 0, c.get("net"))


def drill_income_structure(ctx: EvalContext, prefix: str) -> Drill:
    year = ctx.income_year() or ctx.year
    qs = (Household.objects.filter(in_scope_q("region_code", prefix), household_type=HouseholdType.LIFTED)
          .annotate(cur=FilteredRelation("incomes", condition=Q(incomes__year=year)))
          .filter(cur__isnull=False, cur__wage__lte=0, cur__business__lte=F("cur__business_expense"))
          .values(*HOUSEHOLD_VALUES, transfer=F("cur__transfer")).order_by("region_code", "household_no"))
    return Drill(qs, lambda h: _household_row(h, f"{year} 年无工资性和生产经营性净收入（转移性收入 {h['transfer']} 元）"),
                 "没有工资性、生产经营性收入的脱贫户")


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


# --- monitoring figures: compliance findings over monitoring records, and screening warnings ----------


def _cases(ctx: EvalContext, prefix, population: str):
    Case = inputs.case_model()
    open_statuses = inputs.open_case_statuses()
    if Case is None or open_statuses is None:
        return None
    qs = Case.objects.filter(in_scope_q("region_code", prefix))
    if population == "approved":
        return qs.filter(county_approved_on__gte=ctx.year_start, county_approved_on__lte=ctx.today)
    if population == "open":
        return qs.filter(status__in=open_statuses, county_approved_on__lte=ctx.today)
    if population == "open_month":
        return qs.filter(status__in=open_statuses, county_approved_on__lte=ctx.today - dt.timedelta(days=31))
    if population == "eliminated":
        return qs.filter(eliminated_on__gte=ctx.year_start, eliminated_on__lte=ctx.today)
    raise ValueError(population)


POPULATION_LABEL = {
    "approved": "本年县级审批纳入的监测对象",
    "open": "监测帮扶中的监测对象",
    "open_month": "纳入满 31 天、监测帮扶中的监测对象",
    "eliminated": "本年风险消除的监测对象",
}


def compliance_compute(rules: tuple[str, ...], population: str) -> Callable[[EvalContext], FigureData]:
    def compute(ctx: EvalContext) -> FigureData:
        cases = _cases(ctx, ctx.prefix, population)
        if cases is None:
            return FigureData({}, None, "监测帮扶记录", missing=Missing(ctx.year_start, "监测帮扶模块尚未启用"))
        run = inputs.latest_run_with(rules[0], prefix=ctx.prefix, as_of=ctx.today)
        found = inputs.findings(run, rules, None) if run is not None else None
        if found is None:
            return FigureData({}, None, "程序合规规则", missing=Missing(
                ctx.year_start, f"尚未运行程序合规规则 {'、'.join(rules)}（规则库“程序合规”或 gonggu compliance）"))
        failing = Exists(found.filter(household_no=OuterRef("household__household_no"),
                                      region_code=OuterRef("region_code")))
        rows = grouped(cases.annotate(failing=failing), "region_code", cases=Count("id"),
                       failing=Count("id", filter=Q(failing=True)))
        for comps in rows.values():
            comps["ok"] = comps["cases"] - comps["failing"]
        data = FigureData(rows, run.as_of, f"监测帮扶记录，程序合规规则{'、'.join(f'“{rule_title(r)}”' for r in rules)}（{run.as_of:%Y-%m-%d} 运行）")
        if not rows:
            data.missing = Missing(None, f"本区域没有{POPULATION_LABEL[population]}", not_applicable=True)
        return data
    return compute


def compliance_drill(rules: tuple[str, ...], population: str, title: str):
    def drill(ctx: EvalContext, prefix: str) -> Drill | None:
        cases = _cases(ctx, prefix, population)
        result = _findings_drill(ctx, prefix, rules, title)
        if result is None or cases is None:
            return result
        result.queryset = result.queryset.filter(household_no__in=cases.values("household__household_no"))
        return result
    return drill


def _compliance_figure(*, code: str, title: str, indicator: str, formula: str, target: Target,
                       rules: tuple[str, ...], population: str, drill_title: str) -> Figure:
    """A share of monitoring cases with no finding of the given compliance rules (counted and drilled alike)."""
    return Figure(code=code, title=title, indicator=indicator, formula=formula, unit="%", target=target,
                  compute=compliance_compute(rules, population), value=_share("ok", "cases"), numerator="ok",
                  denominator="cases", drill=compliance_drill(rules, population, drill_title),
                  needs="监测帮扶记录、程序合规规则")


def compute_warnings(ctx: EvalContext) -> FigureData:
    Warning = inputs.warning_model()
    if Warning is None:
        return FigureData({}, None, "筛查预警", missing=Missing(ctx.year_start, "筛查预警模块尚未启用"))
    verified = inputs.warning_verified_statuses()
    qs = (Warning.objects.filter(in_scope_q("region_code", ctx.prefix), first_raised_on__gte=ctx.year_start)
          .filter(Q(deadline__lt=ctx.today) | Q(status__in=verified)).exclude(status="条件已消失"))
    on_time = Q(status__in=verified, ended_on__lte=F("deadline"))
    rows = grouped(qs, "region_code", due=Count("id"), on_time=Count("id", filter=on_time),
                   late=Count("id", filter=Q(status__in=verified, ended_on__gt=F("deadline"))),
                   overdue=Count("id", filter=~Q(status__in=verified)))
    Run = inputs.model("screening", "ScreeningRun")
    last = Run.objects.order_by("-as_of").values_list("as_of", flat=True).first() if Run is not None else None
    data = FigureData(rows, last, "筛查预警及村级核实记录（核实时限：红色 3 天、橙色 7 天、黄色 15 天，可在筛查设置中调整）")
    if last is None and not rows:
        data.missing = Missing(ctx.year_start, "尚未运行部门筛查预警")
    elif not rows:
        data.missing = Missing(None, "本年没有到期的筛查预警", not_applicable=True)
    return data


def drill_warnings(ctx: EvalContext, prefix: str) -> Drill | None:
    Warning = inputs.warning_model()
    if Warning is None:
        return None
    verified = inputs.warning_verified_statuses()
    qs = (Warning.objects.filter(in_scope_q("region_code", prefix), first_raised_on__gte=ctx.year_start)
          .filter(Q(deadline__lt=ctx.today, status="待核实") | Q(status__in=verified, ended_on__gt=F("deadline")))
          .values("id", "rule", "region_code", "household_id", "household__household_no", "household__head_name",
                  "id_number", "deadline", "status", "ended_on").order_by("deadline", "id"))

    def row(w):
        when = f"{w['ended_on']:%Y-%m-%d} 才核实" if w["ended_on"] else "仍未核实"
        return DrillRow(household_no=w["household__household_no"], head_name=w["household__head_name"],
                        region_code=w["region_code"], id_number=w["id_number"] or "",
                        detail=f"{w['rule']}：核实期限 {w['deadline']:%Y-%m-%d}，{when}", household_id=w["household_id"])
    return Drill(qs, row, "逾期核实或仍未核实的筛查预警")


# --- rectification (this app) -------------------------------------------------------------------------


def compute_rectification(ctx: EvalContext) -> FigureData:
    from .models import Problem
    from .workflow import ProblemStatus

    due = Problem.objects.filter(in_scope_q("region_code", ctx.prefix), deadline__lte=ctx.today)
    rows = grouped(due, "region_code", due=Count("id"),
                   done=Count("id", filter=Q(status__in=(ProblemStatus.RECTIFIED, ProblemStatus.VERIFIED))))
    last = Problem.objects.filter(in_scope_q("region_code", ctx.prefix)).aggregate(d=Max("updated_at"))["d"]
    data = FigureData(rows, timezone.localdate(last) if last else None, "问题整改台账")
    if not rows:
        data.missing = Missing(None, "没有已到整改时限的问题", not_applicable=True)
    return data


def drill_rectification(ctx: EvalContext, prefix: str) -> Drill:
    from .models import Problem
    from .workflow import OPEN_STATUSES

    qs = (Problem.objects.filter(in_scope_q("region_code", prefix), deadline__lte=ctx.today, status__in=OPEN_STATUSES)
          .values("id", "title", "owner_unit", "region_code", "deadline", "status").order_by("deadline"))
    return Drill(qs, lambda p: DrillRow(household_no="", head_name="", region_code=p["region_code"],
                                        detail=f"{p['title']}（{p['owner_unit']}，时限 {p['deadline']:%Y-%m-%d}，{p['status']}）",
                                        household_id=None), "逾期未整改到位的问题")


# --- the list ------------------------------------------------------------------------------------------

FIG_INCOME_SOURCE = "002 附件2 指标11；001 第四部分 1；000 成效巩固方面 1"
FIG_INCOME_QUOTE = ("2025 年脱贫地区农村居民人均可支配收入增速是否不低于本省和全国农村居民平均增速（002）；"
                    "实现脱贫地区农村居民收入增速高于全国和全省平均水平（000、001）")
WATCH_INCOME = Target("", None, "重点关注（种子文件未设数值目标）", "001 第四部分 1①②；000 成效巩固方面 1①②",
                      "重点关注①收入较低脱贫人口和收入同比下降脱贫人口“两类群体”……②脱贫人口工资性收入、生产经营性收入在人均纯收入中的占比情况")


def _count(key: str) -> Callable[[dict], Decimal | None]:
    return lambda c: Decimal(c.get(key) or 0)


def _share(num: str, den: str) -> Callable[[dict], Decimal | None]:
    return lambda c: ratio(c.get(num) or 0, c.get(den))


REGISTERED: list[Figure] = [
    Figure(
        code="MED-ENROLMENT", title="脱贫人口和监测对象基本医保参保率", indicator="2",
        formula="已参保人数 ÷ 脱贫户、监测户在册人员数（参保情况不详的计为未参保）",
        unit="%", target=Target(">=", Decimal("0.99"), "≥ 99%", "000 成效巩固方面 3；001 第四部分 3",
                                "脱贫人口、监测对象基本医保参保率稳定在99%以上"),
        compute=compute_med, value=_share("insured", "persons"), numerator="insured", denominator="persons",
        drill=drill_med),
    Figure(
        code="EDU-DROPOUT", title="义务教育阶段失学辍学人数", indicator="2",
        formula="6–15 周岁在册人员中，户籍台账在校情况为“辍学”或教育部门数据为辍学、疑似辍学的人数",
        unit="人", target=Target("==", ZERO, "动态清零（0 人）", "000 成效巩固方面 2；001 第四部分 2",
                                "义务教育阶段适龄儿童少年失学辍学动态清零"),
        compute=compute_dropout, value=_count("dropouts"), numerator="dropouts", denominator="children",
        drill=drill_dropout, lower_is_better=True),
    Figure(
        code="HOUSE-UNSAFE", title="住房鉴定为C级、D级危房的农户", indicator="2",
        formula="住建部门最新鉴定等级为 C 或 D 的农户数（规则 HOUSE-UNSAFE；已搬离的须在住建数据中更新）",
        unit="户", target=Target("==", ZERO, "动态清零（0 户）", "000 成效巩固方面 4；001 第四部分 4",
                                "完成危房改造年度目标任务，住房安全问题实现动态清零"),
        compute=compute_house_unsafe, value=_count("households"), numerator="households",
        drill=drill_house_unsafe, needs="住建数据、筛查规则", lower_is_better=True),
    Figure(
        code="ZERO-EMPLOYMENT", title="零就业家庭（脱贫户、监测户）", indicator="4",
        formula="有 16–59 周岁普通或技能劳动力（非在校生）、但没有成员务工（务工月数≥1 或人社数据已就业）的脱贫户、监测户数",
        unit="户", target=Target("==", ZERO, "动态清零（0 户）", "004 “零就业”家庭动态清零；002 附件1 任务6",
                                "“零就业”家庭动态清零"),
        compute=compute_zero_employment, value=_count("zero"), numerator="zero", denominator="households",
        drill=drill_zero_employment, lower_is_better=True),
    Figure(
        code="RELOC-EMPLOYMENT", title="有劳动力的易地搬迁户 1 户 1 人以上就业率", indicator="5",
        formula="有成员务工的易地搬迁脱贫户、监测户 ÷ 有劳动力的易地搬迁脱贫户、监测户",
        unit="%", target=Target(">=", Decimal(1), "基本实现 1 户 1 人以上就业（100%）", "002 附件2 指标5；附件1 任务7",
                                "有劳动力且有就业意愿的搬迁脱贫户基本实现 1 户 1 人以上就业"),
        compute=compute_relocated, value=_share("employed", "households"), numerator="employed",
        denominator="households", drill=drill_relocated),
    Figure(
        code="INCOME-GROWTH", title="脱贫人口人均纯收入增长", indicator="11",
        formula="（本年脱贫户纯收入合计 ÷ 本年人口）÷（上年纯收入合计 ÷ 上年人口）− 1，只计两年都有收入记录的脱贫户",
        unit="%", target=Target("", None, "不低于本省和全国农村居民收入增速（需设置参数“农村居民人均可支配收入增幅”）",
                                FIG_INCOME_SOURCE, FIG_INCOME_QUOTE),
        compute=compute_income_growth, value=value_income_growth, numerator="households",
        drill=drill_income_growth),
    Figure(
        code="INCOME-LOW", title="收入较低的脱贫户", indicator="11",
        formula="最新收入年度人均纯收入低于“收入较低”标准（规则参数“收入较低脱贫户标准”，默认 10000 元）的脱贫户数",
        unit="户", target=WATCH_INCOME, compute=compute_income_low, value=_count("low"), numerator="low",
        denominator="households", drill=drill_income_low, lower_is_better=True),
    Figure(
        code="INCOME-DROP", title="收入同比下降的脱贫户", indicator="11",
        formula="最新收入年度人均纯收入低于上年的脱贫户数（两年都有收入记录的脱贫户）",
        unit="户", target=WATCH_INCOME, compute=compute_income_drop, value=_count("dropped"), numerator="dropped",
        denominator="households", drill=drill_income_drop, lower_is_better=True),
    Figure(
        code="INCOME-STRUCTURE", title="工资性、生产经营性收入占人均纯收入比重", indicator="11",
        formula="（工资性收入 + 生产经营性收入 − 生产经营性支出）÷ 纯收入，脱贫户合计",
        unit="%", target=WATCH_INCOME, compute=compute_income_structure, value=value_income_structure,
        numerator="productive", denominator="net", drill=drill_income_structure),
    Figure(
        code="MON-WARNING-VERIFIED", title="部门筛查预警按时核实率", indicator="7",
        formula="在核实期限内办结的预警 ÷ 本年已到核实期限或已办结的预警（条件已消失的不计）",
        unit="%", target=Target(">=", Decimal(1), "到期预警全部按时核实（100%）", "004 任务2；002 附件2 指标7",
                                "发现返贫致贫风险户，及时反馈至镇村，开展村级研判后，符合条件的纳入监测台账"),
        compute=compute_warnings, value=_share("on_time", "due"), numerator="on_time", denominator="due",
        drill=drill_warnings, needs="筛查预警"),
    _compliance_figure(
        code="MON-IDENTIFY-15D", title="15 天内完成识别认定的比例", indicator="7",
        formula="本年纳入的监测对象中，没有 C-IDENTIFY-15D（发现至县级审批超过 15 天）发现的比例",
        target=Target(">=", Decimal(1), "一般不超过 15 天（100%）", "001 第三部分 一(二)2④、(三)4②",
                                "从发现风险线索之日起，到完成监测对象识别认定，一般不超过15天"),
        rules=("C-IDENTIFY-15D",), population="approved", drill_title="识别认定超过 15 天的监测对象"),
    _compliance_figure(
        code="MON-PLAN-10D", title="10 天内制定帮扶计划的比例", indicator="7",
        formula="本年纳入的监测对象中，没有 C-PLAN-10D（县级审批后超过 10 天才制定帮扶计划）发现的比例",
        target=Target(">=", Decimal(1), "县级批准后 10 天内（100%）", "001 第三部分 一(二)3①",
                                "县级审核批准后10天内，明确一名国家公职人员作为帮扶责任人，并根据返贫致贫风险，完成帮扶计划制定和帮扶措施申报工作"),
        rules=("C-PLAN-10D",), population="approved", drill_title="超过 10 天未制定帮扶计划的监测对象"),
    _compliance_figure(
        code="MON-DEV-MEASURE", title="有劳动力监测户落实开发式帮扶措施的比例", indicator="7",
        formula="监测帮扶中的监测对象中，没有 C-DEV-MEASURE（有劳动力但无在实施的开发式措施）发现的比例",
        target=Target(">=", Decimal(1), "至少一项开发式帮扶措施（100%）", "001 第三部分 一(二)3②",
                                "对有劳动能力、有意愿的监测户，至少落实一项产业就业等开发式帮扶措施"),
        rules=("C-DEV-MEASURE",), population="open", drill_title="缺少开发式帮扶措施的监测户"),
    _compliance_figure(
        code="MON-MEASURE-MATCH", title="帮扶措施与风险类型匹配的比例", indicator="7",
        formula="监测帮扶中的监测对象中，没有 C-MEASURE-MATCH（因病、因学、住房、饮水风险缺对应措施）发现的比例",
        target=Target(">=", Decimal(1), "措施与风险相匹配（100%）", "001 第三部分 一(三)3",
                                "对因病纳入的，没有按规定落实相应帮扶措施（关注问题）"),
        rules=("C-MEASURE-MATCH",), population="open", drill_title="措施与风险类型不匹配的监测户"),
    _compliance_figure(
        code="MON-VISIT-MONTHLY", title="每月入户走访的比例", indicator="7",
        formula="纳入满 31 天、监测帮扶中的监测对象中，没有 C-VISIT-MONTHLY（近 31 天无走访）发现的比例",
        target=Target(">=", Decimal(1), "每月入户（100%）", "004 任务3",
                                "帮扶联系人每月入户跟踪帮扶措施落实"),
        rules=("C-VISIT-MONTHLY",), population="open_month", drill_title="近 31 天没有走访的监测户"),
    _compliance_figure(
        code="ELIM-QUALITY", title="风险消除质量（满 3 个月且收入超过监测范围）", indicator="7",
        formula="本年风险消除的监测对象中，没有 C-ELIM-3M（不满 3 个月）和 C-ELIM-INCOME（收入低于当年监测范围）发现的比例",
        target=Target(">=", Decimal(1), "全部符合（100%）", "004 任务4；001 第三部分 一(二)4①",
                                "保证重点监测户从识别帮扶至退出的时间不少于3个月（004）；收入稳定超过当年监测范围（001）"),
        rules=("C-ELIM-3M", "C-ELIM-INCOME"), population="eliminated", drill_title="风险消除不满 3 个月或收入未超过监测范围的"),
    Figure(
        code="RECT-DONE", title="到期问题整改完成率", indicator="9",
        formula="已整改或已核实的问题 ÷ 整改时限已到的问题（问题整改台账）",
        unit="%", target=Target(">=", Decimal(1), "到期问题全部整改到位（100%）", "002 附件2 指标9；通知 5",
                                "对整改不彻底、成效不明显或举一反三不到位的进行“回炉”整改，确保整改工作经得起群众检验"),
        compute=compute_rectification, value=_share("done", "due"), numerator="done", denominator="due",
        drill=drill_rectification, needs="问题整改台账"),
]

FIGURES: dict[str, Figure] = {}


def register_figure(figure: Figure) -> Figure:
    if figure.code in FIGURES and FIGURES[figure.code] is not figure:
        raise ValueError(f"figure {figure.code} registered twice")
    FIGURES[figure.code] = figure
    return figure


for _figure in REGISTERED:
    register_figure(_figure)


# --- evaluation ------------------------------------------------------------------------------------------


@dataclass
class Result:
    figure: Figure
    region_code: str
    components: dict
    value: Decimal | None
    status: str               # pass / fail / watch / nodata / na
    data_date: dt.date | None
    basis: str
    target: Target
    missing: Missing | None = None

    @property
    def numerator(self):
        return self.components.get(self.figure.numerator)

    @property
    def denominator(self):
        return self.components.get(self.figure.denominator) if self.figure.denominator else None

    @property
    def display(self) -> str:
        if self.status in ("nodata", "na"):
            return "不适用" if self.status == "na" else "暂无数据"
        if self.value is None:
            return "—"
        if self.figure.unit == "%":
            return f"{self.value * 100:.2f}%"
        if self.figure.unit == "元":
            return f"{self.value:,.2f} 元"
        return f"{int(self.value)} {self.figure.unit}"

    @property
    def badge(self) -> str:
        return {"pass": "green", "fail": "red", "watch": "amber", "nodata": "grey", "na": "grey"}[self.status]

    @property
    def status_label(self) -> str:
        return {"pass": "达标", "fail": "未达标", "watch": "关注", "nodata": "暂无数据", "na": "不适用"}[self.status]

    def snapshot(self) -> dict:
        """What a rectification problem keeps of the finding it came from."""
        return {"figure": self.figure.code, "title": self.figure.title, "region_code": self.region_code,
                "value": self.display, "target": self.target.text, "formula": self.figure.formula,
                "data_date": self.data_date.isoformat() if self.data_date else None, "basis": self.basis,
                "components": {k: str(v) for k, v in self.components.items()}}


def evaluate(figure: Figure, ctx: EvalContext, region_prefix: str, region_code: str) -> Result:
    data = ctx.data(figure)
    target = data.target or figure.target
    comps = data.total(region_prefix)
    if data.missing is not None:
        status = "na" if data.missing.not_applicable else "nodata"
        # A region-level figure (e.g. rectification) can have data for a township but not for one village.
        return Result(figure, region_code, comps, None, status, data.data_date, data.basis, target, data.missing)
    if figure.denominator and not comps.get(figure.denominator):
        # Nothing to count here (no children, no labour households …): not applicable, never a 0 or 100%.
        return Result(figure, region_code, comps, None, "na", data.data_date, data.basis, target,
                      Missing(None, "本区域没有统计对象", not_applicable=True))
    value = figure.value(comps)
    met = target.met(value)
    status = "watch" if met is None else ("pass" if met else "fail")
    if value is None and met is None and figure.unit == "%":
        status = "nodata"
    return Result(figure, region_code, comps, value, status, data.data_date, data.basis, target)


def evaluate_region(ctx: EvalContext, region_prefix: str, region_code: str,
                    codes: list[str] | None = None) -> list[Result]:
    return [evaluate(FIGURES[c], ctx, region_prefix, region_code) for c in (codes or list(FIGURES))]
