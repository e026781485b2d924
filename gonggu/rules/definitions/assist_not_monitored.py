from ..catalog import RuleDef

RULE = RuleDef(
    code="ASSIST-NOT-MONITORED",
    title="享受低保特困但未纳入监测",
    kind="screening",
    source="003 任务8；001 第二部分 五(二)6",
    source_text="对农村低保对象、农村特困人员、防止返贫监测对象等农村低收入人口开展动态监测。推动各层级防止返贫监测和低收入人口"
                "动态监测信息平台数据共享（003）；民政部门与人社、卫健、医保、乡村振兴、残联等部门加强协调联动和数据互通共享,"
                "定期对重点户进行排查（001）",
    grade="yellow",
    risk_type="兜底保障",
    tables=("persons_active", "household_status", "dept_mz_assistance"),
    description="既不是脱贫户也不是监测户（或风险已消除）的农户，有在册成员在民政最新名单中为「在保」，救助类别为低保、特困或低保边缘。",
    sql="""
        SELECT p.household_id, p.id_number,
               p.name || ' 在民政名单中为' || a.category || '（在保）' AS detail,
               'mz_assistance' AS ev_list, a.batch_id AS ev_batch, a.as_of AS ev_batch_as_of, a.row_number AS ev_row,
               a.category AS ev_category, a.status AS ev_status
        FROM persons_active p
        JOIN household_status s ON s.household_id = p.household_id
        JOIN dept_mz_assistance a ON a.id_number = p.id_number
        WHERE s.household_type <> '脱贫户' AND NOT s.monitored
          AND a.status = '在保' AND a.category IN ('低保', '特困', '低保边缘')
    """,
)
