"""Test helpers for the employment ledgers: rows written directly, as an import or the form would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..models import (
    PostAttendance,
    PublicPost,
    RainDew,
    RelocatedHousehold,
    ResettlementSite,
    WorkRecord,
    Workshop,
    WorkshopWorker,
    WorkTarget,
)


def public_post(person, *, post_name: str = "村级保洁员", start: dt.date = dt.date(2025, 1, 1),
                end: dt.date | None = None, subsidy: str = "1200", placement_no: int = 1, **fields) -> PublicPost:
    return PublicPost.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, post_name=post_name, start_date=start, end_date=end,
        monthly_subsidy=Decimal(subsidy), placement_no=placement_no, **fields)


def work_record(person, year: int, months: int, *, place: str = "县内", **fields) -> WorkRecord:
    return WorkRecord.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, year=year, months=months, place=place, **fields)


def work_target(region_code: str, year: int, target: int) -> WorkTarget:
    return WorkTarget.objects.create(region_code=region_code, year=year, target=target)


def attendance(person, month: dt.date, *, post_name: str = "村级保洁员", days: int = 22, due: str = "1200",
               paid: str | None = "1200", paid_on: dt.date | None = None) -> PostAttendance:
    return PostAttendance.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, post_name=post_name, month=month, days=days, subsidy_due=Decimal(due),
        subsidy_paid=None if paid is None else Decimal(paid), paid_on=paid_on)


def workshop(village_code: str, name: str, *, recognised: dt.date = dt.date(2023, 1, 1),
             closed: dt.date | None = None) -> Workshop:
    return Workshop.objects.create(region_code=village_code, name=name, recognised_on=recognised, closed_on=closed)


def workshop_worker(person, name: str, *, start: dt.date = dt.date(2025, 1, 1), end: dt.date | None = None
                    ) -> WorkshopWorker:
    return WorkshopWorker.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, workshop_name=name, start_date=start, end_date=end)


def rain_dew(person, year: int, *, subsidy: str | None = "3000", graduation_year: int | None = None,
             destination: str = "", level: str = "中职") -> RainDew:
    return RainDew.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, year=year, school="县职业教育中心", level=level,
        subsidy=None if subsidy is None else Decimal(subsidy), graduation_year=graduation_year,
        destination=destination)


def resettlement_site(village_code: str, name: str, *, households: int = 100, persons: int = 400,
                      station: bool = False, care_area: str | None = "30", site_type: str = "大中型"
                      ) -> ResettlementSite:
    return ResettlementSite.objects.create(
        region_code=village_code, name=name, households=households, persons=persons, service_station=station,
        care_area=None if care_area is None else Decimal(care_area), site_type=site_type)


def relocated_household(person, *, site_name: str = "幸福社区安置点", industry: str = "食用菌种植",
                        worker_name: str | None = None) -> RelocatedHousehold:
    """The household of `person`; its worker is `person` unless `worker_name` says otherwise ("" = none)."""
    return RelocatedHousehold.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, site_name=site_name, moved_year=2018, industry=industry,
        worker_name=person.name if worker_name is None else worker_name)
