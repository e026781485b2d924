"""Tiny hand-made registries for the assessment tests: households, members and incomes in a few lines."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from gonggu.core.idnumber import check_digit
from gonggu.registry.incomes import net_income, per_capita
from gonggu.registry.models import Household, IncomeAccount, Person

_seq = itertools.count(1)


def id_number(area: str, birth: dt.date, gender: str = "M") -> str:
    n = next(_seq) % 499
    seq = n * 2 + (1 if gender == "M" else 2)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def household(village, *, no: str | None = None, type: str = "脱贫户", monitoring_type: str = "",
              relocated: bool = False, head: str = "") -> Household:
    n = next(_seq)
    return Household.objects.create(household_no=no or f"A{n:06d}", county_code=village.code[:6], village=village,
                                    region_code=village.code, household_type=type, monitoring_type=monitoring_type,
                                    relocated=relocated, head_name=head or f"户主{n}")


def person(h: Household, *, born: dt.date = dt.date(1980, 5, 1), relation: str = "户主", labour: str = "普通劳动力",
           insured: bool | None = True, school: str = "非在校生", work_months: int | None = 0, status: str = "在册",
           name: str = "", gender: str = "M") -> Person:
    return Person.objects.create(
        household=h, region_code=h.region_code, id_number=id_number(h.region_code[:6], born, gender),
        name=name or f"成员{next(_seq)}", relation=relation, gender=gender, birth_date=born, labour_ability=labour,
        health="健康", school_status=school, work_months=work_months, medical_insured=insured, status=status)


def income(h: Household, year: int, *, wage="20000", business="5000", expense="1000", transfer="3000",
           property="0", size: int = 2) -> IncomeAccount:
    wage, business, expense, transfer, prop = (Decimal(str(v)) for v in (wage, business, expense, transfer, property))
    net = net_income(wage=wage, business=business, property=prop, transfer=transfer, business_expense=expense)
    return IncomeAccount.objects.create(household=h, year=year, wage=wage, business=business, property=prop,
                                        transfer=transfer, business_expense=expense, household_size=size,
                                        net_income=net, per_capita=per_capita(net, size))
