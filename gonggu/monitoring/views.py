"""Monitoring pages: thin — parse, call a service or selector, render. Refusals come back as messages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log, client_ip
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.uploads import stored_file_response, stored_path
from gonggu.core.web import refusal_message
from gonggu.core.workflow import call_service
from gonggu.regions.models import Region
from gonggu.registry.models import Household, Person
from gonggu.rules.catalog import CATALOG

from . import forms as f
from . import services as s
from .challenge import challenge_new, challenge_passed
from .choices import Channel, MeasureCategory, RiskType
from .deadlines import LIMIT_DEFS, Clocks, limits
from .documents import notice_body, notice_docx, notice_lines
from .eligibility import elimination_verdict, plan_checks
from .models import Clue, HolidayDay, MonitoringCase, Notice
from .selectors import (
    case_events,
    case_get_for_user,
    case_list,
    case_notices,
    case_rows,
    clue_get_for_user,
    clue_rows,
    clues_for_user,
    household_get_for_user,
    household_timeline,
    households_search,
    measure_get_for_user,
    notice_get_for_user,
    notice_state,
    notices_for_user,
    objection_get_for_user,
    officers_for_case,
    visit_get_for_user,
    work_queue,
)
from .workflow import (
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

VIEW = Perm.VIEW_REGISTRY
ACT = (Perm.MANAGE_CASES, Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY)


def _refused(request, exc: UserFacingError, url: str):
    messages.error(request, exc.message)
    return redirect(url)


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _parsed(request, form_class, url: str):
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return None
    return form.cleaned_data


# --- public self-declaration ----------------------------------------------------------------------


def _counties():
    return Region.objects.filter(level=Level.COUNTY).order_by("code")


def _public_challenge(request, action: str) -> None:
    """After repeated submissions from this address, the submission must answer the session's question."""
    needed = s.public_challenge_needed(ip=client_ip(request), action=action)
    s.public_rate_limit(ip=client_ip(request), action=action)
    if needed and not challenge_passed(request.session, request.POST.get("challenge")):
        raise UserFacingError("提交次数较多，请先回答下面的验证问题再提交。")


def _challenge_for(request, action: str) -> str:
    return challenge_new(request.session) if s.public_challenge_needed(ip=client_ip(request), action=action) else ""


@login_not_required
def declare(request):
    """农户自主申报 (一键申报): public, no login, for phones. Never shows personal data back, and its answer
    never depends on whether the identity number is known."""
    error = ""
    form = f.DeclarationForm(request.POST or None)
    if request.method == "POST":
        try:
            _public_challenge(request, "declare")
            if not form.is_valid():
                raise UserFacingError(_form_errors(form))
            d = form.cleaned_data
            clue = s.clue_declare(name=d["name"], id_number=d["id_number"], phone=d["phone"], village_code=d["village"],
                                  difficulty=d["difficulty"], risk_types=d["risk_types"], ip=client_ip(request))
        except UserFacingError as exc:
            error = exc.message
        else:
            return render(request, "monitoring/declare_done.html", {"receipt": clue.receipt_code})
    counties = list(_counties())
    return render(request, "monitoring/declare.html", {
        "form": form, "error": error, "counties": counties, "risk_types": RiskType.choices,
        "single_county": counties[0] if len(counties) == 1 else None,
        "townships": Region.objects.filter(parent=counties[0]).order_by("code") if len(counties) == 1 else [],
        "challenge": _challenge_for(request, "declare"),
    }, status=400 if error else 200)


@login_not_required
def declare_regions(request):
    """The options of the next select (townships of a county, villages of a township) for the public form."""
    parent = request.GET.get("county") or request.GET.get("township") or ""
    level = Level.TOWNSHIP if request.GET.get("county") else Level.VILLAGE
    regions = Region.objects.filter(parent__code=parent, level=level).order_by("code") if parent else []
    return render(request, "monitoring/region_options.html", {"regions": regions, "level": level})


@login_not_required
def declare_status(request):
    result = error = ""
    form = f.ReceiptForm(request.POST or None)
    if request.method == "POST":
        try:
            _public_challenge(request, "status")
            if not form.is_valid():
                raise UserFacingError("请输入回执号和所留电话号码的后四位。")
            result = s.clue_status_by_receipt(form.cleaned_data["receipt"], form.cleaned_data["phone_tail"])
        except UserFacingError as exc:
            error = exc.message
    return render(request, "monitoring/declare_status.html", {"form": form, "result": result, "error": error,
                                                              "challenge": _challenge_for(request, "status")})


