"""整乡整村返贫致贫风险 (指标10): one region-level rule over the whole registry, with its thresholds as parameters.

Seed 002 附件2 指标10 asks the county to 研判是否存在整乡整村返贫致贫风险 from data; the seeds give no numbers,
so the four signals and how many of them make a region "at risk" are parameters a county adjusts (defaults
below, shown on the 规则库 page). The rule finds villages and townships; the risk page and the indicator-10
figure read its findings. The open warnings it counts come from screening, as the `open_warnings` snapshot
table registered here (the rule engine does not import screening)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from gonggu.core.codes import in_scope_q
from gonggu.rules.catalog import (
    ParamDef,
    RuleDef,
    TableProvider,
    register_param,
    register_rule,
    register_table,
)

RISK_AREA = "RISK-AREA"
SEED_002 = ("002 附件2 指标10 守住不发生规模性返贫致贫底线情况：根据入户调查、数据分析和平时掌握情况，研判是否存在整乡整村"
            "返贫致贫风险。")
SEED_TEXT = ("根据入户调查、数据分析和平时掌握情况，研判是否存在整乡整村返贫致贫风险。（002 附件2 指标10）"
             "守牢不发生规模性返贫底线。重点关注市县乡村，是否存在松劲跑偏现象、出现“翻篇”思想。（000 成效巩固方面 2）")

OPEN_WARNING_SCHEMA = pa.schema([("warning_id", pa.int64()), ("household_id", pa.int64()),
                                 ("region_code", pa.string()), ("grade", pa.string()),
                                 ("first_raised_on", pa.date32())])


def build_open_warnings(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    """Warnings raised by `as_of` and not yet verified then (pending, or ended after `as_of`)."""
    from django.db.models import Q

    from gonggu.screening.models import Warning, WarningStatus

    rows = (Warning.objects.filter(in_scope_q("region_code", prefix), first_raised_on__lte=as_of)
            .filter(Q(status=WarningStatus.PENDING) | Q(ended_on__gt=as_of))
            .values_list("id", "household_id", "region_code", "grade", "first_raised_on").order_by("id"))
    names = [f.name for f in OPEN_WARNING_SCHEMA]
    cols = {n: list(v) for n, v in zip(names, zip(*rows, strict=True), strict=True)} if rows else {n: [] for n in names}
    return pa.table(cols, schema=OPEN_WARNING_SCHEMA)


register_table(TableProvider(
    "open_warnings", build_open_warnings,
    "基准日未核实的筛查预警：warning_id, household_id, region_code, grade, first_raised_on（由筛查预警模块提供）",
))

_DEFAULTS_NOTE = "种子文件只要求研判整乡整村返贫致贫风险，未给出数值（002 附件2 指标10），默认值供县里调整。"
PARAMS = [
    ParamDef("risk_monitored_share", "整乡整村风险：监测户占比阈值", default="0.10", unit="比例",
             description="村或乡镇中监测户（风险未消除）占全部农户的比例达到此值，计一项风险信号。" + _DEFAULTS_NOTE,
             minimum="0.0001", maximum="1"),
    ParamDef("risk_new_case_share", "整乡整村风险：本年新纳入监测占比阈值", default="0.03", unit="比例",
             description="本年（基准日所在年 1 月 1 日至基准日）县级审批纳入监测的户占全部农户的比例达到此值，计一项风险信号。"
                         + _DEFAULTS_NOTE, minimum="0.0001", maximum="1"),
    ParamDef("risk_income_fall_share", "整乡整村风险：收入下降脱贫户占比阈值", default="0.20", unit="比例",
             description="最新收入年度人均纯收入低于上一年的脱贫户占脱贫户的比例达到此值，计一项风险信号。" + _DEFAULTS_NOTE,
             minimum="0.0001", maximum="1"),
    ParamDef("risk_warning_share", "整乡整村风险：待核实预警涉及户占比阈值", default="0.05", unit="比例",
             description="基准日尚未核实的筛查预警涉及的户占全部农户的比例达到此值，计一项风险信号。" + _DEFAULTS_NOTE,
             minimum="0.0001", maximum="1"),
    ParamDef("risk_signals_min", "整乡整村风险：同时出现的信号数", default="2", unit="项", integer=True,
             description="以上四项信号同时出现至少此数时，判定该村或乡镇存在整乡整村返贫致贫风险。" + _DEFAULTS_NOTE,
             minimum="1", maximum="4"),
]
for _param in PARAMS:
    register_param(_param)


def _pct(num: str, den: str) -> str:
    return f"CAST(CAST({num} * 100.0 / {den} AS DECIMAL(10,1)) AS VARCHAR) || '%'"


RULE = register_rule(RuleDef(
    code=RISK_AREA,
    title="存在整乡整村返贫致贫风险的村、乡镇",
    kind="indicator",
    source="002 附件2 指标10；000 成效巩固方面 2",
    source_text=SEED_TEXT,
    grade="orange",
    risk_type="规模性返贫",
    params=tuple(p.name for p in PARAMS),
    tables=("household_status", "household_income", "cases", "open_warnings"),
    description="按村和乡镇分别统计四项信号：①监测户（风险未消除）占农户比例 ≥ risk_monitored_share；②本年县级审批纳入监测的户"
                "占农户比例 ≥ risk_new_case_share；③收入同比下降的脱贫户占脱贫户比例 ≥ risk_income_fall_share；④基准日"
                "未核实的筛查预警涉及的户占农户比例 ≥ risk_warning_share。每项只在分子大于 0 时成立。同时成立的信号数 ≥ "
                "risk_signals_min（默认 2）时判定该村或乡镇存在整乡整村返贫致贫风险；发现记在村或乡镇上。",
    sql=f"""
    WITH nc AS (
      SELECT DISTINCT household_id FROM cases
      WHERE approved_on IS NOT NULL AND approved_on <= {{as_of}} AND year(approved_on) = year({{as_of}})),
    w AS (SELECT DISTINCT household_id FROM open_warnings),
    per AS (
      SELECT s.region_code, COUNT(*) AS households,
             SUM(CASE WHEN s.monitored THEN 1 ELSE 0 END) AS monitored,
             SUM(CASE WHEN nc.household_id IS NOT NULL THEN 1 ELSE 0 END) AS new_cases,
             SUM(CASE WHEN s.household_type = '脱贫户' THEN 1 ELSE 0 END) AS lifted,
             SUM(CASE WHEN s.household_type = '脱贫户' AND i.prev_per_capita IS NOT NULL
                       AND i.per_capita < i.prev_per_capita THEN 1 ELSE 0 END) AS income_falls,
             SUM(CASE WHEN w.household_id IS NOT NULL THEN 1 ELSE 0 END) AS warned
      FROM household_status s
      LEFT JOIN household_income i ON i.household_id = s.household_id
      LEFT JOIN nc ON nc.household_id = s.household_id
      LEFT JOIN w ON w.household_id = s.household_id
      GROUP BY s.region_code),
    levels AS (
      SELECT region_code, '村' AS level, households, monitored, new_cases, lifted, income_falls, warned FROM per
      UNION ALL
      SELECT substr(region_code, 1, 9) || '000' AS region_code, '乡镇' AS level, SUM(households) AS households,
             SUM(monitored) AS monitored, SUM(new_cases) AS new_cases, SUM(lifted) AS lifted,
             SUM(income_falls) AS income_falls, SUM(warned) AS warned
      FROM per GROUP BY substr(region_code, 1, 9)),
    scored AS (
      SELECT l.*,
             CASE WHEN monitored > 0 AND monitored >= {{risk_monitored_share}} * households THEN 1 ELSE 0 END AS s1,
             CASE WHEN new_cases > 0 AND new_cases >= {{risk_new_case_share}} * households THEN 1 ELSE 0 END AS s2,
             CASE WHEN income_falls > 0 AND income_falls >= {{risk_income_fall_share}} * lifted THEN 1 ELSE 0 END AS s3,
             CASE WHEN warned > 0 AND warned >= {{risk_warning_share}} * households THEN 1 ELSE 0 END AS s4
      FROM levels l WHERE households > 0)
    SELECT region_code,
           level || '农户 ' || CAST(households AS VARCHAR) || ' 户：监测户 ' || CAST(monitored AS VARCHAR) || ' 户（'
             || {_pct('monitored', 'households')} || '）；本年新纳入监测 ' || CAST(new_cases AS VARCHAR) || ' 户（'
             || {_pct('new_cases', 'households')} || '）；收入下降脱贫户 ' || CAST(income_falls AS VARCHAR) || ' / '
             || CAST(lifted AS VARCHAR) || ' 户；待核实预警涉及 ' || CAST(warned AS VARCHAR) || ' 户（'
             || {_pct('warned', 'households')} || '）；' || CAST(s1 + s2 + s3 + s4 AS VARCHAR) || ' 项信号超过阈值'
             AS detail,
           level AS ev_level, households AS ev_households, monitored AS ev_monitored, new_cases AS ev_new_cases,
           lifted AS ev_lifted, income_falls AS ev_income_falls, warned AS ev_warned,
           s1 + s2 + s3 + s4 AS ev_signals
    FROM scored WHERE s1 + s2 + s3 + s4 >= {{risk_signals_min}}
    """,
))
