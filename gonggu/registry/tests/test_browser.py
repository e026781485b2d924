import datetime as dt

import pytest

from conftest import PASSWORD
from gonggu.core.models import AuditEvent
from gonggu.registry.demo import make_id_number
from gonggu.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_clerk_finds_household_and_records_newborn(page, live_server, village_clerk, sample_registry):
    external = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith((live_server.url, "data:")) else None)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "village_clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/registry/")
    page.fill("input[name=q]", "张大山")
    page.click("button:has-text('查找')")
    page.wait_for_url("**/registry/?q=*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1 and "1001" in rows.first.inner_text()
    page.click("a:has-text('1001')")
    page.wait_for_url("**/registry/households/*/")
    assert "张大山" in page.locator("h1").inner_text()

    # The full number is shown only on request, and that is logged.
    wife_row = page.locator("tr", has_text="李小花")
    wife_row.locator("button:has-text('显示完整号码')").click()
    page.wait_for_function("n => document.body.innerText.includes(n)", arg=sample_registry["a_wife"].id_number)
    assert AuditEvent.objects.filter(action="view_pii", user=village_clerk).count() == 1

    page.click("a:has-text('新增成员')")
    born = dt.date.today() - dt.timedelta(days=20)
    number = make_id_number("410122", born, 37)
    page.fill("input[name=id_number]", number.lower())
    page.fill("input[name=name]", "张小宝")
    page.select_option("select[name=relation]", "孙子")
    page.select_option("select[name=labour_ability]", "无劳动力")
    page.select_option("select[name=health]", "健康")
    page.click("button:has-text('保存')")
    page.wait_for_url("**/registry/households/*/")
    assert "已新增成员 张小宝" in page.content()
    row = page.locator("tr", has_text="张小宝").first
    assert "孙子" in row.inner_text() and number not in row.inner_text()
    baby = Person.objects.get(name="张小宝")
    assert baby.id_number == number and baby.birth_date == born and baby.gender == "M"
    assert baby.history.get().history_user == village_clerk
    assert external == []


def test_household_page_on_a_phone(phone_page, live_server, village_clerk, sample_registry):
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "village_clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + f"/registry/households/{sample_registry['a'].pk}/")
    # Stacked table: each cell carries its label, and the page does not scroll sideways.
    cell = page.locator("td[data-label='与户主关系']").first
    assert cell.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
