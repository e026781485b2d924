"""Test helpers for monitoring: households with members and incomes, cases at a given stage, uploads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from gonggu.core.tests.files import PNG
from gonggu.registry.choices import HouseholdType, LabourAbility, Relation, SchoolStatus
from gonggu.registry.factories import HouseholdFactory, IncomeAccountFactory, PersonFactory

from ..choices import Channel
from ..models import Clue, Measure, MonitoringCase, Visit
from ..workflow import CaseStatus


def png(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def household(village, *, labour=LabourAbility.ORDINARY, head_birth=dt.date(1975, 5, 1), others=(),
              per_capita_income: Decimal | None = Decimal("9000"), year: int = 2024,
              household_type=HouseholdType.ORDINARY, monitoring_type=""):
    """A household of `village` with a head (and `others`: dicts of Person fields) and one income year."""
    hh = HouseholdFactory(village=village, household_type=household_type, monitoring_type=monitoring_type)
    PersonFactory(household=hh, relation=Relation.HEAD, birth_date=head_birth, labour_ability=labour,
                  school_status=SchoolStatus.NOT_STUDENT)
    for extra in others:
        PersonFactory(household=hh, **extra)
    if per_capita_income is not None:
        size = hh.members.count()
        IncomeAccountFactory(household=hh, year=year, wage=per_capita_income * size, business=Decimal(0),
                             property=Decimal(0), transfer=Decimal(0), business_expense=Decimal(0))
    return hh


class ClueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clue

    channel = Channel.CADRE
    discovered_on = dt.date(2025, 3, 3)
    household = None
    village = factory.LazyAttribute(lambda o: o.household.village)
    region_code = factory.LazyAttribute(lambda o: o.village.code)
    difficulty = "家人住院，自付费用较多"
    risk_types = "因病"


class CaseFactory(factory.django.DjangoModelFactory):
    """A case in any state with plausible dates (use keyword arguments to set the ones a test needs)."""

    class Meta:
        model = MonitoringCase

    household = None
    region_code = factory.LazyAttribute(lambda o: o.household.region_code)
    channel = Channel.CADRE
    discovered_on = dt.date(2025, 1, 2)
    monitoring_type = "边缘易致贫户"
    risk_types = "因病"
    status = CaseStatus.MONITORING
    notice_start = dt.date(2025, 1, 5)
    notice_end = dt.date(2025, 1, 9)
    county_approved_on = dt.date(2025, 1, 14)
    entered_on = dt.date(2025, 1, 16)
    plan_on = dt.date(2025, 1, 18)
    officer_name = "王帮扶"


def measure(case, category, start, end=None, beneficiary=None) -> Measure:
    return Measure.objects.create(household=case.household, case=case, region_code=case.region_code, category=category,
                                  start_on=start, end_on=end, beneficiary=beneficiary,
                                  beneficiary_id_number=beneficiary.id_number if beneficiary else "")


def visit(case, on, who="王帮扶") -> Visit:
    return Visit.objects.create(household=case.household, case=case, region_code=case.region_code, visited_on=on,
                                visitor_name=who, content="入户走访")
