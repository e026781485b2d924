"""The whole list with its status as `.xlsx`, laid out like the document it came from.

The columns are the document's own (序号, the task text under the document's column name,
评价方式 / 牵头单位 / 责任单位 / 完成时限 where the document has them), then 进展情况 and
状态; the heading path becomes merged heading rows ("一、…", "（一）…") above its tasks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import xlsxwriter
from django.utils import timezone

from gonggu.dataio.printing import frame_worksheet

from .models import ProgressReport, TaskList, TaskUnit, UnitRole
from .periods import recurrence_label
from .selectors import LIGHTS, tasks_with_light

_CN_NUM = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n - 1]
    if n < 20:
        return "十" + _CN_NUM[n - 11]
    tens, units = divmod(n, 10)
    return _CN_NUM[tens - 1] + "十" + (_CN_NUM[units - 1] if units else "")


def heading_label(level: int, index: int, text: str) -> str:
    if level == 0:
        return f"{chinese_number(index)}、{text}"
    if level == 1:
        return f"（{chinese_number(index)}）{text}"
    return f"{index}. {text}"


def opening_headings(paths) -> list[list[tuple[int, str]]]:
    """For each task's heading path, the numbered headings that open above it (levels that
    differ from the previous task's path); a heading is the n-th distinct one under its parent."""
    out: list[list[tuple[int, str]]] = []
    current: list[str] = []
    numbers: dict[tuple[str, ...], int] = {}
    children: dict[tuple[str, ...], int] = defaultdict(int)
    for path in paths:
        path = list(path or [])
        common = 0
        while common < min(len(path), len(current)) and path[common] == current[common]:
            common += 1
        opened = []
        for level in range(common, len(path)):
            key = tuple(path[: level + 1])
            if key not in numbers:
                children[key[:-1]] += 1
                numbers[key] = children[key[:-1]]
            opened.append((level, heading_label(level, numbers[key], path[level])))
        out.append(opened)
        current = path
    return out


def task_text(title: str, content: str) -> str:
    """The task cell as the document prints it: title and content, without repeating the title."""
    if not content:
        return title
    if content.startswith(title):
        return content
    sep = "" if title.endswith(("。", "；", "：", ".", ":")) else "。"
    return f"{title}{sep}{content}"


def export_columns(task_list: TaskList, tasks: list) -> list[str]:
    task_header = "任务分解及工作要求" if task_list.shape == "columns" else "工作任务"
    columns = ["序号", task_header]
    if any(t.evaluation_method for t in tasks):
        columns.append("评价方式")
    roles = set(TaskUnit.objects.filter(task__task_list=task_list).values_list("role", flat=True).distinct())
    if UnitRole.LEAD in roles:
        columns.append("牵头单位")
    if UnitRole.RESPONSIBLE in roles:
        columns.append("责任单位")
    if any(t.deadline_text or t.due_date or t.recurrence for t in tasks):
        columns.append("完成时限")
    return [*columns, "进展情况", "状态"]


def _deadline_cell(task) -> str:
    """The printed deadline, with the date it was read as (or a person set) in brackets."""
    parts = [task.deadline_text] if task.deadline_text else []
    if task.due_date:
        parts.append(f"（{task.due_date:%Y-%m-%d}）" if parts else task.due_date.isoformat())
    if task.recurrence and not task.deadline_text:
        parts.append(recurrence_label(task.recurrence))
    if task.deadline_unparsed:
        parts.append("〔时限待人工确定〕")
    return "".join(parts)


def _status_cell(task) -> str:
    if task.status == "done":
        closed = timezone.localtime(task.closed_at).date().isoformat() if task.closed_at else ""
        return f"已办结销号 {closed}".strip()
    label = LIGHTS.get(task.light, "")
    if task.deadline and task.light in ("red", "amber"):
        label += f"（期限 {task.deadline:%Y-%m-%d}）"
    return label


def task_list_xlsx(task_list: TaskList, *, today: dt.date | None = None) -> bytes:
    tasks = list(tasks_with_light(task_list.tasks.all(), today=today).order_by("seq"))
    columns = export_columns(task_list, tasks)
    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: {UnitRole.LEAD: [], UnitRole.RESPONSIBLE: []})
    for task_id, role, name in (TaskUnit.objects.filter(task__task_list=task_list)
                                .order_by("task_id", "role", "position").values_list("task_id", "role", "name")):
        units[task_id][role].append(name)
    # The latest report of each unit on each task (one query, newest first).
    progress: dict[int, dict[str, str]] = defaultdict(dict)
    for task_id, unit_name, text, at in (ProgressReport.objects.filter(task__task_list=task_list)
                                         .order_by("-created_at", "-id")
                                         .values_list("task_id", "unit__name", "progress", "created_at")):
        progress[task_id].setdefault(unit_name, f"{unit_name}（{timezone.localtime(at):%Y-%m-%d}）：{text}")

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    ws = book.add_worksheet("任务清单")
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head_fmt = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1, "align": "center",
                                "valign": "vcenter", "text_wrap": True})
    level_fmts = [book.add_format({"bold": True, "border": 1, "bg_color": "#F8FAFC", "text_wrap": True}),
                  book.add_format({"bold": True, "border": 1, "text_wrap": True})]
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    light_fmts = {
        "red": book.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_color": "#B91C1C"}),
        "amber": book.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_color": "#B45309"}),
        "green": book.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_color": "#15803D"}),
        "grey": book.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_color": "#6B7280"}),
    }
    widths = {"序号": 6, "工作任务": 60, "任务分解及工作要求": 60, "评价方式": 36, "牵头单位": 18, "责任单位": 24,
              "完成时限": 22, "进展情况": 44, "状态": 16}
    for c, name in enumerate(columns):
        ws.set_column(c, c, widths.get(name, 16))
    last_col = len(columns) - 1
    ws.merge_range(0, 0, 0, last_col, task_list.title, title_fmt)
    ws.set_row(0, 28)
    for c, name in enumerate(columns):
        ws.write_string(1, c, name, head_fmt)
    ws.freeze_panes(2, 0)
    frame_worksheet(ws, title=task_list.title, unit=task_list.region.name, on=timezone.localdate(), header_rows=2)

    row = 2
    for task, opened in zip(tasks, opening_headings(t.path for t in tasks), strict=True):
        for level, label in opened:
            fmt = level_fmts[min(level, 1)]
            if last_col:
                ws.merge_range(row, 0, row, last_col, label, fmt)
            else:
                ws.write_string(row, 0, label, fmt)
            row += 1
        text = task_text(task.title, task.content)
        values = {
            "序号": task.no or "",
            "工作任务": text,
            "任务分解及工作要求": text,
            "评价方式": task.evaluation_method,
            "牵头单位": "、".join(units[task.pk][UnitRole.LEAD]),
            "责任单位": "、".join(units[task.pk][UnitRole.RESPONSIBLE]),
            "完成时限": _deadline_cell(task),
            "进展情况": "\n".join(progress[task.pk].values()),
            "状态": _status_cell(task),
        }
        for c, name in enumerate(columns):
            fmt = light_fmts.get(task.light, cell_fmt) if name == "状态" else cell_fmt
            ws.write_string(row, c, str(values.get(name) or ""), fmt)
        row += 1
    book.close()
    return buffer.getvalue()

