"""Assessment (考核评估): indicator systems by year, negative items, and the rectification ledger.

Indicator systems are data: the 2025 system of seed 002 附件2 ships as a JSON
file and is loaded by a data migration; a county may copy it to a year of its
own and adjust it. Self-evaluation figures are code (gonggu.assessment.figures)
and are linked to indicators by their codes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.events import Event
from gonggu.core.models import TimeStampedModel

from .workflow import ProblemStatus

POINTS = {"max_digits": 6, "decimal_places": 2}


class IndicatorSystem(TimeStampedModel):
    """One year's assessment indicator system (考核指标体系).

    `region_code` is blank for the system shipped with Gonggu (visible to every
    county) and a county's code for a county's own copy, which then takes
    precedence for that county and year.
    """

    year = models.PositiveSmallIntegerField("考核年度")
    title = models.CharField("名称", max_length=200)
    source = models.CharField("依据", max_length=300, blank=True)
    notes = models.TextField("说明", blank=True)
    region_code = models.CharField("适用县（空 = 随系统发布）", max_length=12, blank=True, default="")
    based_on = models.ForeignKey("self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核指标体系"
        verbose_name_plural = verbose_name
        ordering = ["-year", "region_code"]
        constraints = [models.UniqueConstraint(fields=["year", "region_code"], name="one_system_per_year_region")]

    def __str__(self) -> str:
        return self.title

    @property
    def shipped(self) -> bool:
        return self.region_code == ""

    def deduction_types(self):
        return DeductionType.objects.filter(indicator__system=self).order_by("order")


class IndicatorCategory(models.Model):
    system = models.ForeignKey(IndicatorSystem, verbose_name="指标体系", on_delete=models.CASCADE,
                               related_name="categories")
    no = models.CharField("序号", max_length=6)          # 一、二 …
    name = models.CharField("类别", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标类别"
        verbose_name_plural = verbose_name
        ordering = ["system", "order"]

    def __str__(self) -> str:
        return f"{self.no}、{self.name}"


class Indicator(models.Model):
    system = models.ForeignKey(IndicatorSystem, verbose_name="指标体系", on_delete=models.CASCADE,
                               related_name="indicators")
    category = models.ForeignKey(IndicatorCategory, verbose_name="类别", on_delete=models.CASCADE,
                                 related_name="indicators")
    code = models.CharField("指标序号", max_length=10)
    name = models.CharField("指标", max_length=200)
    content = models.TextField("内容")
    method = models.CharField("考核方式", max_length=60, blank=True)           # 实地考核
    responsible = models.TextField("数据来源单位", blank=True)                 # 、-separated, as printed
    note = models.TextField("备注", blank=True)
    score = models.DecimalField("分值", null=True, blank=True, **POINTS)     # the seed leaves 合计 empty
    target_text = models.TextField("目标要求", blank=True)
    figures = models.JSONField("自评测算项", default=list, blank=True)        # figure codes
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = verbose_name
        ordering = ["system", "order"]
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="indicator_code_per_system")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def data_source(self) -> str:
        """The 数据来源 cell as printed: method, then the bodies."""
        return "；".join(part for part in (self.method, self.responsible) if part)

    @property
    def responsible_list(self) -> list[str]:
        return [p for p in self.responsible.split("、") if p]


class DeductionType(models.Model):
    """One kind of negative item of indicator 13 and its points per matter (null = decided case by case)."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="deductions")
    code = models.CharField("代号", max_length=6)
    type = models.CharField("类型", max_length=60)
    wording = models.TextField("原文表述")
    points = models.DecimalField("每项扣分", null=True, blank=True, **POINTS)
    decision = models.CharField("另行处理", max_length=100, blank=True)
    aliases = models.JSONField("其他写法", default=list, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "扣分类型"
        verbose_name_plural = verbose_name
        ordering = ["indicator", "order"]

    def __str__(self) -> str:
        return self.type


class KeyTask(models.Model):
    """附件1: the year's key tasks (重点任务), each mapped to the indicator that assesses it."""

    system = models.ForeignKey(IndicatorSystem, verbose_name="指标体系", on_delete=models.CASCADE,
                               related_name="key_tasks")
    no = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务", max_length=200)
    content = models.TextField("内容")
    indicator = models.ForeignKey(Indicator, verbose_name="对应指标", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="key_tasks")

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = verbose_name
        ordering = ["system", "no"]

    def __str__(self) -> str:
        return f"{self.no}. {self.title}"


class NegativeItem(TimeStampedModel):
    """A negative item (负面事项) recorded against an assessed unit: one row per (matter, type)."""

    year = models.PositiveSmallIntegerField("考核年度")
    region_code = models.CharField("被考核单位区划代码", max_length=12)
    matter = models.CharField("事项", max_length=300)
    type = models.CharField("类型", max_length=60)
    happened_on = models.DateField("发生日期", null=True, blank=True)
    document = models.CharField("通报文件或出处", max_length=300, blank=True)
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "负面事项"
        verbose_name_plural = verbose_name
        ordering = ["year", "region_code", "matter", "id"]
        indexes = [models.Index(fields=["region_code", "year"], name="negative_region_year_idx")]

    def __str__(self) -> str:
        return f"{self.matter}（{self.type}）"


class ProblemSource(models.TextChoices):
    NATIONAL = "国家考核", "国家考核"
    PROVINCIAL = "省级考核", "省级考核"
    AUDIT = "审计", "审计"
    INSPECTION = "督查", "督查"
    UNANNOUNCED = "暗访", "暗访"
    PETITION = "信访", "信访"
    SELF = "自评", "自评"
    OTHER = "其他", "其他"


class ProblemKind(models.TextChoices):
    INDIVIDUAL = "个性问题", "个性问题"
    COMMON = "共性问题", "共性问题"


class Problem(TimeStampedModel):
    """One entry of the rectification ledger (问题整改台账). Status changes only through workflow.py."""

    year = models.PositiveSmallIntegerField("问题年度")
    source = models.CharField("问题来源", max_length=10, choices=ProblemSource.choices)
    kind = models.CharField("问题性质", max_length=6, choices=ProblemKind.choices, default=ProblemKind.INDIVIDUAL)
    title = models.CharField("问题", max_length=300)
    description = models.TextField("问题描述", blank=True)
    region_code = models.CharField("所在区划代码", max_length=12)
    owner_unit = models.CharField("责任单位", max_length=200)
    owner_person = models.CharField("责任人", max_length=50, blank=True)
    indicator_code = models.CharField("对应指标", max_length=10, blank=True)
    cause = models.TextField("原因剖析", blank=True)
    measures = models.TextField("整改措施", blank=True)
    deadline = models.DateField("整改时限")
    status = models.CharField("状态", max_length=8, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    progress = models.TextField("最新整改进展", blank=True)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报整改人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField("回头看核实时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reopen_count = models.PositiveSmallIntegerField("回炉次数", default=0)
    # Where a self-evaluation figure produced it: which figure, which region, at which data date.
    figure_code = models.CharField("来源测算项", max_length=40, blank=True)
    figure_snapshot = models.JSONField("自评结果快照", default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改问题"
        verbose_name_plural = verbose_name
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["region_code", "status"], name="problem_region_status_idx"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ProblemEvent(Event):
    """The trail of a problem: every transition, progress update and evidence file."""

    class Action(models.TextChoices):
        REGISTER = "register", "登记"
        DEADLINE = "deadline", "调整时限"
        EDIT = "edit", "修改"
        PROGRESS = "progress", "更新进展"
        EVIDENCE = "evidence", "上传材料"
        RECTIFY = "rectify", "报整改完成"
        VERIFY = "verify", "回头看核实"
        REOPEN = "reopen", "回炉整改"

    subject_field = "problem"

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        verbose_name = "整改记录"
        verbose_name_plural = verbose_name


class ProblemEvidence(models.Model):
    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="evidence")
    path = models.CharField("存储路径", max_length=500)
    name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("校验值", max_length=64)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = verbose_name
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ScoringRule(TimeStampedModel):
    """A county's own scoring rule for one indicator of a year (editable by county admins, history kept).

    The points of an indicator are this rule's, else the indicator system's 分值, else an equal share
    (seed 002 附件2 leaves every 分值 blank); see scoring/score.py.
    """

    class Method(models.TextChoices):
        SHARE = "share", "按达标内容项比例得分"
        ALL = "all", "内容项全部达标得满分，否则不得分"

    county_code = models.CharField("县区划代码", max_length=12)
    year = models.PositiveSmallIntegerField("考核年度")
    indicator_code = models.CharField("指标序号", max_length=10)
    points = models.DecimalField("分值", null=True, blank=True, **POINTS)
    method = models.CharField("计分方法", max_length=10, choices=Method.choices, default=Method.SHARE)
    nodata_excluded = models.BooleanField("暂无数据的测算项不计入", default=False)
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "评分规则"
        verbose_name_plural = verbose_name
        ordering = ["county_code", "year", "indicator_code"]
        constraints = [models.UniqueConstraint(fields=["county_code", "year", "indicator_code"],
                                               name="one_scoring_rule_per_indicator")]

    def __str__(self) -> str:
        return f"{self.year} 指标{self.indicator_code}"


class ItemEvidence(TimeStampedModel):
    """Evidence for a content item no data shows (a meeting held, a document issued): entered once, with the
    file (checked by content), its date and who entered it. It counts for the region and every region under it."""

    region_code = models.CharField("区划代码", max_length=12)
    year = models.PositiveSmallIntegerField("考核年度")
    item_key = models.CharField("内容项", max_length=10)
    title = models.CharField("材料名称", max_length=200)
    happened_on = models.DateField("日期")
    path = models.CharField("存储路径", max_length=500)
    name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("校验值", max_length=64)
    size = models.PositiveIntegerField("大小", default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "内容项佐证"
        verbose_name_plural = verbose_name
        ordering = ["year", "item_key", "-happened_on", "id"]
        indexes = [models.Index(fields=["year", "item_key"], name="item_evidence_year_idx")]

    def __str__(self) -> str:
        return self.title


# Fixed data lives in its own module (one concern per file); imported here so Django registers the models.
from .run_models import AssessmentRun, FrozenDrillRow, FrozenResult  # noqa: E402,F401
