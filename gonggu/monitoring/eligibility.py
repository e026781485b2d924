"""Whether a household may leave monitoring, and the live checks shown on its assistance plan.

Elimination (001 第三部分 一(二)4①, 004 task 4): income of the latest year at or above that year's
monitoring line, 三保障 and drinking water secure (no open screening warning about them; confirmed at the
入户核查), at least three calendar months since county approval, measures implemented. The plan checks
are the live forms of the compliance rules C-DEV-MEASURE, C-MEASURE-MATCH and C-NOLABOR-POST.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from gonggu.registry.choices import LabourAbility, PersonStatus, SchoolStatus

from .choices import DEVELOPMENTAL, RISK_MEASURE, MeasureCategory
from .integration import GUARANTEE_RISKS, monitoring_line, open_warnings
from .workflow import MIN_MONTHS_TO_EXIT, CaseStatus

CAPABLE = (LabourAbility.ORDINARY, LabourAbility.SKILLED)
NO_LABOUR = (LabourAbility.LOST, LabourAbility.NONE)
NOT_STUDENT = ("", SchoolStatus.NOT_STUDENT, SchoolStatus.DROPOUT)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (2024-11-30 + 3 months = 2025-02-28)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_elimination_date(case) -> dt.date | None:
    if case.county_approved_on is None:
        return None
    return add_months(case.county_approved_on, MIN_MONTHS_TO_EXIT)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def active_members(household):
    return household.members.filter(status=PersonStatus.ACTIVE).order_by("id")


def is_labour_capable(person, on: dt.date) -> bool:
    """rules.md *labour-capable member*: active, aged 16–59, 普通/技能劳动力, not a student."""
    return (person.status == PersonStatus.ACTIVE and 16 <= age_on(person.birth_date, on) <= 59
            and person.labour_ability in CAPABLE and (person.school_status or "") in NOT_STUDENT)


def labour_capable_members(household, *, on: dt.date | None = None, include_weak: bool = False) -> list[str]:
    """Names of members with labour ability; with `include_weak`, any member not 丧失/无劳动力 (W-07)."""
    on = on or timezone.localdate()
    names = []
    for p in active_members(household):
        if include_weak:
            if p.labour_ability not in NO_LABOUR:
                names.append(p.name)
        elif is_labour_capable(p, on):
            names.append(p.name)
    return names


@dataclass(frozen=True)
class IncomeCheck:
    year: int | None
    per_capita: Decimal | None
    line: Decimal | None
    reason: str | None   # None = fine

    @property
    def text(self) -> str:
        if self.year is None:
            return "没有收入记录"
        line = f"{self.line:,.0f}" if self.line is not None else "未设置"
        return f"{self.year} 年人均纯收入 {self.per_capita:,.2f} 元，监测范围 {line} 元"


def income_check(case) -> IncomeCheck:
    """Latest income year's per-capita net income ≥ that year's monitoring line."""
    income = case.household.incomes.order_by("-year").first()
    if income is None:
        return IncomeCheck(None, None, None, "该户没有收入记录，无法判断收入是否稳定超过监测范围。")
    line = monitoring_line(income.year)
    if line.value is None:
        return IncomeCheck(income.year, income.per_capita, None, line.reason)
    if income.per_capita < line.value:
        return IncomeCheck(income.year, income.per_capita, line.value,
                           f"{income.year} 年人均纯收入 {income.per_capita:,.2f} 元，低于当年监测范围 "
                           f"{line.value:,.0f} 元。")
    return IncomeCheck(income.year, income.per_capita, line.value, None)


def guarantee_warnings(household) -> list[str]:
    """Open screening warnings about 义务教育, 医疗保障, 住房安全 or 饮水安全."""
    found = []
    for w in open_warnings(household):
        if any(r in (w.get("risk_type") or "") for r in GUARANTEE_RISKS):
            found.append(f"{w.get('risk_type')}（{w.get('rule')}）")
    return found


def implemented_measure_count(case, on: dt.date) -> int:
    return case.measures.filter(start_on__lte=on).count()


@dataclass
class EliminationVerdict:
    possible: bool
    reasons: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    earliest: dt.date | None = None


def elimination_verdict(case, *, user=None, today: dt.date | None = None) -> EliminationVerdict:
    """Whether the risk of this case may be eliminated now, and every reason why not (for the case page)."""
    from .workflow import (
        Ctx,
        case_open,
        income_above_line,
        measures_implemented,
        no_elimination_in_progress,
        no_open_guarantee_warnings,
        no_open_linked_problems,
        three_months_since_approval,
    )

    today = today or timezone.localdate()
    ctx = Ctx(user=user, today=today)
    reasons = []
    for guard in (case_open, no_elimination_in_progress, three_months_since_approval, income_above_line,
                  no_open_guarantee_warnings, no_open_linked_problems, measures_implemented):
        if case.status != CaseStatus.MONITORING and guard is not case_open:
            continue
        reason = guard(case, ctx)
        if reason:
            reasons.append(reason)
    facts = []
    if case.status == CaseStatus.MONITORING:
        facts.append(income_check(case).text)
        facts.append(f"已落实帮扶措施 {implemented_measure_count(case, today)} 项")
    earliest = earliest_elimination_date(case)
    if earliest:
        facts.append(f"最早可于 {earliest:%Y-%m-%d} 办理风险消除（县级审批后满 {MIN_MONTHS_TO_EXIT} 个月）")
    return EliminationVerdict(not reasons, reasons, facts, earliest)


@dataclass(frozen=True)
class PlanCheck:
    ok: bool
    title: str
    detail: str


def plan_checks(case, *, today: dt.date | None = None) -> list[PlanCheck]:
    """The plan's live checks: developmental measure, risk-type match, no 公益岗位 without labour ability."""
    today = today or timezone.localdate()
    measures = list(case.measures.select_related("beneficiary").all())
    in_force = [m for m in measures if m.in_force(today)]
    checks = []
    capable = labour_capable_members(case.household, on=today)
    if capable:
        dev = [m for m in in_force if m.category in DEVELOPMENTAL]
        checks.append(PlanCheck(
            bool(dev), "开发式帮扶措施",
            (f"有劳动能力成员：{'、'.join(capable)}；在实施的开发式措施 {len(dev)} 项"
             + ("" if dev else "。至少落实一项产业就业等开发式帮扶措施（产业帮扶、就业帮扶、公益岗位、小额信贷、技能培训）。")),
        ))
    else:
        checks.append(PlanCheck(True, "开发式帮扶措施", "该户没有 16–59 岁、非在校的普通或技能劳动力，不要求开发式措施。"))
    for risk in case.risk_type_list:
        needed = RISK_MEASURE.get(risk)
        if needed is None:
            continue
        has = any(m.category == needed and m.start_on >= case.discovered_on for m in measures)
        checks.append(PlanCheck(has, f"风险类型「{risk}」的对应措施",
                                f"需要「{needed}」措施" + ("，已落实。" if has else "，尚未落实。")))
    bad_posts = [m for m in in_force if m.category == MeasureCategory.PUBLIC_POST and m.beneficiary is not None
                 and m.beneficiary.labour_ability in NO_LABOUR]
    if bad_posts:
        names = "、".join(m.beneficiary.name for m in bad_posts)
        checks.append(PlanCheck(False, "公益岗位安置", f"{names} 已丧失或无劳动能力，不得安排公益岗位。"))
    return checks
