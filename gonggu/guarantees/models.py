"""三保障和饮水安全: the ledgers of housing safety, dropout control, home teaching and drinking water.

Each ledger is a `LedgerRow` (region, household or person, batch or author, history) with its own columns;
the kinds, their import columns and checks are declared in `ledger_defs.py`, the rules in `rule_defs.py`,
the procedures (危房改造, 控辍保学) in `workflow.py` with one service per step in `services.py`.
"""

from django.db import models

from gonggu.ledgers.models import LedgerRow


class RenovationStatus(models.TextChoices):
    """Where a 危房改造 stands (001 第二部分 三(二)1①, 3, 4; 003 任务17: 解决一户、销号一户)."""

    APPLIED = "已申请", "已申请（待村级评议）"
    VILLAGE = "已村级评议", "已村级评议（待乡镇审核）"
    TOWNSHIP = "已乡镇审核", "已乡镇审核（待县级审批）"
    APPROVED = "已县级审批", "已县级审批（待开工）"
    BUILDING = "施工中", "施工中"
    COMPLETED = "已竣工", "已竣工（待验收）"
    RECTIFYING = "整改复验中", "验收未通过，整改复验中"
    ACCEPTED = "已验收", "竣工验收合格（待拨付补助）"
    PAID = "已拨付", "补助已拨付（待销号）"
    CLOSED = "已销号", "已销号"
    REJECTED = "不予列入", "不予列入改造对象"


class RenovationType(models.TextChoices):
    REPAIR = "维修加固", "维修加固"
    REBUILD = "拆除重建", "拆除重建"
    NEW_SITE = "选址新建", "选址新建"
    NEW = "新建", "新建（无房户）"


