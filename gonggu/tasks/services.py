"""State changes of task lists and supervision: import, map units, assign, report, chase, close.

Every function is atomic and leaves a `TaskEvent` (per task) and, for county actions, an
audit entry. Set-based where rows are many: a list's tasks and their unit names are
written with bulk_create, names are mapped with one UPDATE, and report slots of a period
are generated for all tasks at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import code_in_prefix, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import EVIDENCE, stored_name, upload_save

from .concerns import concern_area, suggest_area
from .deadlines import normalize_deadline
from .models import (
    ConcernCheck,
    Evidence,
    EvidenceKind,
    ImportDraft,
    ProgressReport,
    Reminder,
    ReportSlot,
    Task,
    TaskConcern,
    TaskEvent,
    TaskList,
    TaskSetting,
    TaskStatus,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitKind,
    UnitRole,
    YearTarget,
)
from .notify import enabled_channels
from .parsing import ParsedDocument, split_units
from .periods import period_of
from .units import guess_kind, guess_region, is_townships_collective, match_units, unit_key

EVIDENCE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp", ".pdf", ".ofd", ".doc", ".docx",
                     ".wps", ".xls", ".xlsx", ".et", ".csv", ".txt", ".zip", ".rar", ".7z")
MAX_TITLE = 500


# --------------------------------------------------------------------------- guards


def _ensure_manager(user) -> None:
    if not user.has_perm_code(Perm.MANAGE_TASKS):
        raise UserFacingError("只有县级任务管理人员可以进行此操作。")


def _ensure_member(user, unit: Unit) -> None:
    """The user acts for the unit: a member of it, and the unit lies in the user's region."""
    if not user.has_perm_code(Perm.REPORT_TASKS):
        raise UserFacingError("当前角色不能填报任务进展。")
    if not code_in_prefix(unit.region_code, user.scope_prefix) or not unit.members.filter(pk=user.pk).exists():
        raise UserFacingError(f"您不是“{unit.name}”的经办人员，不能代其填报。")


def _ensure_assigned(task: Task, unit: Unit) -> None:
    if not task.assignments.filter(unit=unit).exists():
        raise UserFacingError(f"“{unit.name}”不是该任务的牵头或责任单位。")


def _ensure_open(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        raise UserFacingError("该任务已办结销号。")


def _event(task: Task, kind: str, user=None, *, unit: Unit | None = None, note: str = "") -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, actor=user, unit=unit, note=note[:2000])


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
        [TaskEvent(task=t, kind=TaskEvent.Kind.IMPORTED, actor=user, note=f"从“{task_list.document}”导入")
         for t in tasks], batch_size=1000)
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


# --------------------------------------------------------------------------- units directory


def _map_names(keys: Iterable[str], *, prefix: str | None, task_list: TaskList | None = None) -> int:
    """Map the unmapped names with these keys to the unit each names (one UPDATE); returns rows mapped."""
    matched = match_units(set(keys), prefix)
    if not matched:
        return 0
    rows = TaskUnit.objects.filter(unit__isnull=True, key__in=list(matched))
    rows = rows.filter(task__task_list=task_list) if task_list is not None else rows.filter(
        task__in=Task.objects.filter(in_scope_q("region_code", prefix)))
    return rows.update(unit_id=Case(*[When(key=k, then=Value(v)) for k, v in matched.items()]))


def _check_members(unit_region_code: str, members: Iterable) -> list:
    members = list(members)
    for member in members:
        if not (member.has_perm_code(Perm.REPORT_TASKS) or member.has_perm_code(Perm.MANAGE_TASKS)):
            raise UserFacingError(f"用户“{member}”的角色（{member.display_role}）不能填报任务进展，不能作为经办人员。")
        if not code_in_prefix(unit_region_code, member.scope_prefix):
            raise UserFacingError(f"用户“{member}”所属区划不包含该单位，不能作为其经办人员。")
    return members


def _check_region(user, region) -> None:
    if not code_in_prefix(region.code, user.scope_prefix):
        raise UserFacingError("所选区划不在您的管辖范围内。", field="region")


