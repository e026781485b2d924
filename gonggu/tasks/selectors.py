"""Reads of task lists, tasks, units and the supervision board — each scoped to the user.

County task managers (Perm.MANAGE_TASKS) see everything of their region; a unit's staff
see the tasks of the units they act for (units inside their region). Anything else is
not found, exactly like a missing row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonggu.core.access import Perm, get_in_scope
from gonggu.core.codes import in_scope_q
from gonggu.core.errors import NotFoundInScope

from .models import (
    ImportDraft,
    ProgressReport,
    Reminder,
    ReportSlot,
    Task,
    TaskList,
    TaskSetting,
    TaskStatus,
    TaskUnit,
    Unit,
    UnitRole,
)

LIGHTS = {"green": "正常推进", "amber": "临期", "red": "逾期", "grey": "已办结"}
LIGHT_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}


def is_manager(user) -> bool:
    return user.has_perm_code(Perm.MANAGE_TASKS)


def can_read_board(user) -> bool:
    """Managers, and leaders who read the region's supervision (督办) without acting on it."""
    return is_manager(user) or user.has_perm_code(Perm.VIEW_TASKS)


# --------------------------------------------------------------------------- units


def units_of_user(user) -> QuerySet[Unit]:
    """The units the user acts for (member of, and inside the user's region)."""
    if not user.is_authenticated or not user.has_perm_code(Perm.REPORT_TASKS):
        return Unit.objects.none()
    return Unit.objects.filter(in_scope_q("region_code", user.scope_prefix), members=user, is_active=True)


def units_for_user(user) -> QuerySet[Unit]:
    """The units directory of a manager's region."""
    if not is_manager(user):
        return Unit.objects.none()
    return Unit.objects.filter(in_scope_q("region_code", user.scope_prefix))


def unit_get_for_user(user, pk: int) -> Unit:
    return get_in_scope(units_for_user(user).select_related("region"), user, pk, what="单位", field=None)


def unit_directory(user, *, kind: str = "", q: str = "") -> QuerySet[Unit]:
    units = units_for_user(user).select_related("region").prefetch_related("aliases", "members")
    if kind:
        units = units.filter(kind=kind)
    if q:
        units = units.filter(Q(name__contains=q) | Q(aliases__name__contains=q)).distinct()
    return units.annotate(n_tasks=Count("assignments__task", distinct=True)).order_by("kind", "region_code", "name")


# --------------------------------------------------------------------------- lists and tasks


def task_lists_for_user(user) -> QuerySet[TaskList]:
    if not is_manager(user):
        return TaskList.objects.none()
    return TaskList.objects.filter(in_scope_q("region_code", user.scope_prefix))


def task_list_get_for_user(user, pk: int) -> TaskList:
    return get_in_scope(task_lists_for_user(user).select_related("region"), user, pk, what="任务清单", field=None)


def task_list_overview(user) -> QuerySet[TaskList]:
    return task_lists_for_user(user).annotate(
        n_tasks=Count("tasks", distinct=True),
        n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE), distinct=True),
        n_unparsed=Count("tasks", filter=Q(tasks__deadline_unparsed=True), distinct=True),
        n_unmapped=Count("tasks__assignments", filter=Q(tasks__assignments__unit__isnull=True), distinct=True),
    ).order_by("-created_at", "-id")


def tasks_for_user(user) -> QuerySet[Task]:
    """Managers and leaders: every task of their region; others: tasks of the units they act for."""
    via_units = Q(pk__in=TaskUnit.objects.filter(unit__in=units_of_user(user)).values("task_id"))
    if can_read_board(user):
        return Task.objects.filter(in_scope_q("region_code", user.scope_prefix) | via_units)
    return Task.objects.filter(via_units)


def task_get_for_user(user, pk: int) -> Task:
    return get_in_scope(tasks_for_user(user).select_related("task_list", "closed_by"), user, pk, what="任务",
                        field=None)


