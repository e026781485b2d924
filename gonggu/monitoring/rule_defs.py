"""Monitoring's snapshot tables and the compliance rules of rules.md (程序合规), registered in the catalog.

Tables (one row per record, scoped by village-code prefix):
- `cases`: every monitoring record, imported or made here, with the procedure dates and — computed here
  because the calendar (calendar or working days, holiday table) lives in this app — the last allowed
  dates of the time limits (`identify_due`, `entry_due`, `plan_due`), the earliest exit date
  (`exit_earliest` = approval + 3 calendar months) and the notice lengths in days ((end − start) + 1);
- `measures`: assistance measures with category, period and beneficiary;
- `visits`: visits to households;
- `eliminated_households`: households whose risk has been marked eliminated and that have no open
  record (replaces the rules app's default, so screening treats them as no longer monitored).
Risk types in `cases.risk_types` are wrapped in separators (`、因病、因学、`) so that `LIKE '%、因病、%'`
finds one type exactly in any SQL dialect.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from gonggu.core.codes import in_scope_q
from gonggu.rules.catalog import RuleDef, TableProvider, register_rule, register_table

from .choices import DEVELOPMENTAL
from .eligibility import add_months
from .workflow import CASE_ACTIVE, MIN_MONTHS_TO_EXIT, CaseStatus

SOURCE_001 = "001_5c18c60bd560c7e4.txt"
SOURCE_004 = "004_8cc0dceb5c524eb9.txt"


def _days(start: dt.date | None, end: dt.date | None) -> int | None:
    return (end - start).days + 1 if start and end else None


CASE_SCHEMA = pa.schema([
    ("case_id", pa.int64()), ("household_id", pa.int64()), ("household_no", pa.string()),
    ("region_code", pa.string()), ("status", pa.string()), ("monitoring_type", pa.string()),
    ("risk_types", pa.string()), ("channel", pa.string()), ("discovered_on", pa.date32()),
    ("notice_start", pa.date32()), ("notice_end", pa.date32()), ("notice_days", pa.int32()),
    ("approved_on", pa.date32()), ("entered_on", pa.date32()), ("officer_name", pa.string()),
    ("plan_on", pa.date32()), ("eliminated_on", pa.date32()), ("eliminated_year", pa.int32()),
    ("elimination_method", pa.string()), ("elim_notice_start", pa.date32()), ("elim_notice_end", pa.date32()),
    ("elim_notice_days", pa.int32()), ("identify_due", pa.date32()), ("entry_due", pa.date32()),
    ("plan_due", pa.date32()), ("exit_earliest", pa.date32()), ("days_to_approval", pa.int32()),
    ("imported", pa.bool_()),
])


def build_cases(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    from .deadlines import Clocks
    from .models import MonitoringCase

    clocks = Clocks(as_of)
    rows = (MonitoringCase.objects.filter(in_scope_q("region_code", prefix))
            .exclude(status=CaseStatus.REJECTED)
            .values_list("id", "household_id", "household__household_no", "region_code", "status", "monitoring_type",
                         "risk_types", "channel", "discovered_on", "notice_start", "notice_end", "county_approved_on",
                         "entered_on", "officer_name", "plan_on", "eliminated_on", "elimination_method",
                         "elim_notice_start", "elim_notice_end", "imported")
            .order_by("id").iterator(chunk_size=5000))
    cols: dict[str, list] = {f.name: [] for f in CASE_SCHEMA}
    for (pk, hh_id, hh_no, region, status, mtype, risks, channel, found, n_start, n_end, approved, entered,
         officer, plan, elim, method, e_start, e_end, imported) in rows:
        values = {
            "case_id": pk, "household_id": hh_id, "household_no": hh_no, "region_code": region, "status": status,
            "monitoring_type": mtype, "risk_types": f"、{risks}、" if risks else "", "channel": channel,
            "discovered_on": found, "notice_start": n_start, "notice_end": n_end,
            "notice_days": _days(n_start, n_end), "approved_on": approved, "entered_on": entered,
            "officer_name": officer, "plan_on": plan, "eliminated_on": elim,
            "eliminated_year": elim.year if elim else None, "elimination_method": method,
            "elim_notice_start": e_start, "elim_notice_end": e_end, "elim_notice_days": _days(e_start, e_end),
            "identify_due": clocks.due("identify", found) if found else None,
            "entry_due": clocks.due("entry", approved) if approved else None,
            "plan_due": clocks.due("plan", approved) if approved else None,
            "exit_earliest": add_months(approved, MIN_MONTHS_TO_EXIT) if approved else None,
            "days_to_approval": (approved - found).days if approved and found else None,
            "imported": imported,
        }
        for k, v in values.items():
            cols[k].append(v)
    return pa.table(cols, schema=CASE_SCHEMA)


MEASURE_SCHEMA = pa.schema([
    ("measure_id", pa.int64()), ("case_id", pa.int64()), ("household_id", pa.int64()), ("household_no", pa.string()),
    ("region_code", pa.string()), ("category", pa.string()), ("developmental", pa.bool_()),
    ("start_on", pa.date32()), ("end_on", pa.date32()), ("beneficiary_id_number", pa.string()),
])


def build_measures(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    from .models import Measure

    rows = (Measure.objects.filter(in_scope_q("region_code", prefix))
            .values_list("id", "case_id", "household_id", "household__household_no", "region_code", "category",
                         "start_on", "end_on", "beneficiary_id_number").order_by("id").iterator(chunk_size=5000))
    cols: dict[str, list] = {f.name: [] for f in MEASURE_SCHEMA}
    for pk, case_id, hh_id, hh_no, region, category, start, end, bid in rows:
        for k, v in (("measure_id", pk), ("case_id", case_id), ("household_id", hh_id), ("household_no", hh_no),
                     ("region_code", region), ("category", category), ("developmental", category in DEVELOPMENTAL),
                     ("start_on", start), ("end_on", end), ("beneficiary_id_number", bid or None)):
            cols[k].append(v)
    return pa.table(cols, schema=MEASURE_SCHEMA)


VISIT_SCHEMA = pa.schema([
    ("visit_id", pa.int64()), ("case_id", pa.int64()), ("household_id", pa.int64()), ("household_no", pa.string()),
    ("region_code", pa.string()), ("visited_on", pa.date32()), ("visitor", pa.string()),
])


def build_visits(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    from .models import Visit

    rows = (Visit.objects.filter(in_scope_q("region_code", prefix))
            .values_list("id", "case_id", "household_id", "household__household_no", "region_code", "visited_on",
                         "visitor_name").order_by("id"))
    names = [f.name for f in VISIT_SCHEMA]
    cols = {n: list(v) for n, v in zip(names, zip(*rows, strict=True), strict=True)} if rows else {n: [] for n in names}
    return pa.table(cols, schema=VISIT_SCHEMA)


ELIMINATED_SCHEMA = pa.schema([("household_no", pa.string()), ("household_id", pa.int64()),
                               ("region_code", pa.string()), ("eliminated_on", pa.date32())])


def build_eliminated_households(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    """Households with a record marked eliminated by `as_of` and no record still open (or in procedure)."""
    from django.db.models import Exists, Max, OuterRef, Q

    from .models import MonitoringCase

    open_case = MonitoringCase.objects.filter(household_id=OuterRef("household_id")).filter(
        Q(status__in=CASE_ACTIVE, discovered_on__lte=as_of) | Q(eliminated_on__gt=as_of))
    rows = (MonitoringCase.objects.filter(in_scope_q("region_code", prefix), eliminated_on__isnull=False,
                                          eliminated_on__lte=as_of)
            .annotate(still_open=Exists(open_case)).filter(still_open=False)
            .values("household_id", "household__household_no", "region_code")
            .annotate(last=Max("eliminated_on")).order_by("household_id"))
    cols: dict[str, list] = {"household_no": [], "household_id": [], "region_code": [], "eliminated_on": []}
    for r in rows:
        cols["household_no"].append(r["household__household_no"])
        cols["household_id"].append(r["household_id"])
        cols["region_code"].append(r["region_code"])
        cols["eliminated_on"].append(r["last"])
    return pa.table(cols, schema=ELIMINATED_SCHEMA)


register_table(TableProvider(
    "cases", build_cases,
    "监测记录：case_id, household_id, household_no, region_code, status, monitoring_type, risk_types（、因病、因学、）, "
    "channel, discovered_on, notice_start, notice_end, notice_days, approved_on（县级审批日期）, entered_on, "
    "officer_name, plan_on, eliminated_on, eliminated_year, elimination_method, elim_notice_start, elim_notice_end, "
    "elim_notice_days, identify_due / entry_due / plan_due（按时限设置算出的最后期限）, exit_earliest（审批后满3个月）, "
    "days_to_approval, imported",
))
register_table(TableProvider(
    "measures", build_measures,
    "帮扶措施：measure_id, case_id, household_id, household_no, region_code, category, developmental, start_on, "
    "end_on（空=持续）, beneficiary_id_number",
))
register_table(TableProvider(
    "visits", build_visits,
    "走访记录：visit_id, case_id, household_id, household_no, region_code, visited_on, visitor",
))
register_table(TableProvider(
    "eliminated_households", build_eliminated_households,
    "已标注风险消除且没有未结监测记录的农户：household_no, household_id, region_code, eliminated_on（由监测帮扶模块提供）",
))


# --- compliance rules (rules.md, 程序合规) ------------------------------------------------------------

# A record approved on or before D (not rejected).
APPROVED = "approved_on IS NOT NULL AND approved_on <= {as_of}"
# *Open case* at D: approved, risk not (yet) eliminated at D.
OPEN_AT_D = APPROVED + " AND (eliminated_on IS NULL OR eliminated_on > {as_of})"
IN_FORCE_AT_D = "m.start_on <= {as_of} AND (m.end_on IS NULL OR m.end_on >= {as_of})"


def _txt(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


def _rule(code, title, source, sql, *, source_text, description, tables, grade="orange", params=(), param_years=""):
    return register_rule(RuleDef(code=code, title=title, kind="compliance", source=source, sql=sql.strip(),
                                 source_text=source_text, grade=grade, tables=tables, params=params,
                                 description=description, param_years=param_years.strip()))


IDENTIFY_TEXT = ("认定工作要坚持应简尽简，公开公正，从发现风险线索之日起，到完成监测对象识别认定，一般不超过15天，"
                 "常态化识别的监测对象县级批准后10天内完成系统录入。")

_rule(
    "C-IDENTIFY-15D", "识别认定超过15天", f"{SOURCE_001} 第三部分 一(二)2④",
    f"""
