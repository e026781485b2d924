from ..catalog import RuleDef

RULE = RuleDef(
    code="Q-LABOR-WORK",
    title="无劳动能力却有务工月数",
    kind="quality",
    source="001 第三部分 一(三)3",
    source_text="3.帮扶措施不精准。制定的帮扶措施不精准、针对性不强、一致率不高,比如将丧失劳动能力群众安排公益岗位、帮扶车间务工。",
    tables=("persons",),
    description="在册人员劳动能力为丧失劳动力或无劳动力，务工月数 ≥ 1。",
    sql="""
        SELECT household_id, id_number,
               name || ' 劳动能力为「' || labour_ability || '」，务工月数为 ' || CAST(work_months AS STRING) AS detail,
               labour_ability AS ev_labour_ability, work_months AS ev_work_months
        FROM persons
        WHERE status = '在册' AND labour_ability IN ('丧失劳动力', '无劳动力') AND work_months >= 1
    """,
)
