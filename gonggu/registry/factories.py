"""factory_boy factories for registry rows, for this app's tests and for other apps' tests.

Identity numbers are valid (GB 11643 check digit, real birth date, area code = the village's county)
and unique; gender and birth date agree with the number. Without a `village`, households go to a
test county of their own (code 990101…), which does not clash with the shared `regions` fixture.

    household = HouseholdFactory(village=regions["village"])
    head = PersonFactory(household=household, birth_date=date(1970, 5, 1))       # first member: 户主
    wife = PersonFactory(household=household, relation="配偶", gender="F")
    IncomeAccountFactory(household=household, year=2024, wage=Decimal("30000"))  # size = active members

Pass `id_number` only together with the matching `gender` and `birth_date`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from gonggu.core.codes import PREFIX_LENGTH, Level
from gonggu.regions.models import Region

from .choices import Health, HouseholdType, LabourAbility, PersonStatus, Relation, SchoolStatus
from .demo import make_id_number
from .incomes import net_income, per_capita
from .models import Household, IncomeAccount, Person

_TEST_TREE = [
    ("990000000000", "测试省", Level.PROVINCE),
    ("990100000000", "测试市", Level.CITY),
    ("990101000000", "测试县", Level.COUNTY),
    ("990101100000", "测试镇", Level.TOWNSHIP),
    ("990101100201", "测试村", Level.VILLAGE),
]


def factory_village() -> Region:
    """A village of a county used only by factories (created on first use)."""
    parent = None
    for code, name, level in _TEST_TREE:
        parent, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent, "prefix": code[:PREFIX_LENGTH[level]]})
    return parent


def _id_number(person, n: int) -> str:
    # The sequence digit's parity carries the gender; `n` keeps numbers of the same birth date apart.
    seq = (n % 499) * 2 + (1 if person.gender == "M" else 2)
    return make_id_number(person.household.region_code[:6], person.birth_date, seq)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    village = factory.LazyFunction(factory_village)
    region_code = factory.LazyAttribute(lambda o: o.village.code)
    county_code = factory.LazyAttribute(lambda o: o.village.code[:6])
    household_no = factory.Sequence(lambda n: f"H{n + 1:07d}")
    household_type = HouseholdType.ORDINARY
    monitoring_type = ""
    relocated = False
    head_name = ""


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    region_code = factory.LazyAttribute(lambda o: o.household.region_code)
    name = factory.Sequence(lambda n: f"成员{n + 1}")
    # The first member of a household is its head; later ones default to 其他 (pass the real relation).
    relation = factory.LazyAttribute(
        lambda o: Relation.OTHER if o.household.pk and o.household.members.filter(relation=Relation.HEAD).exists()
        else Relation.HEAD)
    gender = "M"
    birth_date = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=(n * 37) % 12000))
    id_number = factory.LazyAttributeSequence(_id_number)
    labour_ability = factory.LazyAttribute(
        lambda o: LabourAbility.ORDINARY if (dt.date.today() - o.birth_date).days >= 16 * 366 else LabourAbility.NONE)
    health = Health.HEALTHY
    disability_grade = ""
    school_status = SchoolStatus.NOT_STUDENT
    work_months = 0
    work_place = ""
    medical_insured = True
    status = PersonStatus.ACTIVE

    @factory.post_generation
    def head_name(obj, create, extracted, **kwargs):
        # Keep 户主姓名 on the household in step with its head, as the services do.
        if create and obj.relation == Relation.HEAD and obj.status == PersonStatus.ACTIVE \
                and obj.household.head_name != obj.name:
            obj.household.head_name = obj.name
            obj.household.save(update_fields=["head_name"])


class IncomeAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeAccount

    household = factory.SubFactory(HouseholdFactory)
    year = 2024
    wage = Decimal("20000.00")
    business = Decimal("8000.00")
    property = Decimal("0.00")
    transfer = Decimal("3000.00")
    business_expense = Decimal("2000.00")
    household_size = factory.LazyAttribute(
        lambda o: o.household.members.filter(status=PersonStatus.ACTIVE).count() or 1)
    net_income = factory.LazyAttribute(lambda o: net_income(
        wage=o.wage, business=o.business, property=o.property, transfer=o.transfer,
        business_expense=o.business_expense))
    per_capita = factory.LazyAttribute(lambda o: per_capita(o.net_income, o.household_size))