SELECT household_id, household_no, CAST(NULL AS VARCHAR) AS id_number, region_code,
       '发现日期 ' || {_txt('discovered_on')} || '，县级审批 ' || {_txt('approved_on')} || '，历时 '
       || {_txt('days_to_approval')} || ' 天，超过时限（应于 ' || {_txt('identify_due')} || ' 前审批）' AS detail
FROM cases
WHERE {APPROVED} AND approved_on > identify_due
""",
    source_text=IDENTIFY_TEXT, tables=("cases",), grade="yellow",
    description="县级审批日期 − 发现日期 > 15 天（时限和计日方式见“办理时限”设置）。",
)

_rule(
    "C-ENTRY-10D", "县级审批后10天内未录入系统", f"{SOURCE_001} 第三部分 一(二)2④",
    f"""
SELECT household_id, household_no, CAST(NULL AS VARCHAR) AS id_number, region_code,
       CASE WHEN entered_on IS NULL
            THEN '县级审批 ' || {_txt('approved_on')} || '，至今未录入系统（应于 ' || {_txt('entry_due')} || ' 前录入）'
            ELSE '县级审批 ' || {_txt('approved_on')} || '，' || {_txt('entered_on')} || ' 才录入（应于 '
                 || {_txt('entry_due')} || ' 前）' END AS detail
