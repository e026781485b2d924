"""Rules over the fund, project and asset ledgers (kind "ledger", 台账核查): each quotes the seed passage
it checks. They read the ledgers' snapshot tables (`ledger_project`, `ledger_fund_allocation`, …) and
`funds_clocks`: the due date of every running time limit (15 working days from an allocation to its budget
execution, 7 working days from completion to acceptance, 3 months from acceptance to 确权登记), computed
once per run with the official holiday calendar (chinese-calendar and the deployment's holiday table, as
`monitoring.deadlines`), so DuckDB and Spark read the same dates. Findings are about a place (the county,
the project's village; for fund totals and shares, the region that registers the allocations — the county,
as a rule), so each query returns `region_code` alone.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pyarrow as pa

from gonggu.core.codes import in_scope_q
from gonggu.monitoring.deadlines import UnknownCalendarYear, holiday_overrides, is_workday
from gonggu.monitoring.eligibility import add_months
from gonggu.rules.catalog import RuleDef, TableProvider, register_rule, register_table

from .models import FundAllocation, Project

# The rules of this module, in the order the funds page lists them.
RULE_CODES = ("FUND-EXEC-15WD", "FUND-INDUSTRY-60", "FUND-INDUSTRY-RISE", "FUND-TOTAL-DROP", "FUND-NOT-FROM-LIBRARY",
              "PROJECT-NO-LINK", "FUND-ACCEPT-7WD", "ASSET-REGISTER-3M", "ASSET-CASH-HANDOUT", "ASSET-PV-METRICS",
              "ASSET-DISPOSAL", "CONSUME-832-10", "INDUSTRY-FOUR-BATCH", "FUND-INSPECT-QUARTER")
EXEC_WORKING_DAYS = 15     # 004 任务39
ACCEPT_WORKING_DAYS = 7    # 004 任务39
REGISTER_MONTHS = 3        # 004 任务42
SOURCE_004 = "004"


def working_days_after(start: dt.date, n: int, overrides: dict[dt.date, bool]) -> dt.date:
    """The n-th working day after `start` (a year unknown to the calendar counts Monday to Friday)."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        try:
            work = is_workday(day, overrides)
        except UnknownCalendarYear:
            work = day.weekday() < 5
        if work:
            counted += 1
    return day


def build_clocks(*, prefix: str | None, as_of) -> pa.Table:
    overrides = holiday_overrides()
    due = lru_cache(maxsize=None)(lambda start, n: working_days_after(start, n, overrides))
    rows: list[tuple[str, str, str, dt.date, dt.date]] = []
    scope = in_scope_q("region_code", prefix)
    for code, doc, issued in FundAllocation.objects.filter(scope).values_list("region_code", "doc_no", "issued_on"):
        rows.append((code, "exec", doc, issued, due(issued, EXEC_WORKING_DAYS)))
    for code, no, completed, accepted in Project.objects.filter(scope).exclude(completed_on=None).values_list(
            "region_code", "project_no", "completed_on", "accepted_on"):
        rows.append((code, "accept", no, completed, due(completed, ACCEPT_WORKING_DAYS)))
        if accepted is not None:
            rows.append((code, "register", no, accepted, add_months(accepted, REGISTER_MONTHS)))
    return pa.table({
        "region_code": pa.array([r[0] for r in rows], pa.string()),
        "clock": pa.array([r[1] for r in rows], pa.string()),
        "ref": pa.array([r[2] for r in rows], pa.string()),
        "start_on": pa.array([r[3] for r in rows], pa.date32()),
        "due_on": pa.array([r[4] for r in rows], pa.date32()),
    })


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, after - dt.timedelta(days=1)


