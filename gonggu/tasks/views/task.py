"""One task: its page, reports, year targets and concerns checked by the units."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, get_in_scope, require_perm
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.web import on_refusal, refusal_to_form, returns_to

from .. import selectors as sel
from .. import services
from ..concerns import concern_areas, suggest_area
from ..forms import (
    AssignForm,
    CloseForm,
    DeadlineForm,
    RemindForm,
    ReportForm,
    TargetForm,
    evidence_kind_for,
)
from ..models import TaskConcern, Unit, YearTarget
from .common import _htmx

# --------------------------------------------------------------------------- one task


def _task_context(request, task, **overrides) -> dict:
    user = request.user
    # A manager of the list's region; a county admin who also acts for a unit of another region's list is not.
    manager = sel.is_manager(user) and sel.task_lists_for_user(user).filter(pk=task.task_list_id).exists()
    my_units = sel.units_of_user(user).filter(assignments__task=task).distinct()
    my_unit_list = list(my_units)
    assigned = sel.task_units(task)
    assigned_units = [link.unit for links in assigned.values() for link in links if link.unit]
    unique_units = list({u.pk: u for u in assigned_units}.values())
    # A leader reads the whole task as its manager does, with none of the manager's forms.
    reader = not manager and user.has_perm_code(Perm.VIEW_TASKS)
    own_view = None if manager or reader else my_units
    light_row = sel.tasks_with_light(type(task).objects.filter(pk=task.pk), units=own_view).values(
        "light", "deadline", "deadline_kind").first() or {"light": "green", "deadline": None, "deadline_kind": ""}
    show_units = unique_units if manager or reader else my_unit_list
    ctx = {
        "task": task, "manager": manager, "my_units": my_unit_list, "assigned": assigned, "today": timezone.localdate(),
        "light": light_row["light"], "deadline": light_row["deadline"], "deadline_kind": light_row["deadline_kind"],
        "reports": sel.task_reports(task, units=own_view),
        "slots": sel.task_slots(task, units=own_view)[:24],
        "targets": task.targets.select_related("unit").filter(**({} if manager else {"unit__in": my_units})),
        "checklist": sel.task_checklist(task, show_units), "check_units": show_units,
        "events": task.events.select_related("actor", "unit").order_by("-at", "-id")[:30],
        "show_breakdown": task.task_list.asks_breakdown or task.targets.exists(),
        "report_form": ReportForm(units=my_units) if my_unit_list and not task.is_done else None,
        "target_form": TargetForm(units=my_units, initial={"year": timezone.localdate().year})
        if my_unit_list and not task.is_done else None,
    }
    if manager:
        ctx.update({
            "remind_form": RemindForm(units=Unit.objects.filter(pk__in=[u.pk for u in unique_units]))
            if unique_units and not task.is_done else None,
            "assign_form": AssignForm(units=sel.units_for_user(user).filter(is_active=True)),
            "deadline_form": DeadlineForm(initial={"due_date": task.due_date}),
            "close_form": CloseForm(),
            "concern_areas": concern_areas(),
            "suggested_area": suggest_area(task.path, task.title),
            "attached_areas": sorted(set(task.concerns.values_list("area", flat=True))),
        })
    ctx.update(overrides)
    return ctx


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS, Perm.VIEW_TASKS)
def task_detail(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    return render(request, "tasks/task_detail.html", _task_context(request, task))


def _back(task, anchor: str = ""):
    return redirect(_task_url(task.pk, anchor))


def _task_url(pk: int, anchor: str = "") -> str:
    return reverse("task_detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _to_task(anchor: str = ""):
    """Where a refused step on a task goes back to (`on_refusal`)."""
    return lambda request, pk, **_: _task_url(pk, anchor)


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_report(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    my_units = sel.units_of_user(request.user).filter(assignments__task=task).distinct()
    form = ReportForm(request.POST, request.FILES, units=my_units)
    if form.is_valid():
        d = form.cleaned_data
        files = [(f, evidence_kind_for(f.name, d.get("kind") or "")) for f in d["files"]]
        try:
            services.report_submit(user=request.user, task=task, unit=d["unit"], progress=d["progress"],
                                   problems=d["problems"], next_steps=d["next_steps"], percent=d["percent"],
                                   claims_done=d["claims_done"], files=files)
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, "进展已报送。")
            return _back(task, "reports")
    if not my_units.exists():
        raise Http404("任务不存在。")
    return render(request, "tasks/task_detail.html", _task_context(request, task, report_form=form), status=422)


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_target(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    my_units = sel.units_of_user(request.user).filter(assignments__task=task).distinct()
    form = TargetForm(request.POST, units=my_units)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.target_add(user=request.user, task=task, unit=d["unit"], year=d["year"], target=d["target"],
                                measures=d["measures"], time_node=d["time_node"], leader=d["leader"],
                                person=d["person"])
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, "年度目标已添加。")
            return _back(task, "breakdown")
    if not my_units.exists():
        raise Http404("任务不存在。")
    return render(request, "tasks/task_detail.html", _task_context(request, task, target_form=form), status=422)


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_target_delete(request, pk: int):
    target = get_in_scope(YearTarget.objects.select_related("task", "unit").filter(
        unit__in=sel.units_of_user(request.user)), request.user, pk, what="年度目标", field=None)
    task = target.task
    services.target_delete(user=request.user, target=target)
    messages.success(request, "已删除年度目标。")
    return _back(task, "breakdown")


@require_POST
@require_perm(Perm.REPORT_TASKS)
@on_refusal()
def task_concern_check(request, pk: int):
    concern = TaskConcern.objects.select_related("task").filter(pk=pk).first()
    if concern is None or not sel.tasks_for_user(request.user).filter(pk=concern.task_id).exists():
        raise NotFoundInScope("关注问题")
    returns_to(request, _task_url(concern.task_id, "checklist"))
    unit = get_in_scope(sel.units_of_user(request.user), request.user, request.POST.get("unit") or 0, what="单位",
                        field=None)
    check = services.concern_check(user=request.user, concern=concern, unit=unit,
                                   checked=request.POST.get("checked") == "1", note=request.POST.get("note", ""))
    if _htmx(request):
        return render(request, "tasks/_concern_check.html", {"item": {"concern": concern}, "unit": unit,
                                                              "check": check, "can_tick": True})
    return _back(concern.task, "checklist")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task("checklist"))
def task_concerns(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    area = request.POST.get("area", "")
    if request.POST.get("detach") == "1":
        services.concerns_detach(user=request.user, task=task, area_key=area)
        messages.success(request, f"已取消关联“{area}”。")
    else:
        added = services.concerns_attach(user=request.user, task=task, area_key=area)
        messages.success(request, f"已关联“{area}”的关注问题 {added} 条。")
    return _back(task, "checklist")
