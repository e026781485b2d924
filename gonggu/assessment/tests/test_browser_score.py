"""In a browser, on a desktop and on a 390 px phone: a county user opens the self-evaluation, sees the 13
indicators and a total score, follows the item that loses most, and uploads evidence for an item."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from gonggu.assessment.models import ItemEvidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(p, live_server, user):
    p.goto(live_server.url + reverse("login"))
    p.fill("input[name=username]", user.username)
    p.fill("input[name=password]", PASSWORD)
    p.click("button.primary")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_county_user_sees_thirteen_indicators_and_a_total(device, request, live_server, county_admin, county_data,
                                                          regions, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    p = request.getfixturevalue(device)
    _login(p, live_server, county_admin)
    p.goto(live_server.url + reverse("assessment_self"))
    assert "中牟县自评" in p.inner_text("h1")
    total = p.inner_text(".total-score")
    assert float(total) <= 100
    assert "满分 100.00" in p.inner_text(".score-cards")
    rows = p.locator("table.score-table tbody tr")
    assert rows.count() == 14                         # 12 scored indicators, 13 扣分项, 合计
    assert "13. 扣分项" in rows.nth(12).inner_text() and "合计" in rows.nth(13).inner_text()
    assert p.locator("h2.indicator").count() == 12
    # The item that loses most leads to its place on the page.
    first = p.locator("table.what-if tbody tr a").first
    key = first.get_attribute("href").split("#item-")[1]
    first.click()
    assert p.locator(f"#item-{key}").is_visible()
    # Evidence for 6-1 (奖补机制): upload once, the item becomes 达标.
    item = p.locator("#item-6-1")
    item.locator("input[name=title]").fill("奖补办法")
    item.locator("input[name=happened_on]").fill("2025-04-01")
    upload = tmp_path / "奖补办法.txt"
    upload.write_text("多干多补、少干少补、不干不补奖补办法", encoding="utf-8")
    item.locator("input[name=file]").set_input_files(str(upload))
    item.locator("button").click()
    p.wait_for_selector("text=佐证材料已上传")
    assert ItemEvidence.objects.get().item_key == "6-1"
    assert "达标" in p.inner_text("#item-6-1 h3")
    if device == "phone_page":
        assert p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
