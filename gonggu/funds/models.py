"""衔接资金、项目库与扶贫项目资产: the money, the projects it pays for and the assets they leave.

Every record is a ledger row (`LedgerRow`: region, import batch or author, history), so each has its list,
export, template, import with 退回表 and snapshot table from the ledger pattern (docs/ledgers.md):

- `Project` (项目库): one project from proposal to the year's plan and on to acceptance. Its steps are the
  transition table of `workflow.py`; each step's date is kept on the row, the status says where it stands.
- `ProjectBeneficiary`: the households and persons a project benefits, by identity number.
- `FundAllocation` (衔接资金下达), `FundUse` (预算执行: an allocation's money arranged to a project),
  `Payment` (资金拨付).
- `Asset` (扶贫项目资产, 光伏电站 included) and `AssetIncome` (收益及分配, by year).

Fund, payment and asset rows refer to projects and allocations by their numbers (项目编号, 下达文号), the way
county offices write them; imports and services check that the number exists in the county.
"""

from django.db import models

from gonggu.core.events import StepEvent
from gonggu.ledgers.models import LedgerRow

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class ProjectType(models.TextChoices):
    INDUSTRY = "产业发展", "产业发展"
    EMPLOYMENT = "就业帮扶", "就业帮扶"
    INFRASTRUCTURE = "基础设施", "基础设施"
    RURAL_BUILDING = "乡村建设", "乡村建设"
    OTHER = "其他", "其他"


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "已申报"
    REVIEWED = "reviewed", "已审核论证"
    LIBRARY = "library", "已入库"
    PUBLISHED = "published", "已公告公示"
    PLANNED = "planned", "已纳入年度计划"
    STARTED = "started", "实施中"
    COMPLETED = "completed", "已竣工"
    ACCEPTED = "accepted", "已验收"
    REJECTED = "rejected", "审核未通过"


class FourBatch(models.TextChoices):
    """四个一批 (002 附件2 指标3): what a county does with each 帮扶产业项目."""
    CONSOLIDATE = "巩固", "巩固"
    UPGRADE = "升级", "升级"
    REVITALISE = "盘活", "盘活"
    ADJUST = "调整", "调整"


class Project(LedgerRow):
    """A project of the 巩固拓展脱贫攻坚成果和乡村振兴项目库 (004 任务37; 001 产业（二）2③)."""

    project_no = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=120)
    year = models.PositiveSmallIntegerField("项目年度")
    project_type = models.CharField("项目类型", max_length=10, choices=ProjectType.choices)
    operating = models.BooleanField("经营性项目", default=False,
                                    help_text="形成经营性资产、有经营收益的项目填 是")
    implementer = models.CharField("实施单位", max_length=80, blank=True)
    central_funds = models.DecimalField("中央衔接资金（元）", default=0, **AMOUNT)
    provincial_funds = models.DecimalField("省级衔接资金（元）", default=0, **AMOUNT)
    city_funds = models.DecimalField("市级衔接资金（元）", default=0, **AMOUNT)
    county_funds = models.DecimalField("县级衔接资金（元）", default=0, **AMOUNT)
    other_funds = models.DecimalField("其他资金（元）", default=0, **AMOUNT)
    link_mechanism = models.CharField("联农带农机制", max_length=300, blank=True,
                                      help_text="如 务工带动、订单收购、入股分红、资产租赁收益分配")
    performance_targets = models.CharField("绩效目标", max_length=300, blank=True,
                                           help_text="如 带动脱贫户 50 户，户均增收 2000 元")
    status = models.CharField("状态", max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED,
                              db_index=True)
    proposed_on = models.DateField("申报日期")
    reviewed_on = models.DateField("审核论证日期", null=True, blank=True)
    entered_on = models.DateField("入库日期", null=True, blank=True)
    published_on = models.DateField("公告公示日期", null=True, blank=True)
    published_place = models.CharField("公示地点", max_length=80, blank=True)
    planned_on = models.DateField("纳入年度计划日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    # 四个一批: an industry project's class this year, entered once where it is decided (the row's history
    # keeps earlier years' classes); rule FUND-FOUR-BATCH shows the industry projects not classified in the year.
    four_batch = models.CharField("“四个一批”分类", max_length=2, choices=FourBatch.choices, blank=True)
    four_batch_on = models.DateField("分类日期", null=True, blank=True)
    four_batch_by = models.CharField("分类认定单位（人）", max_length=60, blank=True)
    four_batch_basis = models.CharField("分类依据", max_length=200, blank=True,
                                        help_text="如 经营正常、带农效果好；设施闲置需盘活；市场变化需调整产业")

    class Meta:
        verbose_name = "项目库项目"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "year"], name="funds_project_region_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(central_funds__gte=0, provincial_funds__gte=0, city_funds__gte=0,
                                   county_funds__gte=0, other_funds__gte=0),
                name="funds_project_funds_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_no} {self.name}"

    @property
    def planned_total(self):
        return (self.central_funds + self.provincial_funds + self.city_funds + self.county_funds
                + self.other_funds)


