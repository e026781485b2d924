"""The household list's pages: every household exactly once, in a stable order, counted right, scoped.

The list is paged village by village from per-village counts (selectors.household_page); these tests check
it against plain Python over the same rows, across village boundaries, with every kind of filter.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.models import Household, Person
from gonggu.registry.selectors import HouseholdFilters, household_page
from gonggu.registry.services import person_record_death

pytestmark = pytest.mark.django_db

HEALTH = ("健康", "长期慢性病", "残疾")
LABOUR = ("普通劳动力", "丧失劳动力", "弱劳动力或半劳动力")
TYPES = ("一般农户", "脱贫户", "监测户")


@pytest.fixture
def county(regions):
    """Households of uneven numbers per village (so pages start and end inside villages), with members.

    Household numbers have different lengths and are not in the order of creation, so that the list order
    (text order of the numbers) differs from the order of keys.
    """
    sizes = {"village": 13, "village_b": 1, "village_c": 22, "village_d": 9, "other_village": 6}
    n = 0
    for key, size in sizes.items():
        for _ in range(size):
            n += 1
            kind = TYPES[n % 3]
            h = HouseholdFactory(village=regions[key], household_no=f"{(n * 7) % 23}-{n}",
                                 household_type=kind, monitoring_type="边缘易致贫户" if kind == "监测户" else "")
            PersonFactory(household=h, name=f"王{'桂英' if n % 5 == 0 else '大山'}{n}", relation="户主",
                          health=HEALTH[n % 3], labour_ability=LABOUR[n % 3])
            if n % 2:
                PersonFactory(household=h, name=f"李英英{n}", relation="配偶", gender="F",
                              health=HEALTH[(n + 1) % 3], labour_ability=LABOUR[(n + 2) % 3])
    return regions


def all_pages(user, filters: HouseholdFilters, per_page: int) -> tuple[list[Household], int, int]:
    """Every page in turn: the households in page order, the count the pager shows, the number of pages."""
    first = household_page(user, filters, 1, per_page=per_page).page
    rows = list(first.object_list)
    for number in range(2, first.paginator.num_pages + 1):
        page = household_page(user, filters, number, per_page=per_page).page
        assert page.number == number
        assert 0 < len(page.object_list) <= per_page
        rows += list(page.object_list)
    return rows, first.paginator.count, first.paginator.num_pages


def expected(user, keep=lambda h: True) -> list[int]:
    """The households of the user's scope that `keep` accepts, in list order, computed in Python."""
    prefix = user.scope_prefix
    rows = [h for h in Household.objects.all() if h.region_code.startswith(prefix) and keep(h)]
    rows.sort(key=lambda h: (h.region_code, h.household_no, h.pk))
    return [h.pk for h in rows]


def members_of(h: Household) -> list[Person]:
    return list(Person.objects.filter(household=h))


