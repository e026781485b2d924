"""衔接资金月报 (004 任务41: 实施衔接资金使用情况月报制度): counted from the ledgers for a chosen month, nobody
types a number. Two tables:

- by 资金级次: allocations issued (下达), budget execution of those allocations (预算执行, the money arranged to
  projects) in the month and in the year to the month's end, and the execution rate (执行 ÷ 下达, year to date);
- by township (where the projects are): money arranged and paid (拨付) in the month and the year, the payment
  rate (拨付 ÷ 执行, year to date), and projects started, completed and accepted and assets registered in the
  month.

Allocations and fund rows are registered by the county; a fund or payment row belongs to the township of its
project. Payments are made per project, not per fund level, so the level table has no payment column; the
total of the township table carries them. Every sum is grouped in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum

from gonggu.core.codes import in_scope_q
from gonggu.regions.monthly import TOWNSHIP_DIGITS, Month, report_townships

from .models import Asset, FundAllocation, FundSource, FundUse, Payment, Project

ZERO = Decimal(0)

SOURCE_COLUMNS = (
    ("allocated_month", "本月下达（元）"),
    ("allocated", "本年累计下达（元）"),
    ("executed_month", "本月预算执行（元）"),
    ("executed", "本年累计预算执行（元）"),
)
SOURCE_RATE = "预算执行率"
TOWNSHIP_COLUMNS = (
    ("executed_month", "本月预算执行（元）"),
    ("executed", "本年累计预算执行（元）"),
    ("paid_month", "本月拨付（元）"),
    ("paid", "本年累计拨付（元）"),
)
TOWNSHIP_RATE = "拨付进度"
COUNT_COLUMNS = (
    ("started", "本月开工项目（个）"),
    ("completed", "本月竣工项目（个）"),
    ("accepted", "本月验收项目（个）"),
    ("registered", "本月确权登记资产（个）"),
)
OTHER_PLACE = "县本级及其他"


def rate(part: Decimal, whole: Decimal) -> str:
    """A share as the page and the files print it: one decimal of a percent, or — without a base."""
    if not whole:
        return "—"
    return f"{(part * 100 / whole).quantize(Decimal('0.1'))}%"


@dataclass
class Line:
    key: str                      # the fund level, the township prefix, "" for the total
    name: str
    amounts: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def source_values(self) -> list:
        a = self.amounts
        return [*(a[k] for k, _ in SOURCE_COLUMNS), rate(a["executed"], a["allocated"])]

    def township_values(self) -> list:
        a = self.amounts
        return [*(a[k] for k, _ in TOWNSHIP_COLUMNS), rate(a["paid"], a["executed"]),
                *(self.counts[k] for k, _ in COUNT_COLUMNS)]


@dataclass
class FundsReport:
    month: Month
    sources: list[Line]
    source_total: Line
    townships: list[Line]
    township_total: Line


def _project_code():
    """A fund or payment row's place: the village or township of its project (project numbers are unique)."""
    return Subquery(Project.objects.filter(project_no=OuterRef("project_no")).values("region_code")[:1])


def _by_place(qs, month: Month, date_field: str) -> dict[str, dict[str, Decimal]]:
    """Sums of `amount` per project place, in the month and in the year to the month's end."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    year = qs.filter(**{f"{date_field}__range": (month.year_first, month.last)})
    for key, rows in (("", year), ("_month", year.filter(**{f"{date_field}__gte": month.first}))):
        for code, total in rows.values_list("place").annotate(total=Sum("amount")).values_list("place", "total"):
            out[code][key] = total or ZERO
    return out


def _counts(qs, date_field: str, month: Month) -> dict[str, int]:
    rows = (qs.filter(**{f"{date_field}__range": (month.first, month.last)}).values_list("region_code")
            .annotate(n=Count("pk")).values_list("region_code", "n"))
    return dict(rows)


def funds_report(prefix: str | None, month: Month) -> FundsReport:
    """The report of `month` over the region `prefix` (the user's scope)."""
    scope = in_scope_q("region_code", prefix)

    # By fund level: allocations and the execution of each (joined by the allocation's unit and 文号).
    sources = {s: Line(s, f"{s}衔接资金") for s in FundSource.values}
    allocations = FundAllocation.objects.filter(scope, issued_on__range=(month.year_first, month.last))
    for key, qs in (("allocated", allocations), ("allocated_month", allocations.filter(issued_on__gte=month.first))):
        for source, total in qs.values_list("source").annotate(total=Sum("amount")).values_list("source", "total"):
            sources[source].amounts[key] = total or ZERO
    level = Subquery(FundAllocation.objects.filter(region_code=OuterRef("region_code"), doc_no=OuterRef("doc_no"))
                     .values("source")[:1])
    uses = FundUse.objects.filter(scope, executed_on__range=(month.year_first, month.last)).annotate(level=level)
    for key, qs in (("executed", uses), ("executed_month", uses.filter(executed_on__gte=month.first))):
        for source, total in qs.values_list("level").annotate(total=Sum("amount")).values_list("level", "total"):
            if source in sources:
                sources[source].amounts[key] = total or ZERO
    source_total = Line("", "合计")
    for line in sources.values():
        for k, _ in SOURCE_COLUMNS:
            source_total.amounts[k] += line.amounts[k]

    # By township of the projects: a township user sees the money of their projects, registered by the county.
    place_scope = in_scope_q("place", prefix)
    executed = _by_place(FundUse.objects.annotate(place=_project_code()).filter(place_scope), month, "executed_on")
    paid = _by_place(Payment.objects.annotate(place=_project_code()).filter(place_scope), month, "paid_on")
    projects = Project.objects.filter(scope)
    counts = {"started": _counts(projects, "started_on", month), "completed": _counts(projects, "completed_on", month),
              "accepted": _counts(projects, "accepted_on", month),
              "registered": _counts(Asset.objects.filter(scope), "registered_on", month)}

    townships = {t.code[:TOWNSHIP_DIGITS]: Line(t.code[:TOWNSHIP_DIGITS], t.name) for t in report_townships(prefix)}
    other = Line("other", OTHER_PLACE)

    def line_of(code: str) -> Line:
        return townships.get(code[:TOWNSHIP_DIGITS], other)

    for name, sums in (("executed", executed), ("paid", paid)):
        for code, values in sums.items():
            line = line_of(code)
            line.amounts[name] += values[""]
            line.amounts[name + "_month"] += values["_month"]
    for name, per_code in counts.items():
        for code, n in per_code.items():
            line_of(code).counts[name] += n
    lines = list(townships.values())
    if any(other.amounts.values()) or any(other.counts.values()):
        lines.append(other)
    total = Line("", "合计")
    for line in lines:
        for k, _ in TOWNSHIP_COLUMNS:
            total.amounts[k] += line.amounts[k]
        for k, _ in COUNT_COLUMNS:
            total.counts[k] += line.counts[k]
    return FundsReport(month=month, sources=list(sources.values()), source_total=source_total, townships=lines,
                       township_total=total)
