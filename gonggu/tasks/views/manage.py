"""A manager's actions on a task: assign, deadlines, reminders, close and reopen, evidence."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, get_in_scope, require_perm
from gonggu.core.errors import NotFoundInScope
from gonggu.core.uploads import stored_file_response, stored_path
from gonggu.core.web import on_refusal, returns_to

from .. import selectors as sel
from .. import services
from ..forms import (
    AssignForm,
    CloseForm,
    DeadlineForm,
    RemindForm,
)
from .common import _errors
from .task import _back, _task_url, _to_task


def _manager_task(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    if not sel.task_lists_for_user(request.user).filter(pk=task.task_list_id).exists():
        raise NotFoundInScope("任务")
    return task


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task("units"))
def task_assign(request, pk: int):
    task = _manager_task(request, pk)
    form = AssignForm(request.POST, units=sel.units_for_user(request.user).filter(is_active=True))
    if form.is_valid():
        services.task_assign(user=request.user, task=task, unit=form.cleaned_data["unit"],
                             role=form.cleaned_data["role"])
        messages.success(request, "已分配。")
    else:
        messages.error(request, _errors(form))
    return _back(task, "units")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_unassign(request, pk: int, link: int):
    task = _manager_task(request, pk)
    item = get_in_scope(task.assignments.select_related("unit"), request.user, link, what="任务单位", field=None)
    services.task_unit_remove(user=request.user, task=task, link=item)
    messages.success(request, f"已移除“{item.name}”。")
    return _back(task, "units")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task())
def task_deadline(request, pk: int):
    task = _manager_task(request, pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        services.task_deadline_set(user=request.user, task=task, due_date=form.cleaned_data["due_date"],
                                   note=form.cleaned_data["note"])
        messages.success(request, "完成期限已确定。")
    else:
        messages.error(request, _errors(form))
    return _back(task)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal()
def task_remind(request, pk: int):
    # Back to the page the reminder was sent from (a board, a list), else the task.
    following = request.POST.get("next") or ""
    url = returns_to(request, following if following.startswith("/tasks/") else _task_url(pk))
    task = _manager_task(request, pk)
    form = RemindForm(request.POST, units=sel.units_for_user(request.user))
    if form.is_valid():
        services.reminder_send(user=request.user, task=task, unit=form.cleaned_data["unit"],
                               message=form.cleaned_data["message"])
        messages.success(request, f"已催办“{form.cleaned_data['unit'].name}”。")
    else:
        messages.error(request, _errors(form))
    return redirect(url)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task())
def task_close(request, pk: int):
    task = _manager_task(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        services.task_close(user=request.user, task=task, note=form.cleaned_data["note"])
        messages.success(request, "已办结销号。")
    else:
        messages.error(request, "请填写销号说明（办结依据）。")
    return _back(task)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task())
def task_reopen(request, pk: int):
    task = _manager_task(request, pk)
    services.task_reopen(user=request.user, task=task, note=request.POST.get("note", ""))
    messages.success(request, "已撤销销号。")
    return _back(task)


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS)
def task_evidence(request, pk: int):
    evidence = sel.evidence_get_for_user(request.user, pk)
    if not stored_path(evidence.path).is_file():
        raise Http404("文件已不在存储位置，请联系管理员。")
    return stored_file_response(evidence.path, filename=evidence.original_name, inline_ok=False)
