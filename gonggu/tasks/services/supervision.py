"""Supervision by the county: reminders, closing and reopening tasks, the amber threshold."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent

from ..models import (
    Reminder,
    Task,
    TaskEvent,
    TaskSetting,
    TaskStatus,
    Unit,
)
from ..notify import enabled_channels
from .guards import _ensure_assigned, _ensure_manager, _ensure_member, _ensure_open

# --------------------------------------------------------------------------- supervision


@transaction.atomic
def reminder_send(*, user, task: Task, unit: Unit, message: str = "") -> Reminder:
    """催办: logged, put in the unit's inbox, and handed to the other enabled channels after commit."""
    _ensure_manager(user)
    _ensure_assigned(task, unit)
    _ensure_open(task)
    message = message.strip() or f"请抓紧推进“{task.title}”，按时报送工作进展。"
    reminder = Reminder.objects.create(task=task, unit=unit, message=message, sent_by=user,
                                       region_code=task.region_code)
    members = list(unit.members.filter(is_active=True))
    channels = enabled_channels()
    reminder.deliveries = [channels[0].deliver(subject="任务催办", body=message, recipients=members).as_dict()]
    reminder.save(update_fields=["deliveries"])
    if len(channels) > 1:
        transaction.on_commit(lambda: _deliver_elsewhere(reminder.pk, [c.name for c in channels[1:]]))
    TaskEvent.record(task, user, TaskEvent.Action.REMINDED, unit=unit, note=message)
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task", object_id=task.pk,
              region_code=task.region_code, summary=f"催办“{unit.name}”：{task.title[:60]}")
    return reminder


def _deliver_elsewhere(reminder_id: int, channel_names: list[str]) -> None:
    from ..notify import CHANNELS

    reminder = Reminder.objects.select_related("unit", "task").get(pk=reminder_id)
    members = list(reminder.unit.members.filter(is_active=True))
    body = f"{reminder.message}（任务：{reminder.task.title[:40]}）"
    results = [CHANNELS[name].deliver(subject="任务催办", body=body, recipients=members).as_dict()
               for name in channel_names]
    Reminder.objects.filter(pk=reminder_id).update(deliveries=[*reminder.deliveries, *results])


def reminder_mark_read(*, user, reminder: Reminder) -> Reminder:
    _ensure_member(user, reminder.unit)
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.read_by = user
        reminder.save(update_fields=["read_at", "read_by"])
    return reminder


@transaction.atomic
def task_close(*, user, task: Task, note: str) -> Task:
    """办结销号 by the county, with a note saying on what evidence."""
    _ensure_manager(user)
    _ensure_open(task)
    if not note.strip():
        raise UserFacingError("请填写销号说明（办结依据）。", field="note")
    task.status = TaskStatus.DONE
    task.closed_at = timezone.now()
    task.closed_by = user
    task.close_note = note.strip()
    task.updated_by = user
    task.save()
    TaskEvent.record(task, user, TaskEvent.Action.CLOSED, note=task.close_note)
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task", object_id=task.pk,
              region_code=task.region_code, summary=f"办结销号：{task.title[:80]}")
    return task


@transaction.atomic
def task_reopen(*, user, task: Task, note: str) -> Task:
    _ensure_manager(user)
    if task.status != TaskStatus.DONE:
        raise UserFacingError("该任务尚未销号。")
    if not note.strip():
        raise UserFacingError("请填写撤销销号的原因。", field="note")
    task.status = TaskStatus.OPEN
    task.closed_at = None
    task.closed_by = None
    task.updated_by = user
    task.save()
    TaskEvent.record(task, user, TaskEvent.Action.REOPENED, note=note.strip())
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task", object_id=task.pk,
              region_code=task.region_code, summary=f"撤销销号：{task.title[:80]}")
    return task


@transaction.atomic
def task_settings_update(*, user, amber_days: int) -> TaskSetting:
    _ensure_manager(user)
    if not 0 <= amber_days <= 90:
        raise UserFacingError("临期提醒天数应在 0 到 90 之间。", field="amber_days")
    setting = TaskSetting.objects.order_by("pk").first() or TaskSetting()
    old = setting.amber_days if setting.pk else None
    setting.amber_days = amber_days
    setting.updated_by = user
    setting.save()
    audit_log(user=user, action=AuditEvent.Action.PARAM, object_type="task_setting", object_id=setting.pk,
              summary=f"临期提醒天数 {old} → {amber_days}")
    return setting
