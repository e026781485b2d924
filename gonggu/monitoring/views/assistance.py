"""Assistance (officer, plan, measures, visits) and the elimination and 兜底保障户 steps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import stored_file_response
from gonggu.core.web import on_refusal, returns_to
from gonggu.registry.models import Person

from .. import forms as f
from .. import services as s
from ..eligibility import plan_checks
from ..selectors import (
    case_get_for_user,
    measure_get_for_user,
    officers_for_case,
    visit_get_for_user,
)
from ..workflow import (
    ELIMINATION,
    NOLABOUR,
)
from .case import _case_url, _step
from .common import ACT, VIEW, _parsed

# --- assistance -----------------------------------------------------------------------------------


@require_POST
@require_perm(Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY)
@on_refusal()
def case_officer(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = returns_to(request, _case_url(case) + "#assistance")
    d = _parsed(request, f.OfficerForm, url)
    if d is None:
        return redirect(url)
    officer = None
    if d["officer"]:
        officer = next((u for u in officers_for_case(case) if u.pk == d["officer"]), None)
        if officer is None:
            messages.error(request, "所选帮扶责任人不存在或不负责该户。")
            return redirect(url)
    s.case_assign_officer(case=case, user=request.user, officer=officer, name=d["name"], unit=d["unit"],
                          phone=d["phone"], assigned_on=d["assigned_on"])
    messages.success(request, "已明确帮扶责任人。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.RECORD_VISITS)
@on_refusal()
def case_plan(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = returns_to(request, _case_url(case) + "#assistance")
    d = _parsed(request, f.PlanForm, url)
    if d is None:
        return redirect(url)
    s.case_set_plan(case=case, user=request.user, plan_on=d["plan_on"], summary=d["summary"])
    messages.success(request, "帮扶计划已保存。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.RECORD_VISITS)
@on_refusal()
def measure_new(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = returns_to(request, _case_url(case) + "#assistance")
    d = _parsed(request, f.MeasureForm, url)
    if d is None:
        return redirect(url)
    beneficiary = Person.objects.filter(household=case.household, pk=d["beneficiary"]).first() \
        if d["beneficiary"] else None
    s.measure_add(case=case, user=request.user, category=d["category"], department=d["department"],
                  start_on=d["start_on"], end_on=d["end_on"], beneficiary=beneficiary, content=d["content"])
    messages.success(request, "措施已添加。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.RECORD_VISITS)
@on_refusal()
def measure_end_view(request, pk: int):
    measure = measure_get_for_user(request.user, pk)
    url = returns_to(request, (_case_url(measure.case) if measure.case else reverse("monitoring:queue")) + "#assistance")
    d = _parsed(request, f.MeasureEndForm, url)
    if d is None:
        return redirect(url)
    s.measure_end(measure=measure, user=request.user, end_on=d["end_on"])
    messages.success(request, "措施已结束。")
    return redirect(url)


@require_perm(Perm.RECORD_VISITS)
def visit_new(request, pk: int):
    """Phone-friendly visit form for the 帮扶责任人."""
    case = case_get_for_user(request.user, pk)
    form = f.VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                s.visit_record(case=case, user=request.user, visited_on=d["visited_on"], content=d["content"],
                               photos=d["photos"])
            except UserFacingError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "走访已登记。")
                return redirect(_case_url(case) + "#visits")
    last = case.visits.order_by("-visited_on").first()
    return render(request, "monitoring/visit_form.html", {"case": case, "form": form, "last": last,
                                                          "checks": plan_checks(case)})


@require_perm(VIEW)
def visit_photo(request, pk: int, n: int):
    visit = visit_get_for_user(request.user, pk)
    if n >= len(visit.photos):
        raise Http404
    return stored_file_response(visit.photos[n]["path"])


# --- elimination and 兜底保障户 designation --------------------------------------------------------------


@require_POST
@require_perm(*ACT, Perm.RECORD_VISITS)
@on_refusal()
def elimination_step(request, pk: int, name: str):
    user = request.user
    case = case_get_for_user(user, pk)
    url = _case_url(case) + "#elimination"
    elim = case.eliminations.order_by("-id").first()
    t = ELIMINATION.get(name)
    # `start` (empty sources) creates the procedure on the case; every other step needs one.
    if t is None or (t.sources and elim is None):
        raise Http404
    return _step(request, ELIMINATION, t, url, case=case, elimination=elim, eliminations=[elim])


@require_POST
@require_perm(*ACT)
@on_refusal()
def nolabour_step(request, pk: int, name: str):
    user = request.user
    case = case_get_for_user(user, pk)
    url = _case_url(case) + "#nolabour"
    obj = case.nolabour_designations.order_by("-id").first()
    t = NOLABOUR.get(name)
    if t is None or (t.sources and obj is None):
        raise Http404
    return _step(request, NOLABOUR, t, url, case=case, designation=obj, designations=[obj])
