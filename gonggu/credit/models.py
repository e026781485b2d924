"""小额信贷: 脱贫人口小额信贷 as ledgers (001 第三部分 三 帮扶产业发展及资金项目管理（二）5, 004 任务9).

A loan is a row per contract with its borrower; whether it is outstanding or overdue at a date follows from
its dates (issued, due, extended, repaid), so nothing stored goes stale. The 贷款需求摸排 ledger records which
households want a loan and are eligible, so that "应贷尽贷" can be checked against the loans.
"""

from django.core.validators import MaxValueValidator
from django.db import models

from gonggu.ledgers.models import LedgerRow


class Loan(LedgerRow):
    class Purpose(models.TextChoices):
        PLANTING = "种植业", "种植业"
        BREEDING = "养殖业", "养殖业"
        PROCESSING = "农产品加工", "农产品加工"
        TRADE = "商贸流通", "商贸流通"
        TOURISM = "乡村旅游", "乡村旅游"
        OTHER = "其他生产经营", "其他生产经营"

    loan_no = models.CharField("贷款合同编号", max_length=40)
    bank = models.CharField("放贷银行", max_length=60)
    amount = models.DecimalField("贷款金额（元）", max_digits=12, decimal_places=2)
    issued_on = models.DateField("放款日期")
    due_on = models.DateField("到期日期")
    purpose = models.CharField("贷款用途", max_length=10, choices=Purpose.choices)
    subsidised_amount = models.DecimalField("享受贴息的本金（元）", max_digits=12, decimal_places=2, default=0,
                                            help_text="5 万元以上部分不予贴息")
    renewals = models.PositiveSmallIntegerField("续贷或展期次数", default=0, validators=[MaxValueValidator(9)],
                                                help_text="可续贷或展期一次")
    extended_due_on = models.DateField("续贷（展期）后到期日期", null=True, blank=True)
    repaid_on = models.DateField("结清日期", null=True, blank=True, help_text="尚未结清的不填")

    class Meta:
        verbose_name = "脱贫人口小额信贷"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "issued_on"], name="loan_region_idx")]

    def __str__(self) -> str:
        return f"{self.loan_no} {self.amount} 元"


class LoanDemand(LedgerRow):
    """A household's loan demand as surveyed (定期摸排…及时掌握新生贷款需求, 004 任务9)."""

    surveyed_on = models.DateField("摸排日期")
    willing = models.BooleanField("有贷款意愿", default=False)
    eligible = models.BooleanField("符合贷款条件", default=False, help_text="经评级授信，符合脱贫人口小额信贷条件")
    amount_wanted = models.DecimalField("需求金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True, help_text="如 不符合条件或不愿贷款的原因")

    class Meta:
        verbose_name = "小额信贷需求摸排"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.surveyed_on} {'有' if self.willing else '无'}意愿"
