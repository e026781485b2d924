"""Value lists of monitoring (formats.md, monitoring history). Stored values are the Chinese terms of the
format so that imports and exports round-trip and the database reads like the county's own ledgers."""

from django.db import models


class Channel(models.TextChoices):
    """发现渠道 (seed 004 task 1; 001 第三部分 一(二)1②)."""

    SELF_DECLARED = "农户自主申报", "农户自主申报"
    CADRE = "基层干部排查", "基层干部排查"
    DEPARTMENT = "部门筛查预警", "部门筛查预警"
    SOCIAL = "社会信息补充", "社会信息补充"


class MonitoringType(models.TextChoices):
    UNSTABLE = "脱贫不稳定户", "脱贫不稳定户"
    MARGINAL = "边缘易致贫户", "边缘易致贫户"
    SUDDEN = "突发严重困难户", "突发严重困难户"


class RiskType(models.TextChoices):
    ILLNESS = "因病", "因病"
    DISABILITY = "因残", "因残"
    SCHOOLING = "因学", "因学"
    DISASTER = "因灾", "因灾"
    ACCIDENT = "因意外事故", "因意外事故"
    PROJECT_FAILURE = "因产业项目失败", "因产业项目失败"
    UNSTABLE_WORK = "因务工就业不稳", "因务工就业不稳"
    NO_LABOUR = "缺劳动力", "缺劳动力"
    HOUSING = "住房安全", "住房安全"
    WATER = "饮水安全", "饮水安全"
    OTHER = "其他", "其他"


class MeasureCategory(models.TextChoices):
    INDUSTRY = "产业帮扶", "产业帮扶"
    EMPLOYMENT = "就业帮扶", "就业帮扶"
    PUBLIC_POST = "公益岗位", "公益岗位"
    MICROCREDIT = "小额信贷", "小额信贷"
    TRAINING = "技能培训", "技能培训"
    HEALTH = "健康帮扶", "健康帮扶"
    EDUCATION = "教育帮扶", "教育帮扶"
    HOUSING = "住房安全", "住房安全"
    WATER = "饮水安全", "饮水安全"
    SOCIAL_PROTECTION = "综合保障", "综合保障"
    ASPIRATION = "扶志扶智", "扶志扶智"
    SOCIAL = "社会帮扶", "社会帮扶"
    OTHER = "其他", "其他"


# 开发式帮扶措施 (rules.md, C-DEV-MEASURE).
DEVELOPMENTAL = frozenset({MeasureCategory.INDUSTRY, MeasureCategory.EMPLOYMENT, MeasureCategory.PUBLIC_POST,
                           MeasureCategory.MICROCREDIT, MeasureCategory.TRAINING})

# Risk type → the measure category that must answer it (rules.md, C-MEASURE-MATCH).
RISK_MEASURE = {
    RiskType.ILLNESS: MeasureCategory.HEALTH,
    RiskType.SCHOOLING: MeasureCategory.EDUCATION,
    RiskType.HOUSING: MeasureCategory.HOUSING,
    RiskType.WATER: MeasureCategory.WATER,
}


class EliminationMethod(models.TextChoices):
    STABLE = "稳定消除", "稳定消除"
    NATURAL = "自然消除", "自然消除"


RISK_SEPARATORS = ("、", "，", ",", ";", "；", "/", " ")


def split_risk_types(text: str | None) -> list[str]:
    """`因病、因学` → ['因病', '因学'] (formats.md allows 、 ， and ; as separators)."""
    if not text:
        return []
    for sep in RISK_SEPARATORS[1:]:
        text = text.replace(sep, RISK_SEPARATORS[0])
    seen: list[str] = []
    for part in text.split(RISK_SEPARATORS[0]):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def join_risk_types(values) -> str:
    """Stored as `因病、因学`: readable, and a rule finds a type with LIKE '%因病%' in any SQL dialect."""
    order = list(RiskType.values)
    return "、".join(sorted(set(values), key=lambda v: order.index(v) if v in order else len(order)))
