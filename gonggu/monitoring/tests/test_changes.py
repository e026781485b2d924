"""新增、退出名单: the month's persons from the records (approved → 新增, eliminated → 退出), scoped to the user and
the chosen region, picked not typed; the .xlsx masked by default, full numbers only for a role that may, both audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.idnumber import mask
from gonggu.core.models import AuditEvent
from gonggu.registry.factories import PersonFactory

from ..changes import ADDED, EXITED, month_changes
from ..workflow import CaseStatus
from .factories import CaseFactory, household

pytestmark = pytest.mark.django_db
D = dt.date


def _june(regions):
    new = CaseFactory(household=household(regions["village"]), county_approved_on=D(2025, 6, 3))
    PersonFactory(household=new.household)                         # two members: two rows
    gone = CaseFactory(household=household(regions["village_c"]), county_approved_on=D(2025, 1, 2),
                       status=CaseStatus.ELIMINATED, eliminated_on=D(2025, 6, 28), elimination_method="稳定消除")
    CaseFactory(household=household(regions["village"]), county_approved_on=D(2025, 5, 31))   # May: not in June
    CaseFactory(household=household(regions["village"]), county_approved_on=D(2025, 6, 9),
                status=CaseStatus.REJECTED)                          # rejected: never a monitoring object
    CaseFactory(household=household(regions["other_village"]), county_approved_on=D(2025, 6, 5))  # other county
    return new, gone


def test_month_lists_new_and_exited_persons_in_scope(regions, county_admin, township_reviewer):
    new, gone = _june(regions)
    data = month_changes(county_admin, month="2025-06")
    assert data.count(ADDED) == (1, 2) and data.count(EXITED) == (1, 1)
    assert {r.household_no for r in data.rows if r.change == EXITED} == {gone.household.household_no}
    assert [r.method for r in data.rows if r.change == EXITED] == ["稳定消除"]
    # A township sees its own villages only; a chosen village narrows further.
    assert month_changes(township_reviewer, month="2025-06").count(EXITED) == (0, 0)
    assert month_changes(county_admin, month="2025-06", region=regions["village_c"].code).count(ADDED) == (0, 0)
    assert month_changes(county_admin, month="2025-05").count(ADDED) == (1, 1)


def test_page_picks_month_and_region_and_refuses_foreign_region(regions, county_admin, login):
    _june(regions)
    client = login(county_admin)
    page = client.get(reverse("monitoring:changes"), {"month": "2025-06"}).content.decode()
    assert "新增 <strong>1</strong> 户 <strong>2</strong> 人" in page and '<select name="month"' in page
    assert '<option value="2025-06" selected>2025年6月</option>' in page
    foreign = client.get(reverse("monitoring:changes"), {"month": "2025-06", "region": regions["other_village"].code})
    assert "所选区域不在你管辖的范围内" in foreign.content.decode()


def _sheet(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_export_masked_by_default_full_numbers_when_allowed(regions, county_admin, township_reviewer, login):
    new, _gone = _june(regions)
    number = new.household.members.order_by("id").first().id_number
    client = login(county_admin)
    masked = client.post(reverse("monitoring:changes_export"), {"month": "2025-06"})
    cells = [str(c) for row in _sheet(masked) for c in row]
    assert mask(number) in cells and number not in cells
    full = client.post(reverse("monitoring:changes_export"), {"month": "2025-06", "unmasked": "1"})
    assert number in [str(c) for row in _sheet(full) for c in row]
    actions = list(AuditEvent.objects.filter(object_type="monitoring.changes").values_list("action", flat=True))
    assert sorted(actions) == ["export", "export_pii"]
    # A township reviewer may export masked lists, not full numbers.
    refused = login(township_reviewer).post(reverse("monitoring:changes_export"), {"month": "2025-06", "unmasked": "1"})
    assert refused.status_code == 403
