"""衔接资金月报 (004 任务41: 实施衔接资金使用情况月报制度): counted from the ledgers for a chosen month, nobody
types a number. Two tables:

- by 资金级次: allocations issued (下达), budget execution of those allocations (预算执行, the money arranged to
  projects) in the month and in the year to the month's end, and the execution rate (执行 ÷ 下达, year to date);
- by township (where the projects are): money arranged and paid (拨付) in the month and the year, the payment
  rate (拨付 ÷ 执行, year to date), and projects started, completed and accepted and assets registered in the
  month.

Allocations and fund rows are registered by the county; a fund or payment row belongs to the township of its
project. Payments are made per project, not per fund level, so the level table has no payment column; the
total of the township table carries them. Every sum is grouped in SQL: a fund or payment row finds its project's
place by one join on the unique project number (no correlated subquery per row).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum

from gonggu.core.codes import CODE_LENGTH, code_range, in_scope_q
from gonggu.regions.monthly import TOWNSHIP_DIGITS, Month, report_townships

from .models import Asset, FundAllocation, FundSource, FundUse, Payment, Project

ZERO = Decimal(0)
CENT = Decimal("0.01")

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


def _scope_sql(column: str, prefix: str | None) -> tuple[str, list]:
    """`in_scope_q` as SQL text for the joins below (the same range condition, so the same index serves it)."""
    if prefix is None:
        return "1 = 1", []
    if len(prefix) == CODE_LENGTH:
        return f"{column} = %s", [prefix]
    low, high = code_range(prefix)
    return f"{column} BETWEEN %s AND %s", [low, high]


def _sums(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _by_place(model, date_field: str, prefix: str | None, month: Month) -> list[tuple[str, Decimal, Decimal]]:
    """(township prefix, year's sum, month's sum) of a fund or payment ledger by the place of each row's project:
    one join on the unique project number, grouped in the database."""
    where, params = _scope_sql("p.region_code", prefix)
    rows = _sums(f"""
        SELECT SUBSTR(p.region_code, 1, {TOWNSHIP_DIGITS}), SUM(r.amount),
               SUM(CASE WHEN r.{date_field} >= %s THEN r.amount ELSE 0 END)
        FROM {model._meta.db_table} r JOIN {Project._meta.db_table} p ON p.project_no = r.project_no
        WHERE r.{date_field} BETWEEN %s AND %s AND {where}
        GROUP BY SUBSTR(p.region_code, 1, {TOWNSHIP_DIGITS})
    """, [month.first, month.year_first, month.last, *params])
    return [(code, _dec(year), _dec(in_month)) for code, year, in_month in rows]


def _dec(value) -> Decimal:
    # SQLite hands back sums of decimals as floats or strings; amounts have two decimals.
    return ZERO if value is None else Decimal(str(value)).quantize(CENT)


def _counts(qs, date_field: str, month: Month) -> dict[str, int]:
    rows = (qs.filter(**{f"{date_field}__range": (month.first, month.last)}).values_list("region_code")
            .annotate(n=Count("pk")).values_list("region_code", "n"))
    return dict(rows)


def funds_report(prefix: str | None, month: Month) -> FundsReport:
    """The report of `month` over the region `prefix` (the user's scope)."""
    scope = in_scope_q("region_code", prefix)

    # By fund level: allocations and the execution of each (joined by the allocation's unit and 文号).
    sources = {s: Line(s, f"{s}衔接资金") for s in FundSource.values}
    in_month = Q(issued_on__gte=month.first)
    for source, year_total, month_total in (
            FundAllocation.objects.filter(scope, issued_on__range=(month.year_first, month.last))
            .values_list("source").annotate(y=Sum("amount"), m=Sum("amount", filter=in_month))
            .values_list("source", "y", "m")):
        sources[source].amounts["allocated"] = year_total or ZERO
        sources[source].amounts["allocated_month"] = month_total or ZERO
    where, params = _scope_sql("u.region_code", prefix)
    for source, year_total, month_total in _sums(f"""
        SELECT a.source, SUM(u.amount), SUM(CASE WHEN u.executed_on >= %s THEN u.amount ELSE 0 END)
        FROM {FundUse._meta.db_table} u
        JOIN {FundAllocation._meta.db_table} a ON a.region_code = u.region_code AND a.doc_no = u.doc_no
        WHERE u.executed_on BETWEEN %s AND %s AND {where}
        GROUP BY a.source
    """, [month.first, month.year_first, month.last, *params]):
        if source in sources:
            sources[source].amounts["executed"] = _dec(year_total)
            sources[source].amounts["executed_month"] = _dec(month_total)
    source_total = Line("", "合计")
    for line in sources.values():
        for k, _ in SOURCE_COLUMNS:
            source_total.amounts[k] += line.amounts[k]

    # By township of the projects: a township user sees the money of their projects, registered by the county.
    executed = _by_place(FundUse, "executed_on", prefix, month)
    paid = _by_place(Payment, "paid_on", prefix, month)
    projects = Project.objects.filter(scope)
    counts = {"started": _counts(projects, "started_on", month), "completed": _counts(projects, "completed_on", month),
              "accepted": _counts(projects, "accepted_on", month),
              "registered": _counts(Asset.objects.filter(scope), "registered_on", month)}

    townships = {t.code[:TOWNSHIP_DIGITS]: Line(t.code[:TOWNSHIP_DIGITS], t.name) for t in report_townships(prefix)}
    other = Line("other", OTHER_PLACE)

    def line_of(code: str) -> Line:
        return townships.get(code[:TOWNSHIP_DIGITS], other)

    for name, sums in (("executed", executed), ("paid", paid)):
        for code, year_total, month_total in sums:
            line = line_of(code)
            line.amounts[name] += year_total
            line.amounts[name + "_month"] += month_total
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
