"""新增、退出名单 page and its .xlsx (POST, audited): a month and a region picked from lists, nothing typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.dataio.responses import xlsx_response
from gonggu.regions.exports import ListExport, list_export, list_workbook

from .changes import ADDED, EXITED, HEADERS, month_changes, month_options, region_options

VIEW = Perm.VIEW_REGISTRY
TITLE = "新增、退出监测对象名单"


@require_perm(VIEW)
def changes_page(request):
    user = request.user
    try:
        data = month_changes(user, month=request.GET.get("month"), region=request.GET.get("region", ""))
    except UserFacingError as exc:
        messages.error(request, exc.message)
        data = month_changes(user, month="", region="")
    return render(request, "monitoring/changes.html", {
        "data": data, "months": month_options(timezone.localdate()), "regions": region_options(user),
        "added": data.count(ADDED), "exited": data.count(EXITED),
        "rows": [(r, r.values()) for r in data.rows[:500]], "more": max(len(data.rows) - 500, 0),
        "headers": HEADERS, "can_export": user.has_perm_code(Perm.EXPORT_PERSONAL),
        "can_unmask": user.has_perm_code(Perm.EXPORT_UNMASKED)})


@require_POST
@require_perm(VIEW)
def changes_export(request):
    user = request.user
    unmasked = request.POST.get("unmasked") == "1"
    if unmasked and not user.has_perm_code(Perm.EXPORT_UNMASKED):
        raise PermissionDenied
    try:
        data = month_changes(user, month=request.POST.get("month"), region=request.POST.get("region", ""))
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("monitoring:changes"))
    filters = {"month": data.month.param, "region": data.region}
    spec = ListExport(
        title=f"{data.month.label}{TITLE}", headers=HEADERS, rows=[r.values(unmasked=unmasked) for r in data.rows],
        count=len(data.rows), object_type="monitoring.changes", filters=filters,
        text_columns=frozenset({"村代码", "户编号", "身份证号"}), region_at=3)
    if not unmasked:
        return list_export(request, spec)
    if not user.has_perm_code(Perm.EXPORT_PERSONAL):
        raise PermissionDenied
    # Full identity numbers: the export says so in the audit, under its own action.
    audit_log(request=request, action="export_pii", object_type=spec.object_type,
              region_code=user.region.code if user.region is not None else "",
              summary=f"导出{spec.title}（{spec.count} 条，含完整身份证号）", detail={"filters": filters})
    return xlsx_response(list_workbook(spec, user=user),
                         f"{spec.title}_{timezone.localdate():%Y%m%d}_完整号码.xlsx")
