"""What a unit does on its task: yearly breakdown, progress reports with evidence, the concerns self-check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import EVIDENCE, stored_name, upload_save

from ..concerns import concern_area, suggest_area
from ..models import (
    ConcernCheck,
    Evidence,
    EvidenceKind,
    ProgressReport,
    ReportSlot,
    Task,
    TaskConcern,
    TaskEvent,
    TaskList,
    Unit,
    YearTarget,
)
from .guards import EVIDENCE_SUFFIXES, _ensure_assigned, _ensure_manager, _ensure_member, _ensure_open

# --------------------------------------------------------------------------- unit work: breakdown, reports, self-check


@transaction.atomic
def target_add(*, user, task: Task, unit: Unit, year: int, target: str, measures: str = "",
               time_node: dt.date | None = None, leader: str = "", person: str = "") -> YearTarget:
    _ensure_member(user, unit)
    _ensure_assigned(task, unit)
    _ensure_open(task)
    if not target.strip():
        raise UserFacingError("请填写年度目标成效。", field="target")
    if not 2000 <= int(year) <= 2100:
        raise UserFacingError("年度不正确。", field="year")
    item = YearTarget.objects.create(task=task, unit=unit, year=year, target=target.strip(), measures=measures.strip(),
                                     time_node=time_node, leader=leader.strip()[:50], person=person.strip()[:50],
                                     created_by=user, updated_by=user)
    TaskEvent.record(task, user, TaskEvent.Action.TARGET, unit=unit, note=f"{year}年度：{item.target[:100]}")
    return item


@transaction.atomic
def target_delete(*, user, target: YearTarget) -> None:
    _ensure_member(user, target.unit)
    TaskEvent.record(target.task, user, TaskEvent.Action.TARGET, unit=target.unit, note=f"删除{target.year}年度目标")
    target.delete()


def _check_files(files: Sequence[tuple[object, str]]) -> None:
    for uploaded, kind in files:
        name = getattr(uploaded, "name", "") or ""
        if Path(name).suffix.lower() not in EVIDENCE_SUFFIXES:
            raise UserFacingError(
                f"佐证材料“{name}”的格式不能上传：请上传照片（jpg、png）、PDF、Word、Excel、WPS 或压缩包。", field="files")
        if kind not in EvidenceKind.values:
            raise UserFacingError(f"佐证材料“{name}”的类别不正确。", field="files")


@transaction.atomic
def report_submit(*, user, task: Task, unit: Unit, progress: str, problems: str = "", next_steps: str = "",
                  percent: int | None = None, claims_done: bool = False,
                  files: Sequence[tuple[object, str]] = ()) -> ProgressReport:
    """File a progress report; it answers the unit's oldest open report slot of the task that has begun."""
    _ensure_member(user, unit)
    _ensure_assigned(task, unit)
    _ensure_open(task)
    if not progress.strip():
        raise UserFacingError("请填写工作进展。", field="progress")
    if percent is not None and not 0 <= percent <= 100:
        raise UserFacingError("完成进度应在 0 到 100 之间。", field="percent")
    _check_files(files)
    now = timezone.now()
    slot = (ReportSlot.objects.select_for_update()
            .filter(task=task, unit=unit, submitted_at__isnull=True, period_start__lte=timezone.localdate())
            .order_by("due_date").first())
    report = ProgressReport.objects.create(
        task=task, unit=unit, slot=slot, progress=progress.strip(), problems=problems.strip(),
        next_steps=next_steps.strip(), percent=percent, claims_done=claims_done, region_code=task.region_code,
        created_by=user, updated_by=user,
    )
    if slot is not None:
        slot.submitted_at = now
        slot.save(update_fields=["submitted_at"])
    evidence = []
    for uploaded, kind in files:
        path, sha = upload_save(uploaded, kind="tasks", accept=EVIDENCE)
        evidence.append(Evidence(report=report, kind=kind, original_name=Path(uploaded.name).name[:200],
                                 path=stored_name(path), sha256=sha, size=uploaded.size))
    Evidence.objects.bulk_create(evidence)
    note = progress.strip()[:200] + (f"（{slot.period_key} 期）" if slot else "")
    TaskEvent.record(task, user, TaskEvent.Action.REPORTED, unit=unit, note=("申请办结。" if claims_done else "") + note)
    return report


@transaction.atomic
def concerns_attach(*, user, task: Task, area_key: str) -> int:
    _ensure_manager(user)
    area = concern_area(area_key)
    before = task.concerns.count()
    TaskConcern.objects.bulk_create(
        [TaskConcern(task=task, area=area["key"], text=text, position=i) for i, text in enumerate(area["items"], 1)],
        ignore_conflicts=True)
    added = task.concerns.count() - before
    if added:
        TaskEvent.record(task, user, TaskEvent.Action.CONCERNS, note=f"关联“{area['key']}”关注问题 {added} 条")
    return added


@transaction.atomic
def concerns_detach(*, user, task: Task, area_key: str) -> None:
    _ensure_manager(user)
    task.concerns.filter(area=area_key).delete()
    TaskEvent.record(task, user, TaskEvent.Action.CONCERNS, note=f"取消关联“{area_key}”关注问题")


@transaction.atomic
def concerns_autoattach(*, user, task_list: TaskList) -> int:
    """Attach to each task of a list the concern area its headings name (only clear matches)."""
    _ensure_manager(user)
    rows = []
    for task in task_list.tasks.all().only("pk", "path", "title"):
        area = suggest_area(task.path, task.title)
        if area is not None:
            rows.extend(TaskConcern(task=task, area=area["key"], text=text, position=i)
                        for i, text in enumerate(area["items"], 1))
    before = TaskConcern.objects.filter(task__task_list=task_list).count()
    TaskConcern.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    added = TaskConcern.objects.filter(task__task_list=task_list).count() - before
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task_list", object_id=task_list.pk,
              region_code=task_list.region_code, summary=f"按领域关联关注问题 {added} 条")
    return added


@transaction.atomic
def concern_check(*, user, concern: TaskConcern, unit: Unit, checked: bool, note: str = "") -> ConcernCheck:
    _ensure_member(user, unit)
    _ensure_assigned(concern.task, unit)
    check, _created = ConcernCheck.objects.update_or_create(
        concern=concern, unit=unit,
        defaults={"checked": checked, "note": note.strip()[:500], "checked_at": timezone.now(), "checked_by": user})
    TaskEvent.record(concern.task, user, TaskEvent.Action.CHECKED, unit=unit,
                     note=("已自查：" if checked else "取消自查：") + concern.text[:80])
    return check
