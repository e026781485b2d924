"""一口清: the key numbers a responsible person of a village, township or county must know by heart.

Seed 002 通知 3: "单位、乡镇及村有关负责同志要熟练掌握“一口清”情况". Every number is computed
from live data with the date of that data; a part whose data is missing says 暂无数据.
The same `Brief` feeds the print page and the .docx.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.monitoring.models import Measure, MonitoringCase
from gonggu.monitoring.selectors import open_case_household_count
from gonggu.monitoring.workflow import CASE_APPROVED_OPEN
from gonggu.registry.choices import HouseholdType, MonitoringType, PersonStatus
from gonggu.registry.models import Household, Person
from gonggu.registry.selectors import household_type_counts
from gonggu.screening.models import Warning
from gonggu.screening.selectors import pending_warning_counts

from .figures import FIGURES, EvalContext, Result, evaluate
from .selectors import problem_summary

NO_DATA = "暂无数据"


@dataclass
class Line:
    label: str
    value: str
    date: dt.date | None = None
    note: str = ""


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)
    table: list[list[str]] | None = None     # optional small table: header row first
    note: str = ""


@dataclass
class Brief:
    region: object
    region_name: str
    today: dt.date
    sections: list[Section]


def _n(value) -> str:
    return f"{int(value or 0):,}"


def _households_section(prefix: str, date: dt.date | None) -> Section:
    households = household_type_counts(prefix)
    persons = {r["household__household_type"]: r["n"] for r in Person.objects.filter(
        in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE)
        .values("household__household_type").annotate(n=Count("id")).order_by()}
    table = [["户类型", "户数", "人数"]]
    for t in HouseholdType.values:
        table.append([t, _n(households.get(t)), _n(persons.get(t))])
    table.append(["合计", _n(sum(households.values())), _n(sum(persons.values()))])
    return Section("一、基本情况（农户台账）", table=table,
                   note=f"数据截至 {date:%Y-%m-%d}" if date else "户籍台账暂无数据")


def _monitoring_section(prefix: str, today: dt.date, date: dt.date | None) -> Section:
    section = Section("二、监测对象")
    by_type = {r["monitoring_type"]: r["n"] for r in Household.objects.filter(
        in_scope_q("region_code", prefix), household_type=HouseholdType.MONITORED)
        .values("monitoring_type").annotate(n=Count("id")).order_by()}
    types = "；".join(f"{t} {_n(by_type.get(t))} 户" for t in MonitoringType.values)
    if by_type.get(""):
        types += f"；未注明类型 {_n(by_type[''])} 户"
    section.lines.append(Line("监测户（按监测对象类型）", types, date))
    cases = MonitoringCase.objects.filter(in_scope_q("region_code", prefix))
    open_cases = cases.filter(status__in=CASE_APPROVED_OPEN)
    last = cases.order_by("-updated_at").values_list("updated_at", flat=True).first()
    if last is None:
        # No record at all is missing data, not "0 households": the ledger has not been imported or entered.
        reason = "尚未导入或录入监测帮扶记录"
        section.lines.append(Line("风险类型、发现渠道", NO_DATA, note=reason))
        section.lines.append(Line(f"{today.year} 年风险消除", NO_DATA, note=reason))
        return section
    case_date = timezone.localdate(last)
    n_open = open_case_household_count(prefix)
    risks: dict[str, int] = {}
    for text, n in open_cases.values_list("risk_types").annotate(n=Count("id")).order_by():
        for risk in [r for r in (text or "").split("、") if r] or ["未注明"]:
            risks[risk] = risks.get(risk, 0) + n
    channels = {r["channel"]: r["n"] for r in open_cases.values("channel").annotate(n=Count("id")).order_by()}
    section.lines.append(Line("监测帮扶中", f"{_n(n_open)} 户", case_date))
    section.lines.append(Line("按风险类型", "；".join(f"{k} {v}" for k, v in sorted(risks.items(), key=lambda x: -x[1]))
                              or "无", case_date, "一户可有多种风险"))
    section.lines.append(Line("按发现渠道", "；".join(f"{k} {v}" for k, v in channels.items()) or "无", case_date))
    year_start = dt.date(today.year, 1, 1)
    eliminated = cases.filter(eliminated_on__gte=year_start, eliminated_on__lte=today)
    section.lines.append(Line(f"{today.year} 年风险消除", f"{_n(eliminated.values('household_id').distinct().count())} 户",
                              case_date))
    new = cases.filter(county_approved_on__gte=year_start, county_approved_on__lte=today)
    section.lines.append(Line(f"{today.year} 年新纳入", f"{_n(new.values('household_id').distinct().count())} 户", case_date))
    return section


def _measures_section(prefix: str, today: dt.date) -> Section:
    section = Section("三、帮扶措施")
    in_force = Measure.objects.filter(in_scope_q("region_code", prefix), start_on__lte=today).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=today))
    rows = in_force.values("category").annotate(n=Count("id"), h=Count("household_id", distinct=True)).order_by("-n")
    last = Measure.objects.filter(in_scope_q("region_code", prefix)).order_by("-updated_at") \
        .values_list("updated_at", flat=True).first()
    if last is None:
        section.lines.append(Line("在实施的帮扶措施", NO_DATA, note="尚未导入或录入帮扶措施"))
        return section
    date = timezone.localdate(last)
    total = sum(r["n"] for r in rows)
    section.lines.append(Line("在实施的帮扶措施", f"{_n(total)} 项", date))
    if rows:
        section.lines.append(Line("按类别", "；".join(f"{r['category']} {r['n']} 项（{r['h']} 户）" for r in rows), date))
    return section


def _figure_line(result: Result, label: str | None = None) -> Line:
    if result.status in ("nodata", "na"):
        return Line(label or result.figure.title, NO_DATA if result.status == "nodata" else "不适用",
                    result.data_date, result.missing.text() if result.missing else "")
    value = result.display
    if result.denominator is not None and result.figure.unit == "%":
        value += f"（{_n(result.numerator)}/{_n(result.denominator)}）"
    note = f"目标 {result.target.text}" + ("" if result.status in ("watch",) else f"，{result.status_label}")
    return Line(label or result.figure.title, value, result.data_date, note)


def _income_section(ctx: EvalContext, prefix: str, code: str) -> Section:
    section = Section("四、收入情况（脱贫户）")
    growth = evaluate(FIGURES["INCOME-GROWTH"], ctx, prefix, code)
    data = ctx.data(FIGURES["INCOME-GROWTH"])
    year = data.extra.get("year")
    comps = growth.components
    if year and comps.get("size"):
        cur = comps["net"] / comps["size"]
        section.lines.append(Line(f"{year} 年人均纯收入", f"{cur:,.0f} 元", growth.data_date))
        if comps.get("size_prev"):
            prev = comps["net_prev"] / comps["size_prev"]
            section.lines.append(Line(f"{year - 1} 年人均纯收入", f"{prev:,.0f} 元", growth.data_date,
                                      "两年都有收入记录的脱贫户"))
    section.lines.append(_figure_line(growth, "人均纯收入增长（对比本省）"))
    for fig in ("INCOME-GROWTH-NATION", "INCOME-RATIO-PROVINCE", "INCOME-RATIO-NATION", "INCOME-LOW", "INCOME-DROP", "INCOME-STRUCTURE"):
        section.lines.append(_figure_line(evaluate(FIGURES[fig], ctx, prefix, code)))
    return section


def _guarantee_section(ctx: EvalContext, prefix: str, code: str) -> Section:
    section = Section("五、“三保障”和就业")
    for fig in ("MED-ENROLMENT", "EDU-DROPOUT", "HOUSE-UNSAFE", "ZERO-EMPLOYMENT", "RELOC-EMPLOYMENT"):
        section.lines.append(_figure_line(evaluate(FIGURES[fig], ctx, prefix, code)))
    return section


def _warnings_problems_section(prefix: str, today: dt.date) -> Section:
    section = Section("六、预警和问题整改")
    qs = Warning.objects.filter(in_scope_q("region_code", prefix), status="待核实")
    grades = {r["grade"]: r["n"] for r in qs.values("grade").annotate(n=Count("id")).order_by()}
    pending, overdue = pending_warning_counts(prefix, today=today)
    last = Warning.objects.filter(in_scope_q("region_code", prefix)).order_by("-updated_at") \
        .values_list("updated_at", flat=True).first()
    labels = {"red": "红色", "orange": "橙色", "yellow": "黄色", "info": "提示"}
    text = f"{_n(pending)} 条（" + "、".join(
        f"{labels.get(g, g or '无等级')} {n}" for g, n in grades.items()) + f"），其中逾期 {overdue} 条"
    section.lines.append(Line("待核实的筛查预警", text if grades else "0 条", timezone.localdate(last) if last else None))
    summary = problem_summary(prefix, today=today)
    section.lines.append(Line("整改问题", f"共 {summary['total']} 个：整改中 {summary['open']}（逾期 {summary['overdue']}），"
                                         f"已整改 {summary['rectified']}，回头看已核实 {summary['verified']}",
                              today, f"其中回炉整改 {summary['reopened']} 个" if summary["reopened"] else ""))
    return section


def _score_section(region, ctx: EvalContext, today: dt.date) -> Section:
    """The self-evaluation's score: each indicator's points and its items not met, the deductions and the total."""
    from .scoring.card import region_card
    from .selectors import county_code_of, indicator_system_current

    section = Section("七、考核自评得分")
    system = indicator_system_current(today=today, county_code=county_code_of(region.prefix))
    card = region_card(region, ctx, system) if system is not None else None
    if card is None:
        section.lines.append(Line("总分", NO_DATA, note="没有考核指标体系"))
        return section
    table = [["指标", "分值", "得分", "未达标或缺佐证的内容项"]]
    for ind in card.indicators:
        short = "、".join(it.item.title for it in ind.items if it.status != "pass") or "—"
        table.append([f"{ind.code}. {ind.name}", f"{ind.weight}", f"{ind.points}", short])
    table.append(["13. 扣分项", "—", f"−{card.deduction}", "负面事项，同一事项就高扣分"])
    table.append(["合计", f"{card.max_total}", f"{card.total}", ""])
    section.table = table
    section.note = f"按 {today:%Y-%m-%d} 现有数据和本县评分规则计算；未设分值的指标按 100 分平均分配（种子文件附件2未给出分值）。"
    return section


def brief_build(*, region, today: dt.date) -> Brief:
    prefix = region.prefix
    ctx = EvalContext(prefix=prefix, today=today)
    date = ctx.registry_date()
    sections = [
        _households_section(prefix, date),
        _monitoring_section(prefix, today, date),
        _measures_section(prefix, today),
        _income_section(ctx, prefix, region.code),
        _guarantee_section(ctx, prefix, region.code),
        _warnings_problems_section(prefix, today),
        _score_section(region, ctx, today),
    ]
    return Brief(region=region, region_name=region.full_name(), today=today, sections=sections)


def brief_docx(brief: Brief) -> bytes:
    """A one-page A4 .docx of the brief (python-docx), with a Chinese font set for East Asian text."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from gonggu.dataio.printing import frame_document

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(1.6)
    section.left_margin = section.right_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.size = Pt(10)
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.paragraph_format.space_after = Pt(1)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{brief.region.name}巩固拓展脱贫攻坚成果“一口清”")
    run.bold = True
    run.font.size = Pt(15)
    sub = doc.add_paragraph(f"{brief.region_name} · 生成于 {brief.today:%Y年%m月%d日} · 每个数字后注明数据日期")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in brief.sections:
        heading = doc.add_paragraph()
        heading_run = heading.add_run(part.title)
        heading_run.bold = True
        heading_run.font.size = Pt(11)
        if part.table:
            table = doc.add_table(rows=len(part.table), cols=len(part.table[0]))
            table.style = "Table Grid"
            for r, row in enumerate(part.table):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        for line in part.lines:
            when = f"（{line.date:%Y-%m-%d}）" if line.date else ""
            note = f" {line.note}" if line.note else ""
            p = doc.add_paragraph(style="List Bullet")
            label = p.add_run(f"{line.label}：")
            label.bold = True
            p.add_run(f"{line.value}{when}{note}")
        if part.note:
            doc.add_paragraph(part.note)
    frame_document(doc, title=f"{brief.region.name}巩固拓展脱贫攻坚成果“一口清”", unit=brief.region_name,
                   on=brief.today)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
