"""Rules over the credit ledgers (kind "ledger", 台账核查): each quotes the seed passage it checks.

A loan is outstanding at the as-of date when it was issued on or before it and is not repaid by then; it is
overdue when, outstanding, its due date (after renewal or extension, where there is one) lies before it.
"""

from gonggu.rules.catalog import ParamDef, RuleDef, register_param, register_rule

CAP = "loan_cap_household"
SUBSIDY_CAP = "loan_subsidy_cap_household"
OVERDUE_RATE = "loan_overdue_rate"
DEMAND_DAYS = "loan_demand_days"

register_param(ParamDef(
    CAP, "单户脱贫人口小额信贷上限", default="100000", unit="元",
    description="追加贷款后，单户脱贫人口小额信贷不得超过此额（001 帮扶产业（二）5③：10 万元）。", minimum="0"))
register_param(ParamDef(
    SUBSIDY_CAP, "单户小额信贷贴息上限", default="50000", unit="元",
    description="单户享受贴息的贷款本金不超过此额，以上部分不予贴息（001 帮扶产业（二）5③：5 万元）。", minimum="0"))
register_param(ParamDef(
    OVERDUE_RATE, "小额信贷逾期率控制标准", default=None, unit="比例",
    description="逾期贷款金额占未结清贷款金额的比例不得超过此标准（004 任务9「确保逾期率控制在标准要求范围」），"
                "请按上级要求设置，如 0.02 表示 2%。", minimum="0", maximum="1"))
register_param(ParamDef(
    DEMAND_DAYS, "贷款需求办理期限", default="30", unit="天", integer=True,
    description="摸排到有意愿且符合条件的贷款需求后，这么多天内应放款；超过仍未放款的列入「应贷未贷」。",
    minimum="0", maximum="366"))

_OUTSTANDING = "l.issued_on <= {as_of} AND (l.repaid_on IS NULL OR l.repaid_on > {as_of})"
_OVERDUE = f"({_OUTSTANDING} AND COALESCE(l.extended_due_on, l.due_on) < {{as_of}})"
_CAP_TEXT = "追加贷款后,单户脱贫人口小额信贷不得超过10万元,5万元以上部分贷款不予贴息,也不纳入风险补偿范围。"

register_rule(RuleDef(
    code="LOAN-OVER-CAP",
    title="单户小额信贷超过10万元",
    kind="ledger",
    source="001 第三部分 三 帮扶产业发展及资金项目管理（二）5",
    source_text=_CAP_TEXT,
    grade="orange",
    risk_type="金融",
    params=(CAP,),
    tables=("ledger_loan",),
    description="同一户在检查基准日未结清的小额信贷金额合计超过「单户脱贫人口小额信贷上限」。",
    sql=f"""
        SELECT l.household_id, MIN(l.id_number) AS id_number,
               '未结清小额信贷 ' || CAST(COUNT(*) AS VARCHAR) || ' 笔，合计 '
                 || CAST(CAST(SUM(l.amount) AS DECIMAL(14, 2)) AS VARCHAR) || ' 元，超过单户上限' AS detail,
               COUNT(*) AS ev_loans, CAST(SUM(l.amount) AS DECIMAL(14, 2)) AS ev_amount
        FROM ledger_loan l
        WHERE {_OUTSTANDING}
        GROUP BY l.household_id
        HAVING SUM(l.amount) > {{{CAP}}}
    """,
))

register_rule(RuleDef(
    code="LOAN-SUBSIDY-OVER",
    title="小额信贷贴息本金超过5万元",
    kind="ledger",
    source="001 第三部分 三 帮扶产业发展及资金项目管理（二）5",
    source_text=_CAP_TEXT,
    grade="orange",
    risk_type="金融",
    params=(SUBSIDY_CAP,),
    tables=("ledger_loan",),
    description="同一户在检查基准日未结清的小额信贷中，享受贴息的本金合计超过「单户小额信贷贴息上限」。",
    sql=f"""
        SELECT l.household_id, MIN(l.id_number) AS id_number,
               '享受贴息的本金合计 ' || CAST(CAST(SUM(l.subsidised_amount) AS DECIMAL(14, 2)) AS VARCHAR)
                 || ' 元，5万元以上部分不应贴息' AS detail,
               CAST(SUM(l.subsidised_amount) AS DECIMAL(14, 2)) AS ev_subsidised
        FROM ledger_loan l
        WHERE {_OUTSTANDING}
        GROUP BY l.household_id
        HAVING SUM(l.subsidised_amount) > {{{SUBSIDY_CAP}}}
    """,
))