class ProjectEvent(StepEvent):
    """One step of a project's life (who, when, what), in the order it happened; its actions are the steps
    of the project table (workflow.PROJECT)."""

    subject_field = "project"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = "项目办理记录"
        verbose_name_plural = verbose_name
        ordering = ["on_date", "id"]

    @classmethod
    def actions(cls) -> dict[str, str]:
        from .workflow import PROJECT

        return {name: t.label for name, t in PROJECT.items()}


class ProjectBeneficiary(LedgerRow):
    """A person a project benefits (受益对象), by identity number."""

    project_no = models.CharField("项目编号", max_length=40, db_index=True)
    benefit = models.CharField("受益方式", max_length=60, blank=True, help_text="如 务工、分红、产业奖补、设施受益")

    class Meta:
        verbose_name = "项目受益对象"
        verbose_name_plural = verbose_name


class FundSource(models.TextChoices):
    CENTRAL = "中央", "中央"
    PROVINCIAL = "省级", "省级"
    CITY = "市级", "市级"
    COUNTY = "县级", "县级"


class FundAllocation(LedgerRow):
    """衔接资金 received: the 下达 document, its date, amount and level (004 任务39)."""

    doc_no = models.CharField("下达文号", max_length=60)
    issued_on = models.DateField("下达日期")
    year = models.PositiveSmallIntegerField("资金年度")
    source = models.CharField("资金级次", max_length=4, choices=FundSource.choices)
    amount = models.DecimalField("下达金额（元）", **AMOUNT)

    class Meta:
        verbose_name = "衔接资金下达"
        verbose_name_plural = verbose_name
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_allocation_amount_pos")]

    def __str__(self) -> str:
        return f"{self.doc_no}（{self.source} {self.amount} 元）"


class FundUse(LedgerRow):
    """预算执行: part of an allocation arranged to one project (004 任务39: 15个工作日内开展预算执行)."""

    doc_no = models.CharField("下达文号", max_length=60)
    project_no = models.CharField("项目编号", max_length=40, db_index=True)
    executed_on = models.DateField("预算执行日期")
    amount = models.DecimalField("安排金额（元）", **AMOUNT)

    class Meta:
        verbose_name = "资金预算执行"
        verbose_name_plural = verbose_name
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_use_amount_pos")]


class PaymentKind(models.TextChoices):
    ADVANCE = "预付款", "预付款"
    PROGRESS = "进度款", "进度款"
    FINAL = "结算款", "结算款"


class Payment(LedgerRow):
    """资金拨付 to a project: advance, then by progress (004 任务39: 预付制度，按照项目进度拨付资金)."""

    voucher_no = models.CharField("拨付凭证号", max_length=40)
    project_no = models.CharField("项目编号", max_length=40, db_index=True)
    paid_on = models.DateField("拨付日期")
    kind = models.CharField("拨付类型", max_length=4, choices=PaymentKind.choices)
    amount = models.DecimalField("拨付金额（元）", **AMOUNT)
    payee = models.CharField("收款单位", max_length=80, blank=True)

    class Meta:
        verbose_name = "衔接资金拨付"
        verbose_name_plural = verbose_name
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_payment_amount_pos")]


