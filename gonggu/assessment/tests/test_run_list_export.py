"""The list of fixed-data runs exports to .xlsx: the rows the page shows the user (their region), audited."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.assessment.run_models import AssessmentRun
from gonggu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _run(region, name, status=AssessmentRun.Status.DONE, by=None):
    return AssessmentRun.objects.create(name=name, as_of=dt.date(2025, 11, 30), region_code=region.code,
                                        region_prefix=region.prefix, region_name=region.name, status=status,
                                        figure_count=40, drill_count=1234, created_by=by)


def _cells(response) -> list[tuple]:
    return list(CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python())


def test_the_runs_list_exports_what_the_page_shows(regions, county_admin, other_county_user, login):
    _run(regions["county"], "2025 年度考核自评", by=county_admin)
    _run(regions["township"], "城关镇自查", AssessmentRun.Status.FAILED, by=county_admin)
    _run(regions["other_county"], "巩义市自评", by=other_county_user)
    client = login(county_admin)
    page = client.get(reverse("assessment_runs")).content.decode()
    assert reverse("assessment_runs_export") in page and "导出 Excel" in page
    response = client.post(reverse("assessment_runs_export"))
    assert response.status_code == 200
    cells = [c for row in _cells(response) for c in row]
    assert "2025 年度考核自评" in cells and "城关镇自查" in cells and "巩义市自评" not in cells
    assert "已固定" in cells and "失败" in cells
    assert 1234 in cells and "410122000000" in cells and "county_admin" in cells
    event = AuditEvent.objects.get(action="export", object_type="assessment.run_list")
    assert "2 条" in event.summary

    other = _cells(login(other_county_user).post(reverse("assessment_runs_export")))
    flat = [c for row in other for c in row]
    assert "巩义市自评" in flat and "2025 年度考核自评" not in flat


def test_the_export_is_a_post(county_admin, login):
    assert login(county_admin).get(reverse("assessment_runs_export")).status_code == 405
