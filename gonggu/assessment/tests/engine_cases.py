"""The 整乡整村 risk rule's cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py). Each
case builds villages of its own (in the scenario's township, so the township-scoped run has one firing) or a
township of its own, and says whether RISK-AREA must find that region at 2025-06-30 with the default
thresholds (监测户 10%, new cases 3%, income falls 20%, open warnings 5%, two signals)."""

import datetime as dt
import itertools

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.monitoring.models import MonitoringCase
from gonggu.rules.tests.builders import household, income, person
from gonggu.screening.models import Warning

D = dt.date(2025, 6, 30)
_villages = itertools.count(700)
_townships = itertools.count(700)


def _village(parent):
    n = next(_villages)
    return make_region(f"{parent.code[:9]}{n:03d}", f"风险村{n}", Level.VILLAGE, parent)


def _households(village, *, monitored=0, falls=0, ordinary=0, new_cases=0, warnings=0, verified=0):
    """Households of each sort in `village`; new cases, warnings and verified warnings go to ordinary ones."""
    made = {"一般农户": []}
    seq = itertools.count(1)

    def add(kind):
        h = household(village, kind=kind, no=f"R{village.code[6:]}{next(seq):03d}")
        person(h)
        return h
    for _ in range(monitored):
        add("监测户")
    for _ in range(falls):
        h = add("脱贫户")
        income(h, 2023, per_capita="12000")
        income(h, 2024, per_capita="11000")
    for _ in range(ordinary):
        made["一般农户"].append(add("一般农户"))
    plain = iter(made["一般农户"])
    for _ in range(new_cases):
        h = next(plain)
        MonitoringCase.objects.create(household=h, region_code=h.region_code, channel="基层干部排查",
                            discovered_on=dt.date(2025, 2, 1), monitoring_type="边缘易致贫户", risk_types="因病",
                            status="monitoring", county_approved_on=dt.date(2025, 3, 1), officer_name="王帮扶")
    for i in range(warnings + verified):
        h = next(plain)
        done = i >= warnings
        Warning.objects.create(rule="MED-UNINSURED", household=h, region_code=h.region_code, grade="yellow",
                               first_raised_on=dt.date(2025, 5, 1), last_seen_on=dt.date(2025, 5, 1),
                               deadline=dt.date(2025, 5, 16), status="不予纳入" if done else "待核实",
                               ended_on=dt.date(2025, 5, 10) if done else None)
    return village.code


def _here(**counts):
    return lambda sc: _households(_village(sc.villages[0].parent), **counts)


def _own_township(sc):
    """Two villages with one signal each; together the township has two (监测户 3/20, income falls 1/1)."""
    county = sc.villages[0].parent.parent
    n = next(_townships)
    township = make_region(f"{county.code[:6]}{n:03d}000", f"乡镇{n}", Level.TOWNSHIP, county)
    x = make_region(f"{township.code[:9]}201", f"甲村{n}", Level.VILLAGE, township)
    y = make_region(f"{township.code[:9]}202", f"乙村{n}", Level.VILLAGE, township)
    _households(x, monitored=1, falls=1, ordinary=10)     # 1/12 monitored: only the income signal
    _households(y, monitored=2, ordinary=6)               # 2/8 monitored, no 脱贫户: only that signal
    sc.risk_township = (x.code, y.code)
    return township.code


CASES = [
    ("RISK-AREA", "监测户 exactly 10% and income falls", _here(monitored=1, falls=2, ordinary=7), True),
    ("RISK-AREA", "监测户 1/11 and income falls: one signal", _here(monitored=1, falls=2, ordinary=8), False),
    ("RISK-AREA", "new cases 5% and open warnings exactly 5%", _here(ordinary=20, new_cases=1, warnings=1), True),
    ("RISK-AREA", "the warning verified before D", _here(ordinary=20, new_cases=1, verified=1), False),
    ("RISK-AREA", "a township whose villages each have one signal", _own_township, True),
    ("RISK-AREA", "its village with the income signal only", lambda sc: sc.risk_township[0], False),
    ("RISK-AREA", "its village with the 监测户 signal only", lambda sc: sc.risk_township[1], False),
]
