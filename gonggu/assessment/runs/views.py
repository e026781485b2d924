"""Pages of fixed data: the list of runs (with freezing and comparing), a run's page per region in the look
of the live self-evaluation page, its drill-downs, its export, and the comparison of two runs."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.jobs import job_start
from gonggu.core.models import AuditEvent
from gonggu.dataio.responses import xlsx_response
from gonggu.dataio.writers import write_xlsx
from gonggu.regions.exports import ListExport, list_export
from gonggu.regions.models import Region

from ..run_models import AssessmentRun, FrozenDrillRow, FrozenResult
from ..selectors import county_code_of, indicator_system_current, region_for_user
from .compare import runs_compare
from .freeze import run_create
from .jobs import run_freeze_job

VIEW = (Perm.VIEW_REGISTRY, Perm.MANAGE_ASSESSMENT)


def runs_for_user(user):
    """Runs of the user's region or below, and runs of a region above it (the user sees their part)."""
    prefix = user.scope_prefix
    qs = AssessmentRun.objects.select_related("created_by")
    if prefix is None:
        return qs
    above = [prefix[:n] for n in (2, 4, 6, 9) if n < len(prefix)]
    return qs.filter(in_scope_q("region_code", prefix) | Q(region_prefix__in=above))


def run_get_for_user(user, pk: int) -> AssessmentRun:
    run = runs_for_user(user).filter(pk=pk).first()
    if run is None:
        raise Http404("固定批次不存在或不在本人管辖范围内。")
    return run


def _region_in_run(user, run: AssessmentRun, code: str | None) -> Region:
    if not code:
        prefix = user.scope_prefix
        code = run.region_code if prefix is None or run.region_code.startswith(prefix) else user.region.code
    region = region_for_user(user, code)
    if not region.code.startswith(run.region_prefix):
        raise Http404("该区划不在本批次范围内。")
    return region


@require_perm(*VIEW)
def run_list(request):
    runs = list(runs_for_user(request.user)[:200])
    done = [r for r in runs if r.status == AssessmentRun.Status.DONE]
    return render(request, "assessment/run_list.html", {
        "runs": runs, "done": done, "today": timezone.localdate(),
        "can_manage": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
        "a": done[1].pk if len(done) > 1 else "", "b": done[0].pk if done else "",
    })


@require_POST
@require_perm(*VIEW)
def run_list_export(request):
    """The list of runs as the page shows it (the page has no filters: every run the user sees), audited."""
    qs = runs_for_user(request.user)          # in the order of the page (the model's)

    def rows():
        for r in qs.iterator(chunk_size=500):
            who = r.created_by
            yield (r.name, r.region_name, r.region_code, r.as_of, r.get_status_display(), r.message or "",
                   timezone.localtime(r.frozen_at).strftime("%Y-%m-%d %H:%M") if r.frozen_at else "",
                   (who.full_name or who.username) if who else "", r.figure_count, r.drill_count)

    return list_export(request, ListExport(
        title="考核测算固定数据批次", headers=("批次", "区划", "区划代码", "数据截至", "状态", "说明", "固定时间", "固定人",
                                   "测算项", "明细"),
        rows=rows(), count=qs.count(), object_type="assessment.run_list", filters={},
        text_columns=frozenset({"区划代码"}), personal=False))


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
def run_new(request):
    user = request.user
    try:
        region = region_for_user(user, request.POST.get("region") or None)
        try:
            as_of = dt.date.fromisoformat(request.POST.get("as_of") or "")
        except ValueError:
            raise UserFacingError("数据截至日期格式不对，应为 2025-11-30 这样的日期。") from None
        run = run_create(name=request.POST.get("name", ""), as_of=as_of, region=region, user=user)
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect("assessment_runs")
    job = job_start(kind="assessment_run", title=f"固定考核测算：{run.name}", user=user, region_code=region.code,
                    result={"run": run.pk}, task=run_freeze_job, run_id=run.pk)
    AssessmentRun.objects.filter(pk=run.pk).update(job=job)
    return redirect("job_detail", pk=job.pk)


def _groups(results: list[FrozenResult], region: Region, as_of: dt.date):
    system = indicator_system_current(today=as_of, county_code=county_code_of(region.prefix))
    indicators = {i.code: i for i in system.indicators.all()} if system is not None else {}
    groups: dict[str, dict] = {}
    for r in results:
        groups.setdefault(r.indicator, {"indicator": indicators.get(r.indicator), "code": r.indicator,
                                        "results": []})["results"].append(r)
    return system, sorted(groups.values(), key=lambda g: int(g["code"]) if g["code"].isdigit() else 99)


def _done(run: AssessmentRun) -> None:
    if run.status != AssessmentRun.Status.DONE:
        raise Http404(f"本批次{run.get_status_display()}，尚无固定数据。")


