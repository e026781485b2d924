"""Pages of 考核评估: self-evaluation with drill-down, rectification ledger, deductions, indicator systems, 一口清."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import stored_file_response, upload_save
from gonggu.core.web import on_refusal, returns_to
from gonggu.core.workflow import Ctx, call_service
from gonggu.dataio.writers import blank_template, write_xlsx
from gonggu.regions.models import Region

from . import forms, services, workflow
from .briefs import brief_build, brief_docx
from .deductions import DEDUCTION_SPEC, score_file, shipped_table
from .figures import FIGURES, EvalContext, evaluate, low_income_line
from .forms import IndicatorForm, NegativeItemForm, ProblemEditForm, ProblemForm
from .loader import dump_system
from .models import Indicator, ProblemSource
from .selectors import (
    county_code_of,
    indicator_system_current,
    indicator_system_for,
    indicator_system_get_for_user,
    indicator_systems_for_user,
    negative_item_get_for_user,
    negative_items_for_user,
    problem_counts_by_source,
    problem_get_for_user,
    problem_summary,
    problems_for_user,
    region_for_user,
)
from .workflow import ProblemStatus

VIEW = (Perm.VIEW_REGISTRY, Perm.MANAGE_ASSESSMENT)


def _today() -> dt.date:
    return timezone.localdate()


def _system_for(region: Region, today: dt.date):
    return indicator_system_current(today=today, county_code=county_code_of(region.prefix))


def _context(region: Region, today: dt.date) -> tuple[EvalContext, object]:
    return EvalContext(prefix=region.prefix, today=today), _system_for(region, today)


def _crumbs(user, region: Region) -> list[tuple[Region, bool]]:
    prefix = user.scope_prefix
    return [(r, prefix is None or r.code.startswith(prefix)) for r in region.ancestors()]


@require_perm(*VIEW)
def assessment_home(request):
    return redirect("assessment_self")


# --- self-evaluation -----------------------------------------------------------------------------------


@require_perm(*VIEW)
def self_evaluation_home(request):
    region = region_for_user(request.user, None)
    return redirect("assessment_self_region", code=region.code)


@require_POST
@require_perm(Perm.EXPORT_PERSONAL)
def self_evaluation_drill_export(request, code: str, figure: str):
    """The households behind a figure as .xlsx (identity numbers masked), for 逐村逐户过筛盘点; audited."""
    region = region_for_user(request.user, code)
    fig = FIGURES.get(figure)
    if fig is None or fig.drill is None:
        raise Http404("测算项不存在。")
    ctx, _system = _context(region, _today())
    drill = fig.drill(ctx, region.prefix)
    if drill is None:
        raise Http404("暂无明细数据。")
    rows = [drill.row(item) for item in drill.queryset.iterator(chunk_size=2000)]
    names = dict(Region.objects.filter(code__in={r.region_code for r in rows}).values_list("code", "name"))
    body = write_xlsx([(fig.title[:31], ["村", "村代码", "户编号", "户主", "成员", "身份证号（脱敏）", "情况"],
                        ([names.get(r.region_code, ""), r.region_code, r.household_no, r.head_name, r.person_name,
                          mask(r.id_number), r.detail] for r in rows))],
                      text_columns={"村代码", "户编号", "身份证号（脱敏）"})
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="self_evaluation", object_id=fig.code,
              region_code=region.code, summary=f"导出自评明细：{region.name}{fig.title}（{len(rows)} 条，身份证号脱敏）")
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{region.name}{fig.title}明细{_today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_perm(*VIEW)
def self_evaluation_drill(request, code: str, figure: str):
    region = region_for_user(request.user, code)
    fig = FIGURES.get(figure)
    if fig is None:
        raise Http404("测算项不存在。")
    today = _today()
    ctx, system = _context(region, today)
    result = evaluate(fig, ctx, region.prefix, region.code)
    drill = fig.drill(ctx, region.prefix) if fig.drill else None
    page = rows = None
    if drill is not None:
        page = Paginator(drill.queryset, 50).get_page(request.GET.get("page"))
        rows = [drill.row(item) for item in page.object_list]
        names = dict(Region.objects.filter(code__in={r.region_code for r in rows}).values_list("code", "name"))
        for r in rows:
            r.village_name = names.get(r.region_code, r.region_code)
            r.id_masked = mask(r.id_number)
    existing = problems_for_user(request.user, figure_code=fig.code).filter(region_code=region.code) \
        .exclude(status=ProblemStatus.VERIFIED)
    return render(request, "assessment/drill.html", {
        "region": region, "crumbs": _crumbs(request.user, region), "figure": fig, "result": result, "drill": drill,
        "page": page, "rows": rows, "today": today, "existing": existing,
        "can_manage": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
        "can_export": request.user.has_perm_code(Perm.EXPORT_PERSONAL),
    })


# --- rectification ledger --------------------------------------------------------------------------------


@require_perm(*VIEW, Perm.REPORT_TASKS)
def problem_list(request):
    today = _today()
    g = request.GET
    qs = problems_for_user(request.user, status=g.get("status", ""), source=g.get("source", ""),
                           q=g.get("q", "").strip(), overdue=g.get("overdue") == "1", today=today,
                           year=int(g["year"]) if g.get("year", "").isdigit() else None)
    page = Paginator(qs, 30).get_page(g.get("page"))
    for p in page.object_list:
        p.flag = workflow.overdue_flag(p, today)
    names = dict(Region.objects.filter(code__in={p.region_code for p in page.object_list}).values_list("code", "name"))
    for p in page.object_list:
        p.region_name = names.get(p.region_code, p.region_code)
    prefix = request.user.scope_prefix
    return render(request, "assessment/problem_list.html", {
        "page": page, "summary": problem_summary(prefix, today=today), "by_source": problem_counts_by_source(prefix),
        "statuses": ProblemStatus.choices, "sources": ProblemSource.choices, "filters": g, "today": today,
        "can_manage": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
    })


def _regions_for_form(user):
    qs = Region.objects.filter(in_scope_q("code", user.scope_prefix)).exclude(
        level__in=(Level.PROVINCE, Level.CITY)).order_by("code")
    return list(qs[:3000])


def _indicators_for(user):
    system = indicator_system_current(today=_today(), county_code=county_code_of(user.scope_prefix))
    return list(system.indicators.all()) if system else []


@require_perm(Perm.MANAGE_ASSESSMENT)
def problem_new(request):
    regions = _regions_for_form(request.user)
    indicators = _indicators_for(request.user)
    initial = {"year": _today().year, "deadline": _today() + dt.timedelta(days=30), "kind": "个性问题",
               "region_code": request.user.region.code if request.user.region_id else ""}
    form = ProblemForm(request.POST or None, regions=regions, indicators=indicators, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(user=request.user, **form.cleaned_data)
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "问题已登记。")
            return redirect("assessment_problem", pk=problem.pk)
    return render(request, "assessment/problem_form.html", {"form": form, "title": "登记整改问题"})


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
@on_refusal()
def problem_from_figure(request):
    region = region_for_user(request.user, request.POST.get("code", ""))
    fig = FIGURES.get(request.POST.get("figure", ""))
    if fig is None:
        raise Http404("测算项不存在。")
    returns_to(request, reverse("assessment_drill", kwargs={"code": region.code, "figure": fig.code}))
    today = _today()
    ctx, _system = _context(region, today)
    result = evaluate(fig, ctx, region.prefix, region.code)
    problem = services.problem_from_figure(user=request.user, result=result, region=region, today=today)
    messages.success(request, "已由自评结果生成整改问题：请明确责任单位、原因和整改措施。")
    return redirect("assessment_problem_edit", pk=problem.pk)


@require_perm(*VIEW, Perm.REPORT_TASKS)
def problem_detail(request, pk: int):
    problem = problem_get_for_user(request.user, pk)
    today = _today()
    region = Region.objects.filter(code=problem.region_code).first()
    return render(request, "assessment/problem_detail.html", {
        "problem": problem, "region": region, "events": problem.events.select_related("actor"),
        "evidence": problem.evidence.select_related("uploaded_by"), "flag": workflow.overdue_flag(problem, today),
        "step_forms": _step_forms(problem, request.user, today),
        "can_manage": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
        "can_report": request.user.has_perm_code(Perm.REPORT_TASKS) or request.user.has_perm_code(
            Perm.MANAGE_ASSESSMENT),
        "open": problem.status != ProblemStatus.VERIFIED, "today": today,
    })


@require_perm(Perm.MANAGE_ASSESSMENT)
def problem_edit(request, pk: int):
    problem = problem_get_for_user(request.user, pk)
    form = ProblemEditForm(request.POST or None, initial={
        "owner_unit": problem.owner_unit, "owner_person": problem.owner_person, "cause": problem.cause,
        "measures": problem.measures, "deadline": problem.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(user=request.user, problem=problem, **form.cleaned_data)
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("assessment_problem", pk=problem.pk)
    return render(request, "assessment/problem_form.html", {"form": form, "title": f"修改：{problem.title}",
                                                            "problem": problem})


@require_POST
@require_perm(Perm.REPORT_TASKS, Perm.MANAGE_ASSESSMENT)
@on_refusal("assessment_problem", "pk")
def problem_progress_view(request, pk: int):
    problem = problem_get_for_user(request.user, pk)
    services.problem_progress(user=request.user, problem=problem, note=request.POST.get("note", ""))
    messages.success(request, "已更新整改进展。")
    return redirect("assessment_problem", pk=pk)


@require_POST
@require_perm(Perm.REPORT_TASKS, Perm.MANAGE_ASSESSMENT)
@on_refusal("assessment_problem", "pk")
def problem_evidence_upload(request, pk: int):
    problem = problem_get_for_user(request.user, pk)
    services.problem_evidence_add(user=request.user, problem=problem, uploaded=request.FILES.get("file"))
    messages.success(request, "佐证材料已上传。")
    return redirect("assessment_problem", pk=pk)


@require_perm(*VIEW, Perm.REPORT_TASKS)
def problem_evidence_download(request, pk: int, eid: int):
    problem = problem_get_for_user(request.user, pk)
    evidence = problem.evidence.filter(pk=eid).first()
    if evidence is None:
        raise Http404("文件不存在。")
    return stored_file_response(evidence.path, filename=evidence.name, inline_ok=False)


def _step_forms(problem, user, today: dt.date) -> list:
    """(step, its form) for each step of the rectification table the user may take now."""
    pairs = []
    for t in workflow.available(problem, user, today):
        form_class = getattr(forms, t.form)
        initial = form_class.initial_for(problem, today) if hasattr(form_class, "initial_for") else None
        pairs.append((t, form_class(initial=initial, auto_id=f"id_{t.name}_%s")))
    return pairs


@require_POST
@require_perm(Perm.REPORT_TASKS, Perm.MANAGE_ASSESSMENT)
@on_refusal("assessment_problem", "pk")
def problem_transition(request, pk: int, action: str):
    """One step of the rectification table: its form (named by the row), then the one service registered for it."""
    problem = problem_get_for_user(request.user, pk)
    t = workflow.RECTIFICATION.get(action)
    if t is None:
        raise Http404("操作不存在。")
    if not workflow.RECTIFICATION.may_act(action, problem, Ctx(user=request.user, today=_today())):
        raise PermissionDenied
    data = getattr(forms, t.form)(request.POST).step_data()
    call_service(workflow.RECTIFICATION.services[action], user=request.user, problem=problem, **data)
    messages.success(request, f"已{t.label}。")
    return redirect("assessment_problem", pk=pk)


# --- deductions -----------------------------------------------------------------------------------------


def _deduction_region(request) -> Region:
    return region_for_user(request.user, request.GET.get("region") or request.POST.get("region") or None)


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else _today().year


def _deduction_types(year: int, region: Region):
    try:
        system = indicator_system_for(year=year, county_code=county_code_of(region.prefix) or "")
    except UserFacingError:
        return list(shipped_table().defs), None
    types = list(system.deduction_types())
    return (types or list(shipped_table().defs)), system


@require_perm(*VIEW)
@on_refusal()
def deductions_page(request):
    region = _deduction_region(request)
    year = _year(request)
    can_manage = request.user.has_perm_code(Perm.MANAGE_ASSESSMENT)
    types, system = _deduction_types(year, region)
    form = NegativeItemForm(request.POST or None, types=types)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if request.FILES.get("file"):
            url = returns_to(request, f"{reverse('assessment_deductions')}?region={region.code}&year={year}")
            path, _sha = upload_save(request.FILES["file"], kind="deductions")
            outcome = services.negative_items_import(user=request.user, path=path, year=year,
                                                     file_label=request.FILES["file"].name, region_code=region.code)
            skipped = f"，{outcome.written.unchanged} 行此前已登记，未重复登记" if outcome.written.unchanged else ""
            messages.success(request, f"已登记 {outcome.written.created} 行{skipped}（导入批次 {outcome.batch.pk}）。")
            for p in outcome.rejected[:50]:
                messages.warning(request, str(p))
            if outcome.rejected:
                messages.warning(request, format_html(
                    "未登记的 {} 行：<a href=\"{}\">导入批次 {} 的页面</a>可下载退回表，改正后再导入。",
                    outcome.rejected_rows, reverse("intake_batch", args=[outcome.batch.pk]), outcome.batch.pk))
            return redirect(url)
        if form.is_valid():
            try:
                services.negative_item_create(user=request.user, year=year, region_code=region.code,
                                              **form.cleaned_data)
            except UserFacingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "负面事项已登记。")
                return redirect(f"{reverse('assessment_deductions')}?region={region.code}&year={year}")
    items = list(negative_items_for_user(request.user, year=year, region_code=region.code))
    result = services.negative_items_score(items, year=year, county_code=county_code_of(region.prefix) or "")
    by_matter: dict[str, list] = {}
    for item in items:
        by_matter.setdefault(item.matter, []).append(item)
    return render(request, "assessment/deductions.html", {
        "region": region, "year": year, "types": types, "system": system, "form": form, "result": result,
        "by_matter": by_matter, "can_manage": can_manage,
        "regions": _regions_for_form(request.user)[:500] if can_manage else [],
    })


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
@on_refusal()
def deductions_score(request):
    """Score a file without recording anything (the page form of `gonggu deductions FILE`)."""
    region = _deduction_region(request)
    year = _year(request)
    returns_to(request, f"{reverse('assessment_deductions')}?region={region.code}&year={year}")
    path, _sha = upload_save(request.FILES.get("file"), kind="deductions")
    table = services.deduction_table_for(year=year, county_code=county_code_of(region.prefix) or "")
    result = score_file(path, file_label=request.FILES["file"].name, table=table)
    return render(request, "assessment/deductions_score.html", {
        "region": region, "year": year, "result": result, "file_name": request.FILES["file"].name})


@require_perm(*VIEW)
def deductions_template(request):
    response = HttpResponse(blank_template(DEDUCTION_SPEC),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('负面事项模板.xlsx')}"
    return response


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
def negative_item_delete_view(request, pk: int):
    item = negative_item_get_for_user(request.user, pk)
    region, year = item.region_code, item.year
    services.negative_item_delete(user=request.user, item=item)
    messages.success(request, "已删除。")
    return redirect(f"{reverse('assessment_deductions')}?region={region}&year={year}")


# --- indicator systems ----------------------------------------------------------------------------------


def _can_edit_system(user, system) -> bool:
    if not user.has_perm_code(Perm.MANAGE_ASSESSMENT):
        return False
    if user.scope_prefix is None:
        return True
    return not system.shipped and len(user.scope_prefix) <= 6 and system.region_code[:6] == user.scope_prefix[:6]


def _is_county_manager(user) -> bool:
    return user.has_perm_code(Perm.MANAGE_ASSESSMENT) and (user.scope_prefix is None or len(user.scope_prefix) == 6)


@require_perm(*VIEW)
def indicator_systems(request):
    return render(request, "assessment/indicator_systems.html", {
        "systems": indicator_systems_for_user(request.user), "county_manager": _is_county_manager(request.user)})


@require_perm(*VIEW)
def indicator_system_detail(request, pk: int):
    system = indicator_system_get_for_user(request.user, pk)
    categories = []
    for cat in system.categories.all().order_by("order"):
        inds = list(cat.indicators.all().order_by("order").prefetch_related("deductions", "key_tasks"))
        for ind in inds:
            ind.figure_defs = [FIGURES[c] for c in ind.figures if c in FIGURES]
        categories.append((cat, inds))
    return render(request, "assessment/indicator_system.html", {
        "system": system, "categories": categories, "can_edit": _can_edit_system(request.user, system),
        "county_manager": _is_county_manager(request.user), "deduction_types": list(system.deduction_types()),
        "low_income_line": low_income_line(),
        "next_year": max(system.year, _today().year) + (1 if system.year >= _today().year else 0),
    })


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
@on_refusal("assessment_indicator_system", "pk")
def indicator_system_copy_view(request, pk: int):
    source = indicator_system_get_for_user(request.user, pk)
    raw = request.POST.get("year", "")
    if not raw.isdigit():
        raise UserFacingError("请填写年度。")
    system = services.indicator_system_copy(source=source, year=int(raw), user=request.user,
                                            title=request.POST.get("title", ""))
    messages.success(request, f"已新增 {system.title}。")
    return redirect("assessment_indicator_system", pk=system.pk)


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
@on_refusal("assessment_indicator_system", "pk")
def indicator_points(request, pk: int):
    system = indicator_system_get_for_user(request.user, pk)
    points = {k.removeprefix("points_"): v for k, v in request.POST.items() if k.startswith("points_")}
    services.deduction_points_update(system=system, user=request.user, points=points)
    messages.success(request, "扣分标准已保存。")
    return redirect("assessment_indicator_system", pk=pk)


@require_perm(*VIEW)
def indicator_system_export(request, pk: int):
    system = indicator_system_get_for_user(request.user, pk)
    body = json.dumps(dump_system(system), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(system.title + '.json')}"
    return response


@require_perm(Perm.MANAGE_ASSESSMENT)
def indicator_edit(request, pk: int, ipk: int):
    system = indicator_system_get_for_user(request.user, pk)
    indicator = Indicator.objects.filter(system=system, pk=ipk).first()
    if indicator is None:
        raise Http404("指标不存在。")
    if not _can_edit_system(request.user, system):
        raise PermissionDenied
    choices = [(f.code, f"{f.title}（{f.code}）") for f in FIGURES.values()]
    form = IndicatorForm(request.POST or None, figure_choices=choices, initial={
        "name": indicator.name, "content": indicator.content, "method": indicator.method,
        "responsible": indicator.responsible, "target_text": indicator.target_text,
        "score": "" if indicator.score is None else str(indicator.score), "note": indicator.note,
        "figures": indicator.figures})
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, user=request.user, **form.cleaned_data)
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "指标已保存。")
            return redirect("assessment_indicator_system", pk=pk)
    return render(request, "assessment/indicator_form.html", {"form": form, "system": system, "indicator": indicator})


# --- 一口清 ----------------------------------------------------------------------------------------------


@require_perm(*VIEW)
def brief_home(request):
    region = region_for_user(request.user, None)
    return redirect("assessment_brief_region", code=region.code)


def _brief(request, code: str):
    return brief_build(region=region_for_user(request.user, code), today=_today())


@require_perm(*VIEW)
def brief_page(request, code: str):
    brief = _brief(request, code)
    children = list(brief.region.children.order_by("code")) if brief.region.level != Level.VILLAGE else []
    return render(request, "assessment/brief.html", {"brief": brief, "children": children,
                                                     "crumbs": _crumbs(request.user, brief.region)})


@require_perm(*VIEW)
def brief_download(request, code: str):
    brief = _brief(request, code)
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="assessment.brief",
              object_id=brief.region.code, region_code=brief.region.code, summary=f"下载一口清：{brief.region_name}")
    response = HttpResponse(brief_docx(brief),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    name = f"{brief.region.name}一口清{brief.today:%Y%m%d}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
