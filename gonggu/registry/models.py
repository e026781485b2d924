"""The registry: households, their members and yearly income accounts.

`region_code` (the village's 12-digit code) is kept on households and persons so
that every scoped query and every set-based rule is a range condition on one
indexed column, without joins to the region tree.
"""

from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from gonggu.core.models import TimeStampedModel

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
    history = HistoricalRecords()

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["county_code", "household_no"], name="household_no_per_county")]
        indexes = [
            models.Index(fields=["region_code", "household_no"], name="household_region_idx"),
            models.Index(fields=["household_type", "region_code"], name="household_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_no} {self.head_name}"


class Person(TimeStampedModel):
    household = models.ForeignKey(Household, verbose_name="所在户", on_delete=models.PROTECT, related_name="members")
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["region_code"], name="person_region_idx"),
            models.Index(fields=["household", "relation"], name="person_household_idx"),
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

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="incomes")
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