FROM cases
WHERE {APPROVED}
  AND ((entered_on IS NOT NULL AND entered_on > entry_due) OR (entered_on IS NULL AND {{as_of}} > entry_due))
""",
    source_text=IDENTIFY_TEXT, tables=("cases",),
    description="录入日期 − 县级审批日期 > 10 天；或没有录入日期且检查日 − 县级审批日期 > 10 天。",
)

_rule(
    "C-PLAN-10D", "县级审批后10天内未制定帮扶计划", f"{SOURCE_001} 第三部分 一(二)3①",
    f"""
SELECT household_id, household_no, CAST(NULL AS VARCHAR) AS id_number, region_code,
       CASE WHEN plan_on IS NULL
            THEN '县级审批 ' || {_txt('approved_on')} || '，至今没有帮扶计划（应于 ' || {_txt('plan_due')} || ' 前制定）'
            ELSE '县级审批 ' || {_txt('approved_on')} || '，' || {_txt('plan_on')} || ' 才制定帮扶计划（应于 '
                 || {_txt('plan_due')} || ' 前）' END AS detail
FROM cases
WHERE {APPROVED}
  AND ((plan_on IS NOT NULL AND plan_on > plan_due) OR (plan_on IS NULL AND {{as_of}} > plan_due))
""",
    source_text="对新识别的监测对象，县级审核批准后10天内，明确一名国家公职人员作为帮扶责任人，并根据返贫致贫风险，"
                "完成帮扶计划制定和帮扶措施申报工作。",
    tables=("cases",),
    description="帮扶计划日期 − 县级审批日期 > 10 天；或没有帮扶计划日期且检查日 − 县级审批日期 > 10 天。",
)

_rule(
    "C-NOTICE-5D", "识别公示缺失或不足5天", f"{SOURCE_001} 第三部分 一(二)2③",
    f"""
