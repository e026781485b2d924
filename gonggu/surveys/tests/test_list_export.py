"""The list of surveys exports to .xlsx: the surveys the page shows the user (their region), audited."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.surveys.models import Survey
from gonggu.surveys.questionnaires import CURRENT

pytestmark = pytest.mark.django_db


def _survey(region, title):
    return Survey.objects.create(title=title, questionnaire=CURRENT, region_code=region.code,
                                 region_prefix=region.prefix, region_name=region.name, per_village=10, seed=2025,
                                 drawn_on=dt.date(2025, 10, 8))


def _cells(response) -> list:
    return [c for row in CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python() for c in row]


def test_the_survey_list_exports_what_the_page_shows(regions, county_admin, other_county_user, login):
    _survey(regions["county"], "2025 年巩固成果入户问卷")
    _survey(regions["other_county"], "巩义市入户问卷")
    client = login(county_admin)
    page = client.get(reverse("surveys:list")).content.decode()
    assert reverse("surveys:list_export") in page
    response = client.post(reverse("surveys:list_export"))
    assert response.status_code == 200
    cells = _cells(response)
    assert "2025 年巩固成果入户问卷" in cells and "巩义市入户问卷" not in cells
    assert "中牟县" in cells and "410122000000" in cells and 10 in cells and 2025 in cells
    event = AuditEvent.objects.get(action="export", object_type="survey_list")
    assert "1 条" in event.summary and event.user == county_admin

    cells = _cells(login(other_county_user).post(reverse("surveys:list_export")))
    assert "巩义市入户问卷" in cells and "2025 年巩固成果入户问卷" not in cells


def test_a_village_clerk_exports_the_survey_of_their_county(regions, village_clerk, login):
    _survey(regions["county"], "2025 年巩固成果入户问卷")
    cells = _cells(login(village_clerk).post(reverse("surveys:list_export")))
    assert "2025 年巩固成果入户问卷" in cells
