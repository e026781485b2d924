import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonggu.core.models import AuditEvent
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.models import Person
from gonggu.registry.services import person_update

pytestmark = pytest.mark.django_db


def listed(response) -> set[str]:
    """Household numbers on a list page."""
    return {r.household.household_no + "@" + r.household.region_code for r in response.context["rows"]}


def numbers(response) -> set[str]:
    return {r.household.household_no for r in response.context["rows"]}


# --- scope and permissions ---------------------------------------------------------------------------------------

def test_village_clerk_sees_only_own_village(village_clerk, sample_registry, login):
    response = login(village_clerk).get(reverse("household_list"))
    assert response.status_code == 200
    assert listed(response) == {"1001@410122100201", "1002@410122100201"}


def test_township_reviewer_sees_township(township_reviewer, sample_registry, login):
    response = login(township_reviewer).get(reverse("household_list"))
    assert numbers(response) == {"1001", "1002", "2001"}


def test_county_admin_does_not_see_other_county(county_admin, sample_registry, login):
    response = login(county_admin).get(reverse("household_list"))
    assert listed(response) == {"1001@410122100201", "1002@410122100201", "2001@410122100202",
                                "3001@410122101201"}


def test_guessing_another_villages_household_is_404(village_clerk, sample_registry, login):
    client = login(village_clerk)
    for key in ("c", "d", "e"):
        assert client.get(reverse("household_detail", args=[sample_registry[key].pk])).status_code == 404
        assert client.get(reverse("household_edit", args=[sample_registry[key].pk])).status_code == 404
        assert client.get(reverse("person_add", args=[sample_registry[key].pk])).status_code == 404
        assert client.get(reverse("income_edit", args=[sample_registry[key].pk])).status_code == 404
        person = sample_registry[f"{key}_head"]
        assert client.get(reverse("person_edit", args=[person.pk])).status_code == 404
        assert client.get(reverse("person_status", args=[person.pk])).status_code == 404
        assert client.get(reverse("person_move", args=[person.pk])).status_code == 404
        assert client.post(reverse("person_unmask", args=[person.pk])).status_code == 404
    assert client.get(reverse("household_detail", args=[999999])).status_code == 404


def test_other_county_user_cannot_see_our_household(other_county_user, sample_registry, login):
    client = login(other_county_user)
    assert client.get(reverse("household_detail", args=[sample_registry["a"].pk])).status_code == 404
    assert numbers(client.get(reverse("household_list"))) == {"1001"}  # their own 1001, not ours
    assert client.get(reverse("household_detail", args=[sample_registry["e"].pk])).status_code == 200


def test_leader_views_but_cannot_edit(leader, sample_registry, login):
    client = login(leader)
    a = sample_registry["a"]
    assert client.get(reverse("household_list")).status_code == 200
    page = client.get(reverse("household_detail", args=[a.pk]))
    assert page.status_code == 200 and "修改农户信息" not in page.content.decode()
    assert client.get(reverse("household_edit", args=[a.pk])).status_code == 403
    assert client.post(reverse("person_add", args=[a.pk]), {}).status_code == 403
    assert client.get(reverse("person_edit", args=[sample_registry["a_head"].pk])).status_code == 403
    assert client.post(reverse("person_status", args=[sample_registry["a_head"].pk]), {}).status_code == 403
    assert client.post(reverse("person_move", args=[sample_registry["a_head"].pk]), {}).status_code == 403
    assert client.post(reverse("income_edit", args=[a.pk]), {}).status_code == 403
    assert client.post(reverse("household_export")).status_code == 403


