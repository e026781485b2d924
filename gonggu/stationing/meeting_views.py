"""Meetings (村级每周研判, 部门数据比对联席会议) with the households they discussed, and the 周三帮扶日 by village
and Wednesday: pages, the minutes form, and their .xlsx exports with the pages' filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.regions.exports import ListExport, filters_of, list_export
from gonggu.regions.models import Region
from gonggu.rules.words import rule_title

from .ledger_defs import ASSIST_DAY, MEETING
from .models import MEETING_KINDS
from .selectors import assist_days_for_user, meetings_for_user, stored_findings
from .services import meeting_record

FILTERS = ("kind", "month")
ASSIST_WEEKS = 8


class _Date(forms.DateInput):
    input_type = "date"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类别", choices=MEETING_KINDS)
    region_code = forms.ChoiceField(label="村（社区）或县、乡镇")
    held_on = forms.DateField(label="会议日期", widget=_Date(format="%Y-%m-%d"))
    attendees = forms.CharField(label="参会人员", max_length=200)
    households = forms.CharField(
        label="研判农户", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一户：户编号或户主身份证号，空格后写研判结论（如 拟纳入监测）。村级研判只能填本村农户。")
    outcome = forms.CharField(label="研判结果", max_length=300, required=False)


def _places(user) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in Region.objects.filter(
        in_scope_q("code", user.scope_prefix), level__in=(Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE))
        .order_by("code")[:2000]]


def _lines(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        ref, _sep, conclusion = line.strip().partition(" ")
        if ref:
            out.append((ref.strip(), conclusion.strip()))
    return out


@require_perm(Perm.VIEW_REGISTRY)
def meetings(request):
    f = filters_of(request, FILTERS)
    rows = list(meetings_for_user(request.user, kind=f["kind"], month=f["month"])[:200])
    names = dict(Region.objects.filter(code__in={m.region_code for m in rows}).values_list("code", "name"))
    for m in rows:
        m.place = names.get(m.region_code, m.region_code)
    findings = stored_findings(request.user, ("MEET-WEEKLY", "MEET-JOINT-MONTHLY"))
    for x in findings:
        x.title = rule_title(x.rule)
    places = dict(Region.objects.filter(code__in={x.region_code for x in findings}).values_list("code", "name"))
    return render(request, "stationing/meetings.html", {
        "meetings": rows, "filters": f, "kinds": [k for k, _ in MEETING_KINDS],
        "findings": [(places.get(x.region_code, x.region_code), x) for x in findings],
        "can_edit": request.user.has_perm_code(MEETING.edit_perm)})


@require_POST
@require_perm(Perm.VIEW_REGISTRY)
def meetings_export(request):
    f = filters_of(request, FILTERS)
    rows = list(meetings_for_user(request.user, kind=f["kind"], month=f["month"]))
    names = dict(Region.objects.filter(code__in={m.region_code for m in rows}).values_list("code", "name"))
    out = []
    for m in rows:
        discussed = "；".join(f"{d.household.head_name or d.household.household_no}（{d.household.household_no}）"
                             f"{d.conclusion}" for d in m.discussed.all())
        out.append([m.region_code, names.get(m.region_code, ""), m.kind, m.held_on, m.attendees, m.households,
                    discussed, m.outcome])
    out.sort(key=lambda r: r[0])
    return list_export(request, ListExport(
        title="研判会议记录", headers=["行政区划代码", "村（县、乡镇）", "会议类别", "会议日期", "参会人员", "研判农户数",
                                 "研判农户", "研判结果"],
        rows=out, count=len(out), object_type="stationing.meeting", filters=f, text_columns=frozenset({"行政区划代码"}),
        region_at=0))


@require_perm(Perm.EDIT_LEDGERS)
def meeting_new(request):
    today = timezone.localdate()
    form = MeetingForm(request.POST or None, initial={"held_on": today, "kind": request.GET.get("kind", "村级每周研判")})
    form.fields["region_code"].choices = _places(request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = meeting_record(user=request.user, kind=d["kind"], region_code=d["region_code"], held_on=d["held_on"],
                               attendees=d["attendees"], outcome=d["outcome"], households=_lines(d["households"]),
                               today=today)
        except UserFacingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已登记{m.kind}（{m.held_on}），研判农户 {m.households} 户。")
            return redirect("stationing_meetings")
    return render(request, "stationing/meeting_form.html", {"form": form})


def _assist_window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=7 * ASSIST_WEEKS - 1), today


@require_perm(Perm.VIEW_REGISTRY)
def assist_days(request):
    since, until = _assist_window(timezone.localdate())
    days = assist_days_for_user(request.user, since=since, until=until)
    findings = stored_findings(request.user, ("ASSIST-DAY-WEEKLY",))
    places = dict(Region.objects.filter(code__in={x.region_code for x in findings}).values_list("code", "name"))
    return render(request, "stationing/assist_days.html", {
        "days": days, "since": since, "weeks": ASSIST_WEEKS,
        "findings": [(places.get(x.region_code, x.region_code), x) for x in findings],
        "can_edit": request.user.has_perm_code(ASSIST_DAY.edit_perm)})


@require_POST
@require_perm(Perm.VIEW_REGISTRY)
def assist_days_export(request):
    since, until = _assist_window(timezone.localdate())
    days = sorted(assist_days_for_user(request.user, since=since, until=until), key=lambda d: (d.region_code, d.day))
    rows = [[d.region_code, d.village, d.day, "、".join(d.helpers), "、".join(d.units), d.households, d.briefings,
             d.problems, d.solved] for d in days]
    return list_export(request, ListExport(
        title="周三帮扶日", headers=["行政区划代码", "村", "帮扶日", "帮扶干部", "帮扶单位", "走访户数", "政策宣讲户数",
                                "发现问题", "已解决"],
        rows=rows, count=len(rows), object_type="stationing.assist_day", filters={}, personal=False,
        text_columns=frozenset({"行政区划代码"}), region_at=0))
