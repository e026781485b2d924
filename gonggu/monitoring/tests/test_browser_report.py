"""The 月报 page in the browser, as a county user on a desktop and on a 390 px phone: the month chosen on the page,
the figures shown equal to those of the downloaded workbook, the Word document downloaded with the same totals."""

from __future__ import annotations

import datetime as dt

import docx
import pytest
import time_machine
from python_calamine import CalamineWorkbook

from conftest import browser_login

from .test_report import _march_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shown(page) -> list[list[str]]:
    """The 主要指标 table as shown: township, then the seven counts, the total last."""
    table = page.locator("h2:has-text('主要指标') + .table-wrap table")
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append([c.inner_text().strip() for c in row.locator("td, th").all()])
    return rows


def _workbook(path) -> list[list[str]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    start = next(i for i, r in enumerate(sheet) if r and r[0] == "乡镇")
    return [[str(v if not isinstance(v, float) else int(v)) for v in r] for r in sheet[start + 1:] if r and r[0]]


def _choose_march_and_compare(page, live_server, tmp_path, name: str) -> list[list[str]]:
    page.goto(live_server.url + "/monitoring/report/")
    page.fill("input[name=month]", "2025-03")
    page.click("form.toolbar button:has-text('查看')")
    page.wait_for_url("**/monitoring/report/?month=2025-03")
    assert page.locator("h1").inner_text().startswith("2025年3月")
    shown = _shown(page)
    with page.expect_download() as download:
        page.click("button:has-text('下载 Excel')")
    assert download.value.suggested_filename.endswith(".xlsx")
    xlsx = tmp_path / f"{name}.xlsx"
    download.value.save_as(xlsx)
    assert shown == _workbook(xlsx)
    with page.expect_download() as download:
        page.click("button:has-text('下载 Word')")
    document = docx.Document(download.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025年3月防止返贫监测帮扶月报" in text and "新识别监测对象 2 户" in text
    first = document.tables[0]
    assert [c.text for c in first.rows[-1].cells] == shown[-1]
    return shown


def test_report_on_desktop_and_phone_equals_its_downloads(page, phone_page, live_server, regions, county_admin,
                                                         tmp_path):
    _march_data(regions)
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, 0), tick=True):
        browser_login(page, live_server, "county_admin")
        desktop = _choose_march_and_compare(page, live_server, tmp_path, "desktop")
        assert [r[0] for r in desktop] == ["城关镇", "白沙镇", "合计"]
        assert desktop[-1][1:4] == ["2", "3", "1"]          # new, current at month's end, eliminated

        browser_login(phone_page, live_server, "county_admin")
        phone = _choose_march_and_compare(phone_page, live_server, tmp_path, "phone")
        assert phone == desktop
        # On the phone the table stacks: nothing wider than the screen, each figure labelled.
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        total = phone_page.locator("h2:has-text('主要指标') + .table-wrap table tbody tr").last
        assert total.locator("th").nth(1).get_attribute("data-label") == "新识别监测对象（户）"
        assert total.locator("th").nth(1).is_visible()
