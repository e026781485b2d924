"""Reads of warnings for pages, exports and other apps — every one scoped to the user's region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from gonggu.core.access import get_in_scope
from gonggu.core.codes import in_scope_q
from gonggu.regions.models import Region

from .evidence import department_label
from .models import GRADE_ORDER, VERIFIED_STATUSES, Grade, ScreeningRun, Warning, WarningEvent, WarningStatus

CATEGORIES = {"risk": "风险预警", "quality": "数据质量提示", "all": "全部"}


def warnings_for_user(user) -> QuerySet[Warning]:
    return Warning.objects.filter(in_scope_q("region_code", user.scope_prefix))


def warning_get_for_user(user, pk: int) -> Warning:
    """The warning if it lies in the user's region; otherwise NotFoundInScope, exactly like a missing one."""
    return get_in_scope(warnings_for_user(user).select_related("household", "verified_by", "first_run"), user, pk,
                        what="预警", field=None)


def _category_q(category: str) -> Q:
    if category == "risk":
        return ~Q(grade=Grade.INFO)
    if category == "quality":
        return Q(grade=Grade.INFO)
    return Q()


def inbox_for_user(user, *, category: str = "risk") -> QuerySet[Warning]:
    """Open warnings of the user's village(s), most urgent first."""
    return (warnings_for_user(user).filter(_category_q(category), status=WarningStatus.PENDING)
            .select_related("household").order_by("deadline", "grade", "id"))


@dataclass
class WarningFilter:
    status: str = ""
    rule: str = ""
    grade: str = ""
    department: str = ""
    village: str = ""
    overdue: bool = False
    category: str = "all"

    @classmethod
    def from_data(cls, data) -> WarningFilter:
        """The list page's filters from its query string (or the export button's POST of the same fields)."""
        f = cls(status=data.get("status", ""), rule=data.get("rule", ""), grade=data.get("grade", ""),
                department=data.get("department", ""), village=data.get("village", "").strip(),
                overdue=data.get("overdue") == "1", category=data.get("category", "all"))
        if f.category not in CATEGORIES:
            f.category = "all"
        if f.village and not f.village.isdigit():
            f.village = ""
        return f

    def as_query(self) -> dict[str, str]:
        return {"status": self.status, "rule": self.rule, "grade": self.grade, "department": self.department,
                "village": self.village, "overdue": "1" if self.overdue else "", "category": self.category}


def warning_list_for_user(user, f: WarningFilter, *, today: dt.date | None = None) -> QuerySet[Warning]:
    qs = warnings_for_user(user).filter(_category_q(f.category)).select_related("household")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.grade:
        qs = qs.filter(grade=f.grade)
    if f.department:
        qs = qs.filter(department=f.department)
    if f.village:
        qs = qs.filter(in_scope_q("region_code", f.village))
    if f.overdue:
        qs = qs.filter(status=WarningStatus.PENDING, deadline__lt=today or timezone.localdate())
    return qs.order_by("status", "deadline", "id")


def open_warnings_for_household(household) -> QuerySet[Warning]:
    """For other apps (monitoring's household timeline): the household's warnings still awaiting verification."""
    return Warning.objects.filter(household=household, status=WarningStatus.PENDING).order_by("deadline", "id")


def warnings_for_household(household) -> QuerySet[Warning]:
    return Warning.objects.filter(household=household).order_by("-first_raised_on", "-id")


def warning_events_for_household(household) -> QuerySet[WarningEvent]:
    """For other apps (the household timeline): what happened to the household's warnings after raising."""
    return WarningEvent.objects.filter(warning__household=household).select_related("actor").order_by("at", "id")


def latest_runs(user, limit: int = 5) -> list[ScreeningRun]:
    """Runs that covered the user's region: whole-database runs and runs of a region containing or inside it."""
    prefix = user.scope_prefix
    runs = ScreeningRun.objects.select_related("created_by").order_by("-created_at", "-id")
    if prefix is not None:
        runs = runs.filter(Q(prefix="") | Q(prefix__startswith=prefix) |
                           Q(prefix__in=[prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]))
    return list(runs[:limit])


def region_names(codes) -> dict[str, str]:
    full = {c.ljust(12, "0") for c in codes if c}
    return dict(Region.objects.filter(code__in=full).values_list("code", "name"))


def pending_warning_counts(prefix: str | None, *, today: dt.date | None = None) -> tuple[int, int]:
    """(待核实, of which past the deadline) warnings of a region, every grade: the one count the screening
    summary, the 一口清 and the home page show."""
    today = today or timezone.localdate()
    pending = Warning.objects.filter(in_scope_q("region_code", prefix), status=WarningStatus.PENDING)
    return pending.count(), pending.filter(deadline__lt=today).count()


