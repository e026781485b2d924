"""Task lists: created from a parsed document (directly or through an import preview the user corrects), edited
and deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent

from ..deadlines import normalize_deadline
from ..models import (
    ImportDraft,
    Task,
    TaskEvent,
    TaskList,
    TaskUnit,
    UnitRole,
)
from ..parsing import ParsedDocument, split_units
from ..units import unit_key
from .directory import _map_names
from .guards import MAX_TITLE, _ensure_manager
from .schedule import report_slots_generate

# --------------------------------------------------------------------------- import


def _row_from_parsed(task) -> dict:
    row = task.as_dict()
    row["deadline_unparsed"] = bool(task.deadline_unparsed)
    row["excluded"] = False
    return row


def rows_from_parsed(parsed: ParsedDocument) -> list[dict]:
    return [_row_from_parsed(t) for t in parsed.tasks]


def _deadline_fields(row: dict, year: int | None) -> dict:
    """The stored deadline of a (possibly corrected) row: a date a person typed wins over the text."""
    text = (row.get("deadline_text") or "").strip()
    deadline = normalize_deadline(text, year)
    fields = {
        "deadline_text": text[:500],
        "due_date": deadline.due_date if deadline else None,
        "recurrence": deadline.recurrence if deadline else None,
        "continuous": bool(deadline and deadline.continuous),
        "milestones": [d.isoformat() for d in deadline.milestones] if deadline else [],
        "deadline_unparsed": bool(deadline and deadline.unparsed),
    }
    if row.get("due_override"):
        fields["due_date"] = dt.date.fromisoformat(row["due_override"])
        fields["deadline_unparsed"] = False
    return fields


@transaction.atomic
def task_list_create(
    *,
    user,
    region,
    title: str,
    document: str,
    rows: Sequence[dict],
    year: int | None = None,
    shape: str = "",
    source_path: str = "",
    source_sha256: str = "",
    report_recurrence: dict | None = None,
    report_text: str = "",
    asks_breakdown: bool = False,
    warnings: Sequence[str] = (),
) -> TaskList:
    """Save a task list with its tasks and their unit names; names the directory knows are mapped."""
    rows = [r for r in rows if not r.get("excluded")]
    if not rows:
        raise UserFacingError("没有可保存的任务：文件中未识别到任务，或所有任务都已被排除。")
    task_list = TaskList.objects.create(
        title=(title or document or "任务清单")[:200], document=document[:200], year=year, shape=shape,
        region=region, region_code=region.code, source_path=source_path, source_sha256=source_sha256,
        report_recurrence=report_recurrence or None, report_text=report_text[:500], asks_breakdown=asks_breakdown,
        warnings=list(warnings), created_by=user, updated_by=user,
    )
    tasks = []
    for seq, row in enumerate(rows, start=1):
        content = (row.get("content") or "").strip()
        tasks.append(Task(
            task_list=task_list, seq=seq, no=(row.get("no") or "")[:20], path=list(row.get("path") or []),
            title=((row.get("title") or "").strip() or content[:40] or "（无标题）")[:MAX_TITLE], content=content,
            evaluation_method=(row.get("evaluation_method") or "").strip(),
            key_concern="重点关注" in content, region_code=region.code, created_by=user, updated_by=user,
            **_deadline_fields(row, year),
        ))
    tasks = Task.objects.bulk_create(tasks, batch_size=500)
    links = []
    for task, row in zip(tasks, rows, strict=True):
        for role, names in ((UnitRole.LEAD, row.get("lead_units")), (UnitRole.RESPONSIBLE, row.get("responsible_units"))):
            seen: set[str] = set()
            for position, name in enumerate(names or []):
                key = unit_key(name)
                if key and key not in seen:
                    seen.add(key)
                    links.append(TaskUnit(task=task, role=role, name=name.strip()[:100], key=key[:100],
                                          position=position))
    TaskUnit.objects.bulk_create(links, batch_size=1000)
    TaskEvent.objects.bulk_create(
        [TaskEvent.build(t, user, TaskEvent.Action.IMPORTED, f"从“{task_list.document}”导入") for t in tasks],
        batch_size=1000)
    mapped = _map_names({link.key for link in links}, prefix=region.prefix, task_list=task_list)
    report_slots_generate(on=timezone.localdate(), task_list=task_list)
    audit_log(user=user, action=AuditEvent.Action.IMPORT, object_type="task_list", object_id=task_list.pk,
              region_code=region.code, summary=f"导入任务清单“{task_list.title}”：{len(tasks)} 项任务",
              detail={"document": document, "tasks": len(tasks), "unit_names": len(links), "mapped": mapped})
    return task_list


def task_list_import(*, user, region, parsed: ParsedDocument, source_path: str = "", source_sha256: str = "") -> TaskList:
    """Save a parsed document as it is (the command line; the web goes through a corrected preview)."""
    return task_list_create(
        user=user, region=region, title=parsed.title, document=parsed.document, rows=rows_from_parsed(parsed),
        year=parsed.year, shape=parsed.shape, source_path=source_path, source_sha256=source_sha256,
        report_recurrence=parsed.report_recurrence, report_text=parsed.report_text,
        asks_breakdown=parsed.asks_breakdown, warnings=parsed.warnings,
    )


@transaction.atomic
def task_list_update(*, user, task_list: TaskList, title: str, report_recurrence: dict | None,
                     asks_breakdown: bool) -> TaskList:
    _ensure_manager(user)
    if not title.strip():
        raise UserFacingError("请填写清单名称。", field="title")
    task_list.title = title.strip()[:200]
    task_list.report_recurrence = report_recurrence or None
    task_list.asks_breakdown = asks_breakdown
    task_list.updated_by = user
    task_list.save()
    report_slots_generate(on=timezone.localdate(), task_list=task_list)
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task_list", object_id=task_list.pk,
              region_code=task_list.region_code, summary=f"修改任务清单“{task_list.title}”的设置")
    return task_list


@transaction.atomic
def task_list_delete(*, user, task_list: TaskList) -> None:
    _ensure_manager(user)
    audit_log(user=user, action=AuditEvent.Action.DELETE, object_type="task_list", object_id=task_list.pk,
              region_code=task_list.region_code, summary=f"删除任务清单“{task_list.title}”")
    task_list.delete()


# --------------------------------------------------------------------------- import preview


@transaction.atomic
def draft_create(*, user, region, parsed: ParsedDocument, source_path: str = "", source_sha256: str = "") -> ImportDraft:
    _ensure_manager(user)
    return ImportDraft.objects.create(
        region=region, region_code=region.code, document=parsed.document[:200], title=parsed.title[:200],
        year=parsed.year, shape=parsed.shape, source_path=source_path, source_sha256=source_sha256,
        rows=rows_from_parsed(parsed), warnings=list(parsed.warnings), report_recurrence=parsed.report_recurrence,
        report_text=parsed.report_text[:500], asks_breakdown=parsed.asks_breakdown,
        created_by=user, updated_by=user,
    )


def _open_draft(draft: ImportDraft) -> None:
    if draft.status != ImportDraft.Status.OPEN:
        raise UserFacingError("该导入预览已保存或已放弃，请重新上传文件。")


def _row_index(draft: ImportDraft, index: int) -> int:
    if not 0 <= index < len(draft.rows):
        raise UserFacingError(f"预览中没有第 {index + 1} 行。")
    return index


@transaction.atomic
def draft_row_update(*, user, draft: ImportDraft, index: int, title: str, lead: str, responsible: str,
                     deadline_text: str, due_date: dt.date | None = None, no: str | None = None) -> dict:
    """Correct one row of the preview; the deadline is read again from the corrected text."""
    _ensure_manager(user)
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    _open_draft(draft)
    index = _row_index(draft, index)
    if not title.strip():
        raise UserFacingError("任务名称不能为空。", field="title")
    row = dict(draft.rows[index])
    row["title"] = title.strip()[:MAX_TITLE]
    if no is not None:
        row["no"] = no.strip()[:20] or None
    row["lead_units"] = split_units(lead)
    row["responsible_units"] = split_units(responsible)
    row["deadline_text"] = deadline_text.strip() or None
    row["due_override"] = due_date.isoformat() if due_date else None
    fields = _deadline_fields(row, draft.year)
    row["due_date"] = fields["due_date"].isoformat() if fields["due_date"] else None
    row["recurrence"] = fields["recurrence"]
    row["deadline_unparsed"] = fields["deadline_unparsed"]
    row["edited"] = True
    rows = list(draft.rows)
    rows[index] = row
    draft.rows = rows
    draft.updated_by = user
    draft.save(update_fields=["rows", "updated_by", "updated_at"])
    return row


@transaction.atomic
def draft_row_exclude(*, user, draft: ImportDraft, index: int, excluded: bool) -> dict:
    _ensure_manager(user)
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    _open_draft(draft)
    index = _row_index(draft, index)
    rows = list(draft.rows)
    rows[index] = {**rows[index], "excluded": excluded}
    draft.rows = rows
    draft.save(update_fields=["rows", "updated_at"])
    return rows[index]


@transaction.atomic
def draft_save(*, user, draft: ImportDraft, title: str | None = None) -> TaskList:
    _ensure_manager(user)
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    _open_draft(draft)
    task_list = task_list_create(
        user=user, region=draft.region, title=(title or "").strip() or draft.title, document=draft.document,
        rows=draft.rows, year=draft.year, shape=draft.shape, source_path=draft.source_path,
        source_sha256=draft.source_sha256, report_recurrence=draft.report_recurrence, report_text=draft.report_text,
        asks_breakdown=draft.asks_breakdown, warnings=draft.warnings,
    )
    draft.status = ImportDraft.Status.SAVED
    draft.task_list = task_list
    draft.updated_by = user
    draft.save(update_fields=["status", "task_list", "updated_by", "updated_at"])
    return task_list


def draft_discard(*, user, draft: ImportDraft) -> None:
    _ensure_manager(user)
    _open_draft(draft)
    draft.status = ImportDraft.Status.DISCARDED
    draft.save(update_fields=["status", "updated_at"])
