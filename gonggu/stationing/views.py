"""The 驻村帮扶 pages: each village's team with its 五天四夜 record, and the phone check-in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.ledgers.selectors import ledger_rows_for_user
from gonggu.regions.models import Region

from .ledger_defs import ATTENDANCE, CAMPAIGN
from .models import ATTENDANCE as STATUSES
from .selectors import (
    STALE_DAYS,
    WEEKS,
    cadres_in_post,
    campaign_shortfalls,
    findings_by_team,
    source_freshness,
    teams_for_user,
)
from .services import attendance_check_in


class _Date(forms.DateInput):
    input_type = "date"


class CheckInForm(forms.Form):
    cadre = forms.TypedChoiceField(label="驻村干部", coerce=int)
    day = forms.DateField(label="日期", widget=_Date(format="%Y-%m-%d"))
    status = forms.ChoiceField(label="出勤情况", choices=STATUSES, initial="在村",
                               widget=forms.RadioSelect)
    night = forms.BooleanField(label="今晚在村住宿", required=False, initial=True)
    note = forms.CharField(label="备注", max_length=120, required=False,
                           help_text="请假、因公外出请写明事由和批准人")


@require_perm(Perm.VIEW_REGISTRY)
def teams(request):
    today = timezone.localdate()
    village_teams = teams_for_user(request.user, today)
    others = findings_by_team(request.user, village_teams)
    return render(request, "stationing/teams.html", {
        "teams": village_teams, "others": others, "today": today, "weeks": range(WEEKS),
        "can_check_in": request.user.has_perm_code(ATTENDANCE.edit_perm),
    })


@require_perm(Perm.EDIT_LEDGERS)
def check_in(request):
    today = timezone.localdate()
    choices = [(c.pk, f"{c.name}（{c.role}）") for c in cadres_in_post(request.user, today)]
    if not choices and request.method != "POST":
        messages.info(request, "你管辖范围内今天没有在岗的驻村干部：请先在驻村干部台账中登记。")
    form = CheckInForm(request.POST or None, initial={"day": today})
    form.fields["cadre"].choices = choices or [("", "（没有在岗的驻村干部）")]
    if request.method == "POST":
        # The service decides which cadre may be signed for on the date (scope, term) and says why not.
        form.fields["cadre"] = forms.IntegerField(label="驻村干部", widget=forms.Select(choices=choices))
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = attendance_check_in(user=request.user, cadre_pk=data["cadre"], day=data["day"],
                                          status=data["status"], night=data["night"], note=data["note"],
                                          today=today)
            except UserFacingError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"已签到：{row.cadre_name} {row.day} {row.status}"
                                          f"{'，在村住宿' if row.night else ''}。")
                return redirect("stationing_teams")
    return render(request, "stationing/check_in.html", {"form": form})


@require_perm(Perm.VIEW_REGISTRY)
def campaigns(request):
    short, few = campaign_shortfalls(request.user)
    rows = ledger_rows_for_user(request.user, CAMPAIGN).order_by("-end_on", "region_code")[:40]
    names = dict(Region.objects.filter(code__in={c.region_code for c in rows}).values_list("code", "name"))
    return render(request, "stationing/campaigns.html", {
        "short": short, "few": few, "campaigns": [(names.get(c.region_code, c.region_code), c) for c in rows]})


@require_perm(Perm.VIEW_REGISTRY)
def sources(request):
    today = timezone.localdate()
    rows, meeting = source_freshness(request.user, today)
    return render(request, "stationing/sources.html", {
        "rows": rows, "meeting": meeting, "today": today, "stale_days": rows[0].period if rows else STALE_DAYS,
        # The same period as the rule MEET-JOINT-MONTHLY (the lists' parameter): one number on page and rule.
        "meeting_stale": meeting is None or (today - meeting.held_on).days > (rows[0].period if rows else STALE_DAYS)})
