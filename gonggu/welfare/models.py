"""兜底保障: the 民政 records the registry and the department list do not hold (001 第二部分 五 兜底保障).

Who is 在保 in 低保, 特困 or 低保边缘 comes from 民政's own list (department source `mz_assistance`); the
ledgers here add what that list does not say: when a household's 渐退期 began and ended, and each 临时救助
with its amount, who approved it and whether it was filed with the county.
"""

from django.db import models

from gonggu.ledgers.models import LedgerRow


class DibaoGrace(LedgerRow):
    """A 低保 household kept on benefits for a while after its income rose above the standard (渐退期)."""

    start_on = models.DateField("渐退期开始日期")
    end_on = models.DateField("渐退期结束日期", null=True, blank=True, help_text="仍在渐退期的不填")
    reason = models.CharField("渐退原因", max_length=100, blank=True, help_text="如 就业后家庭人均收入超过低保标准")

    class Meta:
        verbose_name = "低保渐退"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"渐退 {self.start_on}"


class TemporaryAssistance(LedgerRow):
    """One 临时救助 paid to a person (for the family): when, how much, why, approved by whom."""

    class Cause(models.TextChoices):
        ILLNESS = "因病", "因病"
        DISASTER = "因灾", "因灾"
        ACCIDENT = "因意外事故", "因意外事故"
        SCHOOL = "因学", "因学"
        INCOME = "收入骤减", "收入骤减"
        OTHER = "其他", "其他"

    class Approver(models.TextChoices):
        TOWNSHIP = "乡镇（街道）", "乡镇（街道）"
        COUNTY = "县级民政部门", "县级民政部门"

    granted_on = models.DateField("发放日期")
    amount = models.DecimalField("救助金额（元）", max_digits=10, decimal_places=2)
    cause = models.CharField("救助事由", max_length=10, choices=Cause.choices)
    approver = models.CharField("审批单位", max_length=10, choices=Approver.choices)
    filed = models.BooleanField("已报县级民政部门备案", default=False, help_text="乡镇（街道）审批的小额临时救助须报备")

    class Meta:
        verbose_name = "临时救助"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.granted_on} {self.amount} 元"
