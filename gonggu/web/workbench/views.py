"""The workbench (home page), the cockpit and its boundary upload."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.assessment.figures import FIGURES
from gonggu.assessment.selectors import headline_counts
from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level
from gonggu.core.errors import NotFoundInScope
from gonggu.core.web import on_refusal, returns_to
from gonggu.dataio.responses import xlsx_response
from gonggu.dataio.writers import Link, write_xlsx
from gonggu.regions.exports import ListExport, list_export

from . import cockpit as cp
from .base import items_for
from .geo import boundaries, geojson_store, geojson_validate


def home(request):
    user = request.user
    if user.role == "leader" and cp.can_see_cockpit(user):
        # 领导: the workbench is the cockpit (read only).
        return redirect("cockpit")
    today = timezone.localdate()
    shown = items_for(user, today=today)
    counts = {key: sum(1 for s in shown if s.urgency == key) for key in ("overdue", "soon")}
    # The headline counts the 一口清, the screening pages and the cockpit show too (one selector).
    headline = headline_counts(user.scope_prefix, today=today) if user.has_perm_code(Perm.VIEW_REGISTRY) else None
    return render(request, "web/workbench.html", {"shown": shown, "counts": counts, "today": today,
                                                  "region": user.region, "headline": headline,
                                                  "cockpit": cp.can_see_cockpit(user),
                                                  "can_export": user.has_perm_code(Perm.EXPORT_PERSONAL)})


@require_POST
def home_export(request):
    """The to-do list of the workbench, as the page lists it (no filters: every item, in the page's order); the
    items name households (户主, 户编号), so it is personal data: the export right is needed, the export audited."""
    today = timezone.localdate()
    shown = items_for(request.user, today=today)
    rows = ((s.label, s.item.title, s.item.area, s.item.count if s.item.count is not None else "", s.item.due or "",
             "" if s.days is None else s.days, s.item.detail, Link(request.build_absolute_uri(s.item.url), "办理")) for s in shown)
    return list_export(request, ListExport(
        title="我的工作台待办事项", headers=("紧急程度", "事项", "工作领域", "数量", "期限", "剩余天数（负数为已逾期）",
                                   "说明", "办理链接"),
        rows=rows, count=len(shown), object_type="workbench", filters={}))


def _figure_choice(request) -> str:
    code = request.GET.get("figure", "")
    if code in FIGURES:
        return code
    # The first ratio figure: a share colours a map; a count mostly measures the region's size.
    return next((c for c, f in FIGURES.items() if f.unit == "%"), next(iter(FIGURES)))


def _cockpit_region(request):
    user = request.user
    if not cp.can_see_cockpit(user):
        raise PermissionDenied
    try:
        return cp.cockpit_region(user, request.GET.get("region", "").strip())
    except NotFoundInScope as exc:
        raise Http404(exc.message) from None


@require_perm(Perm.VIEW_REGISTRY)
def cockpit(request):
    user = request.user
    region = _cockpit_region(request)
    today = timezone.localdate()
    figure = _figure_choice(request)
    ctx = cp.eval_context(region, today)

    def drill_url(child) -> str:
        if child.level == Level.VILLAGE:
            return reverse("household_list") + "?" + urlencode({"region": child.code})
        return reverse("cockpit") + "?" + urlencode({"region": child.code, "figure": figure})

    areas = cp.map_areas(ctx, region, figure, drill_url)
    geo, schematic = boundaries(region.code, areas)
    rows = cp.concentrations(user, region, today)
    overdue_q = urlencode({"overdue": "1", "category": "risk", "village": region.prefix})
    duties = cp.overdue_duties(user, region, today, {
        "warnings": reverse("warning_list") + "?" + overdue_q,
        "tasks": reverse("task_board") + "?light=red",
        "problems": reverse("assessment_problems")})
    chart = {"figure": FIGURES[figure].title, "unit": FIGURES[figure].unit, "geo": geo,
             "areas": [{"name": a.name, "value": a.value, "display": a.display, "status": a.status, "url": a.url}
                       for a in areas],
             "trends": cp.monthly_trends(user, region, today)}
    return render(request, "web/cockpit.html", {
        "region": region, "parent": region.parent if region != user.region and region.parent else None,
        "results": cp.key_figures(ctx, region), "figures": [(c, f.title) for c, f in FIGURES.items()],
        "figure": figure, "areas": areas, "schematic": schematic, "chart": chart,
        "villages": rows[:15], "townships": cp.township_concentrations(rows) if region.level == Level.COUNTY else [],
        "duties": duties, "today": today, "can_upload": user.has_perm_code(Perm.MANAGE_REGIONS),
        "headline": headline_counts(region.prefix, today=today),
    })


@require_perm(Perm.VIEW_REGISTRY)
def cockpit_export(request):
    """The risk-concentration list of the page, every village, as .xlsx."""
    user = request.user
    region = _cockpit_region(request)
    rows = cp.concentrations(user, region, timezone.localdate())
    headers = ["乡镇", "村", "行政区划代码", "农户数", "监测户数", "监测户占比", "近一年新识别（户）", "待核实预警（条）"]
    content = write_xlsx([("风险集中村", headers, ([c.township, c.name, c.code, c.households, c.monitored,
                                                  c.share_text, c.new_cases, c.open_warnings] for c in rows))],
                         text_columns={"行政区划代码"})
    audit_log(request=request, action="export", object_type="cockpit", object_id=region.code,
              region_code=region.code, summary=f"导出{region.name}风险集中村 {len(rows)} 个")
    return xlsx_response(content, f"{region.name}风险集中村.xlsx")


@require_POST
@require_perm(Perm.MANAGE_REGIONS)
@on_refusal()
def cockpit_boundaries(request):
    """Upload the county's boundaries (GeoJSON with a code or name per township and village)."""
    user = request.user
    region = _cockpit_region(request)
    upload = request.FILES.get("file")
    back = returns_to(request, reverse("cockpit") + "?" + urlencode({"region": region.code}))
    if upload is None:
        messages.error(request, "请选择一个 GeoJSON 文件。")
        return redirect(back)
    data = geojson_validate(upload.read(), upload.name)
    geojson_store(region.code, data)
    audit_log(request=request, user=user, action="import", object_type="boundaries", object_id=region.code[:6],
              region_code=region.code, summary=f"上传地图边界 {upload.name}（{len(data['features'])} 个要素）")
    messages.success(request, f"已载入地图边界：{len(data['features'])} 个要素。")
    return redirect(back)