SELECT household_id, household_no, CAST(NULL AS VARCHAR) AS id_number, region_code,
       CASE WHEN notice_start IS NULL OR notice_end IS NULL THEN '县级审批 ' || {_txt('approved_on')} || '，没有村内公示记录'
            ELSE '公示 ' || {_txt('notice_start')} || ' 至 ' || {_txt('notice_end')} || '，只有 '
                 || {_txt('notice_days')} || ' 天' END AS detail
FROM cases
WHERE {APPROVED} AND (notice_start IS NULL OR notice_end IS NULL OR notice_days < 5)
""",
    source_text="村级根据比对反馈信息，结合家庭基本情况、返贫致贫风险等综合研判，对初选监测对象在村内进行不少于5天的公示。",
    tables=("cases",),
    description="已县级审批的监测记录没有村内公示，或公示天数（结束 − 开始 + 1）少于 5 天。",
)

_rule(
    "C-ELIM-3M", "纳入不满3个月即消除风险", f"{SOURCE_004} task 4",
    f"""
SELECT household_id, household_no, CAST(NULL AS VARCHAR) AS id_number, region_code,
       '县级审批 ' || {_txt('approved_on')} || '，' || {_txt('eliminated_on')} || ' 即标注风险消除（'
       || {_txt('exit_earliest')} || ' 起才满3个月）' AS detail
FROM cases
WHERE eliminated_on IS NOT NULL AND eliminated_on <= {{as_of}} AND approved_on IS NOT NULL
  AND eliminated_on < exit_earliest
""",
    source_text="保证重点监测户从识别帮扶至退出的时间不少于3个月，确保帮扶有成效。",
    tables=("cases",), grade="red",
    description="风险消除日期早于县级审批日期加 3 个自然月（月末对齐，如 11 月 30 日加 3 个月为 2 月 28/29 日）。",
)

_rule(
    "C-ELIM-NOTICE-5D", "风险消除公示缺失或不足5天", f"{SOURCE_001} 第三部分 一(二)4②",
    f"""
SELECT household_id, household_no, CAST(NULL AS VARCHAR) AS id_number, region_code,
       CASE WHEN elim_notice_start IS NULL OR elim_notice_end IS NULL
            THEN '风险消除 ' || {_txt('eliminated_on')} || '，没有消除公示记录'
            ELSE '消除公示 ' || {_txt('elim_notice_start')} || ' 至 ' || {_txt('elim_notice_end')} || '，只有 '
                 || {_txt('elim_notice_days')} || ' 天' END AS detail
