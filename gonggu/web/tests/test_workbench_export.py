"""The workbench's to-do list exports to .xlsx: the items the page lists, in its order, audited as personal data."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.models import AuditEvent
from gonggu.monitoring.tests.factories import ClueFactory, household

from .test_workbench import warning

TODAY = dt.date(2025, 6, 10)
pytestmark = pytest.mark.django_db


@pytest.fixture
def today(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 10, 9, 0))
    return TODAY


def _rows(response) -> list[tuple]:
    return list(CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python())


def test_the_to_do_list_exports_in_the_page_order(regions, village_clerk, login, today):
    hh = household(regions["village"])
    warning(hh, deadline=today - dt.timedelta(days=3))
    warning(household(regions["village_b"]), deadline=today - dt.timedelta(days=30))   # the neighbour's
    ClueFactory(household=hh, discovered_on=today - dt.timedelta(days=2))
    client = login(village_clerk)
    page = client.get("/").content.decode()
    assert reverse("workbench_export") in page
    response = client.post(reverse("workbench_export"))
    assert response.status_code == 200
    rows = _rows(response)
    header = next(i for i, r in enumerate(rows) if r and r[0] == "紧急程度")
    items = [r for r in rows[header + 1:] if r and r[0]]
    # The first row is the overdue warning of the clerk's own village (the neighbour's is not theirs).
    assert items[0][0] == "逾期" and items[0][1] == "核实筛查预警（1 条）" and items[0][5] == -3
    # The link column shows 办理; the page's address is the cell's hyperlink.
    assert items[0][7] == "办理"
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        links = book.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert f'{reverse("warning_inbox")}"' in links
    assert any(hh.head_name in (r[6] or "") for r in items)           # the clue names its household
    event = AuditEvent.objects.get(action="export", object_type="workbench")
    assert f"{len(items)} 条" in event.summary


def test_a_role_without_the_export_right_has_no_button_and_is_refused(regions, login, today):
    team = make_user("work_team", Role.VILLAGE_TEAM, regions["village"])
    warning(household(regions["village"]), deadline=today - dt.timedelta(days=3))
    client = login(team)
    assert reverse("workbench_export") not in client.get("/").content.decode()
    assert client.post(reverse("workbench_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="export", object_type="workbench").exists()
