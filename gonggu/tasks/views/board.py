"""The tasks home, the supervision board (督办), my tasks and the inbox."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm

from .. import selectors as sel
from .. import services
from .common import _htmx
from .lists import _with_units

# --------------------------------------------------------------------------- board, my tasks, inbox


def _board_filter(request) -> sel.BoardFilter:
    return sel.BoardFilter.from_data(request.GET)


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS, Perm.VIEW_TASKS)
def task_board(request):
    user = request.user
    f = _board_filter(request)
    view = "unit" if request.GET.get("view") == "unit" else "task"
    manager = sel.is_manager(user)
    ctx = {"f": f, "view": view, "manager": manager, "lights": sel.LIGHTS.items(),
           "counts": sel.board_counts(user, f), "amber_days": sel.amber_days(),
           "task_lists": sel.task_lists_for_user(user) if manager else [],
           "units": (sel.units_for_user(user) if manager else sel.units_of_user(user)).order_by("name")}
    if view == "unit":
        ctx["unit_rows"] = sel.board_units(user, f)
    else:
        tasks = (_with_units(sel.board_tasks(user, f)).defer("content", "evaluation_method", "milestones")
                 .annotate(last_report=Max("reports__created_at")))
        ctx["page"] = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/board.html", ctx)


@require_perm(Perm.REPORT_TASKS)
def task_mine(request):
    user = request.user
    tasks = _with_units(sel.my_tasks(user)).defer("content", "evaluation_method", "milestones") \
        .order_by("task_list_id", "seq")
    light = request.GET.get("light", "")
    if light in sel.LIGHTS:
        tasks = tasks.filter(light=light)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/mine.html", {
        "units": list(sel.units_of_user(user)), "page": page, "slots": sel.my_open_slots(user)[:50],
        "unread": sel.unread_count(user), "light": light, "lights": sel.LIGHTS.items(),
        "today": timezone.localdate(),
    })


@require_perm(Perm.REPORT_TASKS)
def task_inbox(request):
    page = Paginator(sel.inbox_for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "tasks/inbox.html", {"page": page})


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_inbox_read(request, pk: int):
    reminder = sel.reminder_get_for_user(request.user, pk)
    services.reminder_mark_read(user=request.user, reminder=reminder)
    if _htmx(request):
        return render(request, "tasks/_reminder.html", {"r": reminder})
    return redirect("task_inbox")




@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS, Perm.VIEW_TASKS)
def task_home(request):
    if request.user.has_perm_code(Perm.MANAGE_TASKS):
        return redirect("task_list_index")
    if not request.user.has_perm_code(Perm.REPORT_TASKS):
        return redirect("task_board")
    return redirect("task_mine")