def build_quarters(*, prefix: str | None, as_of) -> pa.Table:
    """The quarters a unit holding allocations must inspect in: every quarter of each fund year it received
    衔接资金 (the unit as registered on the allocations: the county, as a rule)."""
    scope = in_scope_q("region_code", prefix)
    years = set(FundAllocation.objects.filter(scope).values_list("region_code", "year").distinct())
    rows = sorted((code, year, q, *quarter_bounds(year, q)) for code, year in years for q in range(1, 5))
    return pa.table({
        "region_code": pa.array([r[0] for r in rows], pa.string()),
        "year": pa.array([r[1] for r in rows], pa.int32()),
        "quarter": pa.array([r[2] for r in rows], pa.int32()),
        "start_on": pa.array([r[3] for r in rows], pa.date32()),
        "end_on": pa.array([r[4] for r in rows], pa.date32()),
    })


register_table(TableProvider(
    name="funds_quarters", build=build_quarters,
    description="登记衔接资金下达的单位（一般为县）每个资金年度的四个季度：region_code、year、quarter、start_on、end_on"))

register_table(TableProvider(
    name="funds_clocks", build=build_clocks,
    description="衔接资金和项目的时限：exec（下达→预算执行，15 个工作日）、accept（竣工→验收，7 个工作日）、"
                "register（验收→确权登记，3 个月）：region_code、clock、ref（文号或项目编号）、start_on、due_on"))

COUNTY = "SUBSTR({t}.region_code, 1, 6)"


def _county(t: str) -> str:
    return COUNTY.format(t=t)


register_rule(RuleDef(
    code="FUND-EXEC-15WD",
    title="下达资金15个工作日内未开展预算执行",
    kind="ledger",
    source=f"{SOURCE_004} 任务39",
    source_text="落实资金拨付时限要求，15个工作日内对下达资金开展预算执行。",
    grade="orange",
    risk_type="衔接资金",
    tables=("ledger_fund_allocation", "ledger_fund_use", "funds_clocks"),
    description="衔接资金下达日期后第 15 个工作日（按法定节假日安排）仍没有预算执行记录，或第一笔预算执行晚于该日。"
                "检查基准日前下达的资金；基准日尚未到期的不提示。",
    sql="""
        WITH first_use AS (
            SELECT u.region_code, u.doc_no, MIN(u.executed_on) AS first_on
            FROM ledger_fund_use u GROUP BY u.region_code, u.doc_no
        )
        SELECT a.region_code,
               '文号「' || a.doc_no || '」' || CAST(a.issued_on AS VARCHAR) || ' 下达，应于 '
                 || CAST(c.due_on AS VARCHAR) || ' 前开展预算执行，'
                 || CASE WHEN f.first_on IS NULL THEN '至今未执行'
                         ELSE CAST(f.first_on AS VARCHAR) || ' 才执行' END AS detail,
               a.doc_no AS ev_doc_no, CAST(a.issued_on AS VARCHAR) AS ev_issued_on,
               CAST(c.due_on AS VARCHAR) AS ev_due_on, CAST(f.first_on AS VARCHAR) AS ev_first_executed_on
        FROM ledger_fund_allocation a
        JOIN funds_clocks c ON c.clock = 'exec' AND c.ref = a.doc_no AND c.region_code = a.region_code
        LEFT JOIN first_use f ON f.region_code = a.region_code AND f.doc_no = a.doc_no
        WHERE a.issued_on <= {as_of}
          AND ((f.first_on IS NULL AND {as_of} > c.due_on) OR f.first_on > c.due_on)
    """,
))

