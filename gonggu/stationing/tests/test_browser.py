"""A 驻村工作队员 on a 390 px phone: checks in for the day, sees the week on the teams page, records the village's
weekly review with a household discussed, and is told why minutes for tomorrow are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from conftest import browser_login, make_user
from gonggu.accounts.permissions import Role
from gonggu.monitoring.tests.factories import CaseFactory, household

from ..models import Attendance, MeetingHousehold
from .factories import cadre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_team_member_checks_in_and_records_a_review_on_a_phone(phone_page, live_server, regions):
    page = phone_page
    make_user("gongzuodui", Role.VILLAGE_TEAM, regions["village"])
    c = cadre(regions["village"], start=dt.date(2025, 6, 1), name="李明")
    hh = household(regions["village"])
    case = CaseFactory(household=hh)
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0), tick=True):
        browser_login(page, live_server, "gongzuodui")
        page.goto(live_server.url + "/stationing/checkin/")
        _fits(page)
        page.select_option("select[name=cadre]", str(c.pk))
        page.check("input[name=status][value=在村]")
        page.click("button:has-text('签到')")
        page.wait_for_url("**/stationing/")
        assert "已签到：李明 2025-06-30 在村，在村住宿" in page.content()
        assert page.locator("td:has-text('1 天/1 夜')").count() >= 1
        _fits(page)
        row = Attendance.objects.get()
        assert (row.cadre_id_number, row.night) == (c.cadre_id_number, True)

        page.goto(live_server.url + "/stationing/meetings/new/")
        _fits(page)
        page.select_option("select[name=region_code]", regions["village"].code)
        page.fill("input[name=held_on]", "2025-07-01")
        page.fill("input[name=attendees]", "村支书、第一书记李明")
        page.fill("textarea[name=households]", f"{hh.household_no} 继续监测帮扶")
        page.click("button:has-text('保存')")
        assert "不能登记尚未召开的会议纪要" in page.locator("form.form").inner_text()
        page.fill("input[name=held_on]", "2025-06-30")
        page.click("button:has-text('保存')")
        page.wait_for_url("**/stationing/meetings/")
        assert "研判农户 1 户" in page.content()
        page.click(f"a[href='/monitoring/cases/{case.pk}/']")
        page.wait_for_url(f"**/monitoring/cases/{case.pk}/")
        assert "继续监测帮扶" in page.locator("#panel-meetings").inner_text()
    assert list(MeetingHousehold.objects.get().cases.all()) == [case]
