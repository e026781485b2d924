"""The 月报: counted from the month's records per township with a total, equal to the selectors' numbers,
zeros for a month without data, a Chinese message for a bad month, downloads as .xlsx and .docx (audited)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from python_calamine import CalamineWorkbook

from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent

from ..choices import Channel, MeasureCategory
from ..models import Clue
from ..report import monthly_report, parse_month
from ..selectors import open_case_household_count
from ..workflow import CaseStatus
from .factories import CaseFactory, ClueFactory, household, measure, visit

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = parse_month("2025-03")


def _march_data(regions):
    """城关镇: two cases approved in March (one 因病、因学, one 因病), one eliminated in March; 白沙镇: one old case."""
    a = CaseFactory(household=household(regions["village"]), county_approved_on=D(2025, 3, 4),
                    risk_types="因病、因学")
    b = CaseFactory(household=household(regions["village_b"]), county_approved_on=D(2025, 3, 20))
    gone = CaseFactory(household=household(regions["village"]), county_approved_on=D(2024, 6, 1),
                       status=CaseStatus.ELIMINATED, eliminated_on=D(2025, 3, 28))
    old = CaseFactory(household=household(regions["village_c"]), county_approved_on=D(2024, 5, 1))
    CaseFactory(household=household(regions["other_village"]), county_approved_on=D(2025, 3, 5))  # another county
    measure(a, MeasureCategory.HEALTH, D(2025, 3, 6))
    measure(b, MeasureCategory.EMPLOYMENT, D(2025, 3, 21))
    measure(old, MeasureCategory.HEALTH, D(2025, 2, 1))        # February: not counted
    visit(a, D(2025, 3, 10))
    visit(old, D(2025, 3, 11))
    visit(old, D(2025, 4, 1))                                  # April: not counted
    ClueFactory(household=a.household, channel=Channel.DEPARTMENT, discovered_on=D(2025, 3, 1),
                status=Clue.Status.ACCEPTED, handled_on=D(2025, 3, 3))
    ClueFactory(household=old.household, channel=Channel.DEPARTMENT, discovered_on=D(2025, 3, 30))
    ClueFactory(household=old.household, channel=Channel.CADRE, discovered_on=D(2025, 3, 30))
    return a, b, gone, old


def test_march_counts_per_township_and_total(regions):
    _march_data(regions)
    report = monthly_report(regions["county"].prefix, MARCH, today=D(2025, 6, 1))
    by_name = {r.name: r.counts for r in report.rows}
    assert [r.name for r in report.rows] == ["城关镇", "白沙镇"]
    assert by_name["城关镇"] == {"new": 2, "current": 2, "eliminated": 1, "measures": 2, "visits": 1,
                              "warnings": 1, "warnings_handled": 1}
    assert by_name["白沙镇"] == {"new": 0, "current": 1, "eliminated": 0, "measures": 0, "visits": 1,
                              "warnings": 1, "warnings_handled": 0}
    assert report.total.counts["new"] == 2 and report.total.counts["current"] == 3
    assert report.total.risks == {"因病": 2, "因学": 1}
    assert report.total.measure_types == {"健康帮扶": 1, "就业帮扶": 1}


def test_running_month_current_equals_the_selector(regions):
    _march_data(regions)
    # A case still awaiting announcement counts as 在监测 in the selector: the report must say the same.
    CaseFactory(household=household(regions["village_d"]), status=CaseStatus.ANNOUNCE, county_approved_on=None)
    report = monthly_report(regions["county"].prefix, MARCH, today=D(2025, 3, 31))
    for row in report.rows:
        assert row.counts["current"] == open_case_household_count(row.code)
    assert report.total.counts["current"] == open_case_household_count(regions["county"].prefix) == 4


def test_month_without_data_gives_zeros(regions):
    _march_data(regions)
    report = monthly_report(regions["county"].prefix, parse_month("2019-01"), today=D(2025, 6, 1))
    assert all(v == 0 for r in [*report.rows, report.total] for v in r.values)
    assert report.risk_types == [] and report.measure_types == []


@pytest.mark.parametrize("text", ["2025-13", "2025/03", "三月", "2025-3-1", "0001-01"])
def test_bad_month_is_refused_in_chinese(text):
    with pytest.raises(UserFacingError, match="月份.*格式不对"):
        parse_month(text)


def test_page_is_scoped_and_downloads_are_audited(regions, township_reviewer, login):
    month = f"{timezone.localdate():%Y-%m}"
    today = timezone.localdate()
    case = CaseFactory(household=household(regions["village"]), county_approved_on=today)
    CaseFactory(household=household(regions["village_c"]), county_approved_on=today)   # 白沙镇: out of scope
    visit(case, today)
    client = login(township_reviewer)
    page = client.get(reverse("monitoring:report"), {"month": month}).content.decode()
    assert "城关镇" in page and "白沙镇" not in page and reverse("monitoring:report_xlsx") in page
    assert "监测月报" in client.get(reverse("monitoring:queue")).content.decode()

    content = client.post(reverse("monitoring:report_xlsx"), {"month": month}).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[2][:4] == ["乡镇", "新识别监测对象（户）", "月末在监测（户）", "本月风险消除（户）"]
    assert [r[0] for r in rows[3:]] == ["城关镇", "合计"]
    assert rows[4][1:3] == [1, open_case_household_count(regions["township"].prefix)]

    response = client.post(reverse("monitoring:report_docx"), {"month": month})
    doc = Document(io.BytesIO(response.content))
    assert "新识别监测对象 1 户" in doc.paragraphs[1].text
    assert doc.tables[0].rows[-1].cells[0].text == "合计" and doc.tables[0].rows[-1].cells[1].text == "1"
    assert AuditEvent.objects.filter(object_type="monitoring.report", action="export").count() == 2


def test_bad_month_on_the_page_shows_a_message_not_an_error(regions, county_admin, login):
    client = login(county_admin)
    response = client.get(reverse("monitoring:report"), {"month": "2025-99"}, follow=True)
    assert response.status_code == 200 and "格式不对" in response.content.decode()
    refused = client.post(reverse("monitoring:report_xlsx"), {"month": "abc"}, follow=True)
    assert "格式不对" in refused.content.decode()
    assert not AuditEvent.objects.filter(object_type="monitoring.report").exists()
    assert client.get(reverse("monitoring:report_xlsx")).status_code == 405
