"""The welfare rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py): each builds
a household and says whether its rule must fire at 2025-06-30."""

import datetime as dt

from gonggu.rules.tests.builders import person
from gonggu.sources.factories import fact

from .factories import grace, temporary

PARAMS = [("dibao_urban_monthly", "800", 2025), ("dibao_urban_monthly", "760", 2024)]
D = dt.date(2025, 6, 30)


def _no_labour(*, kind="脱贫户", abilities=("丧失劳动力", "无劳动力"), listed=None):
    """A household whose members have the given labour abilities; `listed`: (category, status) of the first."""
    def build(sc):
        h = sc.household(kind=kind)
        members = [person(h, relation="户主" if i == 0 else "配偶", labour_ability=a) for i, a in enumerate(abilities)]
        if listed:
            fact("mz_assistance", members[0], as_of=D, category=listed[0], status=listed[1])
        return h
    return build


def _edge(*, edge=True, covered=None, disability_list=None, **severe):
    """A 低保边缘 household (the head listed 在保 低保边缘) with a second member `severe`."""
    def build(sc):
        h = sc.household(kind="脱贫户")
        head = person(h)
        if edge:
            fact("mz_assistance", head, as_of=D, category="低保边缘", status="在保")
        member = person(h, relation="子", born=dt.date(1995, 3, 1), **severe)
        if covered:
            fact("mz_assistance", member, as_of=D, category=covered, status="在保")
        if disability_list:
            fact("cl_disability", member, as_of=D, category=disability_list[0], grade=disability_list[1],
                 issue_date=dt.date(2020, 1, 1))
        return h
    return build


def _grace(start, end=None):
    def build(sc):
        h = sc.household(kind="脱贫户")
        grace(person(h), start, end)
        return h
    return build


def _temporary(granted, amount, **fields):
    def build(sc):
        h = sc.household(kind="监测户")
        temporary(person(h), granted, amount, **fields)
        return h
    return build


CASES = [
    ("WELFARE-NO-LABOUR-UNCOVERED", "nobody can work, nobody covered", _no_labour(), True),
    ("WELFARE-NO-LABOUR-UNCOVERED", "head in 低保", _no_labour(listed=("低保", "在保")), False),
    ("WELFARE-NO-LABOUR-UNCOVERED", "head in 特困", _no_labour(listed=("特困", "在保")), False),
    ("WELFARE-NO-LABOUR-UNCOVERED", "低保 stopped", _no_labour(listed=("低保", "停保")), True),
    ("WELFARE-NO-LABOUR-UNCOVERED", "only 低保边缘", _no_labour(listed=("低保边缘", "在保")), True),
    ("WELFARE-NO-LABOUR-UNCOVERED", "one weak labourer", _no_labour(abilities=("丧失劳动力", "弱劳动力或半劳动力")), False),
    ("WELFARE-NO-LABOUR-UNCOVERED", "一般农户", _no_labour(kind="一般农户"), False),
    ("WELFARE-SEVERE-NOT-SINGLE", "grade 1 in the registry", _edge(disability_grade="一级"), True),
    ("WELFARE-SEVERE-NOT-SINGLE", "grade 2 already in 低保", _edge(disability_grade="二级", covered="低保"), False),
    ("WELFARE-SEVERE-NOT-SINGLE", "grade 1 on 残联's list", _edge(disability_list=("肢体残疾", "一级")), True),
    ("WELFARE-SEVERE-NOT-SINGLE", "grade 3 intellectual", _edge(disability_list=("智力残疾", "三级")), True),
    ("WELFARE-SEVERE-NOT-SINGLE", "grade 3 physical", _edge(disability_list=("肢体残疾", "三级")), False),
    ("WELFARE-SEVERE-NOT-SINGLE", "serious illness", _edge(health="患有大病"), True),
    ("WELFARE-SEVERE-NOT-SINGLE", "chronic illness", _edge(health="长期慢性病"), False),
    ("WELFARE-SEVERE-NOT-SINGLE", "not a 低保边缘 family", _edge(edge=False, disability_grade="一级"), False),
    ("WELFARE-GRACE-OVER-6M", "open, 6 months on D", _grace(dt.date(2024, 12, 30)), False),
    ("WELFARE-GRACE-OVER-6M", "open, 6 months and a day", _grace(dt.date(2024, 12, 29)), True),
    ("WELFARE-GRACE-OVER-6M", "31 Aug to 28 Feb", _grace(dt.date(2024, 8, 31), dt.date(2025, 2, 28)), False),
    ("WELFARE-GRACE-OVER-6M", "31 Aug to 1 Mar", _grace(dt.date(2024, 8, 31), dt.date(2025, 3, 1)), True),
    ("WELFARE-GRACE-OVER-6M", "1 Jan to 1 Jul", _grace(dt.date(2024, 1, 1), dt.date(2024, 7, 1)), False),
    ("WELFARE-GRACE-OVER-6M", "1 Jan to 2 Jul", _grace(dt.date(2024, 1, 1), dt.date(2024, 7, 2)), True),
    ("WELFARE-GRACE-OVER-6M", "starts after D", _grace(D + dt.timedelta(days=1)), False),
    ("WELFARE-TEMP-OVER-CAP", "3 × 800", _temporary(dt.date(2025, 3, 1), "2400"), False),
    ("WELFARE-TEMP-OVER-CAP", "a cent over 3 × 800", _temporary(dt.date(2025, 3, 1), "2400.01"), True),
    ("WELFARE-TEMP-OVER-CAP", "over 3 × 760 in 2024", _temporary(dt.date(2024, 5, 1), "2280.01"), True),
    ("WELFARE-TEMP-OVER-CAP", "approved by the county", _temporary(dt.date(2025, 3, 1), "5000", approver="县级民政部门"),
     False),
    ("WELFARE-TEMP-OVER-CAP", "2023: not checked", _temporary(dt.date(2023, 5, 1), "9999"), False),
    ("WELFARE-TEMP-NOT-FILED", "not filed after 31 days", _temporary(dt.date(2025, 5, 30), "1000", filed=False), True),
    ("WELFARE-TEMP-NOT-FILED", "not filed after 30 days", _temporary(dt.date(2025, 5, 31), "1000", filed=False), False),
    ("WELFARE-TEMP-NOT-FILED", "filed", _temporary(dt.date(2025, 5, 1), "1000"), False),
    ("WELFARE-TEMP-NOT-FILED", "county approval", _temporary(dt.date(2025, 5, 1), "1000", approver="县级民政部门",
                                                             filed=False), False),
]
