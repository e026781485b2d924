"""Reads of the assessment app, scoped to the user's region (out of scope = missing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from gonggu.core.codes import CODE_LENGTH, in_scope_q
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.monitoring.selectors import open_case_household_count
from gonggu.regions.models import Region
from gonggu.registry.choices import HouseholdType
from gonggu.registry.selectors import household_type_counts
from gonggu.screening.selectors import pending_warning_counts

from .models import IndicatorSystem, NegativeItem, Problem, ProblemSource
from .workflow import DUE_SOON_DAYS, OPEN_STATUSES, ProblemStatus


def county_code_of(prefix: str | None) -> str | None:
    """The 12-digit county code a scope lies in, or None for a scope above a county (city, province, all)."""
    if prefix is None or len(prefix) < 6:
        return None
    return prefix[:6].ljust(CODE_LENGTH, "0")


# --- indicator systems -------------------------------------------------------------------------------


def _system_visible(user, system: IndicatorSystem) -> bool:
    if system.shipped:
        return True
    prefix = user.scope_prefix
    if prefix is None:
        return True
    # A county's own system is seen by everyone in that county, and by the city or province above it.
    return system.region_code.startswith(prefix) if len(prefix) < 6 else system.region_code[:6] == prefix[:6]


def indicator_systems_for_user(user) -> list[IndicatorSystem]:
    systems = IndicatorSystem.objects.all().order_by("-year", "region_code")
    return [s for s in systems if _system_visible(user, s)]


def indicator_system_get_for_user(user, pk: int) -> IndicatorSystem:
    system = IndicatorSystem.objects.filter(pk=pk).first()
    if system is None or not _system_visible(user, system):
        raise NotFoundInScope("指标体系")
    return system


def indicator_system_for(*, year: int, county_code: str = "") -> IndicatorSystem:
    """The system in force for a county and year: the county's own copy, else the shipped one."""
    if county_code:
        own = IndicatorSystem.objects.filter(year=year, region_code=county_code).first()
        if own is not None:
            return own
    shipped = IndicatorSystem.objects.filter(year=year, region_code="").first()
    if shipped is None:
        raise UserFacingError(f"没有 {year} 年度的考核指标体系：请先在“考核指标体系”页面新增该年度（可从往年复制）。")
    return shipped


def indicator_system_current(*, today: dt.date, county_code: str | None) -> IndicatorSystem | None:
    """The latest system not later than this year, preferring the county's own copy of that year."""
    own = Q(region_code=county_code) if county_code else Q(pk__in=[])
    years = (IndicatorSystem.objects.filter(year__lte=today.year).filter(Q(region_code="") | own)
             .order_by("-year").values_list("year", flat=True))
    year = next(iter(years), None)
    if year is None:
        return None
    return indicator_system_for(year=year, county_code=county_code or "")


# --- regions ------------------------------------------------------------------------------------------


def region_for_user(user, code: str | None) -> Region:
    """The region `code` if the user may see it; the user's own region when no code is given."""
    prefix = user.scope_prefix
    if not code:
        if user.region_id is not None:
            return user.region
        raise NotFoundInScope("行政区划")
    region = Region.objects.filter(in_scope_q("code", prefix), code=code).select_related("parent").first()
    if region is None:
        raise NotFoundInScope("行政区划")
    return region


# --- negative items -----------------------------------------------------------------------------------


def negative_items_for_user(user, *, year: int, region_code: str) -> QuerySet[NegativeItem]:
    return (NegativeItem.objects.filter(in_scope_q("region_code", user.scope_prefix))
            .filter(year=year, region_code=region_code).order_by("matter", "id"))


def negative_item_get_for_user(user, pk: int) -> NegativeItem:
    item = NegativeItem.objects.filter(in_scope_q("region_code", user.scope_prefix), pk=pk).first()
    if item is None:
        raise NotFoundInScope("负面事项")
    return item


# --- rectification problems ---------------------------------------------------------------------------


def problems_in_scope(prefix: str | None) -> QuerySet[Problem]:
    return Problem.objects.filter(in_scope_q("region_code", prefix))


def problems_for_user(user, *, status: str = "", source: str = "", year: int | None = None, q: str = "",
                      region_prefix: str = "", overdue: bool = False, today: dt.date | None = None,
                      figure_code: str = "") -> QuerySet[Problem]:
    qs = problems_in_scope(user.scope_prefix)
    if region_prefix:
        qs = qs.filter(in_scope_q("region_code", region_prefix))
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if year:
        qs = qs.filter(year=year)
    if figure_code:
        qs = qs.filter(figure_code=figure_code)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(owner_unit__contains=q) | Q(description__contains=q))
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today or dt.date.today())
    return qs.order_by("deadline", "id")


def problem_get_for_user(user, pk: int) -> Problem:
    problem = problems_in_scope(user.scope_prefix).filter(pk=pk).first()
    if problem is None:
        raise NotFoundInScope("整改问题")
    return problem


def problems_overdue(prefix: str | None, *, today: dt.date) -> QuerySet[Problem]:
    """Open problems past their deadline (red) — for the supervision board (督办) of the tasks app."""
    return problems_in_scope(prefix).filter(status__in=OPEN_STATUSES, deadline__lt=today).order_by("deadline")


def problems_due_soon(prefix: str | None, *, today: dt.date) -> QuerySet[Problem]:
    """Open problems whose deadline falls within the next DUE_SOON_DAYS days (amber)."""
    return problems_in_scope(prefix).filter(
        status__in=OPEN_STATUSES, deadline__gte=today, deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
    ).order_by("deadline")


def problem_summary(prefix: str | None, *, today: dt.date) -> dict:
    """Counts by status and overdue, in one query."""
    open_q = Q(status__in=OPEN_STATUSES)
    row = problems_in_scope(prefix).aggregate(
        total=Count("id"),
        open=Count("id", filter=open_q),
        rectified=Count("id", filter=Q(status=ProblemStatus.RECTIFIED)),
        verified=Count("id", filter=Q(status=ProblemStatus.VERIFIED)),
        reopened=Count("id", filter=Q(status=ProblemStatus.REOPENED)),
        overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
        due_soon=Count("id", filter=open_q & Q(deadline__gte=today,
                                               deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS))),
    )
    return row


def problem_counts_by_source(prefix: str | None) -> list[dict]:
    order = Case(*[When(source=s, then=Value(i)) for i, s in enumerate(ProblemSource.values)],
                 output_field=IntegerField())
    return list(problems_in_scope(prefix).values("source").annotate(
        n=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)), o=order).order_by("o"))


@dataclass(frozen=True)
class Headline:
    """The counts a county reads first, each from the one selector of the app that owns it."""
    households: int
    monitored: int              # 监测户 in the registry
    assisted: int               # households 监测帮扶中 (approved, risk not eliminated)
    pending_warnings: int       # 待核实 warnings, every grade
    overdue_warnings: int


def headline_counts(prefix: str | None, *, today: dt.date) -> Headline:
    types = household_type_counts(prefix)
    pending, overdue = pending_warning_counts(prefix, today=today)
    return Headline(households=sum(types.values()), monitored=types.get(HouseholdType.MONITORED, 0),
                    assisted=open_case_household_count(prefix), pending_warnings=pending, overdue_warnings=overdue)
