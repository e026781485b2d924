"""Monitoring: risk clues, monitoring cases and their procedures, public notices, assistance, visits.

`region_code` (the household's village code) is kept on every row so that scoped reads are one range
condition on an indexed column. A case imported from the county's ledgers and a case made here are the
same kind of row: an imported case simply sits in its current state with its historical dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.departments import Department
from gonggu.core.events import StepEvent
from gonggu.core.models import TimeStampedModel

from .choices import Channel, EliminationMethod, MeasureCategory, MonitoringType, split_risk_types
from .workflow import CaseStatus, EliminationStatus, NoLabourStatus, Procedure

USER = settings.AUTH_USER_MODEL


class Clue(TimeStampedModel):
    """A risk clue (风险线索) from one of the four channels; its discovery date starts the 15-day clock."""

    class Status(models.TextChoices):
        NEW = "new", "待受理"
        ACCEPTED = "accepted", "已启动识别程序"
        DISMISSED = "dismissed", "不予受理"

    channel = models.CharField("发现渠道", max_length=10, choices=Channel.choices)
    discovered_on = models.DateField("发现日期")
    village = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT,
                                related_name="monitoring_clues")
    region_code = models.CharField("行政区划代码", max_length=12)
    household = models.ForeignKey("registry.Household", verbose_name="农户", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="monitoring_clues")
    name = models.CharField("申报人/当事人姓名", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    difficulty = models.TextField("困难情况")
    risk_types = models.CharField("风险类型", max_length=200, blank=True)
    source_note = models.CharField("信息来源", max_length=200, blank=True,
                                   help_text="社会信息补充：媒体、信访等来源；部门筛查预警：预警规则")
    receipt_code = models.CharField("回执号", max_length=16, null=True, blank=True, unique=True)
    warning_ref = models.BigIntegerField("筛查预警编号", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NEW)
    dismissed_reason = models.TextField("不予受理理由", blank=True)
    handled_on = models.DateField("受理日期", null=True, blank=True)
    handled_by = models.ForeignKey(USER, verbose_name="受理人", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    ip_hash = models.CharField("来源地址摘要", max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "风险线索"
        verbose_name_plural = verbose_name
        ordering = ["-discovered_on", "-id"]
        indexes = [models.Index(fields=["region_code", "status"], name="clue_region_idx"),
                   models.Index(fields=["id_number"], name="clue_id_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.discovered_on}"

    @property
    def risk_type_list(self) -> list[str]:
        return split_risk_types(self.risk_types)


class Notice(TimeStampedModel):
    """A public notice (公示) with a window, or a result announcement (公告), posted in a village."""

    class Kind(models.TextChoices):
        IDENT_NOTICE = "ident_notice", "监测对象初选名单公示"
        IDENT_ANNOUNCE = "ident_announce", "监测对象纳入结果公告"
        ELIM_NOTICE = "elim_notice", "风险消除初选名单公示"
        ELIM_ANNOUNCE = "elim_announce", "风险消除结果公告"
        NOLABOUR_NOTICE = "nolabour_notice", "整户无劳动能力兜底保障户初选名单公示"

    WINDOWED = frozenset({Kind.IDENT_NOTICE, Kind.ELIM_NOTICE, Kind.NOLABOUR_NOTICE})

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    village = models.ForeignKey("regions.Region", verbose_name="张贴村", on_delete=models.PROTECT,
                                related_name="monitoring_notices")
    region_code = models.CharField("行政区划代码", max_length=12)
    issuer = models.CharField("发布单位", max_length=100)
    title = models.CharField("标题", max_length=200)
    start_on = models.DateField("公示开始日期")
    end_on = models.DateField("公示结束日期", null=True, blank=True)
    posted_on = models.DateField("实际张贴日期", null=True, blank=True)
    posted_place = models.CharField("张贴地点", max_length=200, blank=True)
    photo_path = models.CharField("张贴照片", max_length=500, blank=True)
    photo_sha256 = models.CharField("照片校验和", max_length=64, blank=True)
    contact = models.CharField("异议受理电话", max_length=50, blank=True)
    cases = models.ManyToManyField("MonitoringCase", verbose_name="名单", related_name="notices", blank=True)
    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        verbose_name = "公示公告"
        verbose_name_plural = verbose_name
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["region_code", "kind"], name="notice_region_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def windowed(self) -> bool:
        return self.kind in self.WINDOWED

    @property
    def days(self) -> int | None:
        return (self.end_on - self.start_on).days + 1 if self.end_on else None


class Objection(TimeStampedModel):
    """异议 raised against a notice (about one listed household, or the list as a whole)."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.CASCADE, related_name="objections")
    case = models.ForeignKey("MonitoringCase", verbose_name="涉及农户", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField("受理日期")
    raised_by = models.CharField("反映人", max_length=100, blank=True, help_text="可匿名")
    content = models.TextField("异议内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    handling = models.TextField("调查处理情况", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    resolved_by = models.ForeignKey(USER, verbose_name="办理人", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = verbose_name
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.received_on}"


class MonitoringCase(TimeStampedModel):
    """监测对象 record: one household's way through identification, assistance and risk elimination."""

    household = models.ForeignKey("registry.Household", verbose_name="农户", on_delete=models.PROTECT,
                                  related_name="monitoring_cases")
    region_code = models.CharField("行政区划代码", max_length=12)
    clue = models.ForeignKey(Clue, verbose_name="风险线索", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="cases")
    channel = models.CharField("发现渠道", max_length=10, choices=Channel.choices)
    discovered_on = models.DateField("发现日期")
    monitoring_type = models.CharField("监测对象类型", max_length=10, choices=MonitoringType.choices, blank=True)
    risk_types = models.CharField("风险类型", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.VERIFYING)
    green_channel = models.BooleanField("绿色通道", default=False,
                                        help_text="突发严重困难：先落实帮扶，再补充识别手续")
    green_channel_reason = models.CharField("绿色通道理由", max_length=200, blank=True)
    # 入户核实
    verified_on = models.DateField("入户核实日期", null=True, blank=True)
    verified_by = models.ForeignKey(USER, verbose_name="核实人", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    verification_form = models.JSONField("核查表", default=dict, blank=True)
    commitment_signed_on = models.DateField("承诺授权书签订日期", null=True, blank=True)
    commitment_scan = models.CharField("承诺授权书扫描件", max_length=500, blank=True)
    commitment_scan_sha256 = models.CharField("扫描件校验和", max_length=64, blank=True)
    # 信息比对
    compared_on = models.DateField("信息比对日期", null=True, blank=True)
    comparison_results = models.JSONField("比对结果", default=dict, blank=True)
    # 村级初选 and its notice
    selected_on = models.DateField("村级初选日期", null=True, blank=True)
    notice = models.ForeignKey(Notice, verbose_name="初选公示", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    notice_start = models.DateField("公示开始日期", null=True, blank=True)
    notice_end = models.DateField("公示结束日期", null=True, blank=True)
    township_reviewed_on = models.DateField("乡级审核日期", null=True, blank=True)
    county_approved_on = models.DateField("县级审批日期", null=True, blank=True)
    approval_body = models.CharField("批准方式", max_length=60, blank=True)
    announced_on = models.DateField("结果公告日期", null=True, blank=True)
    entered_on = models.DateField("录入日期", null=True, blank=True)
    # 帮扶
    officer = models.ForeignKey(USER, verbose_name="帮扶责任人（系统用户）", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="assisted_cases")
    officer_name = models.CharField("帮扶责任人", max_length=50, blank=True)
    officer_unit = models.CharField("帮扶责任人单位", max_length=100, blank=True)
    officer_phone = models.CharField("帮扶责任人电话", max_length=20, blank=True)
    officer_assigned_on = models.DateField("明确帮扶责任人日期", null=True, blank=True)
    plan_on = models.DateField("帮扶计划日期", null=True, blank=True)
    plan_summary = models.TextField("帮扶计划（一户一策）", blank=True)
    # 风险消除 (set by the elimination procedure, or imported)
    eliminated_on = models.DateField("风险消除日期", null=True, blank=True)
    elimination_method = models.CharField("消除方式", max_length=10, choices=EliminationMethod.choices, blank=True)
    elim_notice_start = models.DateField("消除公示开始日期", null=True, blank=True)
    elim_notice_end = models.DateField("消除公示结束日期", null=True, blank=True)
    nolabour_on = models.DateField("认定兜底保障户日期", null=True, blank=True)
    returned_reason = models.TextField("退回理由", blank=True)
    rejected_reason = models.TextField("不予纳入理由", blank=True)
    imported = models.BooleanField("导入的历史记录", default=False)
    import_batch = models.ForeignKey("dataio.IntakeBatch", verbose_name="导入批次", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="monitoring_cases")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "监测对象"
        verbose_name_plural = verbose_name
        ordering = ["-discovered_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "status"], name="case_region_status_idx"),
            models.Index(fields=["household", "county_approved_on"], name="case_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_status_display()}"

    @property
    def risk_type_list(self) -> list[str]:
        return split_risk_types(self.risk_types)

    @property
    def officer_display(self) -> str:
        if self.officer_id:
            return str(self.officer)
        return self.officer_name

    @property
    def procedure_open(self) -> bool:
        """Assistance started through the 绿色通道 while the identification procedure is unfinished."""
        from .workflow import CASE_PENDING

        return self.status in CASE_PENDING


class Elimination(TimeStampedModel):
    """风险消除 procedure of one case (a case may have a refused attempt and a later one)."""

    case = models.ForeignKey(MonitoringCase, verbose_name="监测对象", on_delete=models.CASCADE,
                             related_name="eliminations")
    region_code = models.CharField("行政区划代码", max_length=12)
    status = models.CharField("状态", max_length=12, choices=EliminationStatus.choices,
                              default=EliminationStatus.VERIFYING)
    started_on = models.DateField("提出日期")
    application = models.TextField("申请理由", blank=True)
    income_year = models.PositiveSmallIntegerField("收入年度", null=True, blank=True)
    income_per_capita = models.DecimalField("人均纯收入", max_digits=14, decimal_places=2, null=True, blank=True)
    line_value = models.DecimalField("监测范围", max_digits=14, decimal_places=2, null=True, blank=True)
    verified_on = models.DateField("入户核查日期", null=True, blank=True)
    guarantees = models.JSONField("三保障和饮水安全核查", default=dict, blank=True)
    selected_on = models.DateField("村级初选日期", null=True, blank=True)
    notice = models.ForeignKey(Notice, verbose_name="消除公示", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    notice_start = models.DateField("公示开始日期", null=True, blank=True)
    notice_end = models.DateField("公示结束日期", null=True, blank=True)
    township_reviewed_on = models.DateField("乡级审核日期", null=True, blank=True)
    county_approved_on = models.DateField("县级审批日期", null=True, blank=True)
    announced_on = models.DateField("结果公告日期", null=True, blank=True)
    marked_on = models.DateField("系统标注日期", null=True, blank=True)
    method = models.CharField("消除方式", max_length=10, choices=EliminationMethod.choices, blank=True)
    returned_reason = models.TextField("退回理由", blank=True)
    rejected_reason = models.TextField("不予消除理由", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "风险消除程序"
        verbose_name_plural = verbose_name
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["region_code", "status"], name="elim_region_status_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_status_display()}"


class NoLabourDesignation(TimeStampedModel):
    """整户无劳动能力兜底保障户 designation: 乡级确定, 县级备案 (001 第三部分 一(二)5)."""

    case = models.ForeignKey(MonitoringCase, verbose_name="监测对象", on_delete=models.CASCADE,
                             related_name="nolabour_designations")
    region_code = models.CharField("行政区划代码", max_length=12)
    status = models.CharField("状态", max_length=12, choices=NoLabourStatus.choices,
                              default=NoLabourStatus.VERIFYING)
    started_on = models.DateField("提出日期")
    verified_on = models.DateField("入户核查日期", null=True, blank=True)
    basis = models.CharField("认定依据", max_length=20, blank=True)
    selected_on = models.DateField("村级初选日期", null=True, blank=True)
    notice = models.ForeignKey(Notice, verbose_name="认定公示", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    notice_start = models.DateField("公示开始日期", null=True, blank=True)
    notice_end = models.DateField("公示结束日期", null=True, blank=True)
    township_determined_on = models.DateField("乡级确定日期", null=True, blank=True)
    county_filed_on = models.DateField("县级备案日期", null=True, blank=True)
    marked_on = models.DateField("系统标注日期", null=True, blank=True)
    returned_reason = models.TextField("退回理由", blank=True)
    rejected_reason = models.TextField("不予认定理由", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "兜底保障户认定"
        verbose_name_plural = verbose_name
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_status_display()}"


class CaseEvent(StepEvent):
    """One row per step of any procedure: the steps of its workflow table, and the `Action`s besides them."""

    class Action(models.TextChoices):
        NOTICE_POSTED = "notice_posted", "登记公示张贴"
        OBJECTION = "objection", "收到公示异议"
        OBJECTION_RESOLVED = "objection_resolved", "异议处理"
        OFFICER = "officer", "明确帮扶责任人"
        PLAN = "plan", "制定帮扶计划"
        MEASURE = "measure", "新增帮扶措施"
        MEASURE_END = "measure_end", "帮扶措施结束"
        GREEN_CHANNEL = "green_channel", "启用绿色通道"
        ELIMINATED = "eliminated", "风险消除"

    subject_field = "case"

    case = models.ForeignKey(MonitoringCase, verbose_name="监测对象", on_delete=models.CASCADE, related_name="events")
    procedure = models.CharField("程序", max_length=16, choices=Procedure.choices)

    class Meta(StepEvent.Meta):
        verbose_name = "办理记录"
        verbose_name_plural = verbose_name

    @classmethod
    def actions(cls) -> dict[str, str]:
        """The steps of every procedure's table, and the actions besides them."""
        from .workflow import TABLES

        steps = {name: t.label for table in TABLES.values() for name, t in table.items()}
        return {**steps, **dict(cls.Action.choices)}

    @property
    def kind_label(self) -> str:
        return self.get_procedure_display()

    def subject_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:case_detail", args=[self.case_id])


class Measure(TimeStampedModel):
    """帮扶措施 of a household's plan (一户一策)."""

    household = models.ForeignKey("registry.Household", verbose_name="农户", on_delete=models.PROTECT,
                                  related_name="monitoring_measures")
    case = models.ForeignKey(MonitoringCase, verbose_name="监测对象", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="measures")
    region_code = models.CharField("行政区划代码", max_length=12)
    category = models.CharField("措施类别", max_length=10, choices=MeasureCategory.choices)
    department = models.CharField("责任部门", max_length=30, blank=True, choices=Department.choices)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True, help_text="空 = 持续")
    beneficiary = models.ForeignKey("registry.Person", verbose_name="受益人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="monitoring_measures")
    beneficiary_id_number = models.CharField("受益人身份证号", max_length=18, blank=True)
    content = models.TextField("内容", blank=True)
    imported = models.BooleanField("导入的历史记录", default=False)
    import_batch = models.ForeignKey("dataio.IntakeBatch", verbose_name="导入批次", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="monitoring_measures")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = verbose_name
        ordering = ["start_on", "id"]
        indexes = [models.Index(fields=["region_code"], name="measure_region_idx"),
                   models.Index(fields=["household", "category", "start_on"], name="measure_household_idx")]

    def __str__(self) -> str:
        return f"{self.category} {self.start_on}"

    def in_force(self, on) -> bool:
        return self.start_on <= on and (self.end_on is None or self.end_on >= on)


class Visit(TimeStampedModel):
    """帮扶责任人每月入户走访 (004 task 3): date, who, what was found, photos."""

    household = models.ForeignKey("registry.Household", verbose_name="农户", on_delete=models.PROTECT,
                                  related_name="monitoring_visits")
    case = models.ForeignKey(MonitoringCase, verbose_name="监测对象", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="visits")
    region_code = models.CharField("行政区划代码", max_length=12)
    visited_on = models.DateField("走访日期")
    visitor = models.ForeignKey(USER, verbose_name="走访人（系统用户）", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    visitor_name = models.CharField("走访人", max_length=50)
    content = models.TextField("走访内容和发现")
    photos = models.JSONField("照片", default=list, blank=True)
    imported = models.BooleanField("导入的历史记录", default=False)
    import_batch = models.ForeignKey("dataio.IntakeBatch", verbose_name="导入批次", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="monitoring_visits")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = verbose_name
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["region_code", "visited_on"], name="visit_region_idx"),
                   models.Index(fields=["household", "visited_on"], name="visit_household_idx")]

    def __str__(self) -> str:
        return f"{self.visitor_name} {self.visited_on}"


class TimeLimit(TimeStampedModel):
    """Deployment-editable time limits of the procedure (defaults from seed 001 in `deadlines.py`)."""

    class DayKind(models.TextChoices):
        CALENDAR = "calendar", "自然日"
        WORKING = "working", "工作日"

    code = models.CharField("代码", max_length=20, unique=True)
    days = models.PositiveSmallIntegerField("时限（天）")
    day_kind = models.CharField("计日方式", max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)
    amber_days = models.PositiveSmallIntegerField("提前提醒（天）", default=3)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.code


class HolidayDay(TimeStampedModel):
    """A day the Chinese holiday calendar package does not know yet (years after its release)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("调休上班", default=False, help_text="勾选 = 周末调休为工作日；不勾选 = 法定节假日")
    note = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class PublicCounter(models.Model):
    """Counts requests of the public self-declaration page per address and hour (rate limiting)."""

    key = models.CharField("键", max_length=80)
    window_start = models.DateTimeField("时段")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "自主申报访问计数"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="public_counter_unique")]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H}:00 {self.count}"
