"""The pages of 衔接资金与项目资产: the overview, a project's whole life with the steps the user may take
(chosen from the transition table), and the printable 项目库公告. Lists, imports and entry forms of the
ledgers themselves are the ledger pattern's (/ledgers/project/ …)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.web import on_refusal
from gonggu.regions.selectors import regions_in_scope

from . import services
from .documents import library_notice_docx
from .models import ProjectStatus
from .selectors import (
    funds_overview,
    project_findings,
    project_get_for_user,
    project_life,
    projects_for_user,
    rule_figures,
)
from .workflow import PROJECT, available, status_label


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_perm(Perm.VIEW_REGISTRY)
def funds_home(request):
    status = request.GET.get("status", "")
    status = status if status in ProjectStatus.values else ""
    year = _int(request.GET.get("year"))
    q = (request.GET.get("q") or "").strip()[:40]
    page = Paginator(projects_for_user(request.user, status=status, year=year, q=q), 50).get_page(request.GET.get("page"))
    names = dict(regions_in_scope(request.user.scope_prefix).filter(
        code__in={p.region_code for p in page}).values_list("code", "name"))
    return render(request, "funds/home.html", {
        "overview": funds_overview(request.user), "page": page, "rules": rule_figures(request.user),
        "rows": [(p, names.get(p.region_code, p.region_code)) for p in page], "status": status, "year": year or "",
        "q": q, "statuses": ProjectStatus.choices,
    })


@require_perm(Perm.VIEW_REGISTRY)
def project_detail(request, pk: int):
    project = project_get_for_user(request.user, pk)
    today = timezone.localdate()
    return render(request, "funds/project.html", {
        "life": project_life(project), "p": project, "status": status_label(project.status),
        "steps": available(project, request.user, today), "today": today,
        "findings": project_findings(request.user, project),
        "region": regions_in_scope(request.user.scope_prefix).filter(code=project.region_code).first(),
    })


@require_POST
@require_perm(Perm.VIEW_REGISTRY)
@on_refusal("funds_project", "pk")
def project_step(request, pk: int, name: str):
    project = project_get_for_user(request.user, pk)
    if name not in PROJECT or name == "propose":
        raise Http404("没有这个步骤。")
    fields = PROJECT[name].fields
    kwargs = {"user": request.user, "project": project}
    if "on" in fields:
        raw = request.POST.get("on") or ""
        try:
            kwargs["on"] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise UserFacingError("办理日期格式不对，请写作 2025-03-01。") from None
    for extra in ("place", "reason"):
        if extra in fields:
            kwargs[extra] = request.POST.get(extra, "")
    services.project_step(name, **kwargs)
    messages.success(request, f"已办理「{PROJECT[name].label}」。")
    return redirect("funds_project", pk=pk)


@require_perm(Perm.VIEW_REGISTRY)
def library_notice(request):
    """The 项目库公告 of a year for the user's region: the projects entered into the library that year."""
    year = _int(request.GET.get("year")) or timezone.localdate().year
    projects = [p for p in projects_for_user(request.user, year=None).filter(entered_on__year=year)]
    names = dict(regions_in_scope(request.user.scope_prefix).filter(
        code__in={p.region_code for p in projects}).values_list("code", "name"))
    rows = [(p.project_no, p.name, names.get(p.region_code, p.region_code), p.project_type,
             f"{p.planned_total:,.2f}", p.link_mechanism or "—", p.performance_targets or "—") for p in projects]
    region = request.user.region
    unit = f"{region.name}乡村振兴局" if region is not None and region.level == "county" else (
        f"{region.name}人民政府" if region is not None else "")
    places = sorted({p.published_place for p in projects if p.published_place})
    content = library_notice_docx(title=f"{year}年度巩固拓展脱贫攻坚成果和乡村振兴项目库公告", unit=unit,
                                  on=timezone.localdate(), place="、".join(places), rows=rows)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                  "wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{year}-xiangmuku-gonggao.docx"
    return response