class HousingRenovation(LedgerRow):
    """One household's 危房改造 of a year, from 个人申请 to 销号 (the 危房改造台账)."""

    plan_year = models.PositiveSmallIntegerField("改造年度")
    grade = models.CharField("鉴定等级", max_length=8, choices=[("C级", "C级"), ("D级", "D级"), ("无房户", "无房户")])
    renovation_type = models.CharField("改造方式", max_length=8, choices=RenovationType.choices)
    household_size = models.PositiveSmallIntegerField("户人口数", help_text="决定新建、重建房屋的最低建筑面积")
    status = models.CharField("办理环节", max_length=8, choices=RenovationStatus.choices,
                              default=RenovationStatus.APPLIED)
    applied_on = models.DateField("申请日期")
    village_reviewed_on = models.DateField("村级评议日期", null=True, blank=True)
    township_reviewed_on = models.DateField("乡镇审核日期", null=True, blank=True)
    county_approved_on = models.DateField("县级审批日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    floor_area = models.DecimalField("建筑面积（㎡）", max_digits=7, decimal_places=2, null=True, blank=True)
    subsidy = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    accepted_on = models.DateField("竣工验收合格日期", null=True, blank=True)
    moved_in_on = models.DateField("入住日期", null=True, blank=True)
    old_house_demolished = models.BooleanField("原危房已拆除", default=False,
                                               help_text="选址新建的须拆除原危房（建新拆旧）")
    paid_on = models.DateField("补助拨付日期", null=True, blank=True)
    paid_amount = models.DecimalField("已拨付金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    paid_to_card = models.BooleanField("拨付至一卡通", default=False)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "危房改造"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "plan_year"], name="renovation_region_idx")]

    def __str__(self) -> str:
        return f"{self.plan_year}年 {self.renovation_type}"


class DropoutStatus(models.TextChoices):
    """A dropout's file (一生一表一档案, 001 第二部分 一(二)1②③)."""

    PERSUADING = "劝返中", "劝返中"
    RETURNED = "已复学", "已劝返复学"
    REPORTED = "已报联合劝返", "已报县联合劝返工作组"
    DEFERRED = "已批准延缓入学或休学", "已批准延缓入学或休学"
    CLOSED = "已销号", "已销号（超龄离校标注）"


class DropoutFile(LedgerRow):
    """一生一表一档案: one dropout or suspected dropout, the persuasion and what came of it (控辍保学台账)."""

    found_on = models.DateField("发现日期")
    kind = models.CharField("类别", max_length=8, choices=[("辍学", "辍学"), ("疑似辍学", "疑似辍学"), ("失学", "失学")])
    school = models.CharField("原就读学校", max_length=60, blank=True)
    grade_level = models.CharField("年级", max_length=20, blank=True)
    reason = models.CharField("辍学原因", max_length=100, blank=True)
    status = models.CharField("办理情况", max_length=12, choices=DropoutStatus.choices, default=DropoutStatus.PERSUADING)
    returned_on = models.DateField("复学日期", null=True, blank=True)
    reported_on = models.DateField("报联合劝返工作组日期", null=True, blank=True)
    approved_on = models.DateField("延缓入学或休学批准日期", null=True, blank=True)
    approved_by = models.CharField("批准机关", max_length=60, blank=True,
                                   help_text="县级人民政府或乡村振兴工作领导小组")
    closed_on = models.DateField("销号日期", null=True, blank=True)

    class Meta:
        verbose_name = "控辍保学档案"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "found_on"], name="dropout_region_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.found_on}"


class Persuasion(LedgerRow):
    """One persuasion attempt (劝返记录) of a dropout, with who went and what came of it (劝返佐证资料)."""

    persuaded_on = models.DateField("劝返日期")
    joint = models.BooleanField("联合劝返", default=False, help_text="县联合劝返工作组组织的劝返")
    persuaders = models.CharField("劝返人员", max_length=100)
    outcome = models.CharField("劝返结果", max_length=8, choices=[("未复学", "未复学"), ("已复学", "已复学")])
    content = models.CharField("劝返情况", max_length=200, blank=True)

    class Meta:
        verbose_name = "劝返记录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"劝返 {self.persuaded_on}"


class HomeTeachingVisit(LedgerRow):
    """送教上门服务台账: one home-teaching visit to a severely disabled child of 6–15 (004 任务15)."""

    visited_on = models.DateField("送教日期")
    class_hours = models.PositiveSmallIntegerField("课时数")
    teacher = models.CharField("送教教师", max_length=60)
    content = models.CharField("送教内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "送教上门记录"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "visited_on"], name="home_teaching_region_idx")]

    def __str__(self) -> str:
        return f"送教 {self.visited_on}"


SUPPLY_MODES = [("集中供水", "集中供水"), ("分散供水", "分散供水")]


class VillageWater(LedgerRow):
    """A village's drinking water in a year against the four standards (001 第二部分 四; 004 任务24–26)."""

    year = models.PositiveSmallIntegerField("年度")
    supply_mode = models.CharField("供水方式", max_length=8, choices=SUPPLY_MODES)
    litres_per_day = models.DecimalField("人均日供水量（升）", max_digits=6, decimal_places=1)
    low_rain = models.BooleanField("执行20升标准", default=False,
                                   help_text="年均降水量不足800毫米或人均水资源量不足1000立方米的地区")
    fetch_minutes = models.DecimalField("取水往返时间（分钟）", max_digits=5, decimal_places=1, null=True, blank=True,
                                        help_text="未通自来水的填")
    fetch_distance_m = models.DecimalField("取水水平距离（米）", max_digits=7, decimal_places=1, null=True, blank=True)
    fetch_height_m = models.DecimalField("取水垂直距离（米）", max_digits=6, decimal_places=1, null=True, blank=True)
    short_days = models.PositiveSmallIntegerField("全年缺水天数")
    quality_ok = models.BooleanField("水质达标", default=True)
    quality_tested_on = models.DateField("最近水质检测日期", null=True, blank=True)
    manager = models.CharField("村水管员", max_length=30, blank=True)
    fee_rate = models.DecimalField("水费收缴率（%）", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "村饮水安全情况"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year}年 {self.supply_mode}"


class WaterProblem(LedgerRow):
    """饮水安全问题台账: each problem opened, handled and closed with its evidence (动态清零)."""

    found_on = models.DateField("发现日期")
    category = models.CharField("问题类型", max_length=8, choices=[
        ("水量", "水量"), ("水质", "水质"), ("方便程度", "方便程度"), ("供水保证率", "供水保证率"), ("工程设施", "工程设施"),
        ("管护", "管护")])
    description = models.CharField("问题描述", max_length=200)
    deadline = models.DateField("整改时限")
    measure = models.CharField("整改措施", max_length=200, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    evidence = models.CharField("销号佐证", max_length=200, blank=True, help_text="整改完成的照片、检测报告或回访记录")
    # A problem of one household (its tap, its well) links to that household, and so to its monitoring record:
    # the record's risk cannot be marked eliminated while the problem is open (monitoring.hooks).
    household_id_number = models.CharField("涉及农户身份证号", max_length=18, blank=True,
                                           help_text="只涉及一户的问题填该户任一成员的身份证号；整村、整片的问题不填")

    class Meta:
        verbose_name = "饮水安全问题"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.category} {self.found_on}"


CHRONIC_DISEASES = [("高血压", "高血压"), ("糖尿病", "糖尿病"), ("结核病", "结核病"), ("严重精神障碍", "严重精神障碍")]


class HealthService(LedgerRow):
    """卫健的家庭医生签约和慢病管理台账: one person's contract of a year, chronic disease and last follow-up
    (001 第二部分 二(二)2①: 应签尽签, 四种慢性病每季度开展一次随访)."""

    year = models.PositiveSmallIntegerField("签约年度")
    signed_on = models.DateField("签约日期", null=True, blank=True, help_text="未签约的不填")
    doctor = models.CharField("签约家庭医生", max_length=30, blank=True)
    chronic_disease = models.CharField("慢性病种", max_length=8, choices=CHRONIC_DISEASES, blank=True,
                                       help_text="高血压、糖尿病、结核病、严重精神障碍；没有的不填")
    last_follow_up_on = models.DateField("最近一次随访日期", null=True, blank=True)

    class Meta:
        verbose_name = "家庭医生签约和慢病管理"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year}年签约"


class VillageClinic(LedgerRow):
    """村卫生室 of a village in a year: whether there is one (or it need not), its rooms' area, public ownership,
    licensed doctors (001 第二部分 二(二)1①–③)."""

    year = models.PositiveSmallIntegerField("年度")
    has_clinic = models.BooleanField("设有村卫生室", default=True)
    exempt = models.BooleanField("可不单设", default=False,
                                 help_text="乡镇卫生院所在地的村，或与相邻村联合设置村卫生室的")
    building_area = models.DecimalField("业务用房建筑面积（㎡）", max_digits=6, decimal_places=1, null=True, blank=True)
    public_owned = models.BooleanField("公有产权", default=False)
    licensed_doctors = models.PositiveSmallIntegerField("持证并注册的村医人数", default=0)

    class Meta:
        verbose_name = "村卫生室"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.year}年村卫生室"


