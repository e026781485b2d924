from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-AGE-SCHOOL",
    title="在校情况与年龄不符",
    kind="quality",
    source="001 第三部分 一(三)5",
    source_text=seeds.DATA_QUALITY,
    tables=("persons",),
    description="在册人员的在校情况与周岁明显不符：学前教育 ≥ 8；小学 < 5 或 ≥ 16；初中 < 10 或 ≥ 19；高中、中职 < 13 或 ≥ 22；"
                "大学、高职 < 15。",
    sql="""
        SELECT household_id, id_number,
               name || ' ' || CAST(age AS STRING) || ' 周岁，在校情况为「' || school_status || '」' AS detail,
               age AS ev_age, school_status AS ev_school_status
        FROM persons
        WHERE status = '在册' AND (
              (school_status = '学前教育' AND age >= 8)
           OR (school_status = '小学' AND (age < 5 OR age >= 16))
           OR (school_status = '初中' AND (age < 10 OR age >= 19))
           OR (school_status IN ('高中', '中职') AND (age < 13 OR age >= 22))
           OR (school_status IN ('大学', '高职') AND age < 15))
    """,
)
