"""Each role signs in on a desktop and on a 390 px phone, lands on its workbench, and the first item leads to the
work; the leader lands on the cockpit, sees the map and drills down to a household."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD, make_user
from gonggu.accounts.permissions import Role
from gonggu.core.departments import Department
from gonggu.monitoring.tests.factories import CaseFactory, household
from gonggu.registry.choices import HouseholdType
from gonggu.screening.models import Warning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})


@pytest.fixture
def work(regions, county_admin):
    today = timezone.localdate()
    hh = household(regions["village"], household_type=HouseholdType.MONITORED)
    hh.head_name = "赵东"
    hh.save(update_fields=["head_name"])
    Warning.objects.create(rule="MZ-LOW-INCOME-LOST", household=hh, region_code=hh.region_code, grade="red",
                           risk_type="因病", department=Department.MZ, first_raised_on=today - dt.timedelta(20),
                           last_seen_on=today - dt.timedelta(20), deadline=today - dt.timedelta(5))
    officer = make_user("bangfu", Role.ASSISTANCE_OFFICER, regions["village"])
    CaseFactory(household=hh, officer=officer, county_approved_on=today - dt.timedelta(60))
    return {"household": hh, "officer": officer}


def _sign_in(browser, viewport, username):
    context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=viewport["width"] < 500)
    page = context.new_page()
    return context, page


def _land_and_follow_first(browser, live_server, username, *, expect_url_part):
    for viewport in VIEWPORTS:
        context, page = _sign_in(browser, viewport, username)
        try:
            page.goto(live_server.url + "/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(live_server.url + "/")
            assert page.locator("h1").inner_text().startswith("我的工作台")
            first = page.locator("ol.work-items a.work-link").first
            assert first.is_visible()
            href = first.get_attribute("href")
            assert expect_url_part in href
            first.click()
            page.wait_for_url(f"**{href.split('#')[0]}*")
            assert page.locator("h1").count() == 1
            assert "出错" not in page.title()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"] + 1, f"页面在 {viewport['width']} 宽时横向溢出：{width}"
        finally:
            context.close()


def test_village_clerk_lands_on_warnings_to_verify(browser, live_server, village_clerk, work):
    _land_and_follow_first(browser, live_server, "village_clerk", expect_url_part="/screening/inbox/")


def test_village_team_lands_on_warnings_to_verify(browser, live_server, regions, work):
    make_user("village_team", Role.VILLAGE_TEAM, regions["village"])
    _land_and_follow_first(browser, live_server, "village_team", expect_url_part="/screening/inbox/")


def test_assistance_officer_lands_on_a_measure_to_record(browser, live_server, work):
    _land_and_follow_first(browser, live_server, "bangfu", expect_url_part="/monitoring/cases/")


def test_township_reviewer_lands_on_overdue_village(browser, live_server, township_reviewer, work):
    _land_and_follow_first(browser, live_server, "township_reviewer", expect_url_part="/screening/warnings/")


def test_county_admin_lands_on_overdue_township(browser, live_server, county_admin, work):
    _land_and_follow_first(browser, live_server, "county_admin", expect_url_part="/")


def test_department_user_lands_on_its_feedback(browser, live_server, department_user, work):
    _land_and_follow_first(browser, live_server, "department_user", expect_url_part="department=mz")


def test_leader_sees_the_map_and_drills_to_a_household(browser, live_server, leader, work):
    for viewport in VIEWPORTS:
        context, page = _sign_in(browser, viewport, "leader")
        try:
            page.goto(live_server.url + "/accounts/login/")
            page.fill("input[name=username]", "leader")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url("**/cockpit/")
            assert "一张图" in page.locator("h1").inner_text()
            page.wait_for_selector("#cockpit-map canvas")
            assert page.locator("#cockpit-trends canvas").count() == 1
            page.click("table.map-table a.drill:has-text('城关镇')")
            page.wait_for_url("**/cockpit/?region=410122100000*")
            page.wait_for_selector("#cockpit-map canvas")
            page.click("table.map-table a.drill:has-text('东村')")
            page.wait_for_url("**/registry/?region=410122100201")
            page.click(f"a:has-text('{work['household'].household_no}')")
            page.wait_for_url("**/registry/households/*/")
            assert "一户一档" in page.content() or "家庭成员" in page.content()
            assert page.locator("#panel-monitoring").is_visible()
        finally:
            context.close()
