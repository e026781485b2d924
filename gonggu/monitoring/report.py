"""The monthly monitoring report (月报): counted from the records of a chosen month, per township with a total.

Issue #16 item 5 — "the monthly monitoring report (月报): the report is generated from the data (counts of new,
current and eliminated cases, risks, measures) for a chosen month, as .xlsx and .docx; nobody types it."
Seed 004 task 3 asks for 帮扶责任人每月入户走访, and the 部门筛查预警 channel is counted as warnings raised and
handled (核实) in the month.

One number everywhere: for the running month the "在监测" column is `open_case_household_count`, the
selector the 一口清 and the home page use; for a past month it is reconstructed from the dates (approved on or
before the month's last day, not eliminated by then), since the status column only says what holds today.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.regions.monthly import TOWNSHIP_DIGITS, Month, parse_month, report_townships

from .choices import Channel, MeasureCategory, split_risk_types
from .models import Clue, Measure, MonitoringCase, Visit
from .selectors import open_case_household_count
from .workflow import CASE_APPROVED_OPEN, CaseStatus

__all__ = ["COUNT_COLUMNS", "Month", "MonthlyReport", "monthly_report", "parse_month"]


# (key, label) of the count columns, in the order the page, the workbook and the document show them.
COUNT_COLUMNS = (
    ("new", "新识别监测对象（户）"),
    ("current", "月末在监测（户）"),
    ("eliminated", "本月风险消除（户）"),
    ("measures", "本月新落实帮扶措施（项）"),
    ("visits", "本月入户走访（次）"),
    ("warnings", "本月部门筛查预警（条）"),
    ("warnings_handled", "本月预警核实办结（条）"),
)


@dataclass
class ReportRow:
    code: str                     # township prefix (9 digits), "" for the total
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    risks: Counter = field(default_factory=Counter)
    measure_types: Counter = field(default_factory=Counter)

    @property
    def values(self) -> list[int]:
        return [self.counts.get(k, 0) for k, _ in COUNT_COLUMNS]


@dataclass
class MonthlyReport:
    month: Month
    rows: list[ReportRow]
    total: ReportRow
    risk_types: list[str]
    measure_types: list[str]


def _by_township(qs, key: str = "region_code", *, distinct: str | None = None) -> Counter:
    """Counts per township of a queryset: grouped by village code in SQL, folded to townships here."""
    agg = Count(distinct, distinct=True) if distinct else Count("pk")
    out: Counter = Counter()
    for code, n in qs.values_list(key).annotate(n=agg).values_list(key, "n"):
        out[code[:TOWNSHIP_DIGITS]] += n
    return out


def _current_as_of(prefix: str | None, on: dt.date) -> Counter:
    """Households under monitoring at the end of a past day: approved by then and not yet eliminated by then."""
    qs = MonitoringCase.objects.filter(
        in_scope_q("region_code", prefix), county_approved_on__lte=on,
        status__in=CASE_APPROVED_OPEN | {CaseStatus.ELIMINATED},
    ).filter(Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=on))
    return _by_township(qs, distinct="household_id")


def monthly_report(prefix: str | None, month: Month, *, today: dt.date | None = None) -> MonthlyReport:
    """The report of `month` over the region `prefix` (the user's scope)."""
    today = today or timezone.localdate()
    scope = in_scope_q("region_code", prefix)
    cases = MonitoringCase.objects.filter(scope)
    new_cases = cases.filter(county_approved_on__range=(month.first, month.last))
    counts = {
        "new": _by_township(new_cases, distinct="household_id"),
        "eliminated": _by_township(cases.filter(eliminated_on__range=(month.first, month.last)),
                                   distinct="household_id"),
        "measures": _by_township(Measure.objects.filter(scope, start_on__range=(month.first, month.last))),
        "visits": _by_township(Visit.objects.filter(scope, visited_on__range=(month.first, month.last))),
        "warnings": _by_township(Clue.objects.filter(scope, channel=Channel.DEPARTMENT,
                                                     discovered_on__range=(month.first, month.last))),
        "warnings_handled": _by_township(Clue.objects.filter(
            scope, channel=Channel.DEPARTMENT, handled_on__range=(month.first, month.last),
            status__in=(Clue.Status.ACCEPTED, Clue.Status.DISMISSED))),
    }
    running = month.first <= today <= month.last
    current_past = None if running else _current_as_of(prefix, month.last)

    risks: dict[str, Counter] = defaultdict(Counter)
    for code, text in new_cases.values_list("region_code", "risk_types"):
        for risk in split_risk_types(text):
            risks[code[:TOWNSHIP_DIGITS]][risk] += 1
    measure_types: dict[str, Counter] = defaultdict(Counter)
    for code, category, n in (Measure.objects.filter(scope, start_on__range=(month.first, month.last))
                              .values_list("region_code", "category").annotate(n=Count("pk"))
                              .values_list("region_code", "category", "n")):
        measure_types[code[:TOWNSHIP_DIGITS]][category] += n

    rows = []
    for township in report_townships(prefix):
        code = township.code[:TOWNSHIP_DIGITS]
        row = ReportRow(code=code, name=township.name, risks=risks.get(code, Counter()),
                        measure_types=measure_types.get(code, Counter()))
        for key, _ in COUNT_COLUMNS:
            if key == "current":
                row_scope = prefix if prefix is not None and len(prefix) > TOWNSHIP_DIGITS else code
                row.counts[key] = (open_case_household_count(row_scope) if running
                                   else current_past.get(code, 0))
            else:
                row.counts[key] = counts[key].get(code, 0)
        rows.append(row)
    total = ReportRow(code="", name="合计")
    for key, _ in COUNT_COLUMNS:
        total.counts[key] = sum(r.counts[key] for r in rows)
    for r in rows:
        total.risks.update(r.risks)
        total.measure_types.update(r.measure_types)
    known = [c.value for c in MeasureCategory]
    measure_list = [c for c in known if total.measure_types.get(c)] + sorted(
        c for c in total.measure_types if c not in known)
    return MonthlyReport(month=month, rows=rows, total=total,
                         risk_types=[k for k, _ in total.risks.most_common()], measure_types=measure_list)
