"""The 督办看板 as .xlsx: the board's tasks with the board's filters, each with its light and the deadline it
follows, lead and responsible units — for the supervision meeting's printed sheet."""

from __future__ import annotations

from django.db.models import Max, Prefetch
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.regions.exports import ListExport, list_export

from . import selectors as sel
from .models import TaskUnit


@require_POST
@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS)
def task_board_export(request):
    f = sel.BoardFilter.from_data(request.POST)
    tasks = (sel.board_tasks(request.user, f)
             .prefetch_related(Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit")
                                        .order_by("role", "position")))
             .select_related("task_list").defer("content", "evaluation_method", "milestones")
             .annotate(last_report=Max("reports__created_at")))

    def units(task, role: str) -> str:
        return "、".join((a.unit.name if a.unit_id else a.name) for a in task.assignments.all() if a.role == role)

    def rows():
        for t in tasks:
            yield (t.task_list.title, t.no, t.title, units(t, "lead"), units(t, "responsible"), t.deadline_text,
                   sel.LIGHTS.get(t.light, ""), t.deadline_kind, t.deadline or "",
                   f"{t.last_report:%Y-%m-%d}" if t.last_report else "")

    return list_export(request, ListExport(
        title="督办看板", headers=("任务清单", "序号", "任务", "牵头单位", "责任单位", "完成时限（原文）", "状态",
                                 "所依期限", "期限日期", "最近报送"),
        rows=rows(), count=tasks.count(), object_type="task_board",
        filters={k: v for k, v in f.as_query().items() if v}, personal=False))
