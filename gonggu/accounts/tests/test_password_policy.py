"""The password policy refuses common and account-like passwords, saying why in Chinese."""

import pytest

from gonggu.accounts.permissions import Role
from gonggu.accounts.services import user_create
from gonggu.core.errors import UserFacingError

pytestmark = pytest.mark.django_db


def _create(county_admin, regions, password, **extra):
    return user_create(actor=county_admin, username=extra.pop("username", "wangfang"), password=password,
                       full_name=extra.pop("full_name", "王芳"), role=Role.VILLAGE_CLERK, region=regions["village"],
                       phone=extra.pop("phone", "13912345678"), **extra)


@pytest.mark.parametrize("password", ["Admin@123", "Password1!", "Woaini1314", "Qwerty@2026", "P@ssw0rd2026",
                                      "Gonggu@2026", "abc123456!"])
def test_common_passwords_are_refused(county_admin, regions, password):
    with pytest.raises(UserFacingError, match="这个密码太常见"):
        _create(county_admin, regions, password)


@pytest.mark.parametrize("password", ["Wangfang#2026", "13912345678a", "王芳-Li-2026x", "x-wangfang-9"])
def test_account_like_passwords_are_refused(county_admin, regions, password):
    with pytest.raises(UserFacingError, match="密码不能包含"):
        _create(county_admin, regions, password)


def test_a_good_password_is_accepted(county_admin, regions):
    assert _create(county_admin, regions, "Qing-shui-2026").check_password("Qing-shui-2026")


def test_password_change_page_says_why_in_chinese(login, village_clerk):
    from conftest import PASSWORD

    page = login(village_clerk).post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Admin@123", "new_password2": "Admin@123"})
    assert page.status_code == 200 and "这个密码太常见" in page.content.decode()
