"""Department batches and facts.

A `Batch` is one imported file; its valid rows are `Fact`s, its bad rows
`RejectedRow`s. Facts of all nine sources share one table with a few generic
value columns (which column holds what is declared per source in `specs.py`),
so a screening run reads every list with one indexed query per source.

Facts are keyed by the normalised identity number only. Matching them to the
registry is a join done at import (for the batch's counts) and again at every
screening snapshot, so rows that were unmatched start to count as soon as the
registry has the person — nothing needs to be re-imported.
"""

from django.conf import settings
from django.db import models

from gonggu.core.models import TimeStampedModel

from .specs import SOURCE_CHOICES

MONEY = {"max_digits": 14, "decimal_places": 2}


class Batch(TimeStampedModel):
    source = models.CharField("数据来源", max_length=20, choices=SOURCE_CHOICES, db_index=True)
    # The region the batch belongs to (the importing user's county): scoping of the batch pages.
    region_code = models.CharField("所属区划", max_length=12, blank=True, db_index=True)
    file_name = models.CharField("文件名", max_length=255)
    file_path = models.CharField("原始文件", max_length=500, blank=True)
    checksum = models.CharField("SHA-256", max_length=64)
    as_of = models.DateField("数据截至日期")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    matched = models.PositiveIntegerField("匹配台账", default=0)
    unmatched = models.PositiveIntegerField("未匹配", default=0)
    rejected = models.PositiveIntegerField("拒收行数", default=0)
    unknown_columns = models.JSONField("未识别的列", default=list, blank=True)

    class Meta:
        verbose_name = "部门数据批次"
        verbose_name_plural = verbose_name
        ordering = ["-as_of", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "checksum"], name="batch_file_once_per_source")]

    def __str__(self) -> str:
        return f"第 {self.pk} 批 {self.get_source_display()} {self.as_of}"

    @property
    def imported(self) -> int:
        return self.matched + self.unmatched


class RejectedRow(models.Model):
    batch = models.ForeignKey(Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="rejected_rows")
    row_number = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=40, blank=True)
    value = models.CharField("原值（已脱敏）", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=300)

    class Meta:
        verbose_name = "拒收行"
        verbose_name_plural = verbose_name
        ordering = ["batch", "row_number", "id"]

    def __str__(self) -> str:
        return f"第 {self.row_number} 行「{self.column}」：{self.reason}"


class Fact(models.Model):
    """One valid row of a department list. Which value column holds what depends on the source (specs.py)."""

    batch = models.ForeignKey(Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="facts")
    source = models.CharField("数据来源", max_length=20, choices=SOURCE_CHOICES)
    # Denormalised from the batch: "latest fact" is ordered by as-of date, then import order (batch, row).
    as_of = models.DateField("数据截至日期")
    row_number = models.PositiveIntegerField("行号")
    id_number = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50, blank=True)
    category = models.CharField("类别", max_length=30, blank=True)
    status = models.CharField("状态", max_length=20, blank=True)
    grade = models.CharField("等级", max_length=10, blank=True)
    fact_date = models.DateField("日期", null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    amount = models.DecimalField("金额", null=True, blank=True, **MONEY)
    amount2 = models.DecimalField("金额二", null=True, blank=True, **MONEY)
    months = models.PositiveSmallIntegerField("月数", null=True, blank=True)
    place = models.CharField("地点", max_length=30, blank=True)

    class Meta:
        verbose_name = "部门数据"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["source", "id_number"], name="fact_source_id_idx"),
            models.Index(fields=["id_number"], name="fact_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.batch_id}:{self.row_number}"
