from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-RELATION-AGE",
    title="与户主关系和年龄不符",
    kind="quality",
    source="001 第三部分 一(三)5",
    source_text=seeds.DATA_QUALITY,
    tables=("persons",),
    description="在册的子、女周岁不小于户主，或父亲、母亲周岁不大于户主（按检查基准日的周岁比较）。",
    sql="""
        SELECT c.household_id, c.id_number,
               c.name || '（' || c.relation || '，' || CAST(c.age AS STRING) || ' 周岁）'
                 || CASE WHEN c.relation IN ('子', '女') THEN '不小于' ELSE '不大于' END
                 || '户主 ' || h.name || '（' || CAST(h.age AS STRING) || ' 周岁）' AS detail,
               c.relation AS ev_relation, c.age AS ev_age, h.age AS ev_head_age
        FROM persons c
        JOIN persons h ON h.household_id = c.household_id AND h.relation = '户主' AND h.status = '在册'
        WHERE c.status = '在册' AND (
              (c.relation IN ('子', '女') AND c.age >= h.age)
           OR (c.relation IN ('父亲', '母亲') AND c.age <= h.age))
    """,
)
