from ..catalog import RuleDef

RULE = RuleDef(
    code="DISASTER-LOSS",
    title="受灾损失严重",
    kind="screening",
    source="003 任务7；001 第三部分 一(二)1③",
    source_text="加强与应急管理、气象等相关部门信息共享和沟通协作，持续监测干旱、高温、低温冻害、暴雨（雪）大风、洪涝、地震等主要灾害"
                "对巩固拓展脱贫攻坚成果的影响……对受灾群众进行分区分类精准帮扶，及时解决生活困难。（003）",
    grade="orange",
    risk_type="因灾",
    params=("disaster_loss_ratio",),
    tables=("persons", "household_status", "household_income", "dept_yj_disaster"),
    description="非监测户，应急最新名单（身份证号可以是任一成员的）中受灾日期在检查基准日 D 之前 365 天以内（D − 365 ≤ 受灾日期 ≤ D）"
                "的损失金额 ≥ disaster_loss_ratio（默认 0.5）× 最新收入年度 Y 的家庭纯收入。恰好等于的也预警。",
    sql="""
        WITH losses AS (
          SELECT p.household_id, p.name AS member_name, d.loss, d.disaster_date, d.disaster_type, d.batch_id, d.as_of,
                 d.row_number,
                 ROW_NUMBER() OVER (PARTITION BY p.household_id ORDER BY d.loss DESC, d.disaster_date DESC) AS rn
          FROM dept_yj_disaster d JOIN persons p ON p.id_number = d.id_number
          WHERE d.disaster_date <= {as_of} AND d.disaster_date >= days_before({as_of}, 365))
        SELECT w.household_id, CAST(NULL AS STRING) AS id_number,
               CAST(w.disaster_date AS STRING) || ' 受灾' || coalesce('（' || w.disaster_type || '）', '')
                 || '，损失 ' || CAST(w.loss AS STRING) || ' 元，' || CAST(i.income_year AS STRING) || ' 年家庭纯收入 '
                 || CAST(i.net_income AS STRING) || ' 元，名单人员：' || w.member_name AS detail,
               'yj_disaster' AS ev_list, w.batch_id AS ev_batch, w.as_of AS ev_batch_as_of, w.row_number AS ev_row, w.loss AS ev_loss,
               w.disaster_date AS ev_disaster_date, i.income_year AS ev_income_year, i.net_income AS ev_net_income
        FROM losses w
        JOIN household_status s ON s.household_id = w.household_id AND NOT s.monitored
        JOIN household_income i ON i.household_id = w.household_id
        WHERE w.rn = 1 AND w.loss >= {disaster_loss_ratio} * i.net_income
    """,
)