def _check_key_free(key: str, region_code: str, *, except_unit: Unit | None = None) -> None:
    clash = Unit.objects.filter(region_code=region_code, key=key)
    alias = UnitAlias.objects.filter(region_code=region_code, key=key)
    if except_unit is not None:
        clash = clash.exclude(pk=except_unit.pk)
        alias = alias.exclude(unit=except_unit)
    other = clash.first() or (alias.select_related("unit").first() or None)
    if other is not None:
        owner = other if isinstance(other, Unit) else other.unit
        raise UserFacingError(f"名称“{key}”已被单位“{owner.name}”使用。", field="name")


@transaction.atomic
def unit_create(*, user, name: str, kind: str, region, aliases: Sequence[str] = (), members: Iterable = ()) -> Unit:
    _ensure_manager(user)
    _check_region(user, region)
    name = " ".join(name.split())
    key = unit_key(name)
    if not key:
        raise UserFacingError("请填写单位名称。", field="name")
    if kind not in UnitKind.values:
        raise UserFacingError("请选择单位类别。", field="kind")
    _check_key_free(key, region.code)
    unit = Unit.objects.create(name=name[:100], key=key[:100], kind=kind, region=region, region_code=region.code,
                               created_by=user, updated_by=user)
    _set_aliases(unit, aliases)
    unit.members.set(_check_members(region.code, members))
    _map_names([key, *(unit_key(a) for a in aliases)], prefix=_directory_prefix(user, region))
    audit_log(user=user, action=AuditEvent.Action.CREATE, object_type="task_unit", object_id=unit.pk,
              region_code=region.code, summary=f"新增责任单位“{unit.name}”")
    return unit


def _directory_prefix(user, region) -> str | None:
    """Where a new unit's names are looked for: the user's whole region (the county's lists)."""
    return user.scope_prefix if user.scope_prefix is not None else region.prefix


def _set_aliases(unit: Unit, aliases: Sequence[str]) -> None:
    wanted: dict[str, str] = {}
    for alias in aliases:
        alias = " ".join((alias or "").split())
        key = unit_key(alias)
        if key and key != unit.key:
            wanted.setdefault(key, alias)
    for key in wanted:
        _check_key_free(key, unit.region_code, except_unit=unit)
    unit.aliases.exclude(key__in=list(wanted)).delete()
    existing = set(unit.aliases.values_list("key", flat=True))
    UnitAlias.objects.bulk_create([UnitAlias(unit=unit, name=name[:100], key=key[:100], region_code=unit.region_code)
                                   for key, name in wanted.items() if key not in existing])


@transaction.atomic
def unit_update(*, user, unit: Unit, name: str, kind: str, is_active: bool, aliases: Sequence[str],
                members: Iterable) -> Unit:
    _ensure_manager(user)
    name = " ".join(name.split())
    key = unit_key(name)
    if not key:
        raise UserFacingError("请填写单位名称。", field="name")
    if kind not in UnitKind.values:
        raise UserFacingError("请选择单位类别。", field="kind")
    _check_key_free(key, unit.region_code, except_unit=unit)
    unit.name, unit.key, unit.kind, unit.is_active, unit.updated_by = name[:100], key[:100], kind, is_active, user
    unit.save()
    _set_aliases(unit, aliases)
    unit.members.set(_check_members(unit.region_code, members))
    _map_names([key, *unit.aliases.values_list("key", flat=True)], prefix=_directory_prefix(user, unit.region))
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task_unit", object_id=unit.pk,
              region_code=unit.region_code, summary=f"修改责任单位“{unit.name}”")
    return unit


