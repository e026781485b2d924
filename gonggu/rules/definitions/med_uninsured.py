from ..catalog import RuleDef

RULE = RuleDef(
    code="MED-UNINSURED",
    title="重点户成员未参加基本医疗保险",
    kind="screening",
    source="001 第二部分 二(三)2①；004 任务17",
    source_text="脱贫户、监测对象对漏保、脱保、断保的,不能实现动态缴费参保。（001）"
                "实时筛查脱贫人口参保状态，落实分类资助参保政策，确保脱贫人口全部参加城乡居民基本医疗保险。（004）",
    grade="orange",
    risk_type="医疗保障",
    tables=("persons_active", "household_status", "dept_yb_enrolment"),
    description="重点户（脱贫户或监测户）的在册人员，医保最新参保名单中状态为「未参保」或「中断」；医保名单中没有此人时，"
                "台账「是否参加基本医疗保险」为「否」。「异地参保」视为已参保。",
    sql="""
        SELECT p.household_id, p.id_number,
               CASE WHEN e.id_number IS NOT NULL
                    THEN p.name || ' 在医保参保名单中为「' || e.status || '」'
                    ELSE p.name || ' 台账登记未参加基本医疗保险（医保名单中无此人）' END AS detail,
               CASE WHEN e.id_number IS NOT NULL THEN 'yb_enrolment' ELSE 'registry' END AS ev_list,
               e.batch_id AS ev_batch, e.as_of AS ev_batch_as_of, e.row_number AS ev_row, e.status AS ev_status
        FROM persons_active p
        JOIN household_status s ON s.household_id = p.household_id AND s.key_household
        LEFT JOIN dept_yb_enrolment e ON e.id_number = p.id_number
        WHERE (e.id_number IS NOT NULL AND e.status IN ('未参保', '中断'))
           OR (e.id_number IS NULL AND p.medical_insured = FALSE)
    """,
)