class AssetClass(models.TextChoices):
    OPERATING = "经营性", "经营性"
    PUBLIC = "公益性", "公益性"
    HOUSEHOLD = "到户类", "到户类"


class Asset(LedgerRow):
    """A 扶贫项目资产 (001 产业（二）4; 004 任务42–44), 光伏帮扶电站 included."""

    asset_no = models.CharField("资产编号", max_length=40, unique=True)
    name = models.CharField("资产名称", max_length=120)
    project_no = models.CharField("形成项目编号", max_length=40, blank=True, db_index=True)
    asset_class = models.CharField("资产类别", max_length=4, choices=AssetClass.choices)
    owner = models.CharField("所有权人", max_length=80)
    manager = models.CharField("管护（经营）主体", max_length=80, blank=True)
    value = models.DecimalField("资产原值（元）", **AMOUNT)
    formed_on = models.DateField("形成日期", null=True, blank=True)
    registered_on = models.DateField("确权登记日期", null=True, blank=True)
    photovoltaic = models.BooleanField("光伏帮扶电站", default=False)
    pv_fault_rate = models.DecimalField("故障率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    pv_online_rate = models.DecimalField("实时在线率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    disposed_on = models.DateField("处置日期", null=True, blank=True)
    disposal_evaluated = models.BooleanField("处置前资产评估", default=False)
    disposal_approved = models.BooleanField("处置审批", default=False)

    class Meta:
        verbose_name = "扶贫项目资产"
        verbose_name_plural = verbose_name
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="funds_asset_value_not_neg")]

    def __str__(self) -> str:
        return f"{self.asset_no} {self.name}"


class Distribution(models.TextChoices):
    LINKED = "与劳动或条件挂钩", "与劳动或条件挂钩"
    POSTS = "设置公益岗位", "设置公益岗位"
    PUBLIC_FUND = "村级公益事业", "村级公益事业"
    CASH = "简单发钱发物", "简单发钱发物"


class AssetIncome(LedgerRow):
    """An asset's income of a year and how it was distributed (003 （十八）; 001 产业（二）1⑥)."""

    asset_no = models.CharField("资产编号", max_length=40, db_index=True)
    year = models.PositiveSmallIntegerField("收益年度")
    income = models.DecimalField("收益金额（元）", **AMOUNT)
    distributed = models.DecimalField("已分配金额（元）", default=0, **AMOUNT)
    distribution = models.CharField("分配方式", max_length=10, choices=Distribution.choices, blank=True)
    plan_published = models.BooleanField("分配方案已公开", default=False)

    class Meta:
        verbose_name = "资产收益分配"
        verbose_name_plural = verbose_name


class FundInspection(LedgerRow):
    """县级每季度组织对衔接资金使用情况开展一次督查检查 (004 任务41): one inspection, who made it, what it covered,
    what it found and how that was put right. The quarter is the one its date falls in."""

    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查组织单位（人员）", max_length=120)
    scope = models.CharField("检查范围", max_length=200, help_text="如 城关镇、东风乡 2025 年衔接资金项目")
    findings = models.CharField("发现问题", max_length=500, blank=True)
    rectification = models.CharField("整改情况", max_length=500, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "衔接资金督查检查"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.scope}"


class ConsumptionPurchase(LedgerRow):
    """消费帮扶: a budget unit's canteen purchases of a year and how much of them came from 脱贫地区 through the
    832 platform (001 产业（二）7②: 不低于年度食堂食材采购份额10%)."""

    unit = models.CharField("预算单位", max_length=80)
    year = models.PositiveSmallIntegerField("年度")
    canteen_purchases = models.DecimalField("食堂食材采购总额（元）", **AMOUNT)
    platform_purchases = models.DecimalField("832平台采购脱贫地区农副产品（元）", default=0, **AMOUNT)

    class Meta:
        verbose_name = "消费帮扶采购"
        verbose_name_plural = verbose_name