class HouseInspection(LedgerRow):
    """住房安全排查: a house found with a hazard in the routine checks, and its (re-)appraisal (001 第二部分
    三(二)1②, 2; 关注问题 2: 以往鉴定为安全的住房又出现新的安全隐患, 未重新进行鉴定)."""

    inspected_on = models.DateField("排查日期")
    inspector = models.CharField("排查人员", max_length=60)
    hazard = models.CharField("发现的安全隐患", max_length=200)
    previous_grade = models.CharField("原鉴定等级", max_length=4, blank=True,
                                      choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
                                      help_text="以往鉴定为安全（A、B级）的填原等级；从未鉴定的不填")
    appraised_on = models.DateField("重新鉴定日期", null=True, blank=True)
    appraisal_grade = models.CharField("重新鉴定等级", max_length=4, blank=True,
                                       choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")])

    class Meta:
        verbose_name = "住房安全排查"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"排查 {self.inspected_on}"


class IdleDangerousHouse(LedgerRow):
    """废弃危旧房台账: a long-unoccupied dangerous house, its warning, its regular checks, its demolition (004 任务23)."""

    listed_on = models.DateField("登记日期")
    grade = models.CharField("危房等级", max_length=4, choices=[("C", "C"), ("D", "D")])
    warning_posted = models.BooleanField("已设置警示标识", default=False)
    checker = models.CharField("定期查看人员", max_length=30, blank=True)
    last_checked_on = models.DateField("最近查看日期", null=True, blank=True)
    occupied = models.BooleanField("有人居住", default=False)
    demolished_on = models.DateField("拆除日期", null=True, blank=True)

    class Meta:
        verbose_name = "废弃危旧房"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"废弃危房 {self.listed_on}"


class WaterTraining(LedgerRow):
    """水管员培训: each session a county or township holds (004 任务25: 县级每年2次以上, 镇级每年3次以上)."""

    held_on = models.DateField("培训日期")
    level = models.CharField("组织层级", max_length=4, choices=[("县级", "县级"), ("镇级", "镇级")])
    trainees = models.PositiveSmallIntegerField("参训水管员人数")
    topic = models.CharField("培训内容", max_length=100, blank=True)

    class Meta:
        verbose_name = "水管员培训"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.level}培训 {self.held_on}"


