from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-LABOR-AGE",
    title="未满 16 周岁登记为劳动力",
    kind="quality",
    source="001 第三部分 一(三)5",
    source_text=seeds.DATA_QUALITY,
    tables=("persons",),
    description="在册人员劳动能力为普通劳动力或技能劳动力，周岁未满 16。",
    sql="""
        SELECT household_id, id_number,
               name || ' ' || CAST(age AS STRING) || ' 周岁，劳动能力登记为「' || labour_ability || '」' AS detail,
               age AS ev_age, labour_ability AS ev_labour_ability
        FROM persons
        WHERE status = '在册' AND labour_ability IN ('普通劳动力', '技能劳动力') AND age < 16
    """,
)
