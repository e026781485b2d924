"""The warning list and the verification statistics export with the page's filters, in the user's region,
numbers masked, rule titles instead of codes, audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.screening.write import warnings_write

from .factories import finding, household, table

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 4, 1)


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def mixed(regions):
    homes = [household(regions[k], head_name=n) for k, n in
             (("village", "赵东户"), ("village_c", "孙南户"), ("other_village", "李外户"))]
    warnings_write(table(*[finding(h, rule="SCHOOL-DROPOUT", grade="red", risk_type="义务教育",
                                   id_number="410122201001011234") for h in homes],
                         finding(homes[0], rule="MED-UNINSURED", grade="orange")), as_of=AS_OF)
    return homes


def test_warning_export_has_the_filters_scope_and_masking(mixed, county_admin, login):
    client = login(county_admin)
    page = client.get(reverse("warning_list"), {"rule": "SCHOOL-DROPOUT"}).content.decode()
    assert reverse("warning_list_export") in page and 'name="rule" value="SCHOOL-DROPOUT"' in page
    response = client.post(reverse("warning_list_export"), {"rule": "SCHOOL-DROPOUT", "category": "all"})
    rows = _sheets(response.content)["预警清单"]
    assert rows[0][0] == "预警清单" and rows[2][:3] == ["等级", "预警规则", "户编号"]
    body = rows[3:]
    assert sorted(r[3] for r in body) == ["孙南户", "赵东户"]               # the other county is not there
    assert {r[1] for r in body} == {"义务教育阶段辍学"}
    assert all(r[4] == "410122********1234" for r in body)
    assert {r[5] for r in body} == {"城关镇", "白沙镇"}
    event = AuditEvent.objects.get(object_type="screening_warning", action="export")
    assert "2 条" in event.summary and event.detail["filters"]["rule"] == "SCHOOL-DROPOUT"


def test_statistics_export_has_one_sheet_per_table(mixed, county_admin, login):
    response = login(county_admin).post(reverse("screening_statistics_export"), {"category": "all"})
    sheets = _sheets(response.content)
    assert list(sheets) == ["按乡镇", "按村", "按部门"]
    townships = sheets["按乡镇"]
    assert townships[2][:3] == ["乡镇", "预警", "待核实"]
    assert [r[0] for r in townships[3:]] == ["城关镇", "白沙镇", "合计"]
    assert townships[-1][1] == 3  # the total: three warnings in the county, none from the other county
