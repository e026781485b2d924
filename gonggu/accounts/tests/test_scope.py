"""Each persona sees exactly its region subtree; outside it, records look missing (404)."""

import re

import pytest
from django.urls import reverse

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm
from gonggu.regions.selectors import regions_in_scope


def visible_codes(user):
    return set(regions_in_scope(user.scope_prefix).values_list("code", flat=True))


@pytest.mark.django_db
def test_persona_scopes(personas, regions):
    assert visible_codes(personas["village_clerk"]) == {"410122100201"}
    assert visible_codes(personas["township_reviewer"]) == {"410122100000", "410122100201", "410122100202"}
    county_codes = visible_codes(personas["county_admin"])
    assert "410122101202" in county_codes and "410181100201" not in county_codes and len(county_codes) == 7
    assert visible_codes(personas["other_county_user"]) == {"410181000000", "410181100000", "410181100201"}
    assert visible_codes(personas["department_user"]) == county_codes


@pytest.mark.django_db
@pytest.mark.parametrize("persona,code,status", [
    ("village_clerk", "410122100201", 200),
    ("village_clerk", "410122100202", 404),   # the neighbouring village
    ("village_clerk", "410122100000", 404),   # own township: above the clerk's scope
    ("village_clerk", "410181100201", 404),   # another county
    ("village_clerk", "999999999999", 404),   # does not exist: same answer
    ("township_reviewer", "410122100202", 200),
    ("township_reviewer", "410122101201", 404),
    ("county_admin", "410122101201", 200),
    ("county_admin", "410181100201", 404),
    ("other_county_user", "410122100201", 404),
])
def test_region_url_guessing(personas, login, persona, code, status):
    response = login(personas[persona]).get(reverse("region_detail", args=[code]))
    assert response.status_code == status
    if status == 404:
        assert "东村" not in response.content.decode() or persona == "village_clerk"


@pytest.mark.django_db
def test_out_of_scope_equals_missing(village_clerk, login):
    client = login(village_clerk)
    other = client.get(reverse("region_detail", args=["410122100202"]))
    missing = client.get(reverse("region_detail", args=["410122100299"]))
    assert other.status_code == missing.status_code == 404
    strip = re.compile(rb'(X-CSRFToken": "|value=")[^"]+"')
    assert strip.sub(b"", other.content) == strip.sub(b"", missing.content)


@pytest.mark.django_db
def test_role_matrix():
    from gonggu.accounts.models import User

    leader = User(role=Role.LEADER)
    assert leader.has_perm_code(Perm.VIEW_REGISTRY)
    assert not leader.has_perm_code(Perm.EDIT_REGISTRY)
    assert not leader.has_perm_code(Perm.UNMASK_ID)
    assert not User(role=Role.VILLAGE_CLERK).has_perm_code(Perm.MANAGE_USERS)
    assert User(role=Role.COUNTY_ADMIN).has_perm_code(Perm.MANAGE_USERS)
    assert User(role=Role.TOWNSHIP_REVIEWER).has_perm_code(Perm.REVIEW_TOWNSHIP)
    assert not User(role=Role.VILLAGE_CLERK).has_perm_code(Perm.APPROVE_COUNTY)


@pytest.mark.django_db
def test_user_without_region_sees_nothing(regions):
    from gonggu.accounts.models import User

    orphan = User.objects.create(username="orphan", role=Role.COUNTY_ADMIN)
    assert visible_codes(orphan) == set()