register_rule(RuleDef(
    code="FUND-ACCEPT-7WD",
    title="项目竣工后7个工作日内未组织验收",
    kind="ledger",
    source=f"{SOURCE_004} 任务39",
    source_text="项目竣工7个工作日内组织验收，并及时结算或报账。",
    grade="yellow",
    risk_type="项目管理",
    tables=("ledger_project", "funds_clocks"),
    description="项目竣工日期后第 7 个工作日仍未验收（检查基准日已过），或验收日期晚于该日。",
    sql="""
        SELECT p.region_code,
               '「' || p.name || '」' || CAST(p.completed_on AS VARCHAR) || ' 竣工，应于 ' || CAST(c.due_on AS VARCHAR)
                 || ' 前验收，' || CASE WHEN p.accepted_on IS NULL THEN '至今未验收'
                                        ELSE CAST(p.accepted_on AS VARCHAR) || ' 才验收' END AS detail,
               p.project_no AS ev_project_no, CAST(c.due_on AS VARCHAR) AS ev_due_on,
               CAST(p.accepted_on AS VARCHAR) AS ev_accepted_on
        FROM ledger_project p
        JOIN funds_clocks c ON c.clock = 'accept' AND c.ref = p.project_no AND c.region_code = p.region_code
        WHERE p.completed_on <= {as_of}
          AND ((p.accepted_on IS NULL AND {as_of} > c.due_on) OR p.accepted_on > c.due_on)
    """,
))

register_rule(RuleDef(
    code="ASSET-REGISTER-3M",
    title="竣工验收后三个月内未办理资产确权登记",
    kind="ledger",
    source=f"{SOURCE_004} 任务42",
    source_text="由项目实施单位在竣工验收后三个月内，参照审计报告，办理资产移交、确权登记等手续，"
                "并将移交到村的扶贫资产按程序纳入“三资”平台统一管理。",
    grade="yellow",
    risk_type="项目资产",
    tables=("ledger_asset", "ledger_project", "funds_clocks"),
    description="资产的形成项目验收满三个月（按自然月）仍未确权登记（检查基准日已过），或确权登记日期晚于该日。",
    sql=f"""
        SELECT s.region_code,
               '资产「' || s.name || '」的项目 ' || CAST(c.start_on AS VARCHAR) || ' 验收，应于 '
                 || CAST(c.due_on AS VARCHAR) || ' 前确权登记，'
                 || CASE WHEN s.registered_on IS NULL THEN '至今未登记'
                         ELSE CAST(s.registered_on AS VARCHAR) || ' 才登记' END AS detail,
               s.asset_no AS ev_asset_no, s.project_no AS ev_project_no, CAST(c.due_on AS VARCHAR) AS ev_due_on
        FROM ledger_asset s
        JOIN ledger_project p ON p.project_no = s.project_no AND {_county('p')} = {_county('s')}
        JOIN funds_clocks c ON c.clock = 'register' AND c.ref = p.project_no AND c.region_code = p.region_code
        WHERE c.start_on <= {{as_of}}
          AND ((s.registered_on IS NULL AND {{as_of}} > c.due_on) OR s.registered_on > c.due_on)
    """,
))

# Central funds arranged to projects (预算执行 of allocations of source 中央), by the region holding the
# allocations (the county, as a rule) and fund year.
_CENTRAL_SHARE = f"""
    SELECT u.region_code, a.year,
           SUM(CASE WHEN p.project_type = '产业发展' THEN u.amount ELSE 0 END) AS industry,
           SUM(u.amount) AS total
    FROM ledger_fund_use u
    JOIN ledger_fund_allocation a ON a.doc_no = u.doc_no AND a.region_code = u.region_code AND a.source = '中央'
    JOIN ledger_project p ON p.project_no = u.project_no AND {_county('p')} = {_county('u')}
    WHERE u.executed_on <= {{as_of}}
    GROUP BY u.region_code, a.year
"""
# Per mille, rounded down, for the detail text (the test itself compares exact amounts).
_PERMILLE = "CAST(FLOOR(CAST({i} AS DOUBLE) * 1000 / CAST({t} AS DOUBLE)) AS BIGINT)"


def _percent(i: str, t: str) -> str:
    p = _PERMILLE.format(i=i, t=t)
    return f"CAST(CAST(FLOOR({p} / 10) AS BIGINT) AS VARCHAR) || '.' || CAST({p} % 10 AS VARCHAR) || '%'"