def open_summary_for_user(user) -> dict:
    """Open warnings of the user's region by rule, grade, township, department; and totals by status."""
    from gonggu.rules.catalog import CATALOG

    today = timezone.localdate()
    qs = warnings_for_user(user)
    status_counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    open_qs = qs.filter(status=WarningStatus.PENDING)
    by_rule = list(open_qs.values("rule").annotate(n=Count("id")).order_by("-n", "rule"))
    by_grade = {row["grade"]: row["n"] for row in open_qs.values("grade").annotate(n=Count("id"))}
    by_village = list(open_qs.values("region_code").annotate(n=Count("id")))
    by_department = list(open_qs.values("department").annotate(n=Count("id")).order_by("-n"))
    townships: dict[str, int] = {}
    for row in by_village:
        key = row["region_code"][:9]
        townships[key] = townships.get(key, 0) + row["n"]
    names = region_names(townships)
    pending, overdue = pending_warning_counts(user.scope_prefix, today=today)
    return {
        "open": pending,
        "overdue": overdue,
        "verified": sum(status_counts.get(s, 0) for s in VERIFIED_STATUSES),
        "lapsed": status_counts.get(WarningStatus.LAPSED, 0),
        "by_status": [(s.label, status_counts.get(s.value, 0)) for s in WarningStatus],
        "by_rule": [{"rule": row["rule"], "title": getattr(CATALOG.rules.get(row["rule"]), "title", ""),
                     "count": row["n"]} for row in by_rule],
        "by_grade": [{"grade": g.value, "label": g.label, "count": by_grade.get(g.value, 0)}
                     for g in sorted(Grade, key=lambda g: GRADE_ORDER[g])],
        "by_township": [{"code": code, "name": names.get(code.ljust(12, "0"), code), "count": n}
                        for code, n in sorted(townships.items())],
        "by_department": [{"department": row["department"], "label": department_label(row["department"]),
                           "count": row["n"]} for row in by_department],
    }


@dataclass
class RateRow:
    key: str
    name: str
    raised: int = 0
    pending: int = 0
    overdue: int = 0
    verified: int = 0
    late: int = 0
    lapsed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """核实率: verified / (verified + still pending); lapsed warnings needed no verification."""
        base = self.verified + self.pending
        return round(self.verified * 100 / base, 1) if base else None

    @property
    def on_time_rate(self) -> float | None:
        """按期核实率: verified within the deadline / verified."""
        return round((self.verified - self.late) * 100 / self.verified, 1) if self.verified else None

    def add(self, other: RateRow) -> None:
        for name in ("raised", "pending", "overdue", "verified", "late", "lapsed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.outcomes.items():
            self.outcomes[k] = self.outcomes.get(k, 0) + v


def _rate_aggregates(today: dt.date) -> dict:
    verified = Q(status__in=VERIFIED_STATUSES)
    aggregates = {
        "raised": Count("id"),
        "pending": Count("id", filter=Q(status=WarningStatus.PENDING)),
        "overdue": Count("id", filter=Q(status=WarningStatus.PENDING, deadline__lt=today)),
        "verified": Count("id", filter=verified),
        "late": Count("id", filter=verified & Q(ended_on__gt=F("deadline"))),
        "lapsed": Count("id", filter=Q(status=WarningStatus.LAPSED)),
    }
    for i, status in enumerate(VERIFIED_STATUSES):
        aggregates[f"o{i}"] = Count("id", filter=Q(status=status))
    return aggregates


def _rate_row(key: str, name: str, values: dict) -> RateRow:
    row = RateRow(key=key, name=name, **{k: values[k] for k in ("raised", "pending", "overdue", "verified", "late",
                                                                 "lapsed")})
    row.outcomes = {status: values[f"o{i}"] for i, status in enumerate(VERIFIED_STATUSES)}
    return row


@dataclass
class Statistics:
    villages: list[RateRow]
    townships: list[RateRow]
    departments: list[RateRow]
    total: RateRow
    today: dt.date


def statistics_for_user(user, *, category: str = "risk", since: dt.date | None = None,
                        until: dt.date | None = None, today: dt.date | None = None) -> Statistics:
    """Overdue warnings and verification rates per village, township and department (three grouped queries).

    Department = the department of the list the warning's evidence comes from; rules without a department
    list (INCOME-BELOW-LINE, INCOME-DROP) count under 农业农村 (the registry).
    """
    today = today or timezone.localdate()
    qs = warnings_for_user(user).filter(_category_q(category))
    if since:
        qs = qs.filter(first_raised_on__gte=since)
    if until:
        qs = qs.filter(first_raised_on__lte=until)
    aggregates = _rate_aggregates(today)
    village_values = list(qs.values("region_code").annotate(**aggregates).order_by("region_code"))
    department_values = list(qs.values("department").annotate(**aggregates).order_by("department"))
    names = region_names({v["region_code"] for v in village_values} | {v["region_code"][:9] for v in village_values})
    villages = [_rate_row(v["region_code"], names.get(v["region_code"], v["region_code"]), v) for v in village_values]
    townships: dict[str, RateRow] = {}
    total = RateRow(key="", name="合计")
    for row in villages:
        code = row.key[:9]
        if code not in townships:
            townships[code] = RateRow(key=code, name=names.get(code.ljust(12, "0"), code))
        townships[code].add(row)
        total.add(row)
    departments = [_rate_row(v["department"], department_label(v["department"]), v) for v in department_values]
    return Statistics(villages=villages, townships=list(townships.values()), departments=departments, total=total,
                      today=today)
