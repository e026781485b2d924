"""驻村帮扶: the records that prove the village-stationed cadres' duties (001 第一部分 四 驻村帮扶责任; 004 任务45–50).

Cadres are not registry persons: their identity and party data are columns of the cadre ledger (the identity
number masked on every page and export), and every other ledger names a cadre by that number. Each ledger is a
`LedgerRow` about a village (`Match.REGION`), except the team's household visits, which are about a household.
The kinds, their import columns and checks are in `ledger_defs.py`, the rules over them in `rule_defs.py`.
"""

from django.db import models

from gonggu.ledgers.models import LedgerRow

ROLE_SECRETARY = "第一书记"
ROLES = [(ROLE_SECRETARY, ROLE_SECRETARY), ("工作队员", "工作队员")]
PARTY_FULL = "中共党员"
PARTY = [(PARTY_FULL, PARTY_FULL), ("中共预备党员", "中共预备党员"), ("非中共党员", "非中共党员")]
LEVELS = [(v, v) for v in ("省派", "市派", "县派", "乡镇派")]
PRESENT, LEAVE, ON_DUTY, ABSENT = "在村", "请假", "因公外出", "缺勤"
ATTENDANCE = [(v, v) for v in (PRESENT, LEAVE, ON_DUTY, ABSENT)]
ASSESSMENT = [(v, v) for v in ("优秀", "称职", "基本称职", "不称职", "未考核")]


class StationedCadre(LedgerRow):
    """A 第一书记 or 工作队员 stationed in a village for one term (region_code = the village)."""

    cadre_id_number = models.CharField("干部身份证号", max_length=18)
    name = models.CharField("姓名", max_length=30)
    role = models.CharField("驻村职务", max_length=10, choices=ROLES)
    unit = models.CharField("派出单位", max_length=80)
    unit_level = models.CharField("选派层级", max_length=10, choices=LEVELS, default="县派")
    term_start = models.DateField("任职开始日期")
    term_end = models.DateField("任期届满日期", help_text="任期一般不少于 2 年")
    left_on = models.DateField("离任日期", null=True, blank=True, help_text="仍在岗的不填；轮换、召回时填写")
    party_status = models.CharField("政治面貌", max_length=10, choices=PARTY)
    party_since = models.DateField("转为正式党员日期", null=True, blank=True, help_text="党龄自转正之日起算；非党员不填")
    work_since = models.DateField("参加工作时间")
    on_staff = models.BooleanField("在编人员", default=True)
    nursing = models.BooleanField("哺乳期", default=False)

    class Meta:
        verbose_name = "驻村干部"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["cadre_id_number", "term_start"], name="stationed_cadre_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.role}）"


class Attendance(LedgerRow):
    """One day of a cadre's 五天四夜 record: in the village (and the night), on leave or on duty elsewhere."""

    cadre_id_number = models.CharField("干部身份证号", max_length=18)
    cadre_name = models.CharField("姓名", max_length=30, blank=True)
    day = models.DateField("日期")
    status = models.CharField("出勤情况", max_length=10, choices=ATTENDANCE, default=PRESENT,
                              help_text="请假、因公外出须经批准（请销假制度）")
    night = models.BooleanField("在村住宿", default=False)
    note = models.CharField("备注", max_length=120, blank=True)

    class Meta:
        verbose_name = "驻村考勤"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["cadre_id_number", "day"], name="stationing_attendance_idx")]

    def __str__(self) -> str:
        return f"{self.cadre_name} {self.day} {self.status}"


class CadreYear(LedgerRow):
    """A cadre's yearly duties: training, half-yearly reports to the unit, assessment, health check, insurance."""

    cadre_id_number = models.CharField("干部身份证号", max_length=18)
    cadre_name = models.CharField("姓名", max_length=30, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    trained_on = models.DateField("参加县级以上培训日期", null=True, blank=True)
    report_h1 = models.BooleanField("上半年向派出单位汇报", default=False)
    report_h2 = models.BooleanField("下半年向派出单位汇报", default=False)
    assessment = models.CharField("年度考核结果", max_length=10, choices=ASSESSMENT, default="未考核")
    health_check_on = models.DateField("体检日期", null=True, blank=True)
    insured = models.BooleanField("办理人身意外伤害保险", default=False)

    class Meta:
        verbose_name = "驻村干部年度履职"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.cadre_name} {self.year}"


class TeamVisit(LedgerRow):
    """A visit of the village team (with the village cadres) to one household (入户走访)."""

    visited_on = models.DateField("走访日期")
    visitor = models.CharField("走访人", max_length=60)
    content = models.CharField("走访内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "驻村入户走访"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.visitor} {self.visited_on}"


class AssistUnit(LedgerRow):
    """A county unit that dispatches cadres, with its 定点帮扶 village (region_code)."""

    unit = models.CharField("单位名称", max_length=80)
    unit_level = models.CharField("单位层级", max_length=10, choices=[(v, v) for v in ("县直", "市直", "省直")],
                                  default="县直")
    main_leader = models.CharField("主要负责同志", max_length=30, blank=True)

    class Meta:
        verbose_name = "派出（帮扶）单位"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.unit


class CampaignVisit(LedgerRow):
    """A household screened in a 集中排查 campaign (the campaign named by year and round)."""

    year = models.PositiveSmallIntegerField("年度")
    round = models.PositiveSmallIntegerField("排查轮次", help_text="本年第几次集中排查：1 或 2")
    screened_on = models.DateField("排查日期")
    screener = models.CharField("排查人", max_length=60, blank=True)

    class Meta:
        verbose_name = "集中排查入户"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year} 第{self.round}次 {self.screened_on}"