register_rule(RuleDef(
    code="FUND-INDUSTRY-60",
    title="中央衔接资金用于产业发展的比重低于60%",
    kind="ledger",
    source="000 主要工作 6；001 第三部分 督查检查考核 7",
    source_text="以省辖市为单位，中央衔接资金用于产业发展的比重达到60%以上并高于上年。",
    grade="orange",
    risk_type="衔接资金",
    tables=("ledger_fund_use", "ledger_fund_allocation", "ledger_project"),
    description="按资金年度，本县（登记资金下达的单位）中央衔接资金已安排到项目（预算执行）的金额中，"
                "安排到「产业发展」类项目的不足 60%。种子文件以省辖市为单位考核，本规则给出各县的比重，供市级汇总。",
    sql=f"""
        SELECT s.region_code,
               CAST(s.year AS VARCHAR) || ' 年中央衔接资金用于产业发展的比重为 ' || {_percent('s.industry', 's.total')}
                 || '，低于 60%' AS detail,
               s.year AS ev_year, s.industry AS ev_industry, s.total AS ev_central_total
        FROM ({_CENTRAL_SHARE}) s
        WHERE s.total > 0 AND s.industry * 100 < s.total * 60
    """,
))

register_rule(RuleDef(
    code="FUND-INDUSTRY-RISE",
    title="中央衔接资金用于产业发展的比重未高于上年",
    kind="ledger",
    source="000 主要工作 6；001 第三部分 督查检查考核 7",
    source_text="以省辖市为单位，中央衔接资金用于产业发展的比重达到60%以上并高于上年。",
    grade="yellow",
    risk_type="衔接资金",
    tables=("ledger_fund_use", "ledger_fund_allocation", "ledger_project"),
    description="按资金年度，本县中央衔接资金用于产业发展的比重不高于上一资金年度（两年都有中央资金安排时比较）。",
    sql=f"""
        WITH s AS ({_CENTRAL_SHARE})
        SELECT y.region_code,
               CAST(y.year AS VARCHAR) || ' 年中央衔接资金用于产业发展的比重 ' || {_percent('y.industry', 'y.total')}
                 || '，未高于上年的 ' || {_percent('p.industry', 'p.total')} AS detail,
               y.year AS ev_year, y.industry AS ev_industry, y.total AS ev_central_total,
               p.industry AS ev_last_industry, p.total AS ev_last_central_total
        FROM s y JOIN s p ON p.region_code = y.region_code AND p.year = y.year - 1
        WHERE y.total > 0 AND p.total > 0 AND y.industry * p.total <= p.industry * y.total
    """,
))

register_rule(RuleDef(
    code="FUND-TOTAL-DROP",
    title="衔接资金投入规模低于上年",
    kind="ledger",
    source="000 主要工作 6；001 第三部分 督查检查考核 6",
    source_text="保持资金投入稳定，各级衔接资金投入规模不低于上年。",
    grade="orange",
    risk_type="衔接资金",
    tables=("ledger_fund_allocation",),
    description="按资金级次（中央、省级、市级、县级），本县某一已结束的资金年度下达的衔接资金合计低于上一年度"
                "（检查基准日所在年度尚未结束，不比较；上年没有该级资金的不比较）。",
    sql="""
        WITH t AS (
            SELECT a.region_code, a.source, a.year, SUM(a.amount) AS amount
            FROM ledger_fund_allocation a GROUP BY a.region_code, a.source, a.year
        )
        SELECT y.region_code,
               CAST(y.year AS VARCHAR) || ' 年' || y.source || '衔接资金 ' || CAST(y.amount AS VARCHAR)
                 || ' 元，低于上年的 ' || CAST(p.amount AS VARCHAR) || ' 元' AS detail,
               y.year AS ev_year, y.source AS ev_source, y.amount AS ev_amount, p.amount AS ev_last_amount
        FROM t y JOIN t p ON p.region_code = y.region_code AND p.source = y.source AND p.year = y.year - 1
        WHERE y.year < YEAR({as_of}) AND y.amount < p.amount
    """,
))

