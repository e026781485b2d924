"""The board's lights say which deadline they follow, and the board exports with its filters."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.tasks.models import ReportSlot
from gonggu.tasks.selectors import tasks_with_light

from .test_board import TODAY, board  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_light_names_the_deadline_it_follows(board):  # noqa: F811
    task_list, lead, *_ = board
    task = task_list.tasks.get(no="2")  # due 2024-06-18
    ReportSlot.objects.create(task=task, unit=lead, due_date=dt.date(2024, 6, 12), period_key="2024-06",
                              period_start=dt.date(2024, 6, 1), period_end=dt.date(2024, 6, 30))
    rows = {t.no: t for t in tasks_with_light(task_list.tasks.all(), today=TODAY)}
    assert (rows["2"].deadline, rows["2"].deadline_kind, rows["2"].light) == (dt.date(2024, 6, 12), "报送期限", "amber")
    assert (rows["1"].deadline, rows["1"].deadline_kind) == (dt.date(2024, 6, 17), "完成期限")
    assert rows["5"].deadline_kind == ""   # "尽快": no date to follow


def test_board_page_and_export_say_which_deadline(board, county_admin, login):  # noqa: F811
    task_list, *_ = board
    client = login(county_admin)
    page = client.get(reverse("task_board")).content.decode()
    assert "完成期限 2024-06-17" in page and reverse("task_board_export") in page
    response = client.post(reverse("task_board_export"), {"light": "red"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "督办看板"
    assert rows[2] == ["任务清单", "序号", "任务", "牵头单位", "责任单位", "完成时限（原文）", "状态", "所依期限",
                       "期限日期", "最近报送"]
    assert [(r[1], r[3], r[4], r[6], r[7]) for r in rows[3:]] == [("4", "县乡村振兴局", "城关镇", "逾期", "完成期限")]
    assert AuditEvent.objects.filter(object_type="task_board", action="export").exists()