def draft_get_for_user(user, pk: int) -> ImportDraft:
    return get_in_scope(ImportDraft.objects.all() if is_manager(user) else ImportDraft.objects.none(), user, pk,
                        what="导入预览")


def open_drafts_for_user(user) -> QuerySet[ImportDraft]:
    if not is_manager(user):
        return ImportDraft.objects.none()
    return ImportDraft.objects.filter(in_scope_q("region_code", user.scope_prefix),
                                      status=ImportDraft.Status.OPEN).order_by("-created_at")


def unmapped_names(task_list: TaskList) -> list[dict]:
    """Names on the list's tasks not yet mapped to a unit, most used first."""
    rows = (TaskUnit.objects.filter(task__task_list=task_list, unit__isnull=True)
            .values("key").annotate(n=Count("id"), n_lead=Count("id", filter=Q(role=UnitRole.LEAD)))
            .order_by("-n", "key"))
    names = dict(TaskUnit.objects.filter(task__task_list=task_list, unit__isnull=True)
                 .order_by("key", "task__seq").values_list("key", "name"))
    return [{"key": r["key"], "name": names.get(r["key"], r["key"]), "count": r["n"], "lead": r["n_lead"]} for r in rows]


def mapped_names(task_list: TaskList) -> list[dict]:
    rows = (TaskUnit.objects.filter(task__task_list=task_list, unit__isnull=False)
            .values("name", "unit_id", "unit__name").annotate(n=Count("id")).order_by("unit__name", "name"))
    return list(rows)


# --------------------------------------------------------------------------- traffic lights


def amber_days() -> int:
    return TaskSetting.current().amber_days


def _light(deadline_expr, *, today: dt.date, days: int, done: Q) -> Case:
    return Case(
        When(done, then=Value("grey")),
        When(**{f"{deadline_expr}__lt": today}, then=Value("red")),
        When(**{f"{deadline_expr}__lte": today + dt.timedelta(days=days)}, then=Value("amber")),
        default=Value("green"),
        output_field=CharField(),
    )


def _next_deadline(qs, *, task_ref: str, due_field: str, slot_filter: Q, today: dt.date, days: int, done: Q):
    """Annotate `next_slot` (earliest open report slot), `deadline` (that or the task's due date,
    whichever is first) and `light`."""
    next_slot = (ReportSlot.objects.filter(slot_filter, task=OuterRef(task_ref), submitted_at__isnull=True)
                 .order_by("due_date").values("due_date")[:1])
    return qs.annotate(next_slot=Subquery(next_slot)).annotate(
        deadline=Case(
            When(**{f"{due_field}__lt": F("next_slot")}, then=F(due_field)),
            default=Coalesce(F("next_slot"), F(due_field)),
        ),
    ).annotate(
        light=_light("deadline", today=today, days=days, done=done),
        # Which of the two dates the light follows, said beside it: a report due date or the completion date.
        deadline_kind=Case(
            When(Q(next_slot__isnull=False) & (Q(**{f"{due_field}__isnull": True})
                                               | Q(**{f"{due_field}__gte": F("next_slot")})), then=Value("报送期限")),
            When(**{f"{due_field}__isnull": False}, then=Value("完成期限")),
            default=Value(""), output_field=CharField()),
    )


def tasks_with_light(qs: QuerySet[Task], *, today: dt.date | None = None, units: QuerySet[Unit] | None = None,
                     days: int | None = None) -> QuerySet[Task]:
    """Tasks annotated with their next deadline and light: grey done, red past, amber within N days.

    With `units`, only those units' report slots count (a unit's own view of a task).
    """
    today = today or timezone.localdate()
    days = amber_days() if days is None else days
    slot_filter = Q(unit__in=units) if units is not None else Q()
    return _next_deadline(qs, task_ref="pk", due_field="due_date", slot_filter=slot_filter, today=today, days=days,
                          done=Q(status=TaskStatus.DONE))


