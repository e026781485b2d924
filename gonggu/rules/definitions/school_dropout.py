from ..catalog import RuleDef

RULE = RuleDef(
    code="SCHOOL-DROPOUT",
    title="义务教育阶段辍学",
    kind="screening",
    source="004 任务14；003 任务9",
    source_text="对发现的失学、疑似辍学的学生，及时做好劝返工作，确保除身体原因不具备学习条件外，义务教育阶段适龄儿童少年"
                "不失学辍学。（004）公安、民政、残联等相关部门主动推送数据，联合教育部门定期开展核查比对，精准掌握工作底数。（003）",
    grade="red",
    risk_type="义务教育",
    tables=("persons_active", "dept_jy_student"),
    description="在册人员，检查基准日周岁 6–15（含 6 和 15；当天满 16 周岁的不算），教育部门最新名单中就学状态为「辍学」或「疑似辍学」。",
    sql="""
        SELECT p.household_id, p.id_number,
               p.name || '（' || CAST(p.age AS STRING) || ' 周岁）在教育部门名单中为「' || j.status || '」' AS detail,
               'jy_student' AS ev_list, j.batch_id AS ev_batch, j.as_of AS ev_batch_as_of, j.row_number AS ev_row, j.status AS ev_status,
               p.age AS ev_age
        FROM persons_active p
        JOIN dept_jy_student j ON j.id_number = p.id_number
        WHERE p.age >= 6 AND p.age <= 15 AND j.status IN ('辍学', '疑似辍学')
    """,
)
