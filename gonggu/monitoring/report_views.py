"""The 月报 page and its two downloads (POST, audited), scoped to the user's region."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.web import on_refusal
from gonggu.dataio.responses import xlsx_response
from gonggu.regions.exports import unit_name

from .report import COUNT_COLUMNS, monthly_report, parse_month
from .report_files import report_docx, report_sheets, report_title, report_xlsx

VIEW = Perm.VIEW_REGISTRY
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    user, on = request.user, timezone.localdate()
    report = monthly_report(user.scope_prefix, month)
    unit = unit_name(user)
    title = report_title(report)
    audit_log(request=request, action="export", object_type="monitoring.report",
              region_code=user.region.code if user.region is not None else "",
              summary=f"下载{title}（{'Excel' if kind == 'xlsx' else 'Word'}）", detail={"month": month.param})
    if kind == "xlsx":
        return xlsx_response(report_xlsx(report, unit=unit, on=on), f"{unit}{title}.xlsx")
    response = HttpResponse(report_docx(report, unit=unit, on=on), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{unit}{title}.docx')}"
    return response


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
