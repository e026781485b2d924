"""Hand-made registry rows and findings for the screening tests."""

from __future__ import annotations

import datetime as dt
import itertools

from gonggu.core.idnumber import check_digit
from gonggu.registry.choices import HouseholdType, LabourAbility, Relation
from gonggu.registry.models import Household, Person
from gonggu.screening.write import findings_table

_seq = itertools.count(1)


def id_number(born: dt.date = dt.date(1980, 5, 1), area: str = "410122") -> str:
    first17 = f"{area}{born:%Y%m%d}{next(_seq) % 1000:03d}"
    return first17 + check_digit(first17)


def household(village, household_no: str | None = None, *, household_type=HouseholdType.ORDINARY,
              head_name: str = "张三", with_head: bool = True) -> Household:
    no = household_no or f"{village.code[:6]}{next(_seq):08d}"
    hh = Household.objects.create(household_no=no, county_code=village.code[:6], village=village,
                                  region_code=village.code, household_type=household_type, head_name=head_name)
    if with_head:
        Person.objects.create(household=hh, region_code=village.code, id_number=id_number(area=village.code[:6]),
                              name=head_name, relation=Relation.HEAD, gender="M", birth_date=dt.date(1980, 5, 1),
                              labour_ability=LabourAbility.ORDINARY, health="健康")
    return hh


def finding(hh: Household, rule: str = "MED-UNINSURED", *, grade: str = "orange", risk_type: str = "医疗保障",
            id_number: str | None = None, evidence=None, detail: str = "", params=None, version: int = 1) -> dict:
    return {
        "rule": rule, "rule_version": version, "kind": "screening", "household_no": hh.household_no,
        "id_number": id_number, "region_code": hh.region_code, "grade": grade, "risk_type": risk_type,
        "detail": detail or f"{rule} 命中", "evidence": evidence if evidence is not None else
        {"source": "yb_enrolment", "batch": 1, "batch_as_of": "2025-03-01", "row": 2, "status": "未参保"},
        "params": params or {},
    }


def table(*rows: dict):
    return findings_table(list(rows))
