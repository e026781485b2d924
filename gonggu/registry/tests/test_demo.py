import datetime as dt
import random
from collections import Counter, defaultdict
from types import SimpleNamespace

import pytest

from gonggu.core.idnumber import birth_date, gender, normalize
from gonggu.registry.demo import demo_clear, demo_registry
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.incomes import net_income, per_capita
from gonggu.registry.models import Household, IncomeAccount, Person
from gonggu.registry.selectors import age_on

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)


def context(regions, households: int, seed: int = 7):
    """What gonggu.web.demo.DemoContext carries (the web layer sits above the registry, so not imported here)."""
    villages = [regions[k] for k in ("village", "village_b", "village_c", "village_d")]
    return SimpleNamespace(rng=random.Random(seed), county=regions["county"],
                       townships=[regions["township"], regions["township2"]], villages=villages,
                       households=households, users={}, today=TODAY, seed=seed)


def snapshot():
    persons = sorted(Person.objects.values_list(
        "household__household_no", "id_number", "name", "relation", "gender", "birth_date", "labour_ability",
        "health", "disability_grade", "school_status", "work_months", "work_place", "medical_insured"))
    households = sorted(Household.objects.values_list(
        "household_no", "region_code", "household_type", "monitoring_type", "relocated", "head_name"))
    incomes = sorted(IncomeAccount.objects.values_list(
        "household__household_no", "year", "wage", "business", "property", "transfer", "business_expense",
        "household_size", "net_income", "per_capita"))
    return households, persons, incomes


def test_same_seed_same_data(regions):
    result = demo_registry(context(regions, 120))
    first = snapshot()
    assert result == {"households": 120, "persons": len(first[1])}
    demo_clear(prefix="410122")
    assert not Household.objects.exists() and not Person.objects.exists()
    demo_registry(context(regions, 120))
    assert snapshot() == first
    demo_clear(prefix="410122")
    demo_registry(context(regions, 120, seed=8))
    assert snapshot() != first


def test_demo_data_is_plausible(regions):
    demo_registry(context(regions, 2000))
    households = {h.pk: h for h in Household.objects.all()}
    assert len(households) == 2000
    persons = list(Person.objects.all())
    by_household = defaultdict(list)
    for p in persons:
        by_household[p.household_id].append(p)
        assert normalize(p.id_number, today=TODAY) == p.id_number and p.id_number[:6] == "410122"
        assert birth_date(p.id_number) == p.birth_date and gender(p.id_number) == p.gender
        assert p.region_code == households[p.household_id].region_code and p.status == "在册"
        age = age_on(p.birth_date, TODAY)
        if age < 16:
            assert p.labour_ability not in ("普通劳动力", "技能劳动力")
        assert (p.health == "残疾") == bool(p.disability_grade)
        if p.relation in ("子", "父亲", "孙子", "女婿"):
            assert p.gender == "M"
        if p.relation in ("女", "母亲", "孙女", "儿媳"):
            assert p.gender == "F"
        if p.work_months:
            assert p.work_place
    assert len(persons) == len({p.id_number for p in persons})
    for hid, members in by_household.items():
        heads = [m for m in members if m.relation == "户主"]
        assert len(heads) == 1 and households[hid].head_name == heads[0].name
        assert 1 <= len(members) <= 7
        for m in members:
            if m.relation in ("子", "女"):
                assert m.birth_date > heads[0].birth_date
            if m.relation in ("父亲", "母亲"):
                assert m.birth_date < heads[0].birth_date
    assert set(by_household) == set(households)

    types = Counter(h.household_type for h in households.values())
    assert 0.09 < types["脱贫户"] / 2000 < 0.17 and 4 <= types["监测户"] <= 50
    assert all(h.monitoring_type for h in households.values() if h.household_type == "监测户")
    assert not any(h.monitoring_type for h in households.values() if h.household_type != "监测户")
    assert any(h.relocated for h in households.values())

    incomes = list(IncomeAccount.objects.all())
    assert len(incomes) == 4000
    assert {a.year for a in incomes} == {2023, 2024}
    pcs = []
    for a in incomes:
        net = net_income(wage=a.wage, business=a.business, property=a.property, transfer=a.transfer,
                         business_expense=a.business_expense)
        assert a.net_income == net and a.per_capita == per_capita(net, a.household_size)
        assert a.household_size == len(by_household[a.household_id])
        assert min(a.wage, a.business, a.property, a.transfer, a.business_expense) >= 0
        if a.year == 2024:
            pcs.append(float(a.per_capita))
    within = sum(8000 <= x <= 30000 for x in pcs) / len(pcs)
    assert within > 0.85 and any(x < 8000 for x in pcs)
    by_year = {(a.household_id, a.year): a.per_capita for a in incomes}
    drops = sum(by_year[(h, 2024)] < by_year[(h, 2023)] * 7 / 10 for h in households)
    assert 5 <= drops <= 100
    # Ages: newborns to the very old.
    ages = [age_on(p.birth_date, TODAY) for p in persons]
    assert min(ages) == 0 and max(ages) >= 85

    # Demo rows carry no history (bulk inserts).
    assert not Person.history.exists() and not Household.history.exists()


def test_clear_only_touches_its_county(regions):
    demo_registry(context(regions, 30))
    other = HouseholdFactory(village=regions["other_village"])
    PersonFactory(household=other)
    demo_clear(prefix="410122")
    assert list(Household.objects.all()) == [other]
    assert Person.objects.count() == 1 and not IncomeAccount.objects.exists()
