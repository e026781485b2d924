"""Deadlines of tasks and the report slots of each period."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.core.errors import UserFacingError

from ..models import (
    ReportSlot,
    Task,
    TaskEvent,
    TaskList,
    TaskStatus,
    TaskUnit,
    UnitRole,
)
from ..periods import period_of
from .guards import _ensure_manager

# --------------------------------------------------------------------------- deadlines and report periods


@transaction.atomic
def task_deadline_set(*, user, task: Task, due_date: dt.date | None, recurrence: dict | None = None,
                      note: str = "") -> Task:
    """A person settles a deadline the text did not give; the printed text is kept as it was."""
    _ensure_manager(user)
    if due_date is None and recurrence is None:
        raise UserFacingError("请填写完成期限或报送周期。", field="due_date")
    task.due_date = due_date
    if recurrence is not None:
        task.recurrence = recurrence
    task.deadline_unparsed = False
    task.updated_by = user
    task.save()
    label = due_date.isoformat() if due_date else "按周期报送"
    TaskEvent.record(task, user, TaskEvent.Action.DEADLINE, note=f"确定时限：{label}" + (f"（{note}）" if note else ""))
    report_slots_generate(on=timezone.localdate(), tasks=Task.objects.filter(pk=task.pk))
    return task


def report_slots_generate(*, on: dt.date, prefix: str | None = None, task_list: TaskList | None = None,
                          tasks=None) -> int:
    """Create the report slots of the period containing `on` for every open task with a reporting rhythm.

    The rhythm is the task's own recurrence ("每季度") and the list's standing rule ("牵头单位
    每年11月20日前反馈"). Lead units report; where a task has no mapped lead unit, its
    responsible units do. One query reads every (task, unit) pair, one INSERT writes the
    slots; existing slots are left alone, so running it again is harmless.
    """
    links = TaskUnit.objects.filter(unit__isnull=False, unit__is_active=True, task__status=TaskStatus.OPEN).filter(
        Q(task__recurrence__isnull=False) | Q(task__task_list__report_recurrence__isnull=False))
    if prefix is not None:
        links = links.filter(in_scope_q("task__region_code", prefix))
    if task_list is not None:
        links = links.filter(task__task_list=task_list)
    if tasks is not None:
        links = links.filter(task__in=tasks)
    rows = list(links.values_list("task_id", "unit_id", "role", "task__recurrence", "task__task_list__report_recurrence"))
    with_lead = {task_id for task_id, _u, role, _r, _l in rows if role == UnitRole.LEAD}
    slots: dict[tuple[int, int, str], ReportSlot] = {}
    for task_id, unit_id, role, own, standing in rows:
        if task_id in with_lead and role != UnitRole.LEAD:
            continue
        for recurrence in (own, standing):
            period = period_of(recurrence, on)
            if period is None:
                continue
            key = (task_id, unit_id, period.key)
            if key not in slots or period.due < slots[key].due_date:
                slots[key] = ReportSlot(task_id=task_id, unit_id=unit_id, period_key=period.key,
                                        period_start=period.start, period_end=period.end, due_date=period.due)
    if not slots:
        return 0
    before = ReportSlot.objects.count()
    ReportSlot.objects.bulk_create(list(slots.values()), ignore_conflicts=True, batch_size=1000)
    return ReportSlot.objects.count() - before