@transaction.atomic
def unit_name_confirm(*, user, task_list: TaskList, name: str, action: str, unit: Unit | None = None,
                      kind: str = UnitKind.DEPARTMENT, region=None) -> Unit:
    """Settle a name nobody recognised: a new unit of that name, or an alias of an existing unit."""
    _ensure_manager(user)
    key = unit_key(name)
    if not TaskUnit.objects.filter(task__task_list=task_list, key=key).exists():
        raise UserFacingError(f"清单中没有单位名称“{name}”。")
    if action == "create":
        target = unit_create(user=user, name=name, kind=kind, region=region or task_list.region)
    elif action == "alias":
        if unit is None:
            raise UserFacingError(f"请为“{name}”选择对应的已有单位。", field="unit")
        if not code_in_prefix(unit.region_code, user.scope_prefix):
            raise UserFacingError("所选单位不在您的管辖范围内。", field="unit")
        if key != unit.key:
            _check_key_free(key, unit.region_code, except_unit=unit)
            UnitAlias.objects.get_or_create(unit=unit, key=key[:100],
                                            defaults={"name": name[:100], "region_code": unit.region_code})
        # This name now means this unit, also where it was ambiguous before.
        TaskUnit.objects.filter(task__task_list=task_list, key=key, unit__isnull=True).update(unit=unit)
        _map_names([key], prefix=_directory_prefix(user, unit.region))
        target = unit
    else:
        raise UserFacingError("请选择“新建单位”或“作为已有单位的别名”。", field="action")
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task_list", object_id=task_list.pk,
              region_code=task_list.region_code, summary=f"确认单位名称“{name}”→“{target.name}”")
    report_slots_generate(on=timezone.localdate(), task_list=task_list)
    return target


@transaction.atomic
def unit_names_create_all(*, user, task_list: TaskList) -> int:
    """Make a unit of every name of the list the directory does not know (kind guessed from the
    name, township units in their township); names that are ambiguous stay for a person."""
    _ensure_manager(user)
    first_names = dict(TaskUnit.objects.filter(task__task_list=task_list, unit__isnull=True)
                       .order_by("-key", "-task__seq").values_list("key", "name"))
    children = list(task_list.region.children.all())
    candidates = {}
    for key, name in first_names.items():
        kind = guess_kind(name)
        region = guess_region(task_list.region, name, kind, children)
        candidates[key] = Unit(name=name[:100], key=key[:100], kind=kind, region=region, region_code=region.code,
                               created_by=user, updated_by=user)
    scope = _directory_prefix(user, task_list.region)
    taken = set(Unit.objects.filter(in_scope_q("region_code", scope), key__in=list(candidates))
                .values_list("key", flat=True))
    taken |= set(UnitAlias.objects.filter(in_scope_q("region_code", scope), key__in=list(candidates))
                 .values_list("key", flat=True))
    new = [unit for key, unit in candidates.items() if key not in taken]
    Unit.objects.bulk_create(new, batch_size=500)
    _map_names([u.key for u in new], prefix=scope)
    audit_log(user=user, action=AuditEvent.Action.CREATE, object_type="task_unit", object_id=task_list.pk,
              region_code=task_list.region_code, summary=f"按清单“{task_list.title}”新建单位 {len(new)} 个",
              detail={"units": [u.name for u in new]})
    report_slots_generate(on=timezone.localdate(), task_list=task_list)
    return len(new)


@transaction.atomic
def task_assign(*, user, task: Task, unit: Unit, role: str) -> TaskUnit:
    _ensure_manager(user)
    if role not in UnitRole.values:
        raise UserFacingError("请选择牵头单位或责任单位。", field="role")
    if not code_in_prefix(unit.region_code, user.scope_prefix):
        raise UserFacingError("所选单位不在您的管辖范围内。", field="unit")
    link = TaskUnit.objects.filter(task=task, role=role, key=unit.key).first()
    if link is not None and link.unit_id == unit.pk:
        raise UserFacingError(f"“{unit.name}”已是该任务的{UnitRole(role).label}。")
    if link is None:
        position = task.assignments.filter(role=role).count()
        link = TaskUnit.objects.create(task=task, role=role, name=unit.name, key=unit.key, unit=unit,
                                       position=position)
    else:
        link.unit = unit
        link.save(update_fields=["unit"])
    _event(task, TaskEvent.Kind.ASSIGNED, user, unit=unit, note=f"{UnitRole(role).label}：{unit.name}")
    report_slots_generate(on=timezone.localdate(), tasks=Task.objects.filter(pk=task.pk))
    return link


