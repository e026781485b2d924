"""The monitoring lists export with their filters (cases, clues, notices, compliance), and a notice names a
household once even when two of its cases stand on it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent

from ..documents import notice_lines
from ..models import Notice
from ..workflow import CaseStatus
from .factories import CaseFactory, ClueFactory, household
from .test_workflow import D

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_case_export_follows_the_page_filters_and_scope(regions, county_admin, login):
    east = household(regions["village"])
    south = household(regions["village_c"])
    CaseFactory(household=east, status=CaseStatus.MONITORING)
    CaseFactory(household=south, status=CaseStatus.MONITORING)
    CaseFactory(household=household(regions["other_village"]), status=CaseStatus.MONITORING)
    client = login(county_admin)
    page = client.get(reverse("monitoring:case_list"), {"village": regions["township"].prefix}).content.decode()
    assert reverse("monitoring:case_list_export") in page
    rows = _rows(client.post(reverse("monitoring:case_list_export"),
                             {"village": regions["township"].prefix}).content)
    assert rows[0][0] == "监测对象" and rows[2][:4] == ["乡镇", "村", "村代码", "户编号"]
    assert [r[3] for r in rows[3:]] == [east.household_no]
    everything = _rows(client.post(reverse("monitoring:case_list_export")).content)
    assert sorted(r[3] for r in everything[3:]) == sorted([east.household_no, south.household_no])
    assert AuditEvent.objects.filter(object_type="monitoring.case", action="export").count() == 2


def test_clue_export_masks_numbers(regions, county_admin, login):
    clue = ClueFactory(household=household(regions["village"]), id_number="410122199001011234")
    rows = _rows(login(county_admin).post(reverse("monitoring:clue_list_export")).content)
    assert rows[3][5] == "410122********1234" and clue.id_number not in str(rows)


def test_a_notice_names_each_household_once(regions):
    hh = household(regions["village"])
    earlier = CaseFactory(household=hh, status=CaseStatus.ELIMINATED, risk_types="因学")
    latest = CaseFactory(household=hh, status=CaseStatus.MONITORING, risk_types="因病")
    other = CaseFactory(household=household(regions["village"]), status=CaseStatus.MONITORING)
    notice = Notice.objects.create(kind=Notice.Kind.IDENT_ANNOUNCE, village=regions["village"],
                                   region_code=regions["village"].code, issuer="东村村民委员会", title="东村公告",
                                   start_on=D(2025, 1, 5))
    notice.cases.add(earlier, latest, other)
    lines = notice_lines(notice)
    assert [line.no for line in lines] == [1, 2]
    assert sorted(line.risk_types for line in lines) == ["因病", "因病"]
