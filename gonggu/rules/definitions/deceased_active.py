from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="DECEASED-ACTIVE",
    title="公安已注销死亡但台账仍在册",
    kind="screening",
    source="003 任务9；001 第三部分 一(三)5",
    source_text="公安、民政、残联等相关部门主动推送数据，联合教育部门定期开展核查比对，精准掌握工作底数。（003）"
                + seeds.DATA_QUALITY + "（001）",
    grade="info",
    risk_type="",
    tables=("persons", "dept_ga_deregistration"),
    description="公安最新户籍注销名单中注销原因为「死亡」的人，台账仍登记为在册（数据质量：台账需要更新）。",
    sql="""
        SELECT p.household_id, p.id_number,
               p.name || ' 已被公安部门注销户籍（死亡' || coalesce('，' || CAST(g.deregistration_date AS STRING), '')
                 || '），台账仍为在册' AS detail,
               'ga_deregistration' AS ev_list, g.batch_id AS ev_batch, g.as_of AS ev_batch_as_of, g.row_number AS ev_row,
               g.deregistration_date AS ev_deregistration_date
        FROM persons p
        JOIN dept_ga_deregistration g ON g.id_number = p.id_number
        WHERE g.reason = '死亡' AND p.status = '在册'
    """,
)
