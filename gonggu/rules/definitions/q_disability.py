from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-DISABILITY",
    title="健康状况与残疾等级不符",
    kind="quality",
    source="001 第三部分 一(三)5",
    source_text=seeds.DATA_QUALITY,
    tables=("persons",),
    description="在册人员健康状况为残疾却没有残疾等级，或有残疾等级而健康状况不是残疾。",
    sql="""
        SELECT household_id, id_number,
               CASE WHEN health = '残疾' THEN name || ' 健康状况为残疾，未填残疾等级'
                    ELSE name || ' 有残疾等级「' || disability_grade || '」，健康状况却为「' || health || '」' END AS detail,
               health AS ev_health, disability_grade AS ev_disability_grade
        FROM persons
        WHERE status = '在册' AND (
              (health = '残疾' AND coalesce(disability_grade, '') = '')
           OR (health <> '残疾' AND coalesce(disability_grade, '') <> ''))
    """,
)