# --- work queue and lists -------------------------------------------------------------------------


@require_perm(VIEW)
def queue(request):
    user = request.user
    rows = work_queue(user)
    selectable = [r for r in rows if r.kind == "case" and r.case.status == CaseStatus.SELECTING]
    announceable = [r for r in rows if r.kind == "case" and r.case.status == CaseStatus.ANNOUNCE]
    return render(request, "monitoring/queue.html", {
        "rows": rows, "selectable": selectable, "announceable": announceable,
        "select_form": f.SelectForm(), "announce_form": f.AnnounceForm(),
        "can_cadre_clue": user.has_perm_code(Perm.MANAGE_CASES) and user.region and user.region.level == Level.VILLAGE,
        "can_social_clue": user.has_perm_code(Perm.APPROVE_COUNTY) and user.region and user.region.level == Level.COUNTY,
        "limits": limits().values(),
    })


@require_perm(VIEW)
def clue_list(request):
    status = request.GET.get("status", Clue.Status.NEW)
    qs = clues_for_user(request.user).select_related("household")
    if status:
        qs = qs.filter(status=status)
    channel = request.GET.get("channel", "")
    if channel:
        qs = qs.filter(channel=channel)
    page = Paginator(qs.order_by("discovered_on", "id"), 50).get_page(request.GET.get("page"))
    rows = clue_rows(page.object_list, Clocks())
    return render(request, "monitoring/clue_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": Clue.Status.choices, "channel": channel,
        "channels": Channel.choices})


@require_perm(Perm.MANAGE_CASES, Perm.APPROVE_COUNTY)
def clue_new(request):
    user = request.user
    level = user.region.level if user.region else None
    if level == Level.VILLAGE and user.has_perm_code(Perm.MANAGE_CASES):
        channel = Channel.CADRE
    elif level == Level.COUNTY and user.has_perm_code(Perm.APPROVE_COUNTY):
        channel = Channel.SOCIAL
    else:
        raise Http404
    form = f.ClueForm(request.POST or None, initial={"village": user.region.code if channel == Channel.CADRE else ""})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            village = Region.objects.filter(in_scope_q("code", user.scope_prefix), code=d["village"],
                                            level=Level.VILLAGE).first()
            if village is None:
                raise UserFacingError("请选择本辖区内的村。")
            household = None
            if d["household"]:
                household = Household.objects.filter(in_scope_q("region_code", user.scope_prefix),
                                                     pk=d["household"]).first()
            clue = s.clue_create(user=user, channel=channel, village=village, household=household,
                                 discovered_on=d["discovered_on"], difficulty=d["difficulty"],
                                 risk_types=d["risk_types"], source_note=d["source_note"], name=d["name"],
                                 id_number=d["id_number"], phone=d["phone"])
        except UserFacingError as exc:
            refusal_message(request, exc)  # carries the link to the household's open case
        else:
            messages.success(request, "线索已登记，识别时限从发现日期起计算。")
            return redirect("monitoring:clue_detail", clue.pk)
    villages = Region.objects.filter(in_scope_q("code", user.scope_prefix), level=Level.VILLAGE).order_by("code")
    return render(request, "monitoring/clue_form.html", {"form": form, "channel": channel, "villages": villages})


@require_perm(VIEW)
def household_options(request):
    """htmx: households matching the typed text, for picking the household of a clue or case."""
    village = request.GET.get("village") or None
    found = households_search(request.user, request.GET.get("q", ""), village_code=village)
    return render(request, "monitoring/household_options.html", {"households": found})


