"""Fixed data (固定相关数据): an assessment run freezes every figure's result and drill-down list at a date.

The live self-evaluation page recomputes from today's data; what a county reported must not change when a
household is edited afterwards. A run copies, per region of its scope (the county, each township, each
village), each registered figure's result, and per figure the households behind it, into these tables. The
rows are written in one transaction when freezing ends, so a run is either complete or absent.
"""

from __future__ import annotations

from django.db import models

from gonggu.core.models import TimeStampedModel


class AssessmentRun(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        FREEZING = "freezing", "固定中"
        DONE = "done", "已固定"
        FAILED = "failed", "失败"

    name = models.CharField("名称", max_length=100)
    as_of = models.DateField("数据截至")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    region_prefix = models.CharField("代码前缀", max_length=12)
    region_name = models.CharField("区划", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    frozen_at = models.DateTimeField("固定时间", null=True, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    job = models.ForeignKey("core.Job", verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    figure_count = models.PositiveIntegerField("测算项数", default=0)
    drill_count = models.PositiveIntegerField("明细条数", default=0)

    class Meta:
        verbose_name = "考核测算固定批次"
        verbose_name_plural = verbose_name
        ordering = ["-as_of", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.region_name}，截至 {self.as_of:%Y-%m-%d}）"


class FrozenResult(models.Model):
    """One figure's result for one region, as reported; texts are kept as shown so a later wording change of
    the figure does not rewrite history."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    figure_code = models.CharField("测算项代码", max_length=40)
    figure_title = models.CharField("测算项", max_length=200)
    indicator = models.CharField("指标", max_length=10)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    region_code = models.CharField("区划代码", max_length=12)
    region_name = models.CharField("区划", max_length=100)
    level = models.CharField("级别", max_length=10)
    unit = models.CharField("单位", max_length=4)
    formula = models.TextField("计算口径")
    numerator = models.CharField("分子项", max_length=40, blank=True)
    denominator = models.CharField("分母项", max_length=40, blank=True)
    components = models.JSONField("分项", default=dict)
    value = models.DecimalField("数值", max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField("状态", max_length=10)
    display = models.CharField("结果", max_length=60)
    target_text = models.CharField("目标", max_length=60, blank=True)
    target_source = models.CharField("依据", max_length=300, blank=True)
    target_quote = models.TextField("依据原文", blank=True)
    missing_text = models.CharField("缺数说明", max_length=300, blank=True)
    data_date = models.DateField("数据日期", null=True, blank=True)
    basis = models.TextField("数据来源", blank=True)

    class Meta:
        verbose_name = "固定测算结果"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["run", "figure_code", "region_code"],
                                               name="frozen_result_unique")]
        indexes = [models.Index(fields=["run", "region_code"])]

    def __str__(self) -> str:
        return f"{self.figure_title}：{self.region_name} {self.display}"

    BADGES = {"pass": "green", "fail": "red", "watch": "amber", "nodata": "grey", "na": "grey"}
    LABELS = {"pass": "达标", "fail": "未达标", "watch": "关注", "nodata": "暂无数据", "na": "不适用"}

    @property
    def badge(self) -> str:
        return self.BADGES.get(self.status, "grey")

    @property
    def status_label(self) -> str:
        return self.LABELS.get(self.status, self.status)

    @property
    def numerator_value(self) -> str:
        return self.components.get(self.numerator, "") if self.numerator else ""

    @property
    def denominator_value(self) -> str:
        return self.components.get(self.denominator, "") if self.denominator else ""


class FrozenDrillRow(models.Model):
    """A household (or person) behind a figure's number at the run's date; identity numbers kept masked."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="drill_rows")
    figure_code = models.CharField("测算项代码", max_length=40)
    region_code = models.CharField("村代码", max_length=12)
    household_no = models.CharField("户编号", max_length=40)
    head_name = models.CharField("户主", max_length=50, blank=True)
    person_name = models.CharField("成员", max_length=50, blank=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True)
    detail = models.CharField("情况", max_length=300, blank=True)
    household_id = models.IntegerField("户 ID", null=True, blank=True)

    class Meta:
        verbose_name = "固定明细"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["run", "figure_code", "region_code"])]

    def __str__(self) -> str:
        return f"{self.figure_code} {self.household_no} {self.person_name}".strip()