FROM cases
WHERE eliminated_on IS NOT NULL AND eliminated_on <= {{as_of}}
  AND (elim_notice_start IS NULL OR elim_notice_end IS NULL OR elim_notice_days < 5)
""",
    source_text="按照入户核查、村级初选、乡级审核、县级审批、结果公告、系统标注等程序规范风险消除，其中公示时间不少于5天。",
    tables=("cases",),
    description="已消除风险的记录没有消除公示，或公示天数少于 5 天。",
)

_ELIM_INCOME_YEARS = """
SELECT e.case_id, MAX(i.year) AS year
FROM cases e JOIN incomes i ON i.household_id = e.household_id AND i.year <= e.eliminated_year
WHERE e.eliminated_on IS NOT NULL AND e.eliminated_on <= {as_of}
GROUP BY e.case_id
"""

_rule(
    "C-ELIM-INCOME", "消除风险时收入低于监测范围", f"{SOURCE_001} 第三部分 一(二)4①",
    f"""
WITH y AS ({_ELIM_INCOME_YEARS})
SELECT e.household_id, e.household_no, CAST(NULL AS VARCHAR) AS id_number, e.region_code,
       '风险消除 ' || {_txt('e.eliminated_on')} || '，' || {_txt('y.year')} || ' 年人均纯收入 '
       || {_txt('i.per_capita')} || ' 元，低于当年监测范围 ' || p.value_text || ' 元' AS detail
FROM cases e
JOIN y ON y.case_id = e.case_id
JOIN incomes i ON i.household_id = e.household_id AND i.year = y.year
JOIN params p ON p.name = 'monitoring_line' AND p.year = y.year
WHERE i.per_capita < p.value
""",
    source_text="收入稳定超过当年监测范围、“三保障”和饮水安全持续巩固，经综合分析研判，监测对象识别时的返贫致贫风险已经"
                "稳定消除或自然消除，且不存在新增返贫致贫风险的，按程序标注风险消除。",
    tables=("cases", "incomes", "params"), params=("monitoring_line",), grade="red",
    param_years=f"WITH y AS ({_ELIM_INCOME_YEARS}) SELECT DISTINCT 'monitoring_line' AS name, year FROM y",
    description="已消除风险的户，在消除年度及以前最近一个收入年度的人均纯收入低于该年度的监测范围。",
)

LABOUR_CAPABLE = """
SELECT DISTINCT p.household_id
FROM persons_active p
WHERE p.age BETWEEN 16 AND 59
  AND p.labour_ability IN ('普通劳动力', '技能劳动力')
  AND (p.school_status IS NULL OR p.school_status IN ('', '非在校生', '辍学'))
"""

_rule(
    "C-DEV-MEASURE", "有劳动能力的监测户没有开发式帮扶措施", f"{SOURCE_001} 第三部分 一(二)3②",
    f"""
WITH capable AS ({LABOUR_CAPABLE}),
dev AS (SELECT DISTINCT m.household_id FROM measures m WHERE m.developmental AND {IN_FORCE_AT_D})
SELECT c.household_id, c.household_no, CAST(NULL AS VARCHAR) AS id_number, c.region_code,
       '有 16–59 岁普通或技能劳动力，检查日没有在实施的产业、就业、公益岗位、小额信贷或技能培训措施' AS detail
FROM cases c
JOIN capable ON capable.household_id = c.household_id
LEFT JOIN dev ON dev.household_id = c.household_id
WHERE c.approved_on IS NOT NULL AND c.approved_on <= {{as_of}}
  AND (c.eliminated_on IS NULL OR c.eliminated_on > {{as_of}})
  AND dev.household_id IS NULL
