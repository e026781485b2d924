"""A small registry on the shared region tree: two households in the clerk's village, one in a neighbouring
village of the same township, one in another township and one in another county."""

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.registry.factories import HouseholdFactory, IncomeAccountFactory, PersonFactory


@pytest.fixture
def sample_registry(regions):
    def household(village_key, number, head_name, head_birth, **extra):
        h = HouseholdFactory(village=regions[village_key], household_no=number, **extra)
        head = PersonFactory(household=h, name=head_name, relation="户主", gender="M", birth_date=head_birth)
        return h, head

    a, a_head = household("village", "1001", "张大山", dt.date(1970, 3, 8), household_type="脱贫户")
    a_wife = PersonFactory(household=a, name="李小花", relation="配偶", gender="F", birth_date=dt.date(1972, 5, 1))
    a_son = PersonFactory(household=a, name="张小明", relation="子", gender="M", birth_date=dt.date(2012, 9, 1),
                          labour_ability="无劳动力", school_status="初中", work_months=None)
    IncomeAccountFactory(household=a, year=2023, wage=Decimal("21000"), business=Decimal("6000"),
                         property=Decimal("0"), transfer=Decimal("3000"), business_expense=Decimal("1500"))
    IncomeAccountFactory(household=a, year=2024, wage=Decimal("24000"), business=Decimal("6000"),
                         property=Decimal("300"), transfer=Decimal("3200"), business_expense=Decimal("1800"))
    b, b_head = household("village", "1002", "王老五", dt.date(1950, 1, 20), household_type="监测户",
                          monitoring_type="边缘易致贫户")
    PersonFactory(household=b, name="赵桂英", relation="配偶", gender="F", birth_date=dt.date(1953, 2, 2),
                  health="残疾", disability_grade="二级", labour_ability="丧失劳动力")
    IncomeAccountFactory(household=b, year=2024, wage=Decimal("0"), business=Decimal("4000"),
                         property=Decimal("0"), transfer=Decimal("9000"), business_expense=Decimal("1000"))
    c, c_head = household("village_b", "2001", "刘铁柱", dt.date(1980, 7, 7), relocated=True, household_type="脱贫户")
    d, d_head = household("village_c", "3001", "陈国庆", dt.date(1965, 10, 1))
    e, e_head = household("other_village", "1001", "孙二娘", dt.date(1975, 4, 4))
    return {"a": a, "a_head": a_head, "a_wife": a_wife, "a_son": a_son, "b": b, "b_head": b_head,
            "c": c, "c_head": c_head, "d": d, "d_head": d_head, "e": e, "e_head": e_head}
