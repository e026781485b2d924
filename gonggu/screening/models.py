"""Screening warnings (部门筛查预警) and their verification by the village.

A warning is the lifecycle of one screening finding: raised by a run for one
(rule, household), sent to the household's village with a deadline by grade,
and ended by the village's verification. At most one warning per (rule,
household) is open at a time; ended warnings stay as the record of what was
decided, and `WarningEvent` rows tell the story of each one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonggu.core.events import Event
from gonggu.core.models import TimeStampedModel


class Grade(models.TextChoices):
    RED = "red", "红色"
    ORANGE = "orange", "橙色"
    YELLOW = "yellow", "黄色"
    INFO = "info", "提示"


GRADE_BADGE = {Grade.RED: "red", Grade.ORANGE: "amber", Grade.YELLOW: "amber", Grade.INFO: "grey"}
GRADE_ORDER = {Grade.RED: 0, Grade.ORANGE: 1, Grade.YELLOW: 2, Grade.INFO: 3, "": 4}


class WarningStatus(models.TextChoices):
    # Stored values are the Chinese terms of rules.md, as the registry stores its value lists.
    PENDING = "待核实", "待核实"
    INCLUDED = "纳入监测", "纳入监测"
    REJECTED = "不予纳入", "不予纳入"
    ALREADY_MONITORED = "已是监测对象", "已是监测对象"
    DATA_ERROR = "数据有误", "数据有误"
    LAPSED = "条件已消失", "条件已消失"


# The outcomes a village may record; LAPSED is set by a screening run, never by a person.
OUTCOMES = (WarningStatus.INCLUDED, WarningStatus.REJECTED, WarningStatus.ALREADY_MONITORED,
            WarningStatus.DATA_ERROR)
VERIFIED_STATUSES = tuple(s.value for s in OUTCOMES)
# Outcomes whose note is compulsory: the reason for not including, what is wrong in the data.
NOTE_REQUIRED = {WarningStatus.REJECTED: "不予纳入必须填写理由", WarningStatus.DATA_ERROR: "数据有误必须说明哪项数据有误"}


class ScreeningSetting(models.Model):
    """Deployment settings of the screening loop (one row). Deadlines are calendar days from the run's date."""

    red_days = models.PositiveSmallIntegerField("红色预警核实时限（天）", default=3)
    orange_days = models.PositiveSmallIntegerField("橙色预警核实时限（天）", default=7)
    yellow_days = models.PositiveSmallIntegerField("黄色预警核实时限（天）", default=15)
    # Data-quality notices (DECEASED-ACTIVE, NAME-MISMATCH): rules.md sets no limit; a month to correct the registry.
    info_days = models.PositiveSmallIntegerField("数据质量提示处理时限（天）", default=30)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "筛查预警设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"红{self.red_days}/橙{self.orange_days}/黄{self.yellow_days}/提示{self.info_days} 天"

    @classmethod
    def current(cls) -> ScreeningSetting:
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls()

    def days_for(self, grade: str) -> int:
        return {Grade.RED: self.red_days, Grade.ORANGE: self.orange_days, Grade.YELLOW: self.yellow_days,
                Grade.INFO: self.info_days}.get(grade, self.yellow_days)

    def deadlines(self, as_of: dt.date) -> dict[str, dt.date]:
        return {g.value: as_of + dt.timedelta(days=self.days_for(g)) for g in Grade}


class ScreeningRun(TimeStampedModel):
    """One screening run: what was evaluated, what was skipped and why, what was written."""

    as_of = models.DateField("筛查基准日")
    engine = models.CharField("计算引擎", max_length=10, default="duckdb")
    prefix = models.CharField("范围（区划前缀）", max_length=12, blank=True)
    rules_evaluated = models.JSONField("已运行规则", default=list, blank=True)
    skipped = models.JSONField("跳过的规则", default=list, blank=True)
    counts = models.JSONField("写入统计", default=dict, blank=True)
    timings = models.JSONField("耗时（秒）", default=dict, blank=True)
    rule_run_id = models.BigIntegerField("规则运行记录", null=True, blank=True)

    class Meta:
        verbose_name = "筛查运行"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"筛查 {self.as_of}"

    @property
    def new_count(self) -> int:
        return int(self.counts.get("created", 0)) + int(self.counts.get("reraised", 0))


