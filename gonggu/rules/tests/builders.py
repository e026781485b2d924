"""Small builders for rule tests: households, members, incomes, and running rules on them."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from gonggu.registry.demo import make_id_number
from gonggu.registry.models import Household, IncomeAccount, Person
from gonggu.rules.engine import run_rules

_hh = itertools.count(1)
_seq = itertools.count(1)


def household(village, *, kind: str = "一般农户", monitoring_type: str | None = None, no: str | None = None) -> Household:
    if monitoring_type is None:
        monitoring_type = "边缘易致贫户" if kind == "监测户" else ""
    return Household.objects.create(household_no=no or f"HH{next(_hh):05d}", county_code=village.code[:6],
                                    village=village, region_code=village.code, household_type=kind,
                                    monitoring_type=monitoring_type)


def person(h: Household, *, relation: str = "户主", born: dt.date = dt.date(1970, 5, 1), gender: str | None = None,
           name: str | None = None, **fields) -> Person:
    if gender is None:
        gender = "F" if relation in ("女", "母亲", "孙女", "儿媳", "配偶") else "M"
    n = next(_seq)
    seq = (n % 499) * 2 + (1 if gender == "M" else 2)
    # Past 499 persons the sequence repeats: another area code keeps numbers unique (born on the same day
    # in the same place is what makes two numbers alike; the area code of a number is never checked).
    area = h.region_code[:6]
    if n // 499:
        area = f"{(int(area) + 7 * (n // 499)) % 1_000_000:06d}"
    defaults = {"labour_ability": "普通劳动力", "health": "健康", "school_status": "非在校生", "work_months": 0,
                "medical_insured": True, "status": "在册"}
    defaults.update(fields)
    return Person.objects.create(household=h, region_code=h.region_code, relation=relation, gender=gender,
                                 birth_date=born, id_number=make_id_number(area, born, seq),
                                 name=name or f"成员{n}", **defaults)


def income(h: Household, year: int, *, per_capita: str | Decimal, size: int = 1, net: str | Decimal | None = None):
    pc = Decimal(per_capita)
    net_value = Decimal(net) if net is not None else pc * size
    return IncomeAccount.objects.create(household=h, year=year, household_size=size, net_income=net_value,
                                        per_capita=pc, wage=net_value)


def findings(code: str, *, as_of: dt.date, prefix: str | None = None) -> list[dict]:
    result = run_rules(codes=[code], as_of=as_of, prefix=prefix, store=False)
    return result.findings.to_pylist()


def households_found(code: str, *, as_of: dt.date, prefix: str | None = None) -> set[str]:
    return {f["household_no"] for f in findings(code, as_of=as_of, prefix=prefix)}
