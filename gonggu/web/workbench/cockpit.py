"""一张图 (the leaders' cockpit): the assessment's key figures, monthly trends, a map coloured by a chosen figure,
risk concentrations (整乡整村) and overdue duties of a county or township — read only.

Figures come from the assessment's figure registry (computed once per page for the county, summed per region);
counts come from the apps' own tables by one grouped query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from gonggu.assessment.figures import FIGURES, EvalContext, evaluate_region
from gonggu.assessment.selectors import problems_overdue
from gonggu.core.access import Perm
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import NotFoundInScope
from gonggu.monitoring.models import MonitoringCase
from gonggu.regions.models import Region
from gonggu.registry.choices import HouseholdType
from gonggu.registry.models import Household
from gonggu.screening.models import Grade, WarningStatus
from gonggu.screening.selectors import warnings_for_user
from gonggu.tasks import selectors as tasks

MAP_LEVELS = (Level.COUNTY, Level.TOWNSHIP)
MONTHS = 12


def can_see_cockpit(user) -> bool:
    if not user.has_perm_code(Perm.VIEW_REGISTRY):
        return False
    return user.is_superuser or (user.region is not None and user.region.level in MAP_LEVELS)


def cockpit_region(user, code: str) -> Region:
    """The county or township shown: the user's own, or one inside it (drill-down)."""
    if code:
        region = Region.objects.filter(code=code, level__in=MAP_LEVELS).filter(
            in_scope_q("code", user.scope_prefix)).first()
        if region is None:
            raise NotFoundInScope("区划")
        return region
    if user.region is not None:
        return user.region
    region = Region.objects.filter(level=Level.COUNTY).order_by("code").first()
    if region is None:
        raise NotFoundInScope("区划")
    return region


def eval_context(region: Region, today: dt.date) -> EvalContext:
    # The county's figures in one pass: a township and each of its villages are sums of the same data.
    return EvalContext(prefix=region.code[:6], today=today)


def key_figures(ctx: EvalContext, region: Region) -> list:
    return evaluate_region(ctx, region.prefix, region.code)


@dataclass
class MapArea:
    code: str
    name: str
    value: float | None
    display: str
    status: str
    url: str


def map_areas(ctx: EvalContext, region: Region, figure: str, url_for) -> list[MapArea]:
    areas = []
    for child in region.children.order_by("code"):
        result = evaluate_region(ctx, child.prefix, child.code, [figure])[0]
        value = result.value
        if value is not None and FIGURES[figure].unit == "%":
            value = value * 100
        areas.append(MapArea(child.code, child.name, float(value) if value is not None else None, result.display,
                             result.status_label, url_for(child)))
    return areas


def _month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def monthly_trends(user, region: Region, today: dt.date) -> dict:
    """New monitored cases (county approval), risks eliminated and warnings raised, by month, last 12 months."""
    back = today.year * 12 + today.month - 1 - (MONTHS - 1)
    first = dt.date(back // 12, back % 12 + 1, 1)
    months = []
    day = first
    while day <= today:
        months.append(_month_key(day))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    scope = in_scope_q("region_code", region.prefix)

    def by_month(qs, field):
        rows = (qs.filter(**{f"{field}__gte": first, f"{field}__lte": today}).annotate(m=TruncMonth(field))
                .values("m").annotate(n=Count("id")))
        counted = {_month_key(r["m"]): r["n"] for r in rows}
        return [counted.get(m, 0) for m in months]

    cases = MonitoringCase.objects.filter(scope)
    return {
        "months": months,
        "series": [
            {"name": "新识别监测对象（户）", "values": by_month(cases, "county_approved_on")},
            {"name": "风险消除（户）", "values": by_month(cases, "eliminated_on")},
            {"name": "部门筛查预警（条）", "values": by_month(warnings_for_user(user).filter(scope).exclude(
                grade=Grade.INFO), "first_raised_on")},
        ],
    }


@dataclass
class Concentration:
    code: str
    name: str
    township: str
    households: int
    monitored: int
    new_cases: int
    open_warnings: int

    @property
    def share(self) -> float:
        return self.monitored / self.households if self.households else 0.0

    @property
    def share_text(self) -> str:
        return f"{self.share * 100:.1f}%"


def concentrations(user, region: Region, today: dt.date) -> list[Concentration]:
    """Villages by monitored-household share, with new cases of the last year and open warnings: where risk
    gathers (整乡整村). Three grouped queries, however many villages."""
    scope = in_scope_q("region_code", region.prefix)
    households = (Household.objects.filter(scope).values("region_code")
                  .annotate(n=Count("id"), m=Count("id", filter=Q(household_type=HouseholdType.MONITORED))))
    since = today - dt.timedelta(days=365)
    new_cases = dict(MonitoringCase.objects.filter(scope, county_approved_on__gte=since).values("region_code")
                     .annotate(n=Count("id")).values_list("region_code", "n"))
    warnings = dict(warnings_for_user(user).filter(scope, status=WarningStatus.PENDING).exclude(grade=Grade.INFO)
                    .values("region_code").annotate(n=Count("id")).values_list("region_code", "n"))
    rows = {r["region_code"]: r for r in households}
    names = {r.code: r for r in Region.objects.filter(code__in=rows).select_related("parent")}
    out = []
    for code, r in rows.items():
        village = names.get(code)
        out.append(Concentration(code, village.name if village else code,
                                 village.parent.name if village and village.parent else "", r["n"], r["m"],
                                 new_cases.get(code, 0), warnings.get(code, 0)))
    out.sort(key=lambda c: (-c.share, -c.new_cases, -c.open_warnings, c.code))
    return out


def township_concentrations(rows_all: list[Concentration]) -> list[dict]:
    towns: dict[str, dict] = {}
    for c in rows_all:
        t = towns.setdefault(c.code[:9], {"name": c.township, "households": 0, "monitored": 0, "new_cases": 0,
                                          "open_warnings": 0})
        for key in ("households", "monitored", "new_cases", "open_warnings"):
            t[key] += getattr(c, key)
    return sorted(towns.values(), key=lambda t: -(t["monitored"] / t["households"] if t["households"] else 0))


@dataclass
class Duty:
    title: str
    count: int
    url: str


def overdue_duties(user, region: Region, today: dt.date, urls) -> list[Duty]:
    """What is past its time limit in the region: warnings not verified, 督办 tasks, rectification problems."""
    scope = in_scope_q("region_code", region.prefix)
    duties = [Duty("预警逾期未核实", warnings_for_user(user).filter(scope, status=WarningStatus.PENDING,
                                                             deadline__lt=today).exclude(grade=Grade.INFO).count(),
                   urls["warnings"])]
    if tasks.can_read_board(user):
        red = tasks.board_tasks(user, tasks.BoardFilter(light="red"), today=today).filter(scope).count()
        duties.append(Duty("督办任务逾期", red, urls["tasks"]))
    duties.append(Duty("整改问题逾期", problems_overdue(region.prefix, today=today).count(), urls["problems"]))
    return duties