class Warning(TimeStampedModel):
    rule = models.CharField("规则", max_length=40)
    rule_version = models.PositiveIntegerField("规则版本", default=1)
    # Few indexes on purpose: a run rewrites every open warning it sees, and each index is written too.
    # Lookups by household are served by the (household, rule, status) index below.
    household = models.ForeignKey("registry.Household", verbose_name="农户", on_delete=models.PROTECT,
                                  related_name="warnings", db_index=False)
    id_number = models.CharField("身份证号", max_length=18, null=True, blank=True)
    region_code = models.CharField("所在村代码", max_length=12)
    grade = models.CharField("预警等级", max_length=10, choices=Grade.choices, blank=True)
    risk_type = models.CharField("风险类型", max_length=20, blank=True)
    department = models.CharField("数据来源部门", max_length=10, blank=True)
    evidence = models.JSONField("证据", default=list, blank=True)
    params = models.JSONField("参数取值", default=dict, blank=True)
    detail = models.TextField("说明", blank=True)
    # The latest date of the facts the warning rests on, and a fingerprint of its evidence (see write.py):
    # they decide whether a warning ended by verification may be raised again.
    fact_date = models.DateField("事实日期", null=True, blank=True)
    fact_key = models.CharField("证据指纹", max_length=40, blank=True)
    first_raised_on = models.DateField("首次预警日期")
    last_seen_on = models.DateField("最近命中日期")
    # Written in bulk by runs: no database constraint (whose check would run per row); deleting a run
    # nulls it through the ORM.
    first_run = models.ForeignKey(ScreeningRun, verbose_name="首次预警运行", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)
    deadline = models.DateField("核实期限")
    status = models.CharField("状态", max_length=10, choices=WarningStatus.choices, default=WarningStatus.PENDING)
    ended_on = models.DateField("办结日期", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verification_note = models.TextField("核实说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", db_index=False)

    class Meta:
        verbose_name = "筛查预警"
        verbose_name_plural = verbose_name
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "household"], condition=Q(status="待核实"),
                                    name="one_open_warning_per_rule_household"),
        ]
        indexes = [
            models.Index(fields=["region_code", "status"], name="warning_region_status_idx"),
            models.Index(fields=["household", "rule", "status"], name="warning_household_rule_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.household_id}"

    @property
    def is_open(self) -> bool:
        return self.status == WarningStatus.PENDING

    @property
    def grade_badge(self) -> str:
        return GRADE_BADGE.get(self.grade, "grey")

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left())

    def deadline_state(self, today: dt.date | None = None) -> str:
        """'overdue' past the deadline, 'due' with at most one day left, '' otherwise; ended warnings are ''."""
        if not self.is_open:
            return ""
        left = self.days_left(today)
        if left < 0:
            return "overdue"
        if left <= 1:
            return "due"
        return ""


class WarningEvent(Event):
    """What changed on a warning after it was raised: grade, verification, inclusion, lapse (Saleor style).

    Raising is not an event row — a run creates warnings in bulk, and the warning itself keeps when and by
    which run it was raised (`first_raised_on`, `first_run`); the detail page shows it as the first line.
    """

    class Action(models.TextChoices):
        GRADE_CHANGED = "grade_changed", "预警等级变化"
        VERIFIED = "verified", "核实办结"
        LAPSED = "lapsed", "条件已消失"
        INCLUSION = "inclusion", "转入监测"

    subject_field = "warning"
    timeline_kind = "预警"

    warning = models.ForeignKey(Warning, verbose_name="预警", on_delete=models.CASCADE, related_name="events")
    # Not indexed: runs write these rows in bulk and nobody looks events up by who did them.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    run = models.ForeignKey(ScreeningRun, verbose_name="筛查运行", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", db_index=False, db_constraint=False)

    class Meta(Event.Meta):
        verbose_name = "预警事件"
        verbose_name_plural = verbose_name

    @property
    def title(self) -> str:
        return f"{self.action_label}：{self.to_status}" if self.action == self.Action.VERIFIED else self.action_label

    def subject_url(self) -> str:
        from django.urls import reverse

        return reverse("warning_detail", args=[self.warning_id])
