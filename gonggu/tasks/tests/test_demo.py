"""The demo step: the demo county's units and task list, assigned, with reports on the board."""

import datetime as dt
import os
import random
from types import SimpleNamespace

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.departments import Department
from gonggu.tasks.demo import demo_clear, demo_tasks
from gonggu.tasks.models import Evidence, ProgressReport, Reminder, TaskList, TaskUnit, Unit
from gonggu.tasks.selectors import BoardFilter, board_counts, unmapped_names


@pytest.fixture
def ctx(regions, settings, tmp_path):
    """What the demo step reads of the demo context: the county, its places, the users by name."""
    settings.DATA_DIR = tmp_path
    county, townships = regions["county"], [regions["township"], regions["township2"]]
    villages = [regions["village"], regions["village_b"]]
    users = {"admin": make_user("admin", Role.COUNTY_ADMIN, county),
             "xiangzhen": make_user("xiangzhen", Role.TOWNSHIP_REVIEWER, townships[0]),
             "gongzuodui": make_user("gongzuodui", Role.VILLAGE_TEAM, villages[0])}
    for dept in (Department.MZ, Department.YB, Department.CL, Department.ZJ, Department.JY, Department.RS):
        users[f"bumen_{dept.value}"] = make_user(f"bumen_{dept.value}", Role.DEPARTMENT_USER, county,
                                                 department=dept.value)
    return SimpleNamespace(rng=random.Random(7), county=county, townships=townships, villages=villages,
                           households=0, users=users, today=dt.date(2026, 6, 10), seed=7, extra={})


@pytest.mark.django_db
def test_demo_builds_an_assigned_list_with_every_light(ctx, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 10, 9, 0))
    summary = demo_tasks(ctx)
    assert summary["tasks"] == 20 and summary["task_reports"] == 4
    task_list = TaskList.objects.get()
    assert task_list.report_recurrence == {"freq": "yearly", "month": 11, "day": 20}
    # Every name but 县人行 maps to the directory, through names or aliases.
    assert [n["name"] for n in unmapped_names(task_list)] == ["县人行"]
    assert TaskUnit.objects.get(task__no="20").unit.name.endswith("驻村工作队")
    counts = board_counts(ctx.users["admin"], BoardFilter(), today=ctx.today)
    assert counts["red"] >= 1 and counts["amber"] >= 1 and counts["green"] >= 1 and counts["grey"] == 1
    assert counts["unparsed"] == 1
    assert Reminder.objects.count() == 1 and Evidence.objects.count() == 1


@pytest.mark.django_db
def test_demo_clear_removes_everything(ctx, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 10, 9, 0))
    demo_tasks(ctx)
    path = Evidence.objects.get().path
    demo_clear(prefix=ctx.county.prefix)
    assert not TaskList.objects.exists() and not Unit.objects.exists() and not ProgressReport.objects.exists()
    assert not os.path.exists(path)
