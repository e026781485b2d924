"""稳岗就业: the employment ledgers of the seeds (001 第二部分 稳岗就业, 003 任务38, 004 任务12; 000 指标4).

Each ledger is a `LedgerRow` (region, person, batch or author, history) with its own columns; the kinds,
their import columns and entry forms are declared in `ledger_defs.py`, the rules over them in `rule_defs.py`.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from gonggu.ledgers.models import LedgerRow
from gonggu.registry.choices import WorkPlace


class PublicPost(LedgerRow):
    """A placement on a 乡村公益性岗位: "按需设岗、以岗聘任、在岗领补、有序退岗" (001 稳岗就业(二)6)."""

    post_name = models.CharField("岗位名称", max_length=60)
    post_type = models.CharField("岗位类别", max_length=30, blank=True,
                                 help_text="如 保洁、护林、护路、水利管护、治安巡逻、残疾人公益专岗")
    start_date = models.DateField("上岗日期")
    end_date = models.DateField("退岗日期", null=True, blank=True, help_text="仍在岗的不填")
    monthly_subsidy = models.DecimalField("月岗位补贴（元）", max_digits=10, decimal_places=2)
    placement_no = models.PositiveSmallIntegerField("第几次安置", default=1,
                                                    help_text="补贴期满后再次安置的填 2；累计不超过 2 次")
    agreement = models.BooleanField("签订岗位协议", default=False)
    insured = models.BooleanField("购买意外伤害保险", default=False)

    class Meta:
        verbose_name = "公益岗位安置"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "start_date"], name="public_post_region_idx")]

    def __str__(self) -> str:
        return f"{self.post_name} {self.start_date}"


class WorkRecord(LedgerRow):
    """A person's work in one year: months worked and where (务工就业台账, one row per person and year).

    Kept per year — the registry's 务工月数 and 务工地点 are overwritten by each import, these rows are not — so
    the year-on-year duties ("务工6个月以上的稳定务工人员不低于去年同期水平") can be checked.
    """

    class Source(models.TextChoices):
        SURVEY = "村级摸排", "村级摸排"
        REGISTRY = "农户台账", "农户台账"
        RS_LIST = "人社名单", "人社名单"

    class Channel(models.TextChoices):
        MIGRANT = "外出务工", "外出务工"
        NEARBY = "就近就业", "就近就业"
        WORKSHOP = "帮扶车间", "帮扶车间"
        PUBLIC_POST = "公益岗位", "公益岗位"
        WORK_RELIEF = "以工代赈", "以工代赈"
        START_UP = "自主创业", "自主创业"
        FLEXIBLE = "灵活就业", "灵活就业"

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    months = models.PositiveSmallIntegerField("务工月数", validators=[MaxValueValidator(12)],
                                              help_text="该年度务工的月数，0–12；6 个月及以上为稳定务工")
    place = models.CharField("务工地点", max_length=10, choices=WorkPlace.choices, blank=True,
                             help_text="县内、省内县外、省外；不明的不填")
    channel = models.CharField("就业方式", max_length=10, choices=Channel.choices, blank=True)
    employer = models.CharField("务工单位", max_length=100, blank=True)
    transport_subsidy = models.DecimalField("跨省交通补助（元）", max_digits=10, decimal_places=2, null=True, blank=True,
                                            help_text="跨省务工的一次性交通补助金额")
    transport_paid_on = models.DateField("交通补助发放日期", null=True, blank=True)
    source = models.CharField("信息来源", max_length=10, choices=Source.choices, default=Source.SURVEY)

    class Meta:
        verbose_name = "务工就业记录"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "year"], name="work_record_region_idx")]

    def __str__(self) -> str:
        return f"{self.year} 年 {self.place} {self.months} 个月"


class WorkTarget(LedgerRow):
    """A township's 脱贫人口务工就业 target for a year (目标任务, as the county assigns it)."""

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    target = models.PositiveIntegerField("务工就业目标人数")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "务工就业目标任务"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year} 年目标 {self.target} 人"


class PostAttendance(LedgerRow):
    """One month of a 公益岗位 placement: days on duty, the subsidy due and what was paid ("在岗领补")."""

    post_name = models.CharField("岗位名称", max_length=60)
    month = models.DateField("月份", help_text="如 2025-03（记为当月 1 日）")
    days = models.PositiveSmallIntegerField("出勤天数", validators=[MaxValueValidator(31)])
    subsidy_due = models.DecimalField("应发补贴（元）", max_digits=10, decimal_places=2)
    subsidy_paid = models.DecimalField("实发补贴（元）", max_digits=10, decimal_places=2, null=True, blank=True,
                                       help_text="尚未发放的不填")
    paid_on = models.DateField("发放日期", null=True, blank=True)

    class Meta:
        verbose_name = "公益岗位考勤与补贴发放"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "month"], name="post_attendance_region_idx")]

    def __str__(self) -> str:
        return f"{self.post_name} {self.month:%Y-%m}"


