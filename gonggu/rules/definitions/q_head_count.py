from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-HEAD-COUNT",
    title="户主人数不是一人",
    kind="quality",
    source="001 第三部分 一(三)5",
    source_text=seeds.DATA_QUALITY,
    tables=("persons",),
    description="在册成员中没有户主，或有多于一名户主。",
    sql="""
        SELECT household_id, CAST(NULL AS STRING) AS id_number,
               CASE WHEN heads = 0 THEN '户内没有户主'
                    ELSE '户内有 ' || CAST(heads AS STRING) || ' 名户主' END AS detail,
               heads AS ev_heads
        FROM (SELECT household_id, SUM(CASE WHEN relation = '户主' THEN 1 ELSE 0 END) AS heads
              FROM persons WHERE status = '在册' GROUP BY household_id) c
        WHERE heads <> 1
    """,
)
