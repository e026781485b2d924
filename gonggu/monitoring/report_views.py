"""The 月报 page and its two downloads (POST, audited), scoped to the user's region."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.web import on_refusal
from gonggu.regions.monthly import report_download

from .report import COUNT_COLUMNS, monthly_report, parse_month
from .report_files import report_docx, report_sheets, report_title, report_xlsx

VIEW = Perm.VIEW_REGISTRY


@require_perm(VIEW)
def report_page(request):
    try:
        month = parse_month(request.GET.get("month"))
    except UserFacingError as exc:
        messages.error(request, exc.message)
        month = parse_month("")
    report = monthly_report(request.user.scope_prefix, month)
    return render(request, "monitoring/report.html", {
        "report": report, "title": report_title(report), "columns": [label for _, label in COUNT_COLUMNS],
        "tables": report_sheets(report)[1:]})


def _download(request, kind: str):
    month = parse_month(request.POST.get("month"))
    report = monthly_report(request.user.scope_prefix, month)
    return report_download(request, kind=kind, month=month, title=report_title(report),
                           object_type="monitoring.report",
                           xlsx=lambda unit, on: report_xlsx(report, unit=unit, on=on),
                           docx=lambda unit, on: report_docx(report, unit=unit, on=on))


@require_POST
@require_perm(VIEW)
@on_refusal("monitoring:report")
def report_xlsx_view(request):
    return _download(request, "xlsx")


@require_POST
@require_perm(VIEW)
@on_refusal("monitoring:report")
def report_docx_view(request):
    return _download(request, "docx")
