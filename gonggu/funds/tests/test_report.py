"""The 衔接资金月报: every figure counted from the ledgers for the chosen month (by fund level and by township),
the page, its .xlsx and .docx (audited), scope, and a bad month named."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.funds.report import funds_report
from gonggu.regions.monthly import parse_month

from .factories import allocation, asset, fund_use, payment, project

pytestmark = pytest.mark.django_db
MARCH = parse_month("2025-03")


@pytest.fixture
def ledgers(regions):
    county, v, c = regions["county"].code, regions["village"].code, regions["village_c"].code
    central = allocation(county, doc_no="中央〔2025〕1号", source="中央", issued=dt.date(2025, 3, 5), amount="10000")
    province = allocation(county, doc_no="省级〔2025〕2号", source="省级", issued=dt.date(2025, 1, 20), amount="4000")
    allocation(county, doc_no="中央〔2025〕9号", source="中央", issued=dt.date(2025, 4, 1), amount="99999")  # April
    allocation(county, doc_no="中央〔2024〕8号", source="中央", issued=dt.date(2024, 12, 1), amount="77777")  # last year
    east = project(v, no="XM-E", started_on=dt.date(2025, 3, 10))
    west = project(c, no="XM-W", started_on=dt.date(2025, 2, 1), completed_on=dt.date(2025, 3, 12),
                   accepted_on=dt.date(2025, 3, 20))
    fund_use(central, east, executed=dt.date(2025, 3, 10), amount="6000")
    fund_use(province, west, executed=dt.date(2025, 2, 1), amount="3000")
    payment(east, region_code=county, amount="1000", paid=dt.date(2025, 3, 15))
    payment(west, region_code=county, amount="500", paid=dt.date(2025, 2, 15))
    payment(west, region_code=county, amount="2500", paid=dt.date(2025, 4, 2))                          # April
    asset(c, project_no="XM-W", registered_on=dt.date(2025, 3, 25))
    return regions


def test_figures_by_level_and_township(ledgers):
    report = funds_report(ledgers["county"].prefix, MARCH)
    levels = {line.key: line for line in report.sources}
    assert levels["中央"].source_values() == [Decimal("10000"), Decimal("10000"), Decimal("6000"), Decimal("6000"),
                                            "60.0%"]
    assert levels["省级"].source_values() == [0, Decimal("4000"), 0, Decimal("3000"), "75.0%"]
    assert levels["市级"].source_values()[-1] == "—"
    assert report.source_total.source_values() == [Decimal("10000"), Decimal("14000"), Decimal("6000"),
                                                   Decimal("9000"), "64.3%"]
    towns = {line.name: line for line in report.townships}
    # 城关镇 holds 东村 (XM-E), 白沙镇 holds 南村 (XM-W)
    assert towns[ledgers["township"].name].township_values() == [
        Decimal("6000"), Decimal("6000"), Decimal("1000"), Decimal("1000"), "16.7%", 1, 0, 0, 0]
    assert towns[ledgers["township2"].name].township_values() == [
        0, Decimal("3000"), 0, Decimal("500"), "16.7%", 0, 1, 1, 1]
    assert report.township_total.township_values() == [
        Decimal("6000"), Decimal("9000"), Decimal("1000"), Decimal("1500"), "16.7%", 1, 1, 1, 1]


def test_a_township_user_sees_its_projects_money(ledgers, township_reviewer):
    report = funds_report(township_reviewer.scope_prefix, MARCH)
    assert [line.name for line in report.townships] == [ledgers["township"].name]
    assert report.township_total.amounts["executed"] == Decimal("6000")
    assert report.source_total.amounts["allocated"] == 0        # allocations are the county's


def test_page_and_downloads(ledgers, county_admin, login):
    client = login(county_admin)
    page = client.get(reverse("funds_report"), {"month": "2025-03"}).content.decode()
    assert "2025年3月衔接资金使用情况月报" in page and "60.0%" in page and "10,000.00" in page
    assert "本月确权登记资产（个）" in page
    bad = client.get(reverse("funds_report"), {"month": "2025-13"}, follow=True).content.decode()
    assert "月份“2025-13”格式不对" in bad
    xlsx = client.post(reverse("funds_report_xlsx"), {"month": "2025-03"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert book.sheet_names == ["按资金级次", "按乡镇"]
    rows = book.get_sheet_by_name("按资金级次").to_python()
    assert rows[0][0] == "2025年3月衔接资金使用情况月报"
    assert ["中央衔接资金", 10000.0, 10000.0, 6000.0, 6000.0, "60.0%"] in rows
    docx = client.post(reverse("funds_report_docx"), {"month": "2025-03"})
    doc = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本年累计下达衔接资金 14,000.00 元，预算执行 9,000.00 元，执行率 64.3%" in text
    assert "确权登记资产 1 个" in text and len(doc.tables) == 2
    assert AuditEvent.objects.filter(action="export", object_type="funds.report").count() == 2
    assert client.get(reverse("funds_report_xlsx")).status_code == 405


def test_other_county_sees_nothing(ledgers, other_county_user, login):
    page = login(other_county_user).get(reverse("funds_report"), {"month": "2025-03"}).content.decode()
    assert "10,000.00" not in page and "6,000.00" not in page and "60.0%" not in page
