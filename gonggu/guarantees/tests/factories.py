"""Test helpers for the 三保障和饮水安全 ledgers: rows written directly, as an import or the form would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..models import DropoutFile, HomeTeachingVisit, HousingRenovation, Persuasion, VillageWater, WaterProblem


def _owner(person) -> dict:
    return {"region_code": person.region_code, "household_id": person.household_id, "id_number": person.id_number}


def renovation(person, *, year: int = 2025, grade: str = "D级", kind: str = "拆除重建", size: int = 3,
               applied: dt.date = dt.date(2025, 2, 1), **fields) -> HousingRenovation:
    for name in ("floor_area", "subsidy", "paid_amount"):
        if isinstance(fields.get(name), str):
            fields[name] = Decimal(fields[name])
    return HousingRenovation.objects.create(**_owner(person), plan_year=year, grade=grade, renovation_type=kind,
                                            household_size=size, applied_on=applied, **fields)


def dropout(person, *, found: dt.date = dt.date(2025, 3, 1), kind: str = "辍学", **fields) -> DropoutFile:
    return DropoutFile.objects.create(**_owner(person), person=person, found_on=found, kind=kind, **fields)


def persuasion(person, on: dt.date, *, joint: bool = False, outcome: str = "未复学") -> Persuasion:
    return Persuasion.objects.create(**_owner(person), person=person, persuaded_on=on, joint=joint,
                                     persuaders="班主任", outcome=outcome)


def home_visit(person, on: dt.date, *, hours: int = 3) -> HomeTeachingVisit:
    return HomeTeachingVisit.objects.create(**_owner(person), person=person, visited_on=on, class_hours=hours,
                                            teacher="王老师")


def village_water(region_code: str, *, year: int = 2025, litres: str = "60", low_rain: bool = False,
                  short_days: int = 0, quality_ok: bool = True, tested: dt.date | None = dt.date(2025, 5, 1),
                  manager: str = "李水管", fee_rate: str | None = "96", **fields) -> VillageWater:
    for name in ("fetch_minutes", "fetch_distance_m", "fetch_height_m"):
        if isinstance(fields.get(name), str):
            fields[name] = Decimal(fields[name])
    return VillageWater.objects.create(
        region_code=region_code, year=year, supply_mode="集中供水", litres_per_day=Decimal(litres), low_rain=low_rain,
        short_days=short_days, quality_ok=quality_ok, quality_tested_on=tested, manager=manager,
        fee_rate=Decimal(fee_rate) if fee_rate is not None else None, **fields)


def water_problem(region_code: str, *, found: dt.date = dt.date(2025, 4, 1), deadline: dt.date = dt.date(2025, 5, 31),
                  closed: dt.date | None = None, category: str = "水量") -> WaterProblem:
    return WaterProblem.objects.create(region_code=region_code, found_on=found, category=category,
                                       description="管网末端水压不足", deadline=deadline, closed_on=closed,
                                       evidence="回访照片" if closed else "")


def health_service(person, *, year: int = 2025, signed: dt.date | None = dt.date(2025, 1, 10), disease: str = "高血压",
                   follow_up: dt.date | None = None):
    from ..models import HealthService

    return HealthService.objects.create(**_owner(person), person=person, year=year, signed_on=signed,
                                        doctor="张医生" if signed else "", chronic_disease=disease,
                                        last_follow_up_on=follow_up)


def village_clinic(region_code: str, *, year: int = 2025, has_clinic: bool = True, exempt: bool = False,
                   area: str | None = "96", public: bool = True, doctors: int = 1):
    from ..models import VillageClinic

    return VillageClinic.objects.create(region_code=region_code, year=year, has_clinic=has_clinic, exempt=exempt,
                                        building_area=Decimal(area) if area else None, public_owned=public,
                                        licensed_doctors=doctors)


def inspection(person, *, on: dt.date = dt.date(2025, 4, 1), previous: str = "B", appraised: dt.date | None = None,
               grade: str = ""):
    from ..models import HouseInspection

    return HouseInspection.objects.create(**_owner(person), inspected_on=on, inspector="村监测员",
                                          hazard="墙体裂缝", previous_grade=previous, appraised_on=appraised,
                                          appraisal_grade=grade or ("C" if appraised else ""))


def idle_house(person, *, listed: dt.date = dt.date(2025, 1, 5), warning: bool = True, checker: str = "村监测员",
               checked: dt.date | None = dt.date(2025, 6, 1), occupied: bool = False,
               demolished: dt.date | None = None):
    from ..models import IdleDangerousHouse

    return IdleDangerousHouse.objects.create(**_owner(person), listed_on=listed, grade="D", warning_posted=warning,
                                             checker=checker, last_checked_on=checked, occupied=occupied,
                                             demolished_on=demolished)


def water_training(region_code: str, on: dt.date, *, level: str = "镇级"):
    from ..models import WaterTraining

    return WaterTraining.objects.create(region_code=region_code, held_on=on, level=level, trainees=12)


def serious_illness(person, *, disease: str = "脑卒中", diagnosed: dt.date = dt.date(2025, 3, 1),
                    treated: dt.date | None = dt.date(2025, 3, 5)):
    from ..models import SeriousIllness

    return SeriousIllness.objects.create(**_owner(person), person=person, disease=disease, diagnosed_on=diagnosed,
                                         hospital="县人民医院", treated_on=treated)
