"""Value lists of the registry format (formats.md). Stored values are the Chinese terms of the format,
so that exports round-trip and department staff read the database as they read their lists."""

from django.db import models


class HouseholdType(models.TextChoices):
    LIFTED = "脱贫户", "脱贫户"
    MONITORED = "监测户", "监测户"
    ORDINARY = "一般农户", "一般农户"


class MonitoringType(models.TextChoices):
    UNSTABLE = "脱贫不稳定户", "脱贫不稳定户"
    MARGINAL = "边缘易致贫户", "边缘易致贫户"
    SUDDEN = "突发严重困难户", "突发严重困难户"


class Relation(models.TextChoices):
    HEAD = "户主", "户主"
    SPOUSE = "配偶", "配偶"
    SON = "子", "子"
    DAUGHTER = "女", "女"
    DAUGHTER_IN_LAW = "儿媳", "儿媳"
    SON_IN_LAW = "女婿", "女婿"
    GRANDSON = "孙子", "孙子"
    GRANDDAUGHTER = "孙女", "孙女"
    FATHER = "父亲", "父亲"
    MOTHER = "母亲", "母亲"
    SIBLING = "兄弟姐妹", "兄弟姐妹"
    OTHER = "其他", "其他"


class LabourAbility(models.TextChoices):
    ORDINARY = "普通劳动力", "普通劳动力"
    SKILLED = "技能劳动力", "技能劳动力"
    WEAK = "弱劳动力或半劳动力", "弱劳动力或半劳动力"
    LOST = "丧失劳动力", "丧失劳动力"
    NONE = "无劳动力", "无劳动力"


class Health(models.TextChoices):
    HEALTHY = "健康", "健康"
    CHRONIC = "长期慢性病", "长期慢性病"
    SERIOUS = "患有大病", "患有大病"
    DISABLED = "残疾", "残疾"


class DisabilityGrade(models.TextChoices):
    G1 = "一级", "一级"
    G2 = "二级", "二级"
    G3 = "三级", "三级"
    G4 = "四级", "四级"


class SchoolStatus(models.TextChoices):
    PRESCHOOL = "学前教育", "学前教育"
    PRIMARY = "小学", "小学"
    JUNIOR = "初中", "初中"
    SENIOR = "高中", "高中"
    VOCATIONAL = "中职", "中职"
    HIGHER_VOCATIONAL = "高职", "高职"
    UNIVERSITY = "大学", "大学"
    NOT_STUDENT = "非在校生", "非在校生"
    DROPOUT = "辍学", "辍学"


class WorkPlace(models.TextChoices):
    IN_COUNTY = "县内", "县内"
    IN_PROVINCE = "省内县外", "省内县外"
    OUT_PROVINCE = "省外", "省外"


class PersonStatus(models.TextChoices):
    ACTIVE = "在册", "在册"
    DECEASED = "死亡", "死亡"
    MOVED_OUT = "迁出", "迁出"
    OTHER = "其他注销", "其他注销"
