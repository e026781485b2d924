import pytest
from django.urls import reverse

from gonggu.accounts.models import User
from gonggu.accounts.permissions import Role
from gonggu.accounts.services import user_create
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent


def form_data(region, **over):
    data = {"username": "new_clerk", "full_name": "新信息员", "role": Role.VILLAGE_CLERK, "region": region.pk,
            "department": "", "organisation": "", "phone": "", "password": "Qing-shui-2026"}
    data.update(over)
    return data


@pytest.mark.django_db
def test_county_admin_creates_user_in_scope(county_admin, regions, login):
    client = login(county_admin)
    response = client.post(reverse("user_new"), form_data(regions["village_c"]))
    assert response.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert user.region == regions["village_c"] and user.check_password("Qing-shui-2026")
    event = AuditEvent.objects.get(action="create", object_type="user")
    assert event.user == county_admin and event.region_code == "410122101201"
    assert user.history.count() == 1


@pytest.mark.django_db
def test_region_outside_scope_is_not_offered(county_admin, regions, login):
    response = login(county_admin).post(reverse("user_new"), form_data(regions["other_village"]))
    assert response.status_code == 200
    assert not User.objects.filter(username="new_clerk").exists()
    assert "选择一个有效的选项" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role,region_key,dept,message", [
    (Role.VILLAGE_CLERK, "township", "", "只能设在村级"),
    (Role.TOWNSHIP_REVIEWER, "village", "", "只能设在乡镇级"),
    (Role.DEPARTMENT_USER, "county", "", "必须选择所属部门"),
])
def test_role_region_rules(county_admin, regions, role, region_key, dept, message):
    with pytest.raises(UserFacingError, match=message):
        user_create(actor=county_admin, username="x1", password="Qing-shui-2026", full_name="x", role=role,
                    region=regions[region_key], department=dept)


@pytest.mark.django_db
def test_weak_password_refused(county_admin, regions):
    with pytest.raises(UserFacingError, match="密码不符合要求"):
        user_create(actor=county_admin, username="x2", password="12345678", full_name="x",
                    role=Role.VILLAGE_CLERK, region=regions["village"])


@pytest.mark.django_db
def test_village_clerk_cannot_manage_users(village_clerk, login):
    client = login(village_clerk)
    assert client.get(reverse("user_list")).status_code == 403
    assert client.post(reverse("user_new"), {}).status_code == 403


@pytest.mark.django_db
def test_user_list_scoped(county_admin, other_county_user, village_clerk, login):
    page = login(county_admin).get(reverse("user_list")).content.decode()
    assert "village_clerk" in page and "other_county_user" not in page


@pytest.mark.django_db
def test_cannot_edit_user_of_other_county(county_admin, other_county_user, login):
    response = login(county_admin).get(reverse("user_edit", args=[other_county_user.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_edit_and_deactivate(county_admin, village_clerk, regions, login):
    client = login(county_admin)
    data = form_data(regions["village"], full_name="改名", is_active="")
    data.pop("password")
    response = client.post(reverse("user_edit", args=[village_clerk.pk]), data)
    assert response.status_code == 302
    village_clerk.refresh_from_db()
    assert village_clerk.full_name == "改名" and not village_clerk.is_active
    assert AuditEvent.objects.filter(action="update", object_id=str(village_clerk.pk)).exists()
