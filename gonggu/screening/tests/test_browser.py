import pytest

from conftest import browser_login
from gonggu.screening.models import Warning, WarningStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_clerk_verifies_a_warning_from_the_inbox(page, live_server, village_clerk, warnings):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(
        ("http://localhost", "http://127.0.0.1", "data:")) else None)
    browser_login(page, live_server, "village_clerk")
    page.goto(live_server.url + "/screening/inbox/")
    row = page.locator(f"tr[data-warning='{warnings['village'].pk}']")
    assert "赵东户" in row.inner_text() and "学籍" in row.inner_text()
    assert page.locator("tr[data-warning]").count() == 1
    row.locator("a:has-text('核实')").click()
    page.wait_for_url(f"**/screening/warnings/{warnings['village'].pk}/#verify")
    page.check("input[value='不予纳入']")
    page.click("button:has-text('提交核实结果')")
    # No reason given: the form says so and nothing is recorded.
    assert "不予纳入必须填写理由" in page.content()
    page.check("input[value='不予纳入']")
    page.fill("textarea[name=note]", "已在县城稳定就业，收入高于监测范围")
    page.click("button:has-text('提交核实结果')")
    page.wait_for_url("**/screening/inbox/")
    assert "已核实" in page.locator(".messages").inner_text()
    assert page.locator("tr[data-warning]").count() == 0
    w = Warning.objects.get(pk=warnings["village"].pk)
    assert w.status == WarningStatus.REJECTED and w.verification_note.startswith("已在县城")
    assert external == []


def test_summary_page_draws_charts_offline(page, live_server, county_admin, warnings):
    browser_login(page, live_server, "county_admin")
    page.goto(live_server.url + "/screening/")
    page.wait_for_selector("#chart-rule canvas")
    assert page.locator("#chart-grade canvas").count() == 1


def test_inbox_on_a_phone(phone_page, live_server, village_clerk, warnings):
    browser_login(phone_page, live_server, "village_clerk")
    phone_page.goto(live_server.url + "/screening/inbox/")
    button = phone_page.locator(f"tr[data-warning='{warnings['village'].pk}'] a:has-text('核实')")
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