@dataclass
class BoardFilter:
    light: str = ""
    task_list: int | None = None
    unit: int | None = None
    unparsed: bool = False
    q: str = ""

    @classmethod
    def from_data(cls, data) -> BoardFilter:
        """The board's filters from its query string, or from the POST of its export button (same names)."""
        def number(name):
            value = data.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(light=data.get("light", "") if data.get("light") in LIGHTS else "", task_list=number("list"),
                   unit=number("unit"), unparsed=data.get("unparsed") == "1", q=data.get("q", "").strip()[:50])

    def as_query(self) -> dict:
        return {"light": self.light, "list": self.task_list, "unit": self.unit, "unparsed": self.unparsed,
                "q": self.q}


def board_tasks(user, f: BoardFilter, *, today: dt.date | None = None) -> QuerySet[Task]:
    """The board by task: managers see their region; unit staff see their units' tasks and slots."""
    own_units = None if can_read_board(user) else units_of_user(user)
    qs = tasks_for_user(user).select_related("task_list")
    if f.task_list:
        qs = qs.filter(task_list_id=f.task_list)
    if f.unit:
        qs = qs.filter(assignments__unit_id=f.unit).distinct()
    if f.unparsed:
        qs = qs.filter(deadline_unparsed=True)
    if f.q:
        qs = qs.filter(Q(title__contains=f.q) | Q(content__contains=f.q) | Q(no=f.q))
    qs = tasks_with_light(qs, today=today, units=own_units)
    if f.light in LIGHTS:
        qs = qs.filter(light=f.light)
    return qs.order_by("task_list_id", "seq")


def board_counts(user, f: BoardFilter, *, today: dt.date | None = None) -> dict[str, int]:
    base = BoardFilter(task_list=f.task_list, unit=f.unit, unparsed=f.unparsed, q=f.q)
    counts = dict.fromkeys(LIGHTS, 0)
    for light in board_tasks(user, base, today=today).values_list("light", flat=True):
        counts[light] += 1
    counts["unparsed"] = tasks_for_user(user).filter(deadline_unparsed=True, status=TaskStatus.OPEN).count()
    return counts


def board_units(user, f: BoardFilter, *, today: dt.date | None = None) -> list[dict]:
    """The board by unit: each unit's tasks counted by light, open and overdue reports, last report.

    Three queries whatever the number of units: the (unit, task, light) rows, the open
    slots per unit, the last report per unit.
    """
    today = today or timezone.localdate()
    days = amber_days()
    manager = is_manager(user)
    links = TaskUnit.objects.filter(unit__isnull=False, task__in=tasks_for_user(user))
    if not manager:
        links = links.filter(unit__in=units_of_user(user))
    if f.task_list:
        links = links.filter(task__task_list_id=f.task_list)
    if f.unit:
        links = links.filter(unit_id=f.unit)
    links = _next_deadline(links, task_ref="task_id", due_field="task__due_date",
                           slot_filter=Q(unit=OuterRef("unit_id")), today=today, days=days,
                           done=Q(task__status=TaskStatus.DONE))
    per_unit: dict[int, dict] = {}
    seen: set[tuple[int, int]] = set()
    for unit_id, unit_name, kind, task_id, role, light in links.values_list(
            "unit_id", "unit__name", "unit__kind", "task_id", "role", "light").order_by("unit__name"):
        row = per_unit.setdefault(unit_id, {"id": unit_id, "name": unit_name, "kind": kind, "lead": 0, "total": 0,
                                            **dict.fromkeys(LIGHTS, 0)})
        if role == UnitRole.LEAD:
            row["lead"] += 1
        if (unit_id, task_id) in seen:
            continue
        seen.add((unit_id, task_id))
        row["total"] += 1
        row[light] += 1
    slot_counts = (ReportSlot.objects.filter(unit_id__in=list(per_unit), submitted_at__isnull=True,
                                             task__status=TaskStatus.OPEN)
                   .values("unit_id").annotate(open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today))))
    for r in slot_counts:
        per_unit[r["unit_id"]].update(open_slots=r["open"], overdue_slots=r["overdue"])
    last = ProgressReport.objects.filter(unit_id__in=list(per_unit)).values("unit_id").annotate(last=Max("created_at"))
    for r in last:
        per_unit[r["unit_id"]]["last_report"] = r["last"]
    rows = list(per_unit.values())
    for row in rows:
        row.setdefault("open_slots", 0)
        row.setdefault("overdue_slots", 0)
        row.setdefault("last_report", None)
        row["worst"] = next((light for light in ("red", "amber", "green", "grey") if row[light]), "grey")
    if f.light in LIGHTS:
        rows = [r for r in rows if r[f.light]]
    return sorted(rows, key=lambda r: (LIGHT_ORDER[r["worst"]], -r["red"], -r["amber"], r["name"]))


