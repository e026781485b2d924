"""Income figures (指标11): 脱贫户 income accounts of the latest year Y and of Y−1."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, FilteredRelation, Q, Sum

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType
from gonggu.registry.models import Household, IncomeAccount
from gonggu.rules.words import param_title

from .base import (
    HOUSEHOLD_VALUES,
    Drill,
    EvalContext,
    Figure,
    FigureData,
    Missing,
    Target,
    count_of,
    grouped,
    household_row,
    inputs_param,
    ratio,
)


def _lifted_incomes(prefix, year: int, household_type: str = HouseholdType.LIFTED):
    return IncomeAccount.objects.filter(in_scope_q("household__region_code", prefix), year=year,
                                        household__household_type=household_type)


def _both_years(prefix, year: int):
    """脱贫户 with an income account for Y and for Y−1 (like-for-like comparison)."""
    return (Household.objects.filter(in_scope_q("region_code", prefix), household_type=HouseholdType.LIFTED)
            .annotate(cur=FilteredRelation("incomes", condition=Q(incomes__year=year)),
                      prv=FilteredRelation("incomes", condition=Q(incomes__year=year - 1)))
            .filter(cur__isnull=False, prv__isnull=False))


def _no_income(ctx: EvalContext, data: FigureData) -> FigureData:
    data.missing = Missing(ctx.year_start, "户籍台账中没有脱贫户的收入数据")
    return data


GROWTH_PARAMS = {
    "rural_income_growth": "本省农村居民人均可支配收入增速",
    "rural_income_growth_national": "全国农村居民人均可支配收入增速",
}


def growth_compute(param: str):
    """The same like-for-like growth, judged against the province's or the nation's rural growth of year Y."""
    def compute(ctx: EvalContext) -> FigureData:
        year = ctx.income_year()
        if year is None:
            return _no_income(ctx, FigureData({}, None, "户籍台账收入账户"))
        rows = ctx.memo(f"growth_rows:{year}", lambda: grouped(
            _both_years(ctx.prefix, year), "region_code", households=Count("id"), net=Sum("cur__net_income"),
            size=Sum("cur__household_size"), net_prev=Sum("prv__net_income"), size_prev=Sum("prv__household_size")))
        data = FigureData({k: dict(v) for k, v in rows.items()}, ctx.registry_date(),
                          f"户籍台账收入账户（{year} 年与 {year - 1} 年均有记录的脱贫户）", extra={"year": year})
        if not rows:
            data.missing = Missing(dt.date(year - 1, 1, 1), f"脱贫户缺少 {year - 1} 年收入数据，无法计算增长")
        growth = inputs_param(param, year)
        if growth is not None:
            data.target = Target(">=", growth, f"≥ {growth * 100:.1f}%（{GROWTH_PARAMS[param]}，参数“{param_title(param)}”{year} 年）",
                                 FIG_INCOME_SOURCE, FIG_INCOME_QUOTE)
        return data
    return compute


compute_income_growth = growth_compute("rural_income_growth")


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
    return Drill(qs, lambda h: household_row(
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
    return Drill(qs, lambda h: household_row(h, f"{year} 年人均纯收入 {h['pc']} 元（低于 {line} 元）"), "收入较低的脱贫户")


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
    return Drill(qs, lambda h: household_row(h, f"{year} 年无工资性和生产经营性净收入（转移性收入 {h['transfer']} 元）"),
                 "没有工资性、生产经营性收入的脱贫户")


RATIO_PARAMS = {
    "rural_income_province": "全省农村居民人均可支配收入",
    "rural_income_national": "全国农村居民人均可支配收入",
}


def ratio_compute(param: str, household_type: str = HouseholdType.LIFTED):
    """脱贫户 (or 监测户) per-capita net income of Y and of Y−1, and the rural average of each year (a per-year
    parameter)."""
    def compute(ctx: EvalContext) -> FigureData:
        year = ctx.income_year()
        if year is None:
            return _no_income(ctx, FigureData({}, None, "户籍台账收入账户"))
        label = RATIO_PARAMS[param]
        cur, prev = inputs_param(param, year), inputs_param(param, year - 1)
        rows = grouped(_lifted_incomes(ctx.prefix, year, household_type), "household__region_code",
                       households=Count("id"), net=Sum("net_income"), size=Sum("household_size"))
        for code, comps in grouped(_lifted_incomes(ctx.prefix, year - 1, household_type), "household__region_code",
                                   net_prev=Sum("net_income"), size_prev=Sum("household_size")).items():
            rows.setdefault(code, {}).update(comps)
        data = FigureData(rows, ctx.registry_date(),
                          f"户籍台账收入账户（{year} 年、{year - 1} 年的{household_type}）；{label}（参数“{param_title(param)}”）",
                          extra={"year": year, "average": cur, "average_prev": prev})
        if not rows:
            data.missing = Missing(None, f"没有{household_type}的收入记录", not_applicable=True)
            return data
        absent = [str(y) for y, v in ((year - 1, prev), (year, cur)) if v is None or v <= 0]
        if absent:
            data.missing = Missing(dt.date(year - 1, 1, 1),
                                   f"缺少 {'、'.join(absent)} 年的参数“{param_title(param)}”，请在规则库参数中设置")
            return data
        for comps in rows.values():
            # Components must add up over villages: carry the average weighted by persons (Σ avg × size ÷ Σ size
            # gives the average back for any region).
            comps["avg_size"] = cur * (comps.get("size") or 0)
            comps["avg_size_prev"] = prev * (comps.get("size_prev") or 0)
        return data
    return compute


def value_ratio_change(c: dict) -> Decimal | None:
    """This year's ratio minus last year's: above 0 is 同比提升."""
    if not c.get("size") or not c.get("size_prev") or not c.get("avg_size") or not c.get("avg_size_prev"):
        return None
    # (Σ net ÷ Σ size) ÷ (Σ avg·size ÷ Σ size) = Σ net ÷ Σ avg·size
    now = Decimal(c["net"]) / Decimal(c["avg_size"])
    before = Decimal(c["net_prev"]) / Decimal(c["avg_size_prev"])
    return (now - before).quantize(Decimal("0.0001"), ROUND_HALF_UP)


RATIO_SOURCE = "000 成效巩固方面 1；001 第四部分 1"
RATIO_QUOTE = "实现脱贫地区农村居民收入增速高于全国和全省平均水平、脱贫人口人均纯收入与全国和全省农民收入的比值同比“两提升”"


FIG_INCOME_SOURCE = "002 附件2 指标11；001 第四部分 1；000 成效巩固方面 1"
FIG_INCOME_QUOTE = ("2025 年脱贫地区农村居民人均可支配收入增速是否不低于本省和全国农村居民平均增速（002）；"
                    "实现脱贫地区农村居民收入增速高于全国和全省平均水平（000、001）")
WATCH_INCOME = Target("", None, "重点关注（种子文件未设数值目标）", "001 第四部分 1①②；000 成效巩固方面 1①②",
                      "重点关注①收入较低脱贫人口和收入同比下降脱贫人口“两类群体”……②脱贫人口工资性收入、生产经营性收入在人均纯收入中的占比情况")


FIGURES: list[Figure] = [
    Figure(
        code="INCOME-GROWTH", title="脱贫人口人均纯收入增长", indicator="11",
        formula="（本年脱贫户纯收入合计 ÷ 本年人口）÷（上年纯收入合计 ÷ 上年人口）− 1，只计两年都有收入记录的脱贫户",
        unit="%", target=Target("", None, "不低于本省和全国农村居民收入增速（需设置参数“农村居民人均可支配收入增幅”）",
                                FIG_INCOME_SOURCE, FIG_INCOME_QUOTE),
        compute=compute_income_growth, value=value_income_growth, numerator="households",
        drill=drill_income_growth),
    Figure(
        code="INCOME-GROWTH-NATION", title="脱贫人口人均纯收入增长（对比全国）", indicator="11",
        formula="同“脱贫人口人均纯收入增长”，对照全国农村居民人均可支配收入增速（参数“全国农村居民人均可支配收入增幅”）",
        unit="%", target=Target("", None, "不低于全国农村居民收入增速（需设置参数“全国农村居民人均可支配收入增幅”）",
                                FIG_INCOME_SOURCE, FIG_INCOME_QUOTE),
        compute=growth_compute("rural_income_growth_national"), value=value_income_growth, numerator="households",
        drill=drill_income_growth),
    Figure(
        code="INCOME-RATIO-PROVINCE", title="脱贫人口人均纯收入与全省农民收入之比（同比变化）", indicator="11",
        formula="本年（脱贫户纯收入合计 ÷ 人口 ÷ 本年全省农村居民人均可支配收入）− 上年同一比值；"
                "全省收入为参数“全省农村居民人均可支配收入”",
        unit="百分点", target=Target(">", Decimal(0), "同比提升（高于 0 个百分点）", RATIO_SOURCE, RATIO_QUOTE),
        compute=ratio_compute("rural_income_province"), value=value_ratio_change, numerator="households",
        drill=drill_income_drop),
    Figure(
        code="INCOME-RATIO-NATION", title="脱贫人口人均纯收入与全国农民收入之比（同比变化）", indicator="11",
        formula="本年（脱贫户纯收入合计 ÷ 人口 ÷ 本年全国农村居民人均可支配收入）− 上年同一比值；"
                "全国收入为参数“全国农村居民人均可支配收入”",
        unit="百分点", target=Target(">", Decimal(0), "同比提升（高于 0 个百分点）", RATIO_SOURCE, RATIO_QUOTE),
        compute=ratio_compute("rural_income_national"), value=value_ratio_change, numerator="households",
        drill=drill_income_drop),
    Figure(
        code="INCOME-RATIO-MONITORED", title="监测户人均纯收入与全省农民收入之比（同比变化）", indicator="11",
        formula="本年（监测户纯收入合计 ÷ 人口 ÷ 本年全省农村居民人均可支配收入）− 上年同一比值（参数“全省农村居民人均可支配收入”）",
        unit="百分点", target=Target("", None, "重点关注（种子文件只对脱贫人口要求“两提升”）", RATIO_SOURCE, RATIO_QUOTE),
        compute=ratio_compute("rural_income_province", HouseholdType.MONITORED), value=value_ratio_change,
        numerator="households"),
    Figure(
        code="INCOME-LOW", title="收入较低的脱贫户", indicator="11",
        formula="最新收入年度人均纯收入低于“收入较低”标准（规则参数“收入较低脱贫户标准”，默认 10000 元）的脱贫户数",
        unit="户", target=WATCH_INCOME, compute=compute_income_low, value=count_of("low"), numerator="low",
        denominator="households", drill=drill_income_low, lower_is_better=True),
    Figure(
        code="INCOME-DROP", title="收入同比下降的脱贫户", indicator="11",
        formula="最新收入年度人均纯收入低于上年的脱贫户数（两年都有收入记录的脱贫户）",
        unit="户", target=WATCH_INCOME, compute=compute_income_drop, value=count_of("dropped"), numerator="dropped",
        denominator="households", drill=drill_income_drop, lower_is_better=True),
    Figure(
        code="INCOME-STRUCTURE", title="工资性、生产经营性收入占人均纯收入比重", indicator="11",
        formula="（工资性收入 + 生产经营性收入 − 生产经营性支出）÷ 纯收入，脱贫户合计",
        unit="%", target=WATCH_INCOME, compute=compute_income_structure, value=value_income_structure,
        numerator="productive", denominator="net", drill=drill_income_structure),
]