register_rule(RuleDef(
    code="FUND-NOT-FROM-LIBRARY",
    title="衔接资金支持的项目未从项目库选择",
    kind="ledger",
    source="003 任务41；004 任务40",
    source_text="衔接资金支持项目原则上从乡村振兴项目库选择，优先用于特色优势产业发展。",
    grade="orange",
    risk_type="衔接资金",
    tables=("ledger_fund_use", "ledger_project"),
    description="预算执行安排资金的项目在预算执行日期时尚未入库（没有入库日期，或入库日期晚于预算执行日期）。",
    sql=f"""
        SELECT p.region_code,
               '「' || p.name || '」' || CAST(u.executed_on AS VARCHAR) || ' 安排衔接资金 ' || CAST(u.amount AS VARCHAR)
                 || ' 元，' || CASE WHEN p.entered_on IS NULL THEN '该项目未入库'
                                   ELSE '该项目 ' || CAST(p.entered_on AS VARCHAR) || ' 才入库' END AS detail,
               p.project_no AS ev_project_no, u.doc_no AS ev_doc_no, u.amount AS ev_amount
        FROM ledger_fund_use u
        JOIN ledger_project p ON p.project_no = u.project_no AND {_county('p')} = {_county('u')}
        WHERE u.executed_on <= {{as_of}} AND (p.entered_on IS NULL OR p.entered_on > u.executed_on)
    """,
))

register_rule(RuleDef(
    code="PROJECT-NO-LINK",
    title="入库项目缺少联农带农机制或绩效目标",
    kind="ledger",
    source="001 第二部分 产业（二）2③",
    source_text="使用帮扶资金的经营性项目,在纳入巩固拓展脱贫攻坚成果和乡村振兴项目库时,要审核联农带农机制和绩效目标,"
                "没有联农带农机制和绩效目标的,不得纳入项目库。未建立联农带农机制的经营性帮扶项目,不得审批实施。",
    grade="orange",
    risk_type="项目管理",
    tables=("ledger_project",),
    description="已入库的项目没有绩效目标，或经营性项目没有联农带农机制（入库和导入时已拒绝，本规则查出修改后缺失的）。",
    sql="""
        SELECT p.region_code,
               '「' || p.name || '」已入库，' || CASE WHEN TRIM(COALESCE(p.performance_targets, '')) = '' THEN '没有绩效目标'
                                                ELSE '经营性项目没有联农带农机制' END AS detail,
               p.project_no AS ev_project_no
        FROM ledger_project p
        WHERE p.entered_on IS NOT NULL AND p.entered_on <= {as_of}
          AND (TRIM(COALESCE(p.performance_targets, '')) = ''
               OR (p.operating AND TRIM(COALESCE(p.link_mechanism, '')) = ''))
    """,
))

register_rule(RuleDef(
    code="ASSET-CASH-HANDOUT",
    title="资产收益简单发钱发物、一分了之",
    kind="ledger",
    source="003 （十八）；001 第三部分 关注问题 产业 5",
    source_text="严禁采用简单发钱发物、一分了之的做法进行收益分配。",
    grade="orange",
    risk_type="项目资产",
    tables=("ledger_asset_income", "ledger_asset"),
    description="资产收益分配台账中分配方式为「简单发钱发物」的年度收益（有已分配金额）。",
    sql=f"""
        SELECT i.region_code,
               '资产「' || COALESCE(s.name, i.asset_no) || '」' || CAST(i.year AS VARCHAR) || ' 年收益 '
                 || CAST(i.distributed AS VARCHAR) || ' 元简单发钱发物分配' AS detail,
               i.asset_no AS ev_asset_no, i.year AS ev_year, i.distributed AS ev_distributed
        FROM ledger_asset_income i
        LEFT JOIN ledger_asset s ON s.asset_no = i.asset_no AND {_county('s')} = {_county('i')}
        WHERE i.distribution = '简单发钱发物' AND i.distributed > 0
    """,
))

