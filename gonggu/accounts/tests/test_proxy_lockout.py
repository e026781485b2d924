"""Behind nginx: lockout per username + real client address, audit rows with that address, and the county
administrator's view of failed logins against their users."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, make_user
from gonggu.accounts.permissions import Role
from gonggu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.5"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.GONGGU_TRUSTED_PROXIES = [NGINX]


def _login(client, username, password, client_address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=NGINX,
                       HTTP_X_FORWARDED_FOR=f"6.6.6.6, {client_address}")


def test_an_attacker_behind_the_proxy_locks_only_their_own_address(client, village_clerk):
    for _ in range(5):
        _login(client, "village_clerk", "wrong", "203.0.113.66")
    assert _login(client, "village_clerk", PASSWORD, "203.0.113.66").status_code == 429
    # The clerk, from the township office through the same nginx, still gets in.
    client.cookies.clear()
    response = _login(client, "village_clerk", PASSWORD, "198.51.100.20")
    assert response.status_code == 302


def test_audit_rows_carry_the_address_the_proxy_reports(client, village_clerk):
    _login(client, "village_clerk", "wrong", "203.0.113.66")
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.ip_address == "203.0.113.66" and failed.region_code == village_clerk.region.code
    _login(client, "village_clerk", PASSWORD, "198.51.100.20")
    assert AuditEvent.objects.get(action="login").ip_address == "198.51.100.20"


def test_county_admin_sees_failed_logins_of_their_users_only(client, login, regions, village_clerk, county_admin):
    outsider = make_user("outsider", Role.VILLAGE_CLERK, regions["other_village"])
    _login(client, village_clerk.username, "wrong", "203.0.113.66")
    _login(client, outsider.username, "wrong", "203.0.113.77")
    page = login(county_admin).get(reverse("failed_logins"))
    html = page.content.decode()
    assert page.status_code == 200 and "203.0.113.66" in html and "village_clerk" in html
    assert "outsider" not in html and "203.0.113.77" not in html
    assert login(village_clerk).get(reverse("failed_logins")).status_code == 403
