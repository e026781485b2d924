"""Monitoring figures (指标7): compliance findings over monitoring records, and screening warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q

from gonggu.core.codes import in_scope_q
from gonggu.monitoring.models import MonitoringCase
from gonggu.monitoring.workflow import CASE_APPROVED_OPEN
from gonggu.rules.words import rule_title
from gonggu.screening.models import VERIFIED_STATUSES, ScreeningRun, Warning

from .. import inputs
from .base import (
    Drill,
    DrillRow,
    EvalContext,
    Figure,
    FigureData,
    Missing,
    Target,
    findings_drill,
    grouped,
    share_of,
)
from .findings import findings_figure


def _titles(rules: tuple[str, ...]) -> str:
    return "、".join(f"“{rule_title(r)}”" for r in rules)


def _cases(ctx: EvalContext, prefix, population: str):
    qs = MonitoringCase.objects.filter(in_scope_q("region_code", prefix))
    if population == "approved":
        return qs.filter(county_approved_on__gte=ctx.year_start, county_approved_on__lte=ctx.today)
    if population == "open":
        return qs.filter(status__in=CASE_APPROVED_OPEN, county_approved_on__lte=ctx.today)
    if population == "open_month":
        return qs.filter(status__in=CASE_APPROVED_OPEN, county_approved_on__lte=ctx.today - dt.timedelta(days=31))
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
        run = inputs.latest_run_with(rules[0], prefix=ctx.prefix, as_of=ctx.today)
        if run is None:
            return FigureData({}, None, "程序合规规则", missing=Missing(
                ctx.year_start, f"尚未运行程序合规规则{_titles(rules)}（规则库“程序合规”页面运行）"))
        found = inputs.findings(run, rules, None)
        failing = Exists(found.filter(household_no=OuterRef("household__household_no"),
                                      region_code=OuterRef("region_code")))
        rows = grouped(cases.annotate(failing=failing), "region_code", cases=Count("id"),
                       failing=Count("id", filter=Q(failing=True)))
        for comps in rows.values():
            comps["ok"] = comps["cases"] - comps["failing"]
        data = FigureData(rows, run.as_of, f"监测帮扶记录，程序合规规则{_titles(rules)}（{run.as_of:%Y-%m-%d} 运行）")
        if not rows:
            data.missing = Missing(None, f"本区域没有{POPULATION_LABEL[population]}", not_applicable=True)
        return data
    return compute


def compliance_drill(rules: tuple[str, ...], population: str, title: str):
    def drill(ctx: EvalContext, prefix: str) -> Drill | None:
        cases = _cases(ctx, prefix, population)
        result = findings_drill(ctx, prefix, rules, title)
        if result is None:
            return result
        result.queryset = result.queryset.filter(household_no__in=cases.values("household__household_no"))
        return result
    return drill


def _compliance_figure(*, code: str, title: str, indicator: str, formula: str, target: Target,
                       rules: tuple[str, ...], population: str, drill_title: str) -> Figure:
    """A share of monitoring cases with no finding of the given compliance rules (counted and drilled alike)."""
    return Figure(code=code, title=title, indicator=indicator, formula=formula, unit="%", target=target,
                  compute=compliance_compute(rules, population), value=share_of("ok", "cases"), numerator="ok",
                  denominator="cases", drill=compliance_drill(rules, population, drill_title),
                  needs="监测帮扶记录、程序合规规则")


def compute_warnings(ctx: EvalContext) -> FigureData:
    verified = VERIFIED_STATUSES
    qs = (Warning.objects.filter(in_scope_q("region_code", ctx.prefix), first_raised_on__gte=ctx.year_start)
          .filter(Q(deadline__lt=ctx.today) | Q(status__in=verified)).exclude(status="条件已消失"))
    on_time = Q(status__in=verified, ended_on__lte=F("deadline"))
    rows = grouped(qs, "region_code", due=Count("id"), on_time=Count("id", filter=on_time),
                   late=Count("id", filter=Q(status__in=verified, ended_on__gt=F("deadline"))),
                   overdue=Count("id", filter=~Q(status__in=verified)))
    last = ScreeningRun.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    data = FigureData(rows, last, "筛查预警及村级核实记录（核实时限：红色 3 天、橙色 7 天、黄色 15 天，可在筛查设置中调整）")
    if last is None and not rows:
        data.missing = Missing(ctx.year_start, "尚未运行部门筛查预警")
    elif not rows:
        data.missing = Missing(None, "本年没有到期的筛查预警", not_applicable=True)
    return data


def drill_warnings(ctx: EvalContext, prefix: str) -> Drill | None:
    verified = VERIFIED_STATUSES
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


FIGURES: list[Figure] = [
    Figure(
        code="MON-WARNING-VERIFIED", title="部门筛查预警按时核实率", indicator="7",
        formula="在核实期限内办结的预警 ÷ 本年已到核实期限或已办结的预警（条件已消失的不计）",
        unit="%", target=Target(">=", Decimal(1), "到期预警全部按时核实（100%）", "004 任务2；002 附件2 指标7",
                                "发现返贫致贫风险户，及时反馈至镇村，开展村级研判后，符合条件的纳入监测台账"),
        compute=compute_warnings, value=share_of("on_time", "due"), numerator="on_time", denominator="due",
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
    findings_figure(
        code="DISASTER-RISK", title="受灾损失严重的农户", indicator="7",
        rules=("DISASTER-LOSS",), source="002 附件2 指标7；003 任务7",
        quote="及时化解因自然灾害、农产品价格下行等返贫致贫风险情况", needs="应急部门受灾名单、部门筛查", watch=True),
]