@require_perm(VIEW)
def clue_detail(request, pk: int):
    clue = clue_get_for_user(request.user, pk)
    if request.method == "POST":
        url = reverse("monitoring:clue_detail", args=[pk])
        action = request.POST.get("action")
        try:
            if action == "open":
                d = _parsed(request, f.OpenCaseForm, url)
                if d is None:
                    return redirect(url)
                household = None
                if d["household"]:
                    household = Household.objects.filter(in_scope_q("region_code", request.user.scope_prefix),
                                                         pk=d["household"]).first()
                case = s.case_open(clue=clue, user=request.user, household=household,
                                   green_channel=d["green_channel"], green_channel_reason=d["green_channel_reason"])
                messages.success(request, "已启动识别程序，下一步：入户核实。")
                return redirect("monitoring:case_detail", case.pk)
            if action == "dismiss":
                s.clue_dismiss(clue=clue, user=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, "已不予受理。")
                return redirect(url)
        except UserFacingError as exc:
            return _refused(request, exc, url)
        raise Http404
    can_handle = clue.status == Clue.Status.NEW and village_user(clue, _ctx(request)) is None
    return render(request, "monitoring/clue_detail.html", {
        "clue": clue, "id_masked": mask(clue.id_number), "clocks": Clocks().for_clue(clue), "can_handle": can_handle,
        "cases": clue.cases.all()})


def _ctx(request):
    from .workflow import Ctx

    return Ctx(user=request.user, today=timezone.localdate())


@require_perm(VIEW)
def case_list_view(request):
    params = {k: request.GET.get(k, "") for k in ("status", "village", "channel", "q")}
    qs = case_list(request.user, status=params["status"], village=params["village"], channel=params["channel"],
                   text=params["q"].strip())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = case_rows(page.object_list, Clocks())
    villages = Region.objects.filter(in_scope_q("code", request.user.scope_prefix),
                                     level__in=[Level.TOWNSHIP, Level.VILLAGE]).order_by("code")
    return render(request, "monitoring/case_list.html", {
        "page": page, "rows": rows, "params": params, "statuses": CaseStatus.choices, "channels": Channel.choices,
        "villages": villages})


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
    from .workflow import county_user, township_user

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
    })


def _case_url(case) -> str:
    return reverse("monitoring:case_detail", args=[case.pk])


@require_POST
@require_perm(*ACT)
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
    """One step from the table: its form (named by the row), then the one service registered for it."""
    data = {}
    if t.form:
        form = getattr(f, t.form)(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(url)
        data = form.step_data() if hasattr(form, "step_data") else form.cleaned_data
    try:
        call_service(table.services[t.name], user=request.user, **data, **objects)
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "已办理。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.REVIEW_TOWNSHIP)
def case_batch(request, action: str):
    """村级初选 of several households on one notice, or one 结果公告 for several households of a village."""
    user = request.user
    ids = [int(x) for x in request.POST.getlist("case") if x.isdigit()]
    cases = list(MonitoringCase.objects.filter(in_scope_q("region_code", user.scope_prefix), pk__in=ids))
    url = reverse("monitoring:queue")
    try:
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
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, f"已生成「{notice.title}」，共 {len(cases)} 户。")
    return redirect("monitoring:notice_detail", notice.pk)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.APPROVE_COUNTY)
