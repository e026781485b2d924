"""Department batches and facts.

A `Batch` is one imported file (an intake batch of the format `dept.<source>`);
its valid rows are `Fact`s, its bad rows the batch's intake issues. Facts of all nine sources share one table with a few generic
value columns (which column holds what is declared per source in `specs.py`),
so a screening run reads every list with one indexed query per source.

Facts are keyed by the normalised identity number only. Matching them to the
registry is a join done at import (for the batch's counts) and again at every
screening snapshot, so rows that were unmatched start to count as soon as the
registry has the person — nothing needs to be re-imported.
"""

from django.db import models

from gonggu.dataio.models import IntakeBatch

from .specs import DEPT_PREFIX, SOURCE_CHOICES, SOURCES

MONEY = {"max_digits": 14, "decimal_places": 2}


class DeptBatchManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(format__startswith=DEPT_PREFIX)


class Batch(IntakeBatch):
    """A department list's batch: the intake batch of a `dept.<source>` format, read with the list's words."""

    objects = DeptBatchManager()

    class Meta:
        proxy = True
        verbose_name = "部门数据批次"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"第 {self.pk} 批 {self.source_label} {self.as_of}"

    @property
    def source(self) -> str:
        return self.format.removeprefix(DEPT_PREFIX)

    @property
    def source_label(self) -> str:
        src = SOURCES.get(self.source)
        return src.label if src else self.source

    @property
    def matched(self) -> int:
        return self.accepted - self.unmatched

    @property
    def imported_by(self):
        return self.created_by


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

    @property
    def region_code(self) -> str:
        """The county the list was imported for (its batch's region): what the list pages scope by."""
        return self.batch.region_code
