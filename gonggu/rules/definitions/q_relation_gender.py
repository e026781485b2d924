from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-RELATION-GENDER",
    title="与户主关系和性别不符",
    kind="quality",
    source="001 第三部分 一(三)5",
    source_text=seeds.DATA_QUALITY,
    tables=("persons",),
    description="与户主关系和身份证号中的性别矛盾：子、父亲、孙子、女婿应为男性；女、母亲、孙女、儿媳应为女性。",
    sql="""
        SELECT household_id, id_number,
               name || ' 与户主关系为「' || relation || '」，身份证号显示为'
                 || CASE WHEN gender = 'M' THEN '男性' ELSE '女性' END AS detail,
               relation AS ev_relation, gender AS ev_gender
        FROM persons
        WHERE status = '在册' AND (
              (relation IN ('子', '父亲', '孙子', '女婿') AND gender = 'F')
           OR (relation IN ('女', '母亲', '孙女', '儿媳') AND gender = 'M'))
    """,
)
