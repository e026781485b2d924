import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _external_requests(page):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("http://localhost",
                                                                                   "http://127.0.0.1", "data:")) else None)
    return external


def test_login_and_see_scoped_workbench(page, live_server, village_clerk):
    external = _external_requests(page)
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "village_clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("我的工作台") and "东村" in heading
    assert "村级信息员" in page.locator(".who").inner_text()
    assert external == []


def test_wrong_password_shows_generic_message(page, live_server, village_clerk):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "village_clerk")
    page.fill("input[name=password]", "not-the-password")
    page.click("button:has-text('登录')")
    assert "用户名或密码不正确" in page.content()


def test_phone_menu_opens(phone_page, live_server, county_admin):
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "county_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")
    assert not page.locator("nav.nav a:has-text('用户管理')").is_visible()
    page.click("label.nav-burger")
    page.click("nav.nav a:has-text('用户管理')")
    page.wait_for_url("**/accounts/users/")
    assert "county_admin" in page.content()
