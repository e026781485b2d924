import pytest
from django.urls import reverse

from conftest import PASSWORD
from gonggu.core.models import AuditEvent


@pytest.mark.django_db
def test_login_page_is_chinese_and_loads_no_external_asset(client):
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-CN"' in page
    for marker in ("http://", "https://", "//cdn", "fonts.googleapis"):
        assert marker not in page.replace('xmlns="http://www.w3.org', "")


@pytest.mark.django_db
def test_anonymous_redirected_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_login_audited_and_home_scoped(client, village_clerk):
    response = client.post(reverse("login"), {"username": "village_clerk", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "东村" in page and "村级信息员" in page
    assert AuditEvent.objects.filter(action="login", user=village_clerk).exists()


@pytest.mark.django_db
def test_wrong_password_generic_message_then_throttled(client, village_clerk):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "village_clerk", "password": "wrong"})
        assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("login"), {"username": "village_clerk", "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "village_clerk", "password": PASSWORD})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", username="village_clerk").count() >= 4


@pytest.mark.django_db
def test_home_for_each_persona(personas, login):
    for name, expected in [("village_clerk", "东村"), ("township_reviewer", "城关镇"), ("county_admin", "中牟县")]:
        page = login(personas[name]).get(reverse("home")).content.decode()
        assert expected in page
    county_page = login(personas["county_admin"]).get(reverse("home")).content.decode()
    assert "巩义市" not in county_page