""",
    source_text="坚持开发式帮扶方针，对有劳动能力、有意愿的监测户，至少落实一项产业就业等开发式帮扶措施，引导勤劳致富。",
    tables=("cases", "measures", "persons_active"),
    description="未消除风险的监测户有劳动能力成员（在册、16–59 岁、普通或技能劳动力、非在校生），但检查日没有在实施的"
                "开发式措施（产业帮扶、就业帮扶、公益岗位、小额信贷、技能培训）。",
)

_rule(
    "C-MEASURE-MATCH", "帮扶措施与风险类型不匹配", f"{SOURCE_001} 第三部分 一(三)3",
    f"""
WITH need(risk, category) AS (
  VALUES ('因病', '健康帮扶'), ('因学', '教育帮扶'), ('住房安全', '住房安全'), ('饮水安全', '饮水安全')
),
open_cases AS (SELECT * FROM cases WHERE {OPEN_AT_D})
SELECT c.household_id, c.household_no, CAST(NULL AS VARCHAR) AS id_number, c.region_code,
       '风险类型含「' || n.risk || '」，发现风险后没有「' || n.category || '」措施' AS detail
FROM open_cases c
JOIN need n ON c.risk_types LIKE '%、' || n.risk || '、%'
WHERE NOT EXISTS (
  SELECT 1 FROM measures m
  WHERE m.household_id = c.household_id AND m.category = n.category AND m.start_on >= c.discovered_on
)
""",
    source_text="帮扶措施不精准、针对性不强、一致率不高，比如将丧失劳动能力群众安排公益岗位、帮扶车间务工。再如，"
                "对因病纳入的，没有按规定落实相应帮扶措施。",
    tables=("cases", "measures"),
    description="未消除风险的监测户，风险类型含因病却没有健康帮扶、因学没有教育帮扶、住房安全没有住房安全措施、"
                "饮水安全没有饮水安全措施（发现日期以后开始的该类措施都算）。",
)

_rule(
    "C-VISIT-MONTHLY", "监测户超过一个月未走访", f"{SOURCE_004} task 3",
    f"""
WITH open_cases AS (SELECT * FROM cases WHERE {OPEN_AT_D} AND approved_on <= days_before({{as_of}}, 31)),
recent AS (
  SELECT DISTINCT v.household_id FROM visits v
  WHERE v.visited_on <= {{as_of}} AND v.visited_on > days_before({{as_of}}, 31)
),
last_visit AS (SELECT household_id, MAX(visited_on) AS last_on FROM visits WHERE visited_on <= {{as_of}}
               GROUP BY household_id)
SELECT c.household_id, c.household_no, CAST(NULL AS VARCHAR) AS id_number, c.region_code,
       CASE WHEN l.last_on IS NULL THEN '县级审批 ' || {_txt('c.approved_on')} || '，没有走访记录'
            ELSE '最近一次走访 ' || {_txt('l.last_on')} || '，近 31 天没有走访' END AS detail
FROM open_cases c
LEFT JOIN recent r ON r.household_id = c.household_id
LEFT JOIN last_visit l ON l.household_id = c.household_id
WHERE r.household_id IS NULL
""",
    source_text="帮扶联系人每月入户跟踪帮扶措施落实，相关责任部门积极跟进措施落地，评估帮扶措施成效。",
    tables=("cases", "visits"), grade="yellow",
    description="未消除风险且县级审批已满 31 天的监测户，检查日之前 31 天内（含检查日）没有走访记录。",
)

_rule(
    "C-NOLABOR-POST", "丧失劳动能力人员安排公益岗位", f"{SOURCE_001} 第三部分 一(三)3",
    f"""
SELECT m.household_id, m.household_no, p.id_number, m.region_code,
       p.name || '（' || p.labour_ability || '）检查日在公益岗位上（' || {_txt('m.start_on')} || ' 起）' AS detail
FROM measures m
JOIN persons p ON p.id_number = m.beneficiary_id_number
WHERE m.category = '公益岗位' AND {IN_FORCE_AT_D}
  AND p.labour_ability IN ('丧失劳动力', '无劳动力')
""",
    source_text="将丧失劳动能力群众安排公益岗位、帮扶车间务工。",
    tables=("measures", "persons"), grade="red",
    description="检查日在实施的公益岗位措施，其受益人的劳动能力为丧失劳动力或无劳动力。",
)