register_rule(RuleDef(
    code="ASSET-PV-METRICS",
    title="光伏帮扶电站故障率或在线率未达要求",
    kind="ledger",
    source="001 第二部分 产业（二）6①",
    source_text="光伏帮扶电站运行管护到位,各项指标达到要求:发电能力达到100%以上,故障率控制在1%以内,"
                "电站实时在线率在99%以上,运维覆盖率达到100%,运维及时率达到99%以上,光伏收益及时拨付、及时分配、及时录入。",
    grade="yellow",
    risk_type="项目资产",
    tables=("ledger_asset",),
    description="未处置的光伏帮扶电站，故障率高于 1%，或实时在线率低于 99%。",
    sql="""
        SELECT s.region_code,
               '光伏电站「' || s.name || '」故障率 ' || CAST(s.pv_fault_rate AS VARCHAR) || '%，实时在线率 '
                 || CAST(s.pv_online_rate AS VARCHAR) || '%' AS detail,
               s.asset_no AS ev_asset_no, s.pv_fault_rate AS ev_fault_rate, s.pv_online_rate AS ev_online_rate
        FROM ledger_asset s
        WHERE s.photovoltaic AND s.disposed_on IS NULL AND (s.pv_fault_rate > 1 OR s.pv_online_rate < 99)
    """,
))

register_rule(RuleDef(
    code="ASSET-DISPOSAL",
    title="项目资产处置未经评估或审批",
    kind="ledger",
    source="001 第二部分 产业（二）4③",
    source_text="任何单位和个人不得随意处置国有和集体资产。确需处置的,应严格按照国有资产、集体资产管理有关规定"
                "进行资产评估并履行相应审批手续,可采取拍卖、转让、报废等形式对资产进行规范处置,处置结果要及时进行公示。",
    grade="orange",
    risk_type="项目资产",
    tables=("ledger_asset",),
    description="资产有处置日期（不晚于检查基准日），但没有处置前资产评估或处置审批。",
    sql="""
        SELECT s.region_code,
               '资产「' || s.name || '」' || CAST(s.disposed_on AS VARCHAR) || ' 处置，'
                 || CASE WHEN NOT s.disposal_evaluated AND NOT s.disposal_approved THEN '未评估、未审批'
                         WHEN NOT s.disposal_evaluated THEN '未评估' ELSE '未审批' END AS detail,
               s.asset_no AS ev_asset_no, CAST(s.disposed_on AS VARCHAR) AS ev_disposed_on
        FROM ledger_asset s
        WHERE s.disposed_on IS NOT NULL AND s.disposed_on <= {as_of}
          AND NOT (s.disposal_evaluated AND s.disposal_approved)
    """,
))

register_rule(RuleDef(
    code="CONSUME-832-10",
    title="预算单位832平台采购不足食堂食材采购的10%",
    kind="ledger",
    source="001 第二部分 产业（二）7②",
    source_text="各级预算单位按不低于年度食堂食材采购份额10%的预留比例,通过脱贫地区农副产品网络销售平台 (832平台)采购"
                "脱贫地区农副产品。",
    grade="yellow",
    risk_type="消费帮扶",
    tables=("ledger_consumption_purchase",),
    description="消费帮扶采购台账中，某预算单位某年度通过832平台采购脱贫地区农副产品的金额低于其食堂食材采购总额的 10%。",
    sql=f"""
        SELECT c.region_code,
               c.unit || ' ' || CAST(c.year AS VARCHAR) || ' 年832平台采购 ' || CAST(c.platform_purchases AS VARCHAR)
                 || ' 元，占食堂食材采购 ' || {_percent('c.platform_purchases', 'c.canteen_purchases')} || '，低于 10%' AS detail,
               c.unit AS ev_unit, c.year AS ev_year, c.platform_purchases AS ev_platform,
               c.canteen_purchases AS ev_canteen
        FROM ledger_consumption_purchase c
        WHERE c.canteen_purchases > 0 AND c.platform_purchases * 10 < c.canteen_purchases
    """,
))