class Campaign(LedgerRow):
    """A 集中排查 campaign as a township runs it (region_code = the township): its villages' households are
    screened between the start and end dates."""

    year = models.PositiveSmallIntegerField("年度")
    round = models.PositiveSmallIntegerField("排查轮次")
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")

    class Meta:
        verbose_name = "集中排查"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year} 第{self.round}次集中排查"


LEADER_ROLES = [(v, v) for v in ("县级领导", "乡镇领导", "帮扶单位主要负责同志", "帮扶单位其他班子成员")]
PURPOSES = [(v, v) for v in ("调研指导", "节日走访慰问")]


class LeaderLink(LedgerRow):
    """A leader's 联系点 (region_code = the village linked): 县级领导班子成员包乡村入户 (003 任务71)."""

    leader_name = models.CharField("领导姓名", max_length=30)
    post = models.CharField("职务", max_length=60)
    role = models.CharField("领导类别", max_length=12, choices=LEADER_ROLES[:2], default="县级领导")
    since = models.DateField("联系开始日期")
    until = models.DateField("联系结束日期", null=True, blank=True, help_text="仍在联系的不填")

    class Meta:
        verbose_name = "领导联系点"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.leader_name} {self.post}"


class LeaderVisit(LedgerRow):
    """A leader's visit to a village: a county leader to the 联系点, a 定点帮扶 unit's leader to its village."""

    leader_name = models.CharField("领导姓名", max_length=30)
    role = models.CharField("领导类别", max_length=12, choices=LEADER_ROLES)
    unit = models.CharField("所在单位", max_length=80, blank=True, help_text="帮扶单位领导填写单位名称（与派出单位台账一致）")
    visited_on = models.DateField("到村日期")
    purpose = models.CharField("到村事由", max_length=10, choices=PURPOSES, default="调研指导",
                               help_text="节日走访慰问不能代替调研指导")
    content = models.CharField("调研内容和解决的问题", max_length=200, blank=True)

    class Meta:
        verbose_name = "领导到村调研"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.leader_name} {self.visited_on}"


class EastWestProject(LedgerRow):
    """A 东西部协作 project or labour cooperation in a village or township."""

    year = models.PositiveSmallIntegerField("年度")
    project = models.CharField("项目名称", max_length=100)
    partner = models.CharField("协作方", max_length=80, help_text="东部协作省市、区县或单位")
    category = models.CharField("协作类别", max_length=10, choices=[(v, v) for v in (
        "产业协作", "劳务协作", "消费帮扶", "人才交流", "社会帮扶")])
    amount = models.DecimalField("协作资金（元）", max_digits=14, decimal_places=2, default=0)
    jobs = models.PositiveIntegerField("带动就业人数", default=0, help_text="劳务协作填转移就业人数")
    status = models.CharField("实施状态", max_length=6, choices=[(v, v) for v in ("实施中", "已完成", "未开工")],
                              default="实施中")

    class Meta:
        verbose_name = "东西部协作"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.project


MEETING_KINDS = [(v, v) for v in ("村级每周研判", "部门数据比对联席会议")]


class Meeting(LedgerRow):
    """A review meeting: the village's weekly 研判 or the county's monthly department comparison (联席会议)."""

    kind = models.CharField("会议类别", max_length=12, choices=MEETING_KINDS, default="村级每周研判")
    held_on = models.DateField("会议日期")
    attendees = models.CharField("参会人员", max_length=200)
    households = models.PositiveIntegerField("研判农户数", default=0)
    outcome = models.CharField("研判结果", max_length=300, blank=True,
                               help_text="如 拟纳入监测 2 户、风险消除 1 户，并注明户主姓名或线索编号")

    class Meta:
        verbose_name = "研判会议"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on}"


class AssistDayVisit(LedgerRow):
    """One household's visit on a 周三帮扶日 (002 一 2): the cadre of an assistance unit goes over the year's
    policies with the household, gives the policy briefing, and notes the problem found and whether it was solved.
    A village's Wednesday is the set of its rows of that day."""

    day = models.DateField("帮扶日日期", help_text="周三帮扶日：须为星期三")
    helper = models.CharField("帮扶干部", max_length=60)
    unit = models.CharField("帮扶单位", max_length=80, blank=True)
    policy_review = models.BooleanField("梳理年内政策落实情况", default=True)
    briefing = models.BooleanField("政策宣讲和感恩教育", default=True)
    problem = models.CharField("发现的问题", max_length=200, blank=True, help_text="没有发现问题的不填")
    solved = models.BooleanField("问题已解决", default=False)

    class Meta:
        verbose_name = "周三帮扶日"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "day"], name="assist_day_idx")]

    def __str__(self) -> str:
        return f"{self.helper} {self.day}"


class MeetingHousehold(models.Model):
    """A household discussed at a meeting (研判 or 联席会议), with the clues and monitoring cases it had open on the
    meeting's date: so the case page and the household page can show the meetings that discussed them."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="discussed")
    household = models.ForeignKey("registry.Household", verbose_name="农户", on_delete=models.PROTECT,
                                  related_name="+")
    region_code = models.CharField("行政区划代码", max_length=12, db_index=True)
    conclusion = models.CharField("研判结论", max_length=200, blank=True)
    clues = models.ManyToManyField("monitoring.Clue", verbose_name="风险线索", blank=True, related_name="+")
    cases = models.ManyToManyField("monitoring.MonitoringCase", verbose_name="监测对象", blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "研判农户"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["meeting", "household"], name="meeting_household_once")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.household}"
