"""The registry: households, their members and yearly income accounts.

`region_code` (the village's 12-digit code) is kept on households and persons so
that every scoped query and every set-based rule is a range condition on one
indexed column, without joins to the region tree.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.models import TimeStampedModel
from gonggu.dataio.models import IntakeBatch

from .choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    PersonStatus,
    Relation,
    SchoolStatus,
    WorkPlace,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Household(TimeStampedModel):
    household_no = models.CharField("户编号", max_length=40)
    # First 6 digits of the village code: 户编号 is unique within a county.
    county_code = models.CharField("县级代码", max_length=6)
    village = models.ForeignKey("regions.Region", verbose_name="所在村", on_delete=models.PROTECT,
                                related_name="households")
    region_code = models.CharField("行政区划代码", max_length=12)
    household_type = models.CharField("户类型", max_length=10, choices=HouseholdType.choices)
    monitoring_type = models.CharField("监测对象类型", max_length=10, choices=MonitoringType.choices, blank=True)
    relocated = models.BooleanField("是否易地搬迁", null=True, blank=True)
    head_name = models.CharField("户主姓名", max_length=50, blank=True)
    # Columns of an imported export that Gonggu does not model (自然村, 致贫原因 …), as they were: shown on the
    # household page under 其他信息, never interpreted.
    extra = models.JSONField("其他信息", default=dict, db_default={}, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["county_code", "household_no"], name="household_no_per_county")]
        indexes = [
            # The list order (village, number) with the key as its last column: the list's pages are read as
            # ranges of this index, and the key makes the order total.
            models.Index(fields=["region_code", "household_no", "id"], name="household_list_idx"),
            models.Index(fields=["household_type", "region_code"], name="household_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_no} {self.head_name}"


class Person(TimeStampedModel):
    # No index of its own: person_household_idx leads with the household and serves every lookup by it.
    household = models.ForeignKey(Household, verbose_name="所在户", on_delete=models.PROTECT, related_name="members",
                                  db_index=False)
    region_code = models.CharField("行政区划代码", max_length=12)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与户主关系", max_length=10, choices=Relation.choices)
    gender = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    birth_date = models.DateField("出生日期")
    labour_ability = models.CharField("劳动能力", max_length=12, choices=LabourAbility.choices)
    health = models.CharField("健康状况", max_length=10, choices=Health.choices)
    disability_grade = models.CharField("残疾等级", max_length=4, choices=DisabilityGrade.choices, blank=True)
    school_status = models.CharField("在校情况", max_length=10, choices=SchoolStatus.choices, blank=True)
    work_months = models.PositiveSmallIntegerField("务工月数", null=True, blank=True)
    work_place = models.CharField("务工地点", max_length=10, choices=WorkPlace.choices, blank=True)
    medical_insured = models.BooleanField("是否参加基本医疗保险", null=True, blank=True)
    status = models.CharField("人员状态", max_length=6, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    status_date = models.DateField("状态变更日期", null=True, blank=True)
    # As Household.extra, for the person's columns (民族, 文化程度, 人编号 …).
    extra = models.JSONField("其他信息", default=dict, db_default={}, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["region_code"], name="person_region_idx"),
            models.Index(fields=["household", "relation"], name="person_household_idx"),
            # The household list's member filters: one value, members on record, a range of region codes,
            # and the household read from the index itself (no table rows are visited).
            models.Index(fields=["health", "status", "region_code", "household"], name="person_health_idx"),
            models.Index(fields=["labour_ability", "status", "region_code", "household"], name="person_labour_idx"),
            # Name search has an index of its own on PostgreSQL, made by migration 0003 (a GIN index over
            # the characters of the name, which Django's index classes cannot express portably).
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.status == PersonStatus.ACTIVE


class IncomeAccount(TimeStampedModel):
    """A household's income for one year (收入年度), as the registry states it.

    `household_size` is the number of members listed for that year, so the
    per-capita figure of a past year does not change when the household does.
    """

    # No index of its own: the unique constraint one_income_per_year leads with the household.
    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="incomes",
                                  db_index=False)
    year = models.PositiveSmallIntegerField("收入年度")
    wage = models.DecimalField("工资性收入", default=Decimal(0), **MONEY)
    business = models.DecimalField("生产经营性收入", default=Decimal(0), **MONEY)
    property = models.DecimalField("财产性收入", default=Decimal(0), **MONEY)
    transfer = models.DecimalField("转移性收入", default=Decimal(0), **MONEY)
    business_expense = models.DecimalField("生产经营性支出", default=Decimal(0), **MONEY)
    household_size = models.PositiveSmallIntegerField("家庭人口")
    net_income = models.DecimalField("家庭纯收入", **MONEY)
    per_capita = models.DecimalField("人均纯收入", **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "收入账户"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="one_income_per_year")]
        ordering = ["household", "-year"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


# --- Registry imports -------------------------------------------------------------------------------
# A registry file is imported as a batch of the intake pipeline (format `registry`). Rows written by an
# import are inserted and updated in bulk, without simple-history rows: the batch (stored file, checksum,
# who, when, its issues, and the per-household outcomes below) is their audit trail.

REGISTRY_FORMAT = "registry"


class RegistryBatchManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(format=REGISTRY_FORMAT)


def _report_field(key: str, default, doc: str):
    def getter(self):
        return (self.report or {}).get(key, default() if callable(default) else default)

    def setter(self, value):
        self.report = {**(self.report or {}), key: value}

    return property(getter, setter, doc=doc)


def _alias(name: str, doc: str):
    return property(lambda self: getattr(self, name), lambda self, value: setattr(self, name, value), doc=doc)


class RegistryBatch(IntakeBatch):
    """One registry file: validated first (nothing written), then applied on confirmation.

    An intake batch of the format `registry`, read with the registry's words: persons are the batch's
    accepted rows and its created/updated/unchanged counts; the household figures, the income years and the
    missing persons still to decide are kept in its report.
    """

    objects = RegistryBatchManager()

    class Meta:
        proxy = True
        verbose_name = "台账导入批次"
        verbose_name_plural = verbose_name

    def save(self, *args, **kwargs):
        self.format = REGISTRY_FORMAT
        super().save(*args, **kwargs)

    sha256 = _alias("checksum", "The file's SHA-256.")
    persons = _alias("accepted", "导入人数: the file's valid person rows.")
    persons_created = _alias("created", "新增人数")
    persons_updated = _alias("updated", "更新人数: registered and changed by the file.")
    persons_unchanged = _alias("unchanged", "未变人数: registered and identical to the file.")
    households = _report_field("households", 0, "导入户数")
    households_created = _report_field("households_created", 0, "新增户数")
    households_updated = _report_field("households_updated", 0, "更新户数")
    households_unchanged = _report_field("households_unchanged", 0, "未变户数")
    years = _report_field("years", list, "收入年度")
    missing_count = _report_field("missing_count", 0, "缺失成员数: persons missing from the file, undecided.")


class RegistryBatchHousehold(models.Model):
    """A registered household that an import changed (its members, its income or itself).

    Households an import created are not listed here (a first import creates hundreds of thousands):
    the batch keeps their ids as runs in `report["created_households"]`.
    """

    class Outcome(models.TextChoices):
        CREATED = "created", "新增"
        UPDATED = "updated", "更新"

    # A first import writes one row per household: two indexes (the key and the one below) keep that cheap.
    batch = models.ForeignKey(RegistryBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="outcomes",
                              db_index=False)
    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="+",
                                  db_index=False)
    region_code = models.CharField("行政区划代码", max_length=12)
    outcome = models.CharField("结果", max_length=8, choices=Outcome.choices)
    persons_created = models.PositiveIntegerField("新增成员", default=0)
    persons_updated = models.PositiveIntegerField("变更成员", default=0)
    income_changed = models.BooleanField("收入有变化", default=False)

    class Meta:
        verbose_name = "导入户结果"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["batch", "outcome", "region_code"], name="registry_outcome_batch_idx")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_outcome_display()}"


class RegistryBatchMissing(models.Model):
    """A person on record (在册) in a household or village of the file but absent from it: left for a decision."""

    class Decision(models.TextChoices):
        KEEP = "keep", "保留（仍在册）"
        MOVED_OUT = "moved_out", "标记为迁出"
        DECEASED = "deceased", "标记为死亡"

    batch = models.ForeignKey(RegistryBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="missing",
                              db_index=False)
    person = models.ForeignKey(Person, verbose_name="成员", on_delete=models.CASCADE, related_name="+")
    household_no = models.CharField("户编号", max_length=40)
    region_code = models.CharField("行政区划代码", max_length=12)
    # True when the whole household is absent from the file (not just this member).
    household_absent = models.BooleanField("整户未出现在文件中", default=False)
    decision = models.CharField("处理结果", max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "导入缺失成员"
        verbose_name_plural = verbose_name
        ordering = ["batch", "region_code", "household_no", "id"]
        indexes = [models.Index(fields=["batch", "decision"], name="registry_missing_batch_idx")]

    def __str__(self) -> str:
        return f"{self.household_no} {self.person_id}"