# --------------------------------------------------------------------------- a unit's own work


def my_tasks(user, *, today: dt.date | None = None) -> QuerySet[Task]:
    units = units_of_user(user)
    qs = Task.objects.filter(pk__in=TaskUnit.objects.filter(unit__in=units).values("task_id")).select_related("task_list")
    return tasks_with_light(qs, today=today, units=units)


def my_open_slots(user) -> QuerySet[ReportSlot]:
    return (ReportSlot.objects.filter(unit__in=units_of_user(user), submitted_at__isnull=True,
                                      task__status=TaskStatus.OPEN)
            .select_related("task", "unit").order_by("due_date", "task__seq"))


def inbox_for_user(user) -> QuerySet[Reminder]:
    return (Reminder.objects.filter(unit__in=units_of_user(user)).select_related("task", "unit", "sent_by")
            .order_by("read_at", "-sent_at"))


def reminder_get_for_user(user, pk: int) -> Reminder:
    return get_in_scope(inbox_for_user(user), user, pk, what="催办", field=None)


def unread_count(user) -> int:
    return inbox_for_user(user).filter(read_at__isnull=True).count()


# --------------------------------------------------------------------------- one task


def task_units(task: Task) -> dict[str, list[TaskUnit]]:
    out: dict[str, list[TaskUnit]] = {UnitRole.LEAD: [], UnitRole.RESPONSIBLE: []}
    for link in task.assignments.select_related("unit").order_by("role", "position"):
        out[link.role].append(link)
    return out


def task_reports(task: Task, *, units: QuerySet[Unit] | None = None) -> QuerySet[ProgressReport]:
    qs = task.reports.select_related("unit", "slot", "created_by").prefetch_related("evidence")
    return qs.filter(unit__in=units) if units is not None else qs


def task_slots(task: Task, *, units: QuerySet[Unit] | None = None) -> QuerySet[ReportSlot]:
    qs = task.slots.select_related("unit").order_by("-due_date", "unit__name")
    return qs.filter(unit__in=units) if units is not None else qs


def task_checklist(task: Task, units: list[Unit]) -> list[dict]:
    """The task's concerns with each given unit's tick: [{area, items: [{concern, checks: {unit_id: check}}]}]."""
    concerns = list(task.concerns.prefetch_related("checks").order_by("area", "position"))
    areas: dict[str, list] = defaultdict(list)
    unit_ids = {u.pk for u in units}
    for concern in concerns:
        checks = {c.unit_id: c for c in concern.checks.all() if c.unit_id in unit_ids}
        areas[concern.area].append({"concern": concern, "checks": checks})
    return [{"area": area, "items": items} for area, items in areas.items()]


def evidence_get_for_user(user, pk: int):
    from .models import Evidence

    evidence = Evidence.objects.select_related("report").filter(pk=pk).first()
    if evidence is None:
        raise NotFoundInScope("佐证材料")
    report = evidence.report
    visible = tasks_for_user(user).filter(pk=report.task_id).exists()
    if not visible or (not is_manager(user) and not units_of_user(user).filter(pk=report.unit_id).exists()):
        raise NotFoundInScope("佐证材料")
    return evidence