class Workshop(LedgerRow):
    """A 就业帮扶车间 (or 社区工厂) in a village: recognised on a date, closed on another."""

    class Kind(models.TextChoices):
        WORKSHOP = "就业帮扶车间", "就业帮扶车间"
        FACTORY = "社区工厂", "社区工厂"
        BASE = "就业帮扶基地", "就业帮扶基地"

    name = models.CharField("车间名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.WORKSHOP)
    operator = models.CharField("经营主体", max_length=100, blank=True)
    recognised_on = models.DateField("认定日期")
    closed_on = models.DateField("停办日期", null=True, blank=True, help_text="仍在运营的不填")
    jobs = models.PositiveIntegerField("岗位数", null=True, blank=True)

    class Meta:
        verbose_name = "就业帮扶车间"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class WorkshopWorker(LedgerRow):
    """A person employed in a 帮扶车间 (名称 as in the workshop ledger of the county), from a date to a date."""

    workshop_name = models.CharField("车间名称", max_length=100)
    start_date = models.DateField("入职日期")
    end_date = models.DateField("离职日期", null=True, blank=True, help_text="仍在岗的不填")
    monthly_wage = models.DecimalField("月工资（元）", max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "帮扶车间务工人员"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.workshop_name} {self.start_date}"


class RainDew(LedgerRow):
    """A 雨露计划 student in one school year: school, subsidy paid, and after graduation where they went."""

    class Level(models.TextChoices):
        SECONDARY = "中职", "中职"
        TECHNICAL = "技工院校", "技工院校"
        HIGHER = "高职", "高职"

    class Destination(models.TextChoices):
        EMPLOYED = "就业", "就业"
        STUDY = "升学", "升学"
        ARMY = "参军", "参军"
        NONE = "未就业", "未就业"

    year = models.PositiveSmallIntegerField("学年（年度）", validators=[MinValueValidator(2000), MaxValueValidator(2100)],
                                            help_text="补助所属学年的起始年度，如 2025 表示 2025—2026 学年")
    school = models.CharField("就读学校", max_length=100)
    level = models.CharField("学历层次", max_length=10, choices=Level.choices)
    subsidy = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2, null=True, blank=True,
                                  help_text="尚未发放的不填")
    paid_on = models.DateField("补助发放日期", null=True, blank=True)
    graduation_year = models.PositiveSmallIntegerField("毕业年度", null=True, blank=True,
                                                       validators=[MinValueValidator(2000), MaxValueValidator(2100)],
                                                       help_text="已毕业或应届的填")
    destination = models.CharField("毕业去向", max_length=10, choices=Destination.choices, blank=True)

    class Meta:
        verbose_name = "雨露计划补助"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year} 学年 {self.school}"


class ResettlementSite(LedgerRow):
    """An 易地扶贫搬迁 安置点 (安置区) in a village or community: its size and the facilities the seeds tie to it
    (001 第三部分 二（二）2、4: a 公共就业服务站 at sites of 800 people or more, 养老服务设施 30㎡ per 100 households)."""

    class SiteType(models.TextChoices):
        LARGE = "大型特大型", "大型特大型"
        MEDIUM = "大中型", "大中型"
        SMALL = "小微型", "小微型"
        SCATTERED = "分散安置", "分散安置"

    name = models.CharField("安置点名称", max_length=100)
    site_type = models.CharField("安置点类型", max_length=10, choices=SiteType.choices, blank=True)
    households = models.PositiveIntegerField("搬迁户数")
    persons = models.PositiveIntegerField("搬迁人数")
    service_station = models.BooleanField("设有公共就业服务站（窗口）", default=False)
    care_area = models.DecimalField("养老服务设施面积（㎡）", max_digits=10, decimal_places=2, null=True, blank=True,
                                    help_text="安置点配套的养老服务设施建筑面积；没有的不填")

    class Meta:
        verbose_name = "易地搬迁安置点"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class RelocatedHousehold(LedgerRow):
    """A relocated household's follow-up (后续扶持): its site, its 致富产业 and the member in stable employment
    ("确保搬迁户家庭至少有一项致富产业、有一人稳定就业", 004 任务34)."""

    site_name = models.CharField("安置点名称", max_length=100)
    moved_year = models.PositiveSmallIntegerField("搬迁年度", null=True, blank=True,
                                                  validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    industry = models.CharField("致富产业", max_length=100, blank=True, help_text="如 种植、养殖、入股分红；没有的不填")
    worker_name = models.CharField("稳定就业人员", max_length=30, blank=True,
                                   help_text="本户稳定就业成员的姓名（须为本户在册成员）；没有的不填")
    job = models.CharField("就业岗位或方式", max_length=60, blank=True, help_text="如 帮扶车间、外出务工、公益岗位")

    class Meta:
        verbose_name = "易地搬迁户后续扶持"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.site_name} {self.industry or '无产业'}"
