"""The 衔接资金月报 page and its two downloads (POST, audited), scoped to the user's region."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.regions.monthly import parse_month, report_download

from .report import funds_report
from .report_files import cell_text, report_docx, report_sheets, report_title, report_xlsx

VIEW = Perm.VIEW_REGISTRY


@require_perm(VIEW)
def report_page(request):
    try:
        month = parse_month(request.GET.get("month"))
    except UserFacingError as exc:
        messages.error(request, exc.message)
        month = parse_month("")
    report = funds_report(request.user.scope_prefix, month)
    return render(request, "funds/report.html", {"report": report, "title": report_title(report),
                                                 "tables": [(name, headers, [list(zip(headers, map(cell_text, row), strict=True))
                                                                         for row in rows])
                                                            for name, headers, rows in report_sheets(report)]})


def _download(request, kind: str):
    try:
        month = parse_month(request.POST.get("month"))
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("funds_report"))
    report = funds_report(request.user.scope_prefix, month)
    return report_download(request, kind=kind, month=month, title=report_title(report), object_type="funds.report",
                           xlsx=lambda unit, on: report_xlsx(report, unit=unit, on=on),
                           docx=lambda unit, on: report_docx(report, unit=unit, on=on))


@require_POST
@require_perm(VIEW)
def report_xlsx_view(request):
    return _download(request, "xlsx")


@require_POST
@require_perm(VIEW)
def report_docx_view(request):
    return _download(request, "docx")
