from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="DISABILITY-SEVERE",
    title="新增重度残疾",
    kind="screening",
    source="001 第三部分 一(二)1①",
    source_text=seeds.SCREENING_SCOPE,
    grade="orange",
    risk_type="因残",
    params=("new_disability_days",),
    tables=("persons_active", "household_status", "dept_cl_disability"),
    description="非监测户的在册成员，残联最新名单中残疾等级为一级或二级，发证日期在检查基准日 D 之前 new_disability_days"
                "（默认 365）天以内：D − 天数 ≤ 发证日期 ≤ D（两端都算）。",
    sql="""
        SELECT p.household_id, p.id_number,
               p.name || ' 持' || c.grade || '残疾人证（' || coalesce(c.category, '') || '），发证日期 '
                 || CAST(c.issue_date AS STRING) AS detail,
               'cl_disability' AS ev_list, c.batch_id AS ev_batch, c.as_of AS ev_batch_as_of, c.row_number AS ev_row, c.grade AS ev_grade,
               c.issue_date AS ev_issue_date
        FROM persons_active p
        JOIN household_status s ON s.household_id = p.household_id AND NOT s.monitored
        JOIN dept_cl_disability c ON c.id_number = p.id_number
        WHERE c.grade IN ('一级', '二级')
          AND c.issue_date <= {as_of}
          AND c.issue_date >= days_before({as_of}, {new_disability_days})
    """,
)
