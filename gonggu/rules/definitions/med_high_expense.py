from ..catalog import RuleDef

RULE = RuleDef(
    code="MED-HIGH-EXPENSE",
    title="高额医疗费用支出",
    kind="screening",
    source="001 第二部分 二(二)5",
    source_text="强化高额医疗费用支出预警监测。重点监测经基本医疗保险、大病保险等支付后,政策范围内年度自付费用超过所在统筹地区"
                "上一年度城乡居民人均可支配收入50%的低保边缘家庭成员、农村易返贫致贫人口,做到及时预警。",
    grade="red",
    risk_type="因病",
    params=("high_expense_ratio", "disposable_income"),
    tables=("persons_active", "household_status", "dept_yb_expense", "params"),
    description="非监测户的在册成员，医保费用名单中某年度 E 的政策范围内自付费用 > high_expense_ratio（默认 0.5）× "
                "E−1 年的城乡居民人均可支配收入（disposable_income）。恰好等于的不预警；缺少 E−1 年的可支配收入时该年度不检查并说明。",
    param_years="""
        SELECT DISTINCT 'disposable_income' AS name, x.year - 1 AS year
        FROM persons_active p
        JOIN household_status s ON s.household_id = p.household_id AND NOT s.monitored
        JOIN dept_yb_expense x ON x.id_number = p.id_number
    """,
    sql="""
        SELECT p.household_id, p.id_number,
               p.name || ' ' || CAST(x.year AS STRING) || ' 年政策范围内自付费用 ' || CAST(x.self_pay AS STRING)
                 || ' 元，超过 ' || CAST(x.year - 1 AS STRING) || ' 年城乡居民人均可支配收入 ' || d.value_text
                 || ' 元的 ' || CAST(CAST({high_expense_ratio} * 100 AS DECIMAL(10,1)) AS STRING) || '%' AS detail,
               'yb_expense' AS ev_list, x.batch_id AS ev_batch, x.as_of AS ev_batch_as_of, x.row_number AS ev_row, x.year AS ev_year,
               x.self_pay AS ev_self_pay, d.value AS ev_disposable_income
        FROM persons_active p
        JOIN household_status s ON s.household_id = p.household_id AND NOT s.monitored
        JOIN dept_yb_expense x ON x.id_number = p.id_number
        JOIN params d ON d.name = 'disposable_income' AND d.year = x.year - 1
        WHERE x.self_pay > {high_expense_ratio} * d.value
    """,
)
