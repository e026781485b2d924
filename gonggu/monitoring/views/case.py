"""The case page: its steps dispatched from the procedure tables, batch steps, 绿色通道, the commitment scan."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import in_scope_q
from gonggu.core.idnumber import mask
from gonggu.core.uploads import stored_file_response, stored_path
from gonggu.core.web import on_refusal, returns_to
from gonggu.core.workflow import call_service

from .. import forms as f
from .. import services as s
from ..choices import MeasureCategory
from ..deadlines import Clocks
from ..eligibility import elimination_verdict, plan_checks
from ..hooks import CASE_PANELS
from ..models import MonitoringCase
from ..selectors import (
    case_events,
    case_get_for_user,
    case_notices,
    notice_state,
    officers_for_case,
)
from ..workflow import (
    ELIMINATION,
    ELIMINATION_ACTIVE,
    IDENTIFICATION,
    NOLABOUR,
    NOLABOUR_ACTIVE,
    CaseStatus,
    Procedure,
    available,
    village_user,
)
from .common import ACT, VIEW, _form_errors, _parsed
from .lists import _ctx

# --- the case page --------------------------------------------------------------------------------

IDENT_STEPS = [
    ("发现线索", "discovered_on"), ("入户核实", "verified_on"), ("信息比对", "compared_on"),
    ("村级初选", "selected_on"), ("乡级审核", "township_reviewed_on"), ("县级审批", "county_approved_on"),
    ("结果公告", "announced_on"), ("录入建档", "entered_on"),
]


@require_perm(VIEW)
def case_detail(request, pk: int):
    user = request.user
    case = case_get_for_user(user, pk)
    household = case.household
    members = list(household.members.order_by("id"))
    for m in members:
        m.id_masked = mask(m.id_number)
    ctx = _ctx(request)
    elimination = case.eliminations.order_by("-id").first()
    nolabour = case.nolabour_designations.order_by("-id").first()
    plan_editor = (case.officer_id == user.pk) or village_user(case, ctx) is None
    from ..workflow import county_user, township_user

    reviewer = township_user(case, ctx) is None or county_user(case, ctx) is None
    notices = case_notices(case)
    for n in notices:
        n.state = notice_state(n)
    transitions = available(Procedure.IDENTIFICATION, case, user)
    elim_steps = available(Procedure.ELIMINATION, elimination, user) if elimination else []
    nolabour_steps = available(Procedure.NOLABOUR, nolabour, user) if nolabour else []
    return render(request, "monitoring/case_detail.html", {
        "case": case, "household": household, "members": members, "clocks": Clocks().for_case(case),
        # Imported records carry only the dates of their ledger: the notice start stands for the selection.
        "steps": [(label, getattr(case, field) or (case.notice_start if field == "selected_on" else None))
                  for label, field in IDENT_STEPS],
        "transitions": transitions, "ident_forms": _step_forms(IDENTIFICATION, transitions, case),
        "notices": notices, "events": case_events(case),
        "measures": case.measures.select_related("beneficiary").order_by("start_on"),
        "visits": case.visits.order_by("-visited_on")[:12],
        "checks": plan_checks(case) if case.status not in (CaseStatus.REJECTED,) else [],
        "verdict": elimination_verdict(case, user=user),
        "elimination": elimination,
        "elim_transitions": elim_steps, "elim_forms": _step_forms(ELIMINATION, elim_steps, elimination),
        "elim_active": elimination is not None and elimination.status in ELIMINATION_ACTIVE,
        "nolabour": nolabour,
        "nolabour_transitions": nolabour_steps,
        "nolabour_forms": _step_forms(NOLABOUR, nolabour_steps, nolabour),
        "nolabour_active": nolabour is not None and nolabour.status in NOLABOUR_ACTIVE,
        "can_start_elimination": case.status == CaseStatus.MONITORING and (
            plan_editor or village_user(case, ctx) is None),
        "can_start_nolabour": case.status == CaseStatus.MONITORING and village_user(case, ctx) is None,
        "plan_editor": plan_editor, "reviewer": reviewer,
        "can_visit": user.has_perm_code(Perm.RECORD_VISITS) and (case.officer_id == user.pk or
                                                                  village_user(case, ctx) is None),
        "can_green": case.procedure_open and not case.green_channel and (
            village_user(case, ctx) is None or county_user(case, ctx) is None),
        "officers": officers_for_case(case) if reviewer else [],
        # The step forms come from the tables (`*_forms`); these are the forms outside the procedures.
        "forms": {
            "officer": f.OfficerForm(), "plan": f.PlanForm(initial={"summary": case.plan_summary}),
            "measure": f.MeasureForm(), "application": f.ApplicationForm(), "green": f.GreenChannelForm(),
        },
        "active_members": [m for m in members if m.active],
        "assistance_open": s._assistance_allowed(case) is None,
        "measure_categories": MeasureCategory.choices,
        "comparison": case.comparison_results or {},
        "panels": CASE_PANELS.shown(user, case),   # from the work areas (meetings, a household's water problems …)
    })


def _case_url(case) -> str:
    return reverse("monitoring:case_detail", args=[case.pk])


@require_POST
@require_perm(*ACT)
@on_refusal()
def case_step(request, pk: int, name: str):
    """One identification step of one case; the service decides whether it may pass."""
    user = request.user
    case = case_get_for_user(user, pk)
    url = _case_url(case)
    # `open` (empty sources) starts from a clue, not on the case page.
    t = IDENTIFICATION.get(name)
    if t is None or not t.sources:
        raise Http404
    return _step(request, IDENTIFICATION, t, url, case=case, cases=[case])


def _step_forms(table, transitions, obj) -> list:
    """(transition, its empty form) for each step the user may take: the step forms of the case page."""
    pairs = []
    for t in transitions:
        form_class = getattr(f, t.form) if t.form else None
        initial = form_class.initial_for(obj) if hasattr(form_class, "initial_for") else None
        pairs.append((t, form_class(initial=initial) if form_class else None))
    return pairs


def _step(request, table, t, url: str, **objects):
    """One step from the table: its form (named by the row), then the one service registered for it (a refusal
    returns to `url`, by the calling view's `on_refusal`)."""
    returns_to(request, url)
    data = {}
    if t.form:
        form = getattr(f, t.form)(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(url)
        data = form.step_data() if hasattr(form, "step_data") else form.cleaned_data
    call_service(table.services[t.name], user=request.user, **data, **objects)
    messages.success(request, "已办理。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.REVIEW_TOWNSHIP)
@on_refusal()
def case_batch(request, action: str):
    """村级初选 of several households on one notice, or one 结果公告 for several households of a village."""
    user = request.user
    ids = [int(x) for x in request.POST.getlist("case") if x.isdigit()]
    cases = list(MonitoringCase.objects.filter(in_scope_q("region_code", user.scope_prefix), pk__in=ids))
    url = returns_to(request, reverse("monitoring:queue"))
    if action == "select":
        d = _parsed(request, f.SelectForm, url)
        if d is None:
            return redirect(url)
        notice = s.case_select(cases=cases, user=user, notice_start=d["notice_start"], notice_end=d["notice_end"],
                               contact=d["contact"], note=d["note"])
    elif action == "announce":
        d = _parsed(request, f.AnnounceForm, url)
        if d is None:
            return redirect(url)
        notice = s.case_announce(cases=cases, user=user, announced_on=d["announced_on"], place=d["place"],
                                 photo=d["photo"])
    else:
        raise Http404
    messages.success(request, f"已生成「{notice.title}」，共 {len(cases)} 户。")
    return redirect("monitoring:notice_detail", notice.pk)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.APPROVE_COUNTY)
@on_refusal()
def case_green(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = returns_to(request, _case_url(case))
    d = _parsed(request, f.GreenChannelForm, url)
    if d is None:
        return redirect(url)
    s.case_set_green_channel(case=case, user=request.user, reason=d["reason"])
    messages.success(request, "已启用绿色通道：可以先落实帮扶，识别程序继续办理。")
    return redirect(url)


@require_perm(VIEW)
def commitment_scan(request, pk: int):
    """The signed 承诺授权书 (personal data): shown to the case's region only, and logged."""
    case = case_get_for_user(request.user, pk)
    if not case.commitment_scan or not stored_path(case.commitment_scan).is_file():
        raise Http404("文件不存在。")
    audit_log(request=request, action="view_pii", object_type="monitoring.commitment", object_id=case.pk,
              region_code=case.region_code, summary=f"查看承诺授权书 {case.household.household_no}")
    return stored_file_response(case.commitment_scan)
