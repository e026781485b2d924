from ..catalog import RuleDef

RULE = RuleDef(
    code="HOUSE-UNSAFE",
    title="住房鉴定为危房",
    kind="screening",
    source="001 第二部分 三(二)1③、3①；004 任务21",
    source_text="住建部门与乡村振兴、民政等部门加强协调联动和数据互通共享,健全完善农村低收入群体等重点对象住房安全动态监测机制。"
                "……对经鉴定住房确属C级或D级或无房户的农村低收入群体等重点对象列为年度农村危房改造对象。（001）",
    grade="",
    grade_note="C 级橙色，D 级红色",
    risk_type="住房安全",
    tables=("persons", "dept_zj_housing"),
    description="农户最新一次住建鉴定（名单中的身份证号可以是任一成员的；按截至日期、再按导入顺序取最新）为 C 级（橙色）"
                "或 D 级（红色）。",
    sql="""
        WITH member_rows AS (
          SELECT p.household_id, p.name AS member_name, z.grade, z.appraisal_date, z.batch_id, z.row_number, z.as_of,
                 ROW_NUMBER() OVER (PARTITION BY p.household_id
                                    ORDER BY z.as_of DESC, z.batch_id DESC, z.row_number DESC) AS rn
          FROM dept_zj_housing z JOIN persons p ON p.id_number = z.id_number)
        SELECT household_id, CAST(NULL AS STRING) AS id_number,
               CASE WHEN grade = 'D' THEN 'red' ELSE 'orange' END AS grade,
               '住建部门鉴定住房为 ' || grade || ' 级危房'
                 || coalesce('（鉴定日期 ' || CAST(appraisal_date AS STRING) || '）', '')
                 || '，名单人员：' || member_name AS detail,
               'zj_housing' AS ev_list, batch_id AS ev_batch, as_of AS ev_batch_as_of, row_number AS ev_row, grade AS ev_grade,
               appraisal_date AS ev_appraisal_date
        FROM member_rows
        WHERE rn = 1 AND grade IN ('C', 'D')
    """,
)
