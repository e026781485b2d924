"""新增、退出名单 on a phone: the month and the region are picked from lists, the page fits 390 px, and the
export downloads the month's list."""

import datetime as dt
import io

import pytest
import time_machine
from python_calamine import CalamineWorkbook

from conftest import browser_login

from ..workflow import CaseStatus
from .factories import CaseFactory, household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changes_picked_on_a_phone_and_exported(phone_page, live_server, regions, county_admin):
    CaseFactory(household=household(regions["village"]), county_approved_on=dt.date(2025, 6, 3))
    CaseFactory(household=household(regions["village_c"]), status=CaseStatus.ELIMINATED,
                eliminated_on=dt.date(2025, 6, 20), elimination_method="稳定消除")
    page = phone_page
    with time_machine.travel(dt.datetime(2025, 7, 5, 9, 0), tick=True):
        browser_login(page, live_server, "county_admin")
        page.goto(live_server.url + "/monitoring/changes/")
        page.select_option("select[name=month]", "2025-06")
        page.select_option("select[name=region]", regions["township2"].code)
        page.click("button:has-text('查看')")
        text = page.locator("main").inner_text() if page.locator("main").count() else page.content()
        assert "新增 0 户 0 人；退出 1 户 1 人" in text.replace("\n", "")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        with page.expect_download() as download:
            page.click("button:has-text('导出 Excel')")
        rows = CalamineWorkbook.from_filelike(io.BytesIO(open(download.value.path(), "rb").read())) \
            .get_sheet_by_index(0).to_python()
        assert any("退出" in [str(c) for c in row] for row in rows)
