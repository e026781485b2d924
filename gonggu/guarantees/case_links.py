"""A household's water problems on its monitoring record (001 第三部分 一(二)4①: 风险消除 needs “三保障”和饮水安全
持续巩固).

A row of the 饮水安全问题台账 about one household (涉及农户身份证号) belongs to that household; the household's
monitoring record shows its problems found since the record began or still open, and the elimination procedure's
guard refuses every step while one is open on the day (registered in apps.ready through monitoring.hooks).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from gonggu.core.codes import code_in_prefix

from .models import WaterProblem


def problems_of_case(case):
    """The household's water problems found since the record began, or still open when it began."""
    return (WaterProblem.objects.filter(household_id=case.household_id)
            .filter(Q(found_on__gte=case.discovered_on) | Q(closed_on__isnull=True) | Q(closed_on__gte=case.discovered_on))
            .order_by("-found_on", "-id"))


def open_on(day: dt.date):
    return Q(found_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def open_water_problems(case, today: dt.date) -> str | None:
    """The guard's reason: the household's water problems open on `today`."""
    found = list(WaterProblem.objects.filter(open_on(today), household_id=case.household_id).order_by("found_on"))
    if not found:
        return None
    listed = "、".join(f"{p.category}问题（{p.found_on:%Y-%m-%d} 发现，整改时限 {p.deadline:%Y-%m-%d}）" for p in found)
    return f"该户还有未销号的饮水安全问题：{listed}，须整改销号后才能办理风险消除"


def case_water_section(user, case) -> dict | None:
    if not code_in_prefix(case.region_code, user.scope_prefix):
        return None
    rows = list(problems_of_case(case))
    if not rows:
        return None
    from django.utils import timezone

    today = timezone.localdate()
    for p in rows:
        p.is_open = p.closed_on is None or p.closed_on > today
        p.overdue = p.is_open and p.deadline < today
    return {"problems": rows, "open": sum(p.is_open for p in rows)}