@pytest.mark.parametrize("per_page", [1, 7, 10, 50])
def test_every_household_exactly_once_in_list_order(county, county_admin, per_page):
    rows, count, pages = all_pages(county_admin, HouseholdFilters(), per_page)
    want = expected(county_admin)
    assert [h.pk for h in rows] == want
    assert count == len(want) == 45
    assert pages == -(-45 // per_page)


def test_same_page_twice_gives_the_same_rows(county, county_admin):
    for number in (1, 3, 5):
        a = household_page(county_admin, HouseholdFilters(), number, per_page=10).page
        b = household_page(county_admin, HouseholdFilters(), number, per_page=10).page
        assert [h.pk for h in a] == [h.pk for h in b]


def test_each_user_pages_through_their_own_region(county, village_clerk, township_reviewer, other_county_user):
    for user, size in ((village_clerk, 13), (township_reviewer, 14), (other_county_user, 6)):
        rows, count, _ = all_pages(user, HouseholdFilters(), 4)
        assert [h.pk for h in rows] == expected(user)
        assert count == size


def test_page_number_as_typed(county, county_admin):
    last = household_page(county_admin, HouseholdFilters(), 5, per_page=10).page
    assert last.number == 5 and len(last.object_list) == 5 and not last.has_next()
    # Past the end: the last page; not a number: the first.
    assert household_page(county_admin, HouseholdFilters(), 999, per_page=10).page.number == 5
    assert household_page(county_admin, HouseholdFilters(), "x", per_page=10).page.number == 1
    assert household_page(county_admin, HouseholdFilters(), None, per_page=10).page.number == 1


def test_empty_list_has_one_empty_page(regions, county_admin):
    page = household_page(county_admin, HouseholdFilters(), 3).page
    assert page.number == 1 and list(page.object_list) == [] and page.paginator.count == 0


FILTER_CASES = [
    # (filters, which households they keep)
    (HouseholdFilters(health="残疾"),
     lambda h: any(p.health == "残疾" and p.status == "在册" for p in members_of(h))),
    (HouseholdFilters(labour_ability="丧失劳动力"),
     lambda h: any(p.labour_ability == "丧失劳动力" and p.status == "在册" for p in members_of(h))),
    # Both conditions hold for the same member.
    (HouseholdFilters(health="长期慢性病", labour_ability="弱劳动力或半劳动力"),
     lambda h: any(p.health == "长期慢性病" and p.labour_ability == "弱劳动力或半劳动力" and p.status == "在册"
                   for p in members_of(h))),
    (HouseholdFilters(household_type="脱贫户", health="健康"),
     lambda h: h.household_type == "脱贫户" and any(p.health == "健康" and p.status == "在册" for p in members_of(h))),
    (HouseholdFilters(household_type="监测户", monitoring_type="边缘易致贫户"),
     lambda h: h.household_type == "监测户" and h.monitoring_type == "边缘易致贫户"),
    (HouseholdFilters(q="桂英"), lambda h: any("桂英" in p.name for p in members_of(h))),
    (HouseholdFilters(q="英英", health="健康"),
     lambda h: any("英英" in p.name for p in members_of(h))
     and any(p.health == "健康" and p.status == "在册" for p in members_of(h))),
    (HouseholdFilters(q="1"), lambda h: h.household_no.startswith("1")),
]


@pytest.mark.parametrize("case", range(len(FILTER_CASES)))
def test_filters_count_and_page_like_plain_python(county, county_admin, township_reviewer, village_clerk,
                                                  other_county_user, case):
    filters, keep = FILTER_CASES[case]
    for user in (county_admin, township_reviewer, village_clerk, other_county_user):
        rows, count, _ = all_pages(user, filters, 3)
        want = expected(user, keep)
        assert [h.pk for h in rows] == want, (user.username, filters)
        assert count == len(want)


def test_region_filter_stays_inside_the_scope(county, county_admin, township_reviewer):
    township2 = county["township2"].code
    rows, count, _ = all_pages(county_admin, HouseholdFilters(region=township2, health="健康"), 4)
    want = expected(county_admin, lambda h: h.region_code.startswith(county["township2"].prefix)
                    and any(p.health == "健康" and p.status == "在册" for p in members_of(h)))
    assert [h.pk for h in rows] == want and count == len(want) > 0
    # A township reviewer naming a village of another township, or another county's village, sees nothing.
    for code in (county["village_c"].code, county["other_village"].code):
        rows, count, _ = all_pages(township_reviewer, HouseholdFilters(region=code), 4)
        assert rows == [] and count == 0


def test_member_filters_ignore_members_no_longer_on_record(county, county_admin):
    disabled = Person.objects.filter(health="残疾", status="在册", region_code__startswith="410122")
    before = all_pages(county_admin, HouseholdFilters(health="残疾"), 50)[1]
    person = disabled.first()
    only_one = disabled.filter(household=person.household).count() == 1
    person_record_death(actor=county_admin, person=person, date=dt.date(2024, 1, 1))
    after = all_pages(county_admin, HouseholdFilters(health="残疾"), 50)[1]
    assert after == before - (1 if only_one else 0)


def test_name_search_keeps_the_order_of_the_characters(county, county_admin):
    PersonFactory(household=Household.objects.filter(region_code="410122100201").first(), name="赵桂英",
                  relation="配偶", gender="F")
    found = {p.name for h in all_pages(county_admin, HouseholdFilters(q="桂英"), 50)[0] for p in members_of(h)}
    assert "赵桂英" in found
    # The same characters in another order, or one of them twice, are other names.
    for text in ("英桂", "桂桂英", "赵英"):
        rows, count, _ = all_pages(county_admin, HouseholdFilters(q=text), 50)
        assert rows == [] and count == 0, text
    # LIKE's wildcards are plain characters in a search.
    assert all_pages(county_admin, HouseholdFilters(q="王%"), 50)[1] == 0
    assert all_pages(county_admin, HouseholdFilters(q="王_山"), 50)[1] == 0


def test_deep_pages_cost_the_same_queries_as_the_first(county, county_admin, login):
    for i in range(60):
        HouseholdFactory(village=county["village_d"], household_no=f"X{i:03d}")
    client = login(county_admin)
    url = reverse("household_list")
    client.get(url)  # session and user
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert response.context["page"].paginator.num_pages == 3
    with CaptureQueriesContext(connection) as last:
        response = client.get(url, {"page": 3})
    assert len(response.context["rows"]) == 105 - 100
    assert len(last) == len(first)
    # No query skips over the households of earlier villages: the page's query reads one range of villages.
    page_sql = [q["sql"] for q in last.captured_queries if "LIMIT" in q["sql"] and "registry_household" in q["sql"]]
    assert page_sql and all("OFFSET 100" not in sql for sql in page_sql)


def test_pager_shows_count_and_pages_through_the_view(county, county_admin, login):
    for i in range(60):
        HouseholdFactory(village=county["village"], household_no=f"P{i:03d}")
    client = login(county_admin)
    url = reverse("household_list")
    seen = []
    for number in (1, 2, 3):
        response = client.get(url, {"page": number})
        assert f"第 {number} / 3 页，共 105 条" in response.content.decode()
        seen += [r.household.pk for r in response.context["rows"]]
    assert seen == expected(county_admin)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the character index exists on PostgreSQL only")
def test_name_search_is_served_by_the_character_index(county):
    from gonggu.registry.selectors import persons_named

    named = persons_named(Person.objects.all(), "桂英")
    assert {p.name for p in named} == set(Person.objects.filter(name__contains="桂英").values_list("name", flat=True))
    sql, params = named.values("household_id").query.sql_with_params()
    with connection.cursor() as cursor:
        # Tables this small are read whole; forbidding that shows whether the index can answer the condition
        # (it cannot if the expression drifts from the one the index was built on).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_name_chars_idx" in plan


def test_inside_a_transaction_counts_are_taken_afresh(county, county_admin):
    # Tests run inside a transaction, as any work that may still be rolled back: nothing is cached there,
    # so a change that leaves no trace (no history row) shows at once.
    assert all_pages(county_admin, HouseholdFilters(household_type="监测户"), 50)[1] == 15
    Household.objects.filter(region_code__startswith="410122").update(household_type="监测户")
    assert all_pages(county_admin, HouseholdFilters(household_type="监测户"), 50)[1] == 45