def test_pages_need_login(client, sample_registry):
    response = client.get(reverse("household_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- detail page -------------------------------------------------------------------------------------------------

@time_machine.travel(dt.datetime(2025, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False)
def test_detail_shows_members_masked_with_age_and_income_derivation(village_clerk, sample_registry, login):
    page = login(village_clerk).get(reverse("household_detail", args=[sample_registry["a"].pk])).content.decode()
    head = sample_registry["a_head"]
    assert head.id_number not in page
    assert head.id_number[:6] + "********" + head.id_number[-4:] in page
    assert "张小明" in page and "初中" in page
    son_row = page[page.index("张小明"):]
    assert '<td data-label="年龄" class="num">12</td>' in son_row  # born 2012-09-01, as of 2025-06-15
    # 2024: 24000 + 6000 + 300 + 3200 − 1800 = 31700 over 3 persons = 10566.67
    assert "工资性 24000.00 + 生产经营性 6000.00 + 财产性 300.00 + 转移性 3200.00 − 生产经营性支出 1800.00" in page
    assert "÷ 人口 3 = 31700.00 ÷ 3 = 10566.67 元" in page


def test_detail_shows_change_history_with_user_and_fields(village_clerk, sample_registry, login):
    person_update(actor=village_clerk, person=sample_registry["a_son"], school_status="高中", work_months=0)
    page = login(village_clerk).get(reverse("household_detail", args=[sample_registry["a"].pk])).content.decode()
    history = page[page.index("变更记录"):]
    assert "village_clerk" in history and "成员 张小明" in history
    assert "在校情况：初中 → 高中" in history and "务工月数：（空） → 0" in history


def test_unmask_returns_number_and_is_audited(village_clerk, sample_registry, login):
    head = sample_registry["a_head"]
    response = login(village_clerk).post(reverse("person_unmask", args=[head.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and head.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="view_pii")
    assert event.user == village_clerk and event.object_id == str(head.pk)
    assert event.region_code == head.region_code


def test_unmask_refused_for_leader_and_not_audited(leader, sample_registry, login):
    client = login(leader)
    page = client.get(reverse("household_detail", args=[sample_registry["a"].pk])).content.decode()
    assert "显示完整号码" not in page
    response = client.post(reverse("person_unmask", args=[sample_registry["a_head"].pk]))
    assert response.status_code == 403 and sample_registry["a_head"].id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_unmask_needs_post(village_clerk, sample_registry, login):
    assert login(village_clerk).get(reverse("person_unmask", args=[sample_registry["a_head"].pk])).status_code == 405


# --- search and filters ------------------------------------------------------------------------------------------

def test_search_by_identity_number_normalised(county_admin, sample_registry, login):
    client = login(county_admin)
    wife = sample_registry["a_wife"]
    for typed in (wife.id_number, f" {wife.id_number} ", "'" + wife.id_number):
        assert numbers(client.get(reverse("household_list"), {"q": typed})) == {"1001"}


def test_search_by_lowercase_x_and_fifteen_digits(county_admin, regions, login):
    from gonggu.core.idnumber import check_digit

    h = HouseholdFactory(village=regions["village_d"], household_no="4001")
    with_x = None
    for seq in range(100, 999):  # a number of 410122 whose check digit is X
        first17 = f"41012219800101{seq:03d}"
        if check_digit(first17) == "X":
            with_x = first17 + "X"
            break
    PersonFactory(household=h, id_number=with_x, gender="M" if int(with_x[16]) % 2 else "F",
                  birth_date=dt.date(1980, 1, 1))
    h2 = HouseholdFactory(village=regions["village_d"], household_no="4002")
    old = "410122650203123"  # 15-digit: born 1965-02-03, sequence 123
    from gonggu.core.idnumber import normalize
    PersonFactory(household=h2, id_number=normalize(old), gender="M", birth_date=dt.date(1965, 2, 3))
    client = login(county_admin)
    assert numbers(client.get(reverse("household_list"), {"q": with_x.lower()})) == {"4001"}
    assert numbers(client.get(reverse("household_list"), {"q": old})) == {"4002"}


def test_invalid_identity_number_is_explained_not_matched(county_admin, sample_registry, login):
    wrong = sample_registry["a_head"].id_number[:17] + ("0" if sample_registry["a_head"].id_number[17] != "0" else "1")
    response = login(county_admin).get(reverse("household_list"), {"q": wrong})
    assert numbers(response) == set()
    notes = " ".join(response.context["notes"])
    assert "不是有效的身份证号" in notes and "校验位" in notes
    assert wrong not in notes and wrong[:6] + "********" in notes


def test_search_by_household_number_and_names(county_admin, sample_registry, login):
    client = login(county_admin)
    assert numbers(client.get(reverse("household_list"), {"q": "1001"})) == {"1001"}
    assert numbers(client.get(reverse("household_list"), {"q": "100"})) == {"1001", "1002"}  # prefix
    assert numbers(client.get(reverse("household_list"), {"q": "王老五"})) == {"1002"}  # head
    assert numbers(client.get(reverse("household_list"), {"q": "桂英"})) == {"1002"}  # a member
    assert numbers(client.get(reverse("household_list"), {"q": "孙二娘"})) == set()  # other county


def test_filters(county_admin, sample_registry, login, regions):
    client = login(county_admin)
    url = reverse("household_list")
    assert numbers(client.get(url, {"household_type": "脱贫户"})) == {"1001", "2001"}
    assert numbers(client.get(url, {"monitoring_type": "边缘易致贫户"})) == {"1002"}
    assert numbers(client.get(url, {"health": "残疾"})) == {"1002"}
    assert numbers(client.get(url, {"labour_ability": "丧失劳动力"})) == {"1002"}
    assert numbers(client.get(url, {"relocated": "是"})) == {"2001"}
    assert numbers(client.get(url, {"region": regions["township2"].code})) == {"3001"}
    assert numbers(client.get(url, {"region": regions["village_b"].code})) == {"2001"}
    assert numbers(client.get(url, {"household_type": "脱贫户", "region": regions["village"].code})) == {"1001"}
    # A region outside the scope matches nothing rather than widening the scope.
    assert numbers(client.get(url, {"region": regions["other_village"].code})) == set()
    # Unknown choice values are ignored.
    assert len(numbers(client.get(url, {"health": "不存在"}))) == 4


def test_filter_ignores_members_who_died(county_admin, sample_registry, login):
    from gonggu.registry.services import person_record_death

    person_record_death(actor=county_admin, person=Person.objects.get(name="赵桂英"), date=dt.date(2024, 1, 1))
    assert numbers(login(county_admin).get(reverse("household_list"), {"health": "残疾"})) == set()


def test_list_query_count_does_not_grow_with_rows(county_admin, regions, login):
    client = login(county_admin)

    def make(n, start):
        for i in range(n):
            h = HouseholdFactory(village=regions["village_c"], household_no=f"{start + i}")
            PersonFactory(household=h, relation="户主")
            PersonFactory(household=h, relation="配偶", gender="F")

    make(3, 5000)
    client.get(reverse("household_list"))  # warm caches (session, user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("household_list")).status_code == 200
    make(30, 6000)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("household_list"))
    assert len(response.context["rows"]) == 33
    assert len(many) == len(few)
    assert len(many) <= 10


def test_list_is_paginated(county_admin, regions, login):
    for i in range(55):
        HouseholdFactory(village=regions["village_c"], household_no=f"P{i:03d}")
    client = login(county_admin)
    first = client.get(reverse("household_list"), {"q": "P"})
    assert len(first.context["rows"]) == 50 and "第 1 / 2 页" in first.content.decode()
    second = client.get(reverse("household_list"), {"q": "P", "page": 2})
    assert numbers(second) == {"P050", "P051", "P052", "P053", "P054"}
