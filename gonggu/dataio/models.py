"""One batch model for every import: what came in, from whom, and what became of each row.

An `IntakeBatch` is one file of one format (the registry, a department list, a ledger, the monitoring
history, regions, a task list, deductions): the stored original and its checksum, the as-of date, who
imported it, the region it belongs to, its status and its counts. Its `IntakeIssue`s are the rows it
rejected (one entry per offending cell) and the warnings about storable but implausible data. The 退回表
(the rejected rows in the file's own columns, to send back) is rebuilt from the stored original and these
issues, so no second copy of anyone's identity number is kept.
"""

from django.db import models

from gonggu.core.models import TimeStampedModel


class IntakeBatch(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "待校验"
        VALIDATED = "validated", "已校验，待确认"
        APPLYING = "applying", "导入中"
        APPLIED = "applied", "已导入"
        FAILED = "failed", "失败"

    # The format's key (`registry`, `dept.mz_assistance`, `ledger.public_posts`, `monitoring.cases` …).
    format = models.CharField("数据格式", max_length=60, db_index=True)
    file_name = models.CharField("文件名", max_length=255)
    stored_path = models.CharField("存档路径", max_length=500, blank=True)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    as_of = models.DateField("数据截至日期", null=True, blank=True)
    # The importer's region (or the one county the file covers): scopes who may see the batch.
    region_code = models.CharField("所属区划", max_length=12, blank=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField("说明", blank=True)
    validated_at = models.DateTimeField("校验时间", null=True, blank=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    accepted = models.PositiveIntegerField("导入行数", default=0)
    rejected_rows = models.PositiveIntegerField("拒收行数", default=0)
    warning_count = models.PositiveIntegerField("提示条数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    # Department lists and ledgers: valid rows whose identity number is not (yet) in the registry.
    unmatched = models.PositiveIntegerField("未匹配", default=0)
    unknown_columns = models.JSONField("未识别的列", default=list, blank=True)
    # What the reader recognised (sheet, encoding, header rows) and the header of the file, for the 退回表.
    layout = models.JSONField("文件结构", default=dict, blank=True)
    # Format-specific figures (years, timings, households created …), shown on the report page.
    report = models.JSONField("报告", default=dict, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["format", "checksum"], name="intake_format_checksum_idx")]
        # A file counts once: two people importing the same department list at the same moment get one batch.
        # (A registry file may be applied again on purpose: re-importing updates in place.)
        constraints = [models.UniqueConstraint(
            fields=["format", "checksum"], condition=models.Q(status="applied", format__startswith="dept."),
            name="intake_dept_file_once")]

    def __str__(self) -> str:
        return f"第 {self.pk} 批 {self.file_name}"

    @property
    def format_title(self) -> str:
        from .intake import FORMATS

        fmt = FORMATS.get(self.format)
        return fmt.title if fmt else self.format


class IntakeIssue(models.Model):
    """A rejected row (one entry per offending cell) or a warning about storable but implausible data."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", "拒收"
        WARNING = "warning", "提示"

    # Not indexed alone: the (batch, kind, row) index below serves every lookup by batch.
    batch = models.ForeignKey(IntakeBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="issues",
                              db_index=False)
    kind = models.CharField("类别", max_length=8, choices=Kind.choices, default=Kind.REJECTED)
    row = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=60, blank=True)
    reason = models.CharField("原因", max_length=300)
    # Masked already: reports never hold a full identity number.
    value = models.CharField("原值", max_length=100, blank=True)
    # The row's key where the format has one (户编号 …), to find it without the file.
    key = models.CharField("关键字", max_length=60, blank=True)

    class Meta:
        verbose_name = "导入问题"
        verbose_name_plural = verbose_name
        ordering = ["batch", "kind", "row", "id"]
        indexes = [models.Index(fields=["batch", "kind", "row"], name="intake_issue_batch_idx")]

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}"