register_rule(RuleDef(
    code="LOAN-RENEWED-TWICE",
    title="小额信贷续贷或展期超过一次",
    kind="ledger",
    source="001 第三部分 三 帮扶产业发展及资金项目管理（二）5",
    source_text="脱贫人口小额信贷可续贷或展期一次,脱贫攻坚期内发放的扶贫小额信贷,过渡期内到期的也可续贷或展期一次。",
    grade="yellow",
    risk_type="金融",
    tables=("ledger_loan",),
    description="放款日期不晚于检查基准日的贷款，「续贷或展期次数」大于 1。",
    sql="""
        SELECT l.household_id, l.id_number,
               '贷款「' || l.loan_no || '」续贷或展期 ' || CAST(l.renewals AS VARCHAR) || ' 次' AS detail,
               l.loan_no AS ev_loan, l.renewals AS ev_renewals
        FROM ledger_loan l
        WHERE l.issued_on <= {as_of} AND l.renewals > 1
    """,
))

register_rule(RuleDef(
    code="LOAN-OVERDUE-RATE",
    title="小额信贷逾期率超过控制标准",
    kind="ledger",
    source="004 任务9",
    source_text="同时规范贷款用途，不过度强调获贷率，及时化解逾期风险，确保逾期率控制在标准要求范围。",
    grade="orange",
    risk_type="金融",
    params=(OVERDUE_RATE,),
    tables=("ledger_loan",),
    description="按借款人所在乡镇：检查基准日逾期（未结清且已过到期日期，有续贷展期的按展期后到期日期）的贷款金额，"
                "超过未结清贷款金额 ×「小额信贷逾期率控制标准」。",
    sql=f"""
        WITH c AS (
          SELECT substr(l.region_code, 1, 9) || '000' AS township,
                 CAST(SUM(CASE WHEN {_OUTSTANDING} THEN l.amount ELSE 0 END) AS DECIMAL(14, 2)) AS outstanding,
                 CAST(SUM(CASE WHEN {_OVERDUE} THEN l.amount ELSE 0 END) AS DECIMAL(14, 2)) AS overdue,
                 SUM(CASE WHEN {_OVERDUE} THEN 1 ELSE 0 END) AS overdue_loans
          FROM ledger_loan l
          GROUP BY substr(l.region_code, 1, 9) || '000')
        SELECT township AS region_code,
               '逾期贷款 ' || CAST(overdue_loans AS VARCHAR) || ' 笔 ' || CAST(overdue AS VARCHAR) || ' 元，占未结清贷款 '
                 || CAST(outstanding AS VARCHAR) || ' 元的比例超过控制标准' AS detail,
               overdue AS ev_overdue, outstanding AS ev_outstanding, overdue_loans AS ev_overdue_loans
        FROM c
        WHERE overdue > 0 AND overdue > {{{OVERDUE_RATE}}} * outstanding
    """,
))

register_rule(RuleDef(
    code="LOAN-NOT-REACHED",
    title="有意愿且符合条件的脱贫人口和监测对象未获贷",
    kind="ledger",
    source="001 第三部分 三 帮扶产业发展及资金项目管理（三）7",
    source_text="人为设置贷款门槛,符合贷款条件、有贷款意愿的脱贫人口和监测对象没有实现 “应贷尽贷”。",
    grade="orange",
    risk_type="金融",
    params=(DEMAND_DAYS,),
    tables=("ledger_loan_demand", "ledger_loan", "household_status"),
    description="脱贫户或风险未消除的监测户，最近一次（不晚于检查基准日的）摸排为有贷款意愿且符合贷款条件，摸排日期早于检查基准日前"
                "「贷款需求办理期限」天，而自摸排日期至检查基准日没有放款，检查基准日也没有未结清的贷款。",
    sql=f"""
        WITH d AS (
          SELECT household_id, id_number, surveyed_on, willing, eligible, amount_wanted,
                 ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY surveyed_on DESC, row_id DESC) AS rn
          FROM ledger_loan_demand WHERE surveyed_on <= {{as_of}}),
        l AS (
          SELECT l.household_id, MAX(l.issued_on) AS last_issued,
                 SUM(CASE WHEN {_OUTSTANDING} THEN 1 ELSE 0 END) AS outstanding
          FROM ledger_loan l WHERE l.issued_on <= {{as_of}}
          GROUP BY l.household_id)
        SELECT d.household_id, d.id_number,
               CAST(d.surveyed_on AS VARCHAR) || ' 摸排有贷款意愿且符合条件，至今未获贷' AS detail,
               d.surveyed_on AS ev_surveyed_on, d.amount_wanted AS ev_amount_wanted
        FROM d
        JOIN household_status s ON s.household_id = d.household_id AND s.key_household
        LEFT JOIN l ON l.household_id = d.household_id
        WHERE d.rn = 1 AND d.willing AND d.eligible AND d.surveyed_on < days_before({{as_of}}, {{{DEMAND_DAYS}}})
          AND (l.household_id IS NULL OR (l.last_issued < d.surveyed_on AND l.outstanding = 0))
    """,
))