register_rule(RuleDef(
    code="INDUSTRY-FOUR-BATCH",
    title="帮扶产业项目本年度未按“四个一批”分类",
    kind="ledger",
    source="002 附件2 指标3；001 第二部分 产业（二）1②",
    source_text="按照“四个一批”(巩固、升级、盘活、调整)要求开展分类工作,推动帮扶产业项目盘活和调整工作成效情况",
    grade="yellow",
    risk_type="项目管理",
    tables=("ledger_project",),
    description="上一年度及以前竣工的产业发展类项目，在检查基准日所在年度（1 月 1 日至基准日）没有“四个一批”"
                "（巩固、升级、盘活、调整）分类记录。分类每年一次，记在项目库台账的分类四列；年初尚未分类的也列出，"
                "考核时以年末为基准日。",
    sql="""
        SELECT p.region_code,
               '产业项目「' || p.name || '」' || CAST(YEAR({as_of}) AS VARCHAR) || ' 年未按“四个一批”分类，'
                 || CASE WHEN p.four_batch_on IS NULL THEN '从未分类'
                         ELSE '上次分类为 ' || CAST(p.four_batch_on AS VARCHAR) || '“' || p.four_batch || '”' END
                 AS detail,
               p.project_no AS ev_project_no, CAST(p.completed_on AS VARCHAR) AS ev_completed_on,
               CAST(p.four_batch_on AS VARCHAR) AS ev_last_classified_on, YEAR({as_of}) AS ev_year
        FROM ledger_project p
        WHERE p.project_type = '产业发展' AND p.completed_on IS NOT NULL AND YEAR(p.completed_on) < YEAR({as_of})
          AND (p.four_batch_on IS NULL OR YEAR(p.four_batch_on) < YEAR({as_of}) OR p.four_batch_on > {as_of})
    """,
))

register_rule(RuleDef(
    code="FUND-INSPECT-QUARTER",
    title="季度内未开展衔接资金使用督查检查",
    kind="ledger",
    source=f"{SOURCE_004} 任务41",
    source_text="县级每季度组织对所辖地区衔接资金使用情况开展一次督查检查。",
    grade="yellow",
    risk_type="衔接资金",
    tables=("ledger_fund_inspection", "funds_quarters"),
    description="登记衔接资金下达的单位（一般为县），在有资金下达的年度里，某个已结束的季度（季度末早于检查基准日）"
                "没有一条检查日期落在该季度的督查检查记录。",
    sql="""
        WITH done AS (
            SELECT DISTINCT q.region_code, q.year, q.quarter
            FROM funds_quarters q
            JOIN ledger_fund_inspection i ON i.region_code = q.region_code
             AND i.inspected_on >= q.start_on AND i.inspected_on <= q.end_on
        )
        SELECT q.region_code,
               CAST(q.year AS VARCHAR) || ' 年第' || CAST(q.quarter AS VARCHAR) || '季度（'
                 || CAST(q.start_on AS VARCHAR) || ' 至 ' || CAST(q.end_on AS VARCHAR)
                 || '）没有衔接资金使用督查检查记录' AS detail,
               q.year AS ev_year, q.quarter AS ev_quarter, CAST(q.end_on AS VARCHAR) AS ev_quarter_end
        FROM funds_quarters q
        LEFT JOIN done d ON d.region_code = q.region_code AND d.year = q.year AND d.quarter = q.quarter
        WHERE q.end_on < {as_of} AND d.region_code IS NULL
    """,
))
