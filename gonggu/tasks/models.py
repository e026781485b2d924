"""Task lists (责任分工任务清单), the units that carry them out, their progress and supervision (督办).

A task list is an imported document; its tasks keep the document's heading path, number,
text, unit names and deadline exactly as written, beside what could be read from them.
Unit names are mapped to the units directory through `TaskUnit` rows (lead or
responsible), so a name nobody recognised yet stays on the task until a person confirms
it. Units report progress per period (`ReportSlot` → `ProgressReport` with evidence), the
county chases (`Reminder`, shown in the unit's inbox) and closes (办结销号) tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonggu.core.events import Event
from gonggu.core.models import TimeStampedModel


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "县直部门"
    TOWNSHIP = "township", "乡镇"
    VILLAGE_TEAM = "village_team", "驻村工作队"
    ASSISTANCE = "assistance", "帮扶单位"
    OTHER = "other", "其他"


class Unit(TimeStampedModel):
    """One unit of the directory: a county department, a township, a village team, an assisting unit."""

    name = models.CharField("单位名称", max_length=100)
    # The name without blanks and with full-width letters folded: what names are matched on.
    key = models.CharField("匹配名", max_length=100, db_index=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT,
                               related_name="task_units")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="经办人员", blank=True,
                                     related_name="task_units")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="tasks_unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another name of a unit as documents write it ("县人行" for 中国人民银行某县支行)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=100)
    key = models.CharField("匹配名", max_length=100, db_index=True)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = verbose_name
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region_code", "key"], name="tasks_alias_unique_key")]

    def __str__(self) -> str:
        return self.name


class TaskList(TimeStampedModel):
    title = models.CharField("清单名称", max_length=200)
    document = models.CharField("来源文件", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("文件年份", null=True, blank=True)
    shape = models.CharField("文件版式", max_length=20, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="task_lists")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    source_path = models.CharField("原文件", max_length=500, blank=True)
    source_sha256 = models.CharField("文件校验值", max_length=64, blank=True)
    # The notice's standing rule for progress reports, e.g. {"freq": "yearly", "month": 11, "day": 20}.
    report_recurrence = models.JSONField("进展报送周期", null=True, blank=True)
    report_text = models.CharField("报送要求原文", max_length=500, blank=True)
    asks_breakdown = models.BooleanField("要求按年度分解（任务书、时间表、路线图）", default=False)
    warnings = models.JSONField("导入提示", default=list, blank=True)

    class Meta:
        verbose_name = "任务清单"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    OPEN = "open", "推进中"
    DONE = "done", "已办结销号"


class Task(TimeStampedModel):
    task_list = models.ForeignKey(TaskList, verbose_name="任务清单", on_delete=models.CASCADE, related_name="tasks")
    seq = models.PositiveIntegerField("顺序")
    no = models.CharField("序号", max_length=20, blank=True)
    path = models.JSONField("所属标题", default=list, blank=True)
    title = models.CharField("任务名称", max_length=500)
    content = models.TextField("工作内容", blank=True)
    deadline_text = models.CharField("完成时限（原文）", max_length=500, blank=True)
    due_date = models.DateField("完成期限", null=True, blank=True, db_index=True)
    recurrence = models.JSONField("周期", null=True, blank=True)
    continuous = models.BooleanField("持续推进", default=False)
    milestones = models.JSONField("阶段节点", default=list, blank=True)
    # The deadline was written but names no date the parser could place: a person sets it.
    deadline_unparsed = models.BooleanField("时限待人工确定", default=False, db_index=True)
    evaluation_method = models.TextField("评价方式", blank=True)
    key_concern = models.BooleanField("重点关注", default=False)
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN,
                              db_index=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    close_note = models.TextField("销号说明", blank=True)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = verbose_name
        ordering = ["task_list", "seq"]
        indexes = [models.Index(fields=["task_list", "seq"], name="tasks_task_list_seq")]

    def __str__(self) -> str:
        return f"{self.no}.{self.title}" if self.no else self.title

    @property
    def path_text(self) -> str:
        return " / ".join(self.path or [])

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    RESPONSIBLE = "responsible", "责任单位"


class TaskUnit(models.Model):
    """A unit named on a task, as written; `unit` is set once the name is mapped to the directory."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("角色", max_length=12, choices=UnitRole.choices)
    name = models.CharField("单位名称（原文）", max_length=100)
    key = models.CharField("匹配名", max_length=100, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="assignments")
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "任务单位"
        verbose_name_plural = verbose_name
        ordering = ["task", "role", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "role", "key"], name="tasks_taskunit_unique")]
        indexes = [models.Index(fields=["unit", "task"], name="tasks_taskunit_unit")]

    def __str__(self) -> str:
        return self.name


