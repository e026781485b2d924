"""Compliance findings, the household timeline and the time-limit settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from gonggu.core.access import Perm, require_perm
from gonggu.core.codes import in_scope_q
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.web import on_refusal, returns_to
from gonggu.registry.models import Household
from gonggu.rules.catalog import CATALOG

from .. import forms as f
from .. import services as s
from ..deadlines import LIMIT_DEFS, limits
from ..eligibility import elimination_verdict
from ..models import HolidayDay
from ..selectors import (
    household_get_for_user,
    household_timeline,
)
from ..workflow import (
    CaseStatus,
)
from .common import VIEW, _parsed

# --- compliance, timeline, settings ---------------------------------------------------------------


@require_perm(VIEW)
def compliance(request):
    """The latest stored compliance check of the user's region; running a new check is a POST."""
    from ..compliance import ComplianceResult, compliance_by_village, compliance_latest, compliance_run

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


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserFacingError("日期格式不对。") from None


@require_perm(VIEW)
@on_refusal()
def limits_view(request):
    user = request.user
    can_edit = user.has_perm_code(Perm.MANAGE_RULES)
    if request.method == "POST":
        if not can_edit:
            raise NotFoundInScope("页面") from None
        url = returns_to(request, reverse("monitoring:limits"))
        action = request.POST.get("action")
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
            s.holiday_delete(user=user, date=_date(request.POST.get("date", "")))
        messages.success(request, "已保存。")
        return redirect(url)
    current = limits()
    rows = [(LIMIT_DEFS[c], lim) for c, lim in current.items()]
    return render(request, "monitoring/limits.html", {
        "rows": rows, "holidays": HolidayDay.objects.all(), "can_edit": can_edit, "holiday_form": f.HolidayForm()})
