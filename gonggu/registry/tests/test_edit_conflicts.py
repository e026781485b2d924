"""No lost updates: a form opened before someone else saved the record is not saved over their change; the
user sees what changed, and a second submission (now on the current version) is a knowing overwrite."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry import services
from gonggu.registry.models import Household, IncomeAccount, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(regions):
    user = make_user("colleague", Role.VILLAGE_CLERK, regions["village"])
    user.full_name = "李会计"
    user.save()
    return user


def _version(page) -> str:
    tag = re.search(r'<input type="hidden" name="version"[^>]*>', page.content.decode()).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def _message(page) -> str:
    return page.content.decode()


def test_household_edit_detects_a_concurrent_change(village_clerk, colleague, sample_registry, login):
    a = sample_registry["a"]
    client = login(village_clerk)
    url = reverse("household_edit", args=[a.pk])
    opened = _version(client.get(url))
    services.household_update(actor=colleague, household=a, household_type="监测户", monitoring_type="边缘易致贫户")
    mine = {"household_type": "脱贫户", "monitoring_type": "", "relocated": "是", "village": a.village_id,
            "version": opened}
    page = client.post(url, mine)
    html = _message(page)
    assert page.status_code == 200 and "李会计" in html and "户类型由“脱贫户”改为“监测户”" in html
    assert Household.objects.get(pk=a.pk).household_type == "监测户"        # their change stands
    # Submitting again after reading the message: saved on purpose.
    again = client.post(url, {**mine, "version": _version(page)})
    assert again.status_code == 302
    assert Household.objects.get(pk=a.pk).household_type == "脱贫户"


def test_person_edit_detects_a_concurrent_change(village_clerk, colleague, sample_registry, login):
    son = sample_registry["a_son"]
    client = login(village_clerk)
    url = reverse("person_edit", args=[son.pk])
    opened = _version(client.get(url))
    services.person_update(actor=colleague, person=son, health="患有大病")
    page = client.post(url, {"name": son.name, "relation": son.relation, "labour_ability": son.labour_ability,
                             "health": "健康", "school_status": son.school_status, "medical_insured": "是",
                             "version": opened})
    html = _message(page)
    assert page.status_code == 200 and "健康状况由“健康”改为“患有大病”" in html
    assert Person.objects.get(pk=son.pk).health == "患有大病"


def test_income_edit_detects_a_concurrent_change_and_a_concurrent_creation(village_clerk, colleague,
                                                                          sample_registry, login):
    a = sample_registry["a"]
    client = login(village_clerk)
    url = reverse("income_edit", args=[a.pk])
    opened = _version(client.get(url + "?year=2024"))
    services.income_save(actor=colleague, household=a, year=2024, wage=30000, business=6000, property=300,
                         transfer=3200, business_expense=1800)
    mine = {"year": 2024, "wage": "25000", "business": "6000", "property": "300", "transfer": "3200",
            "business_expense": "1800", "version": opened}
    page = client.post(url, mine)
    assert page.status_code == 200 and "工资性收入由“24000.00”改为“30000.00”" in _message(page)
    assert IncomeAccount.objects.get(household=a, year=2024).wage == Decimal("30000.00")
    # A year nobody had entered when the form was opened, entered meanwhile by the colleague.
    fresh = _version(client.get(url + "?year=2022"))
    assert fresh == ""
    services.income_save(actor=colleague, household=a, year=2022, wage=10000)
    page = client.post(url, {**mine, "year": 2022, "version": fresh})
    assert page.status_code == 200 and "已新增了" in _message(page)
    assert IncomeAccount.objects.get(household=a, year=2022).wage == Decimal("10000.00")