@transaction.atomic
def task_townships_expand(*, user, task_list: TaskList, name: str) -> int:
    """Assign every township unit of the list's county where a task names the townships collectively (各乡镇).

    The collective name stays on the task as written; each task gets the county's active township units in
    the same role, after the units it names itself. Returns the number of assignments added.
    """
    _ensure_manager(user)
    if not is_townships_collective(name):
        raise UserFacingError(f"“{name}”不是对各乡镇的统称，不能展开。")
    townships = list(Unit.objects.filter(in_scope_q("region_code", task_list.region.prefix), kind=UnitKind.TOWNSHIP,
                                         is_active=True).order_by("region_code", "name"))
    if not townships:
        raise UserFacingError("单位名录中还没有本县的乡镇单位：请先在单位名录中建立各乡镇，再展开。")
    links = list(TaskUnit.objects.filter(task__task_list=task_list, key=unit_key(name)).select_related("task"))
    if not links:
        raise UserFacingError(f"清单中没有写“{name}”的任务。")
    existing = set(TaskUnit.objects.filter(task__task_list=task_list).values_list("task_id", "role", "key"))
    positions: dict[tuple[int, str], int] = {}
    for task_id, role in TaskUnit.objects.filter(task__task_list=task_list).values_list("task_id", "role"):
        positions[(task_id, role)] = positions.get((task_id, role), 0) + 1
    new: list[TaskUnit] = []
    for link in links:
        for unit in townships:
            if (link.task_id, link.role, unit.key) in existing:
                continue
            existing.add((link.task_id, link.role, unit.key))
            position = positions.get((link.task_id, link.role), 0)
            positions[(link.task_id, link.role)] = position + 1
            new.append(TaskUnit(task=link.task, role=link.role, name=unit.name, key=unit.key, unit=unit,
                                position=position))
    TaskUnit.objects.bulk_create(new, batch_size=500)
    for link in links:
        added = [u.name for u in new if u.task_id == link.task_id and u.role == link.role]
        if added:
            _event(link.task, TaskEvent.Kind.ASSIGNED, user,
                   note=f"{link.get_role_display()}“{link.name}”展开为：{'、'.join(added)}")
    report_slots_generate(on=timezone.localdate(), tasks=Task.objects.filter(pk__in={link.task_id for link in links}))
    return len(new)


@transaction.atomic
def task_unit_remove(*, user, task: Task, link: TaskUnit) -> None:
    _ensure_manager(user)
    if link.task_id != task.pk:
        raise UserFacingError("该单位不属于此任务。")
    if link.unit_id:
        ReportSlot.objects.filter(task=task, unit_id=link.unit_id, submitted_at__isnull=True).exclude(
            unit_id__in=task.assignments.exclude(pk=link.pk).filter(unit__isnull=False).values("unit_id")).delete()
    _event(task, TaskEvent.Kind.ASSIGNED, user, unit=link.unit, note=f"移除{link.get_role_display()}：{link.name}")
    link.delete()


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
    _event(task, TaskEvent.Kind.DEADLINE, user, note=f"确定时限：{label}" + (f"（{note}）" if note else ""))
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
    _event(task, TaskEvent.Kind.TARGET, user, unit=unit, note=f"{year}年度：{item.target[:100]}")
    return item


@transaction.atomic
def target_delete(*, user, target: YearTarget) -> None:
    _ensure_member(user, target.unit)
    _event(target.task, TaskEvent.Kind.TARGET, user, unit=target.unit, note=f"删除{target.year}年度目标")
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
    _event(task, TaskEvent.Kind.REPORTED, user, unit=unit, note=("申请办结。" if claims_done else "") + note)
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
        _event(task, TaskEvent.Kind.CONCERNS, user, note=f"关联“{area['key']}”关注问题 {added} 条")
    return added


@transaction.atomic
def concerns_detach(*, user, task: Task, area_key: str) -> None:
    _ensure_manager(user)
    task.concerns.filter(area=area_key).delete()
    _event(task, TaskEvent.Kind.CONCERNS, user, note=f"取消关联“{area_key}”关注问题")


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
    _event(concern.task, TaskEvent.Kind.CHECKED, user, unit=unit,
           note=("已自查：" if checked else "取消自查：") + concern.text[:80])
    return check


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
    _event(task, TaskEvent.Kind.REMINDED, user, unit=unit, note=message)
    audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="task", object_id=task.pk,
              region_code=task.region_code, summary=f"催办“{unit.name}”：{task.title[:60]}")
    return reminder


def _deliver_elsewhere(reminder_id: int, channel_names: list[str]) -> None:
    from .notify import CHANNELS

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
    _event(task, TaskEvent.Kind.CLOSED, user, note=task.close_note)
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
    _event(task, TaskEvent.Kind.REOPENED, user, note=note.strip())
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