# The 30 diseases of 大病专项救治, as the seed lists them (001 第二部分 二(二)2③).
SERIOUS_DISEASES = (
    "白血病", "先天性心脏病", "食道癌", "胃癌", "结肠病癌", "直肠癌", "终末期肾病", "老年性白内障", "乳腺癌", "宫颈癌", "肺癌", "尘肺",
    "急性心肌梗死", "肝癌", "神经母细胞瘤", "儿童淋巴瘤", "骨肉瘤", "血友病", "地中海贫血", "唇腭裂", "尿道下裂", "耐多药肺结核",
    "脑卒中", "慢性阻塞性肺气肿", "艾滋病机会感染", "膀胱癌", "卵巢癌", "肾癌", "重性精神病", "风湿性心脏病",
)


class SeriousIllness(LedgerRow):
    """大病专项救治台账 (卫健): a diagnosis of one of the 30 diseases and its treatment (001 第二部分 二(二)2③)."""

    disease = models.CharField("病种", max_length=12, choices=[(d, d) for d in SERIOUS_DISEASES])
    diagnosed_on = models.DateField("确诊日期")
    hospital = models.CharField("定点医院", max_length=60, blank=True)
    treated_on = models.DateField("救治日期", null=True, blank=True, help_text="尚未救治的不填")

    class Meta:
        verbose_name = "大病专项救治"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.disease} {self.diagnosed_on}"


class DropoutScreening(LedgerRow):
    """疑似辍学学生排查: one township's screening round, recorded each quarter (001 第二部分 一(二)1②: 每季度开展
    一次疑似辍学学生排查整改工作); the dropouts it finds get their files in the 控辍保学台账."""

    screened_on = models.DateField("排查日期")
    screeners = models.CharField("排查人员", max_length=100)
    schools = models.PositiveSmallIntegerField("排查学校数")
    children = models.PositiveIntegerField("排查适龄儿童少年人数")
    found = models.PositiveSmallIntegerField("发现辍学、疑似辍学人数", default=0,
                                             help_text="发现的每一名学生在控辍保学台账中建一档")
    note = models.CharField("排查情况", max_length=200, blank=True)

    class Meta:
        verbose_name = "疑似辍学学生排查"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["region_code", "screened_on"], name="dropout_screen_region_idx")]

    def __str__(self) -> str:
        return f"排查 {self.screened_on}"
