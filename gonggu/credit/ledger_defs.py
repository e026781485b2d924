"""The credit ledgers: 脱贫人口小额信贷 loans and the survey of loan demand (docs/ledgers.md)."""

from gonggu.dataio.columns import Kind
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, register_ledger

from .checks import check_loans
from .models import Loan, LoanDemand

LOAN = register_ledger(LedgerKind(
    key="loan", title="脱贫人口小额信贷台账", area="小额信贷", model=Loan, match=Match.PERSON,
    description="每笔脱贫人口小额信贷：借款人、银行、金额、放款与到期日期、用途、贴息本金、续贷展期和结清日期。",
    source="001 第三部分 三 帮扶产业发展及资金项目管理（二）5；004 任务9",
    columns=(
        field_column(Loan, "loan_no", aliases=("合同编号", "借据号", "贷款编号"), example="XD2025001"),
        field_column(Loan, "bank", aliases=("贷款银行", "放款银行", "金融机构"), example="县农商银行"),
        field_column(Loan, "amount", aliases=("贷款金额", "放款金额"), example="50000"),
        field_column(Loan, "issued_on", aliases=("放款时间", "贷款日期"), example="2025-03-01"),
        field_column(Loan, "due_on", aliases=("到期时间", "到期日"), example="2028-03-01"),
        field_column(Loan, "purpose", aliases=("用途",), synonyms={"种植": "种植业", "养殖": "养殖业"}, example="养殖业"),
        field_column(Loan, "subsidised_amount", aliases=("贴息本金", "贴息金额基数"), example="50000"),
        field_column(Loan, "renewals", kind=Kind.INT, aliases=("续贷展期次数",), example="0"),
        field_column(Loan, "extended_due_on", aliases=("展期到期日期", "续贷到期日期"), example=""),
        field_column(Loan, "repaid_on", aliases=("还清日期", "结清时间"), example=""),
    ),
    natural_key=("loan_no",),
    list_fields=("loan_no", "bank", "amount", "issued_on", "due_on", "repaid_on"),
    filter_fields=("purpose",),
    date_field="issued_on",
    notes=("一笔贷款一行，按贷款合同编号识别；续贷、展期或结清后改好再导入即可更新。",
           "是否逾期由日期得出：检查基准日晚于到期日期（有续贷展期的按展期后到期日期）且未结清。"),
    check_rows=check_loans,
))

LOAN_DEMAND = register_ledger(LedgerKind(
    key="loan_demand", title="小额信贷需求摸排台账", area="小额信贷", model=LoanDemand, match=Match.HOUSEHOLD,
    description="定期摸排脱贫户和监测户的贷款需求：是否有贷款意愿、是否符合贷款条件、需求金额。",
    source="004 任务9；001 第三部分 三 帮扶产业发展及资金项目管理（二）5",
    columns=(
        field_column(LoanDemand, "surveyed_on", aliases=("摸排时间",), example="2025-03-01"),
        field_column(LoanDemand, "willing", aliases=("贷款意愿", "是否有贷款意愿"), example="是"),
        field_column(LoanDemand, "eligible", aliases=("是否符合贷款条件", "评级授信"), example="是"),
        field_column(LoanDemand, "amount_wanted", aliases=("需求金额", "拟贷金额"), example="50000"),
        field_column(LoanDemand, "note", example=""),
    ),
    natural_key=("surveyed_on",),
    list_fields=("surveyed_on", "willing", "eligible", "amount_wanted", "note"),
    filter_fields=("willing", "eligible"),
    date_field="surveyed_on",
    notes=("每户每次摸排一行，身份证号填该户任一成员的号码。",),
))
