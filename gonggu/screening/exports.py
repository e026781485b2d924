"""The warning pages as .xlsx: the list (its filters) and the verification statistics (its period)."""

from __future__ import annotations

import datetime as dt

from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.idnumber import mask
from gonggu.regions.exports import ListExport, list_export
from gonggu.rules.catalog import CATALOG
from gonggu.rules.words import plain_words

from .evidence import department_label
from .models import VERIFIED_STATUSES, Grade, WarningStatus
from .selectors import CATEGORIES, WarningFilter, region_names, statistics_for_user, warning_list_for_user

WARNING_HEADERS = ("等级", "预警规则", "户编号", "户主", "身份证号", "乡镇", "村", "村代码", "部门", "状态",
                   "首次预警日期", "核实期限", "核实结果说明")


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _title(code: str) -> str:
    rule = CATALOG.rules.get(code)
    return rule.title if rule is not None else code


@require_POST
@require_perm(Perm.VIEW_REGISTRY)
def warning_list_export(request):
    f = WarningFilter.from_data(request.POST)
    qs = warning_list_for_user(request.user, f).order_by("region_code", "status", "deadline", "id")
    names = region_names({c[:9] for c in qs.values_list("region_code", flat=True).distinct()}
                          | set(qs.values_list("region_code", flat=True).distinct()))

    def rows():
        for w in qs.iterator(chunk_size=2000):
            yield (_label(Grade, w.grade), _title(w.rule), w.household.household_no if w.household_id else "",
                   w.household.head_name if w.household_id else "", mask(w.id_number) if w.id_number else "",
                   names.get(w.region_code[:9].ljust(12, "0"), ""), names.get(w.region_code, ""), w.region_code,
                   department_label(w.department), _label(WarningStatus, w.status), w.first_raised_on, w.deadline,
                   plain_words(w.verification_note))

    title = "预警清单" if f.category == "all" else CATEGORIES[f.category] + "清单"
    return list_export(request, ListExport(
        title=title, headers=WARNING_HEADERS, rows=rows(), count=qs.count(), object_type="screening_warning",
        filters=f.as_query(), text_columns=frozenset({"户编号", "身份证号", "村代码"}), region_at=7))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_POST
@require_perm(Perm.VIEW_REGISTRY)
def statistics_export(request):
    """The three rate tables of the statistics page, one sheet each; no personal data."""
    category = request.POST.get("category", "risk")
    category = category if category in CATEGORIES else "risk"
    since, until = _date(request.POST.get("since", "")), _date(request.POST.get("until", ""))
    stats = statistics_for_user(request.user, category=category, since=since, until=until)
    outcomes = list(VERIFIED_STATUSES)
    headers = ["预警", "待核实", "逾期未核实", "已核实", "逾期核实", "核实率(%)", "按期核实率(%)",
               *(WarningStatus(s).label for s in outcomes), "条件已消失"]

    def lines(rows, total):
        for r in [*rows, total]:
            yield (r.name, r.raised, r.pending, r.overdue, r.verified, r.late, r.rate if r.rate is not None else "",
                   r.on_time_rate if r.on_time_rate is not None else "", *(r.outcomes.get(s, 0) for s in outcomes),
                   r.lapsed)

    period = "".join(t for t in (f"{since:%Y-%m-%d}起" if since else "", f"至{until:%Y-%m-%d}" if until else ""))
    title = f"预警核实统计（{CATEGORIES[category]}{'，' + period if period else ''}）"
    sheets = [("按乡镇", ["乡镇", *headers], lines(stats.townships, stats.total)),
              ("按村", ["村", *headers], lines(stats.villages, stats.total)),
              ("按部门", ["部门", *headers], lines(stats.departments, stats.total))]
    return list_export(request, ListExport(
        title=title, headers=(), rows=(), count=len(stats.villages), object_type="screening_statistics",
        filters={"category": category, "since": str(since or ""), "until": str(until or "")}, personal=False,
        sheets=sheets))
