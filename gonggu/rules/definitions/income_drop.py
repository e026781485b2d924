from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="INCOME-DROP",
    title="人均纯收入大幅下降",
    kind="screening",
    source="001 第三部分 一(二)2①；一(三)2",
    source_text=seeds.MONITORING_OBJECTS + "……重点关注收入较低脱贫人口和收入同比下降脱贫人口“两类群体”",
    grade="yellow",
    risk_type="收入",
    params=("income_drop_ratio",),
    tables=("household_status", "household_income"),
    description="非监测户，台账有 Y 年和 Y−1 年收入、Y−1 年人均纯收入为正，且（Y−1 年 − Y 年）÷ Y−1 年 ≥ "
                "income_drop_ratio（默认 0.3）。降幅恰好等于该比例的也预警。",
    sql="""
        SELECT s.household_id, CAST(NULL AS STRING) AS id_number,
               '人均纯收入由 ' || CAST(i.prev_year AS STRING) || ' 年的 ' || CAST(i.prev_per_capita AS STRING)
                 || ' 元降至 ' || CAST(i.income_year AS STRING) || ' 年的 ' || CAST(i.per_capita AS STRING)
                 || ' 元，降幅 '
                 || CAST(CAST((i.prev_per_capita - i.per_capita) * 100 / i.prev_per_capita AS DECIMAL(10,1)) AS STRING)
                 || '%' AS detail,
               'registry' AS ev_list, i.prev_year AS ev_previous_year, i.prev_per_capita AS ev_previous_per_capita,
               i.income_year AS ev_income_year, i.per_capita AS ev_per_capita
        FROM household_status s
        JOIN household_income i ON i.household_id = s.household_id
        WHERE NOT s.monitored AND i.prev_per_capita IS NOT NULL AND i.prev_per_capita > 0
          AND (i.prev_per_capita - i.per_capita) >= {income_drop_ratio} * i.prev_per_capita
    """,
)