@require_perm(*VIEW)
def run_region(request, pk: int, code: str | None = None):
    run = run_get_for_user(request.user, pk)
    _done(run)
    region = _region_in_run(request.user, run, code)
    results = list(FrozenResult.objects.filter(run=run, region_code=region.code).order_by("position"))
    children = list(region.children.order_by("code")) if region.level != Level.VILLAGE else []
    cells: dict[str, dict[str, FrozenResult]] = {}
    for r in FrozenResult.objects.filter(run=run, region_code__in=[c.code for c in children]):
        cells.setdefault(r.region_code, {})[r.figure_code] = r
    matrix = [(child, [cells.get(child.code, {}).get(r.figure_code) for r in results]) for child in children]
    system, groups = _groups(results, region, run.as_of)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("pass", "fail", "watch", "nodata", "na")}
    crumbs = [(r, r.code.startswith(run.region_prefix) and (request.user.scope_prefix is None
                                                             or r.code.startswith(request.user.scope_prefix)))
              for r in region.ancestors()]
    return render(request, "assessment/run_region.html", {
        "run": run, "region": region, "crumbs": crumbs, "system": system, "groups": groups, "results": results,
        "matrix": matrix, "counts": counts, "can_export": request.user.has_perm_code(Perm.EXPORT_PERSONAL),
        "others": runs_for_user(request.user).filter(status=AssessmentRun.Status.DONE).exclude(pk=run.pk)[:50],
    })


@require_perm(*VIEW)
def run_drill(request, pk: int, code: str, figure: str):
    run = run_get_for_user(request.user, pk)
    _done(run)
    region = _region_in_run(request.user, run, code)
    result = FrozenResult.objects.filter(run=run, region_code=region.code, figure_code=figure).first()
    if result is None:
        raise Http404("本批次没有该测算项。")
    rows = FrozenDrillRow.objects.filter(in_scope_q("region_code", region.prefix), run=run, figure_code=figure) \
        .order_by("region_code", "household_no", "person_name")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    names = dict(Region.objects.filter(code__in={r.region_code for r in page.object_list}).values_list("code", "name"))
    for r in page.object_list:
        r.village_name = names.get(r.region_code, r.region_code)
    return render(request, "assessment/run_drill.html", {
        "run": run, "region": region, "result": result, "page": page,
        "can_export": request.user.has_perm_code(Perm.EXPORT_PERSONAL),
    })


@require_POST
@require_perm(Perm.EXPORT_PERSONAL)
def run_export(request, pk: int):
    """The run's results for every region under the chosen one and its drill-down rows (identity numbers were
    masked when frozen); audited."""
    run = run_get_for_user(request.user, pk)
    _done(run)
    region = _region_in_run(request.user, run, request.POST.get("code") or None)
    results = FrozenResult.objects.filter(in_scope_q("region_code", region.prefix), run=run) \
        .order_by("position", "region_code")
    drill = FrozenDrillRow.objects.filter(in_scope_q("region_code", region.prefix), run=run) \
        .order_by("figure_code", "region_code", "household_no")
    titles = dict(results.values_list("figure_code", "figure_title"))
    names = dict(Region.objects.filter(in_scope_q("code", region.prefix)).values_list("code", "name"))
    n_drill = drill.count()
    body = write_xlsx([
        ("测算结果", ["测算项", "指标", "区划", "区划代码", "结果", "目标", "状态", "分子", "分母", "数据日期", "计算口径",
                  "数据来源"],
         ([r.figure_title, r.indicator, r.region_name, r.region_code, r.display, r.target_text, r.status_label,
           r.numerator_value, r.denominator_value, r.data_date.isoformat() if r.data_date else "", r.formula,
           r.basis] for r in results.iterator(chunk_size=2000))),
        ("明细", ["测算项", "村", "村代码", "户编号", "户主", "成员", "身份证号（脱敏）", "情况"],
         ([titles.get(d.figure_code, d.figure_code), names.get(d.region_code, ""), d.region_code, d.household_no,
           d.head_name, d.person_name, d.id_masked, d.detail] for d in drill.iterator(chunk_size=2000))),
    ], text_columns={"区划代码", "村代码", "户编号", "身份证号（脱敏）"})
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="assessment_run", object_id=run.pk,
              region_code=region.code,
              summary=f"导出固定测算：{run.name}（{region.name}，明细 {n_drill} 条，身份证号脱敏）")
    return xlsx_response(body, f"{region.name}{run.name}固定测算{run.as_of:%Y%m%d}.xlsx")


@require_perm(*VIEW)
def run_compare(request):
    runs = runs_for_user(request.user).filter(status=AssessmentRun.Status.DONE)
    try:
        a = runs.get(pk=int(request.GET.get("a") or 0))
        b = runs.get(pk=int(request.GET.get("b") or 0))
    except (ValueError, AssessmentRun.DoesNotExist):
        messages.error(request, "请选择两个已固定的批次进行对比。")
        return redirect("assessment_runs")
    code = request.GET.get("code") or None
    region = _region_in_run(request.user, a, code or (a.region_code if a.region_prefix.startswith(
        b.region_prefix) else b.region_code))
    if not region.code.startswith(b.region_prefix):
        raise Http404("两个批次的区划不同，无法对比该区划。")
    changes = runs_compare(a, b, region.code, region.prefix)
    only = request.GET.get("all") != "1"
    shown = [c for c in changes if c.differs] if only else changes
    return render(request, "assessment/run_compare.html", {
        "a": a, "b": b, "region": region, "changes": shown, "n_all": len(changes), "n_diff":
        sum(1 for c in changes if c.differs), "only": only,
    })
