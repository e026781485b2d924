"""The units directory: units and their aliases, unit names of a list mapped to units, units assigned to tasks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import code_in_prefix, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent

from ..models import (
    ReportSlot,
    Task,
    TaskEvent,
    TaskList,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitKind,
    UnitRole,
)
from ..units import guess_kind, guess_region, is_townships_collective, match_units, unit_key
from .guards import _ensure_manager
from .schedule import report_slots_generate

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
    TaskEvent.record(task, user, TaskEvent.Action.ASSIGNED, unit=unit, note=f"{UnitRole(role).label}：{unit.name}")
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
            TaskEvent.record(link.task, user, TaskEvent.Action.ASSIGNED,
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
    TaskEvent.record(task, user, TaskEvent.Action.ASSIGNED, f"移除{link.get_role_display()}：{link.name}",
                     unit=link.unit)
    link.delete()
