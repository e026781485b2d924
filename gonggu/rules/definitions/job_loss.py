from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="JOB-LOSS",
    title="重点户成员失业或返乡未就业",
    kind="screening",
    source="001 第三部分 一(二)1①③",
    source_text=seeds.SCREENING_SCOPE + "……③风险预警:……全力防范大宗农副产品价格持续大幅下跌、农村劳动力失业明显增多"
                "……等方面的风险隐患。",
    grade="yellow",
    risk_type="就业",
    tables=("persons_active", "household_status", "dept_rs_employment"),
    description="重点户（脱贫户或监测户）的在册人员，人社最新名单中就业状态为「失业」或「返乡未就业」。",
    sql="""
        SELECT p.household_id, p.id_number,
               p.name || ' 在人社名单中为「' || r.status || '」' AS detail,
               'rs_employment' AS ev_list, r.batch_id AS ev_batch, r.as_of AS ev_batch_as_of, r.row_number AS ev_row, r.status AS ev_status
        FROM persons_active p
        JOIN household_status s ON s.household_id = p.household_id AND s.key_household
        JOIN dept_rs_employment r ON r.id_number = p.id_number
        WHERE r.status IN ('失业', '返乡未就业')
    """,
)
