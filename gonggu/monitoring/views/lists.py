"""The work queue, clues and the case list."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from gonggu.core.access import Perm, require_perm
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.web import on_refusal, refusal_message, returns_to
from gonggu.regions.models import Region
from gonggu.registry.models import Household

from .. import forms as f
from .. import services as s
from ..choices import Channel
from ..deadlines import Clocks, limits
from ..models import Clue
from ..selectors import (
    case_list,
    case_rows,
    clue_get_for_user,
    clue_rows,
    clues_for_user,
    households_search,
    work_queue,
)
from ..workflow import (
    CaseStatus,
    village_user,
)
from .common import VIEW, _parsed

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
@on_refusal()
def clue_detail(request, pk: int):
    clue = clue_get_for_user(request.user, pk)
    if request.method == "POST":
        url = returns_to(request, reverse("monitoring:clue_detail", args=[pk]))
        action = request.POST.get("action")
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
        raise Http404
    can_handle = clue.status == Clue.Status.NEW and village_user(clue, _ctx(request)) is None
    return render(request, "monitoring/clue_detail.html", {
        "clue": clue, "id_masked": mask(clue.id_number), "clocks": Clocks().for_clue(clue), "can_handle": can_handle,
        "cases": clue.cases.all()})


def _ctx(request):
    from ..workflow import Ctx

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
