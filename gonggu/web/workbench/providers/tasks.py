"""督办: tasks whose deadline has passed or comes soon — the region's for managers and leaders (read only), the
units' own for their staff."""

from __future__ import annotations

from django.urls import reverse

from gonggu.core.access import Perm
from gonggu.tasks import selectors as tasks

from ..base import WorkContext, WorkItem, provider

SHOWN = 30   # more than this is a board to open, not a list to read


@provider("督办")
def tasks_due(ctx: WorkContext):
    user = ctx.user
    if tasks.can_read_board(user):
        qs = tasks.board_tasks(user, tasks.BoardFilter(), today=ctx.today)
        board = reverse("task_board")
    elif ctx.can(Perm.REPORT_TASKS):
        qs = tasks.my_tasks(user, today=ctx.today)
        board = reverse("task_mine")
    else:
        return
    due = list(qs.filter(light__in=("red", "amber")).order_by("deadline", "seq")[: SHOWN + 1])
    for task in due[:SHOWN]:
        yield WorkItem(f"督办：{task}", reverse("task_detail", args=[task.pk]), task.deadline,
                       detail=task.task_list.title)
    if len(due) > SHOWN:
        yield WorkItem("督办：更多逾期和临期任务", board + "?light=red", due[SHOWN].deadline)
