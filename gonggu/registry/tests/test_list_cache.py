"""The household list's per-village counts are cached, and every registry write makes them be counted again.

These tests commit (transaction=True): counts are cached only outside a transaction, since what a
transaction sees may be rolled back.
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.importing import registry_import
from gonggu.registry.models import Household, Person, RegistryBatch
from gonggu.registry.selectors import LIST_CACHE_SECONDS, HouseholdFilters, household_page
from gonggu.registry.services import household_update, person_update

from .test_import_helpers import VILLAGE_B, household, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county(regions):
    for key, size in (("village", 4), ("village_b", 3), ("village_c", 5)):
        for i in range(size):
            h = HouseholdFactory(village=regions[key], household_no=f"{key[-1]}{i}", household_type="一般农户")
            PersonFactory(household=h, relation="户主", health="健康")
    return regions


def count(user, **filters) -> int:
    return household_page(user, HouseholdFilters(**filters), 1).page.paginator.count


def shown_count(client, **params) -> int:
    return client.get(reverse("household_list"), params).context["page"].paginator.count


def test_household_edit_counts_again(county, county_admin, login):
    client = login(county_admin)
    assert shown_count(client) == 12
    assert shown_count(client, household_type="脱贫户") == 0
    first, second = Household.objects.order_by("pk")[:2]

    # A change that leaves no trace (no history row, no new key, no import): the cached count stands,
    # which shows that the count is not taken again on every page.
    Household.objects.filter(pk=first.pk).update(household_type="脱贫户")
    assert shown_count(client, household_type="脱贫户") == 0

    # An edit through the service: both changes are counted.
    household_update(actor=county_admin, household=second, household_type="脱贫户")
    assert shown_count(client, household_type="脱贫户") == 2
    assert shown_count(client) == 12


def test_person_edit_counts_member_filters_again(county, county_admin):
    assert count(county_admin, health="残疾") == 0
    person = Person.objects.order_by("pk").first()
    person_update(actor=county_admin, person=person, health="残疾", disability_grade="二级")
    assert count(county_admin, health="残疾") == 1
    assert count(county_admin, health="健康") == 11


def test_new_households_from_an_import_are_counted(county, county_admin, regions):
    assert count(county_admin) == 12
    # An import writes in bulk, without history rows: the new keys tell.
    template = Household.objects.first()
    Household.objects.bulk_create([
        Household(household_no=f"N{i}", county_code="410122", village=regions["village_d"],
                  region_code=regions["village_d"].code, household_type="一般农户", created_by=template.created_by)
        for i in range(3)])
    assert count(county_admin) == 15
    pages = household_page(county_admin, HouseholdFilters(), 2, per_page=10).page
    assert [h.household_no for h in pages.object_list][-3:] == ["N0", "N1", "N2"]


def test_applied_import_counts_again(county, county_admin):
    assert count(county_admin, household_type="监测户") == 0
    # An import that only updates rows (bulk, without history) marks its batch applied in the same transaction.
    Household.objects.filter(region_code=county["village"].code).update(household_type="监测户",
                                                                        monitoring_type="脱贫不稳定户")
    assert count(county_admin, household_type="监测户") == 0   # not yet applied: the cached count stands
    RegistryBatch.objects.create(file_name="台账.xlsx", sha256="0" * 64, stored_path="x",
                                 status=RegistryBatch.Status.APPLIED, applied_at=timezone.now())
    assert count(county_admin, household_type="监测户") == 4


def test_reimport_that_only_updates_rows_counts_again(tmp_path, regions, county_admin):
    rows = household("H1", 3) + household("H2", 2) + household("H3", 4)
    registry_import(path=write_csv(tmp_path, rows, name="a.csv"), user=county_admin)
    assert count(county_admin) == 3
    assert count(county_admin, household_type="监测户") == 0
    assert count(county_admin, region=VILLAGE_B) == 0
    # The same households and persons, changed in place: no new key, no history row; the applied batch tells.
    for r in rows[3:5]:
        r["行政区划代码"], r["户类型"], r["监测对象类型"] = VILLAGE_B, "监测户", "边缘易致贫户"
    result = registry_import(path=write_csv(tmp_path, rows, name="b.csv"), user=county_admin)
    assert (result.counts.households_created, result.counts.persons_created) == (0, 0)
    assert count(county_admin) == 3
    assert count(county_admin, household_type="监测户") == 1
    assert count(county_admin, region=VILLAGE_B) == 1


def test_cached_counts_expire(county, county_admin):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert count(county_admin, household_type="脱贫户") == 0
        Household.objects.filter(region_code=county["village"].code).update(household_type="脱贫户")
        assert count(county_admin, household_type="脱贫户") == 0
        traveller.shift(dt.timedelta(seconds=LIST_CACHE_SECONDS + 1))
        assert count(county_admin, household_type="脱贫户") == 4


def test_cache_keeps_scopes_apart(county, county_admin, township_reviewer, village_clerk, other_county_user):
    # Same filters, different regions: each gets the count of their own scope, cached or not.
    for _ in range(2):
        assert count(county_admin) == 12
        assert count(township_reviewer) == 7
        assert count(village_clerk) == 4
        assert count(other_county_user) == 0
        assert count(county_admin, region=county["village_c"].code) == 5
        assert count(township_reviewer, region=county["village_c"].code) == 0
