from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-NET-INCOME-NEGATIVE",
    title="家庭纯收入为负",
    kind="quality",
    source="001 第三部分 一(三)2、5",
    source_text="2.收入数据不实。存在统计口径不规范、没有实地入户采集、老百姓不认可不认账等问题……" + seeds.DATA_QUALITY,
    tables=("household_income",),
    description="最新收入年度 Y 的家庭纯收入小于 0。",
    sql="""
        SELECT household_id, CAST(NULL AS STRING) AS id_number,
               CAST(income_year AS STRING) || ' 年家庭纯收入为 ' || CAST(net_income AS STRING) || ' 元' AS detail,
               income_year AS ev_income_year, net_income AS ev_net_income
        FROM household_income
        WHERE net_income < 0
    """,
)
