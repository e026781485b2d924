from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="INCOME-BELOW-LINE",
    title="人均纯收入低于监测范围",
    kind="screening",
    source="001 第三部分 一(二)2②",
    source_text=seeds.MONITORING_RANGE,
    grade="orange",
    risk_type="收入",
    params=("monitoring_line",),
    tables=("household_status", "household_income", "params"),
    description="非监测户（或风险已消除），最新收入年度 Y 的人均纯收入 < Y 年的监测范围（monitoring_line）。"
                "恰好等于监测线的不预警。",
    param_years="""
        SELECT DISTINCT 'monitoring_line' AS name, i.income_year AS year
        FROM household_status s JOIN household_income i ON i.household_id = s.household_id
        WHERE NOT s.monitored
    """,
    sql="""
        SELECT s.household_id, CAST(NULL AS STRING) AS id_number,
               CAST(i.income_year AS STRING) || ' 年人均纯收入 ' || CAST(i.per_capita AS STRING)
                 || ' 元，低于当年监测范围 ' || l.value_text || ' 元' AS detail,
               'registry' AS ev_list, i.income_year AS ev_income_year, i.per_capita AS ev_per_capita,
               l.value AS ev_monitoring_line
        FROM household_status s
        JOIN household_income i ON i.household_id = s.household_id
        JOIN params l ON l.name = 'monitoring_line' AND l.year = i.income_year
        WHERE NOT s.monitored AND i.per_capita < l.value
    """,
)