def case_green(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = _case_url(case)
    d = _parsed(request, f.GreenChannelForm, url)
    if d is None:
        return redirect(url)
    try:
        s.case_set_green_channel(case=case, user=request.user, reason=d["reason"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
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


# --- assistance -----------------------------------------------------------------------------------


@require_POST
@require_perm(Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY)
def case_officer(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = _case_url(case) + "#assistance"
    d = _parsed(request, f.OfficerForm, url)
    if d is None:
        return redirect(url)
    officer = None
    if d["officer"]:
        officer = next((u for u in officers_for_case(case) if u.pk == d["officer"]), None)
        if officer is None:
            messages.error(request, "所选帮扶责任人不存在或不负责该户。")
            return redirect(url)
    try:
        s.case_assign_officer(case=case, user=request.user, officer=officer, name=d["name"], unit=d["unit"],
                              phone=d["phone"], assigned_on=d["assigned_on"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "已明确帮扶责任人。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.RECORD_VISITS)
def case_plan(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = _case_url(case) + "#assistance"
    d = _parsed(request, f.PlanForm, url)
    if d is None:
        return redirect(url)
    try:
        s.case_set_plan(case=case, user=request.user, plan_on=d["plan_on"], summary=d["summary"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "帮扶计划已保存。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.RECORD_VISITS)
def measure_new(request, pk: int):
    case = case_get_for_user(request.user, pk)
    url = _case_url(case) + "#assistance"
    d = _parsed(request, f.MeasureForm, url)
    if d is None:
        return redirect(url)
    beneficiary = Person.objects.filter(household=case.household, pk=d["beneficiary"]).first() \
        if d["beneficiary"] else None
    try:
        s.measure_add(case=case, user=request.user, category=d["category"], department=d["department"],
                      start_on=d["start_on"], end_on=d["end_on"], beneficiary=beneficiary, content=d["content"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "措施已添加。")
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_CASES, Perm.RECORD_VISITS)
def measure_end_view(request, pk: int):
    measure = measure_get_for_user(request.user, pk)
    url = (_case_url(measure.case) if measure.case else reverse("monitoring:queue")) + "#assistance"
    d = _parsed(request, f.MeasureEndForm, url)
    if d is None:
        return redirect(url)
    try:
        s.measure_end(measure=measure, user=request.user, end_on=d["end_on"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
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
def nolabour_step(request, pk: int, name: str):
    user = request.user
    case = case_get_for_user(user, pk)
    url = _case_url(case) + "#nolabour"
    obj = case.nolabour_designations.order_by("-id").first()
    t = NOLABOUR.get(name)
    if t is None or (t.sources and obj is None):
        raise Http404
    return _step(request, NOLABOUR, t, url, case=case, designation=obj, designations=[obj])


# --- notices --------------------------------------------------------------------------------------


@require_perm(VIEW)
def notice_list(request):
    qs = notices_for_user(request.user).select_related("village").prefetch_related("objections")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-start_on", "-id"), 50).get_page(request.GET.get("page"))
    for n in page.object_list:
        n.state = notice_state(n)
    return render(request, "monitoring/notice_list.html", {"page": page, "kind": kind, "kinds": Notice.Kind.choices})


@require_perm(VIEW)
def notice_detail(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    notice.state = notice_state(notice)
    from .services import _notice_actor

    return render(request, "monitoring/notice_detail.html", {
        "notice": notice, "lines": notice_lines(notice), "body": notice_body(notice),
        "objections": notice.objections.select_related("case", "case__household", "resolved_by"),
        "cases": notice.cases.select_related("household"),
        "can_act": _notice_actor(notice, request.user) is None,
        "posting_form": f.PostingForm(), "objection_form": f.ObjectionForm(), "resolve_form": f.ResolveForm(),
    })


@require_POST
@require_perm(*ACT)
def notice_posting(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    url = reverse("monitoring:notice_detail", args=[pk])
    d = _parsed(request, f.PostingForm, url)
    if d is None:
        return redirect(url)
    try:
        s.notice_record_posting(notice=notice, user=request.user, posted_on=d["posted_on"], place=d["place"],
                                photo=d["photo"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "张贴情况已登记。")
    return redirect(url)


@require_POST
@require_perm(*ACT)
def objection_new(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    url = reverse("monitoring:notice_detail", args=[pk])
    d = _parsed(request, f.ObjectionForm, url)
    if d is None:
        return redirect(url)
    case = notice.cases.filter(pk=d["case"]).first() if d["case"] else None
    try:
        s.objection_register(notice=notice, user=request.user, received_on=d["received_on"], content=d["content"],
                             raised_by=d["raised_by"], case=case)
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "异议已登记：处理完毕前不能办理下一步。")
    return redirect(url)


@require_POST
@require_perm(*ACT)
def objection_resolve(request, pk: int):
    objection = objection_get_for_user(request.user, pk)
    url = reverse("monitoring:notice_detail", args=[objection.notice_id])
    d = _parsed(request, f.ResolveForm, url)
    if d is None:
        return redirect(url)
    try:
        s.objection_resolve(objection=objection, user=request.user, upheld=d["upheld"], handling=d["handling"])
    except UserFacingError as exc:
        return _refused(request, exc, url)
    messages.success(request, "异议已办结。")
    return redirect(url)


@require_POST
@require_perm(VIEW)
def notice_docx_view(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    data = notice_docx(notice)
    audit_log(request=request, action="export", object_type="monitoring.notice", object_id=notice.pk,
              region_code=notice.region_code, summary=f"下载公示文书：{notice.title}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice.title)}.docx"
    return response


@require_perm(VIEW)
def notice_print(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    return render(request, "monitoring/notice_print.html", {"notice": notice, "lines": notice_lines(notice),
                                                            "body": notice_body(notice)})


@require_perm(VIEW)
def notice_photo(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    return stored_file_response(notice.photo_path)


# --- compliance, timeline, settings ---------------------------------------------------------------


@require_perm(VIEW)
def compliance(request):
    """The latest stored compliance check of the user's region; running a new check is a POST."""
    from .compliance import ComplianceResult, compliance_by_village, compliance_latest, compliance_run

    user = request.user
    if request.method == "POST":
        as_of = timezone.localdate()
        try:
            if request.POST.get("as_of"):
                as_of = dt.date.fromisoformat(request.POST["as_of"])
        except ValueError:
            messages.error(request, "检查日期格式不对，已按今天检查。")
        compliance_run(as_of=as_of, prefix=user.scope_prefix, user=user)
        messages.success(request, f"已按 {as_of:%Y-%m-%d} 完成程序合规检查。")
        return redirect("monitoring:compliance")
    result = compliance_latest(prefix=user.scope_prefix)
    if result is None:
        result = ComplianceResult(as_of=timezone.localdate(), findings=[], summary={
            "total": 0, "households": 0, "by_rule": {}, "skipped": [], "disabled": []})
    as_of = result.as_of
    village, rule = request.GET.get("village", ""), request.GET.get("rule", "")
    findings = result.findings
    if village:
        findings = [x for x in findings if x["region_code"].startswith(village)]
    if rule:
        findings = [x for x in findings if x["rule"] == rule]
    drill = bool(village or rule)
    for x in findings:
        x["id_masked"] = mask(x.get("id_number"))
    by_village = compliance_by_village(result)
    page = Paginator(findings, 100).get_page(request.GET.get("page"))
    households = {}
    if drill:
        keys = {(x["region_code"], x["household_no"]) for x in page.object_list}
        for hh in Household.objects.filter(in_scope_q("region_code", user.scope_prefix),
                                           household_no__in={k[1] for k in keys}):
            households[(hh.region_code, hh.household_no)] = hh
        for x in page.object_list:
            x["household"] = households.get((x["region_code"], x["household_no"]))
    return render(request, "monitoring/compliance.html", {
        "result": result, "by_village": by_village, "page": page, "drill": drill, "village": village, "rule": rule,
        "as_of": as_of, "today": timezone.localdate(), "rule_stats": [(code, result.titles.get(code, ""), n)
                                       for code, n in result.summary["by_rule"].items()],
        "rule_defs": CATALOG.of_kind("compliance")})


@require_perm(VIEW)
def household_timeline_view(request, pk: int):
    household = household_get_for_user(request.user, pk)
    cases = list(household.monitoring_cases.order_by("-id"))
    monitored = next((c for c in cases if c.status == CaseStatus.MONITORING), None)
    return render(request, "monitoring/timeline.html", {
        "household": household, "items": household_timeline(household), "cases": cases, "monitored": monitored,
        "verdict": elimination_verdict(monitored, user=request.user) if monitored else None})


@require_perm(VIEW)
def limits_view(request):
    user = request.user
    can_edit = user.has_perm_code(Perm.MANAGE_RULES)
    if request.method == "POST":
        if not can_edit:
            raise NotFoundInScope("页面") from None
        url = reverse("monitoring:limits")
        action = request.POST.get("action")
        try:
            if action == "limit":
                d = _parsed(request, f.TimeLimitForm, url)
                if d is None:
                    return redirect(url)
                s.time_limit_set(user=user, code=d["code"], days=d["days"], working=d["working"],
                                 amber_days=d["amber_days"])
            elif action == "holiday":
                d = _parsed(request, f.HolidayForm, url)
                if d is None:
                    return redirect(url)
                s.holiday_set(user=user, date=d["date"], is_workday=d["is_workday"], note=d["note"])
            elif action == "holiday_delete":
                s.holiday_delete(user=user, date=dt.date.fromisoformat(request.POST.get("date", "")))
        except (UserFacingError, ValueError) as exc:
            return _refused(request, exc if isinstance(exc, UserFacingError) else UserFacingError("日期格式不对。"),
                            url)
        messages.success(request, "已保存。")
        return redirect(url)
    current = limits()
    rows = [(LIMIT_DEFS[c], lim) for c, lim in current.items()]
    return render(request, "monitoring/limits.html", {
        "rows": rows, "holidays": HolidayDay.objects.all(), "can_edit": can_edit, "holiday_form": f.HolidayForm()})