class YearTarget(TimeStampedModel):
    """One line of a unit's 任务书/时间表/路线图 for a task: what by when, and who answers for it."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("年度")
    target = models.TextField("目标成效")
    measures = models.TextField("具体措施", blank=True)
    time_node = models.DateField("时间节点", null=True, blank=True)
    leader = models.CharField("责任领导", max_length=50, blank=True)
    person = models.CharField("责任人", max_length=50, blank=True)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = verbose_name
        ordering = ["task", "year", "time_node", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.target[:30]}"


class ReportSlot(models.Model):
    """A progress report a unit owes for a task for one period (year, half, quarter, month, week)."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="slots")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="slots")
    period_key = models.CharField("报送期", max_length=12)
    period_start = models.DateField("期初")
    period_end = models.DateField("期末")
    due_date = models.DateField("报送期限", db_index=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "进展报送期"
        verbose_name_plural = verbose_name
        ordering = ["due_date", "task", "unit"]
        constraints = [models.UniqueConstraint(fields=["task", "unit", "period_key"], name="tasks_slot_unique")]
        indexes = [models.Index(fields=["unit", "submitted_at", "due_date"], name="tasks_slot_unit_open")]

    def __str__(self) -> str:
        return f"{self.period_key}（{self.due_date}前）"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ProgressReport(TimeStampedModel):
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="reports")
    slot = models.ForeignKey(ReportSlot, verbose_name="报送期", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="reports")
    progress = models.TextField("工作进展")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    percent = models.PositiveSmallIntegerField("完成进度（%）", null=True, blank=True)
    claims_done = models.BooleanField("申请办结销号", default=False)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.created_at:%Y-%m-%d}"


class EvidenceKind(models.TextChoices):
    MINUTES = "minutes", "会议纪要"
    LEDGER = "ledger", "台账"
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文件"
    OTHER = "other", "其他"


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE,
                               related_name="evidence")
    kind = models.CharField("类别", max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    original_name = models.CharField("文件名", max_length=200)
    path = models.CharField("存储位置", max_length=500)
    sha256 = models.CharField("校验值", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Reminder(models.Model):
    """A 催办: logged, shown in the unit's inbox, and passed to whichever other channels are on."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="reminders")
    message = models.TextField("催办内容")
    sent_at = models.DateTimeField("催办时间", auto_now_add=True, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="催办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="阅读人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # What each channel did: [{"channel": "inapp", "status": "delivered", "recipients": 2, "detail": ""}].
    deliveries = models.JSONField("送达记录", default=list, blank=True)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "催办"
        verbose_name_plural = verbose_name
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"催办 {self.unit}：{self.task}"


class TaskConcern(models.Model):
    """An inspectors' concern (关注问题, handbook 001) attached to a task as a self-check item."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="concerns")
    area = models.CharField("领域", max_length=200)
    text = models.TextField("关注问题")
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "关注问题"
        verbose_name_plural = verbose_name
        ordering = ["task", "area", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "area", "position"], name="tasks_concern_unique")]

    def __str__(self) -> str:
        return self.text[:40]


class ConcernCheck(models.Model):
    concern = models.ForeignKey(TaskConcern, verbose_name="关注问题", on_delete=models.CASCADE, related_name="checks")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="concern_checks")
    checked = models.BooleanField("已自查", default=False)
    note = models.CharField("自查说明", max_length=500, blank=True)
    checked_at = models.DateTimeField("自查时间", null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="自查人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "关注问题自查"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["concern", "unit"], name="tasks_concerncheck_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}:{'✓' if self.checked else '—'}"


class TaskEvent(Event):
    """What happened to a task, in order: imported, assigned, reported, reminded, closed …"""

    class Action(models.TextChoices):
        IMPORTED = "imported", "导入"
        ASSIGNED = "assigned", "分配单位"
        DEADLINE = "deadline", "确定时限"
        TARGET = "target", "年度分解"
        REPORTED = "reported", "报送进展"
        REMINDED = "reminded", "催办"
        CLOSED = "closed", "办结销号"
        REOPENED = "reopened", "撤销销号"
        CONCERNS = "concerns", "关联关注问题"
        CHECKED = "checked", "自查"

    subject_field = "task"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="events")
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta(Event.Meta):
        verbose_name = "任务事件"
        verbose_name_plural = verbose_name

    @classmethod
    def build(cls, task, actor, action, note="", **kwargs) -> TaskEvent:
        # Notes quote what people typed (reports, reminders); the full text stays on its own row.
        return super().build(task, actor, action, (note or "")[:2000], **kwargs)


class ImportDraft(TimeStampedModel):
    """A parsed document waiting for a person to correct and save it (the import preview)."""

    class Status(models.TextChoices):
        OPEN = "open", "待确认"
        SAVED = "saved", "已保存"
        DISCARDED = "discarded", "已放弃"

    region = models.ForeignKey("regions.Region", verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="+")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    document = models.CharField("来源文件", max_length=200)
    title = models.CharField("清单名称", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("文件年份", null=True, blank=True)
    shape = models.CharField("文件版式", max_length=20, blank=True)
    source_path = models.CharField("原文件", max_length=500, blank=True)
    source_sha256 = models.CharField("文件校验值", max_length=64, blank=True)
    # The parsed tasks (the `import_tasks` JSON rows), corrected in place by the preview.
    rows = models.JSONField("任务", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    report_recurrence = models.JSONField("进展报送周期", null=True, blank=True)
    report_text = models.CharField("报送要求原文", max_length=500, blank=True)
    asks_breakdown = models.BooleanField("要求按年度分解", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    task_list = models.ForeignKey(TaskList, verbose_name="保存为", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = "导入预览"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.document


class TaskSetting(models.Model):
    """Deployment settings of supervision (one row)."""

    amber_days = models.PositiveSmallIntegerField("临期提醒天数", default=7,
                                                  help_text="距离期限不超过这些天时显示黄灯")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "督办设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"临期 {self.amber_days} 天"

    @classmethod
    def current(cls) -> TaskSetting:
        obj = cls.objects.order_by("pk").first()
        if obj is not None:
            return obj
        return cls(amber_days=getattr(settings, "GONGGU_TASK_AMBER_DAYS", 7))
