"""The fund, project and asset rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py).

Every finding of these rules is about a place, so each case builds its rows in one village of the scenario
(the village, as the unit holding the allocation, stands for the county here) and returns its code. Two cases
of a rule follow each other and so land in different villages; the rows every case builds are clean for the
other rules (in-time execution, projects long in the library, 省级 funds for the central-share rules).
"""

import datetime as dt
import itertools

from ..rule_defs import working_days_after
from .factories import allocation, asset, classified, fund_use, funded, income, inspection, project, purchase

PARAMS = []
D = dt.date(2025, 6, 30)
ISSUED = dt.date(2025, 4, 25)                    # crosses 劳动节 (2025-05-01 … 05-05; 04-27 a working Sunday)
COMPLETED = dt.date(2025, 4, 28)
ACCEPTED = dt.date(2025, 1, 15)                  # registration due 2025-04-15


def _due(start, n):
    return working_days_after(start, n, {})


def _exec(days_late: int):
    def build(sc):
        code = sc.village().code
        alloc = allocation(code, issued=ISSUED, amount="1000")
        fund_use(alloc, project(code), executed=_due(ISSUED, 15) + dt.timedelta(days=days_late))
        return code
    return build


def _exec_never(sc):
    code = sc.village().code
    allocation(code, issued=dt.date(2025, 5, 26))   # due 2025-06-16, never executed
    return code


def _accept(days_late: int | None):
    def build(sc):
        code = sc.village().code
        due = _due(COMPLETED, 7)
        project(code, started_on=dt.date(2025, 2, 1), completed_on=COMPLETED,
                accepted_on=None if days_late is None else due + dt.timedelta(days=days_late))
        return code
    return build


def _register(registered):
    def build(sc):
        code = sc.village().code
        p = project(code, completed_on=dt.date(2025, 1, 14), accepted_on=ACCEPTED)
        asset(code, project_no=p.project_no, registered_on=registered)
        return code
    return build


def _central(shares, **kw):
    def build(sc):
        code = sc.village().code
        funded(code, shares, source="中央", **kw)
        return code
    return build


def _rise(last, this):
    def build(sc):
        code = sc.village().code
        funded(code, last, source="中央", year=2021)
        funded(code, this, source="中央", year=2022)
        return code
    return build


def _total(last: str, this: str):
    def build(sc):
        code = sc.village().code
        funded(code, [("基础设施", last)], source="县级", year=2023)
        funded(code, [("基础设施", this)], source="县级", year=2024)
        return code
    return build


def _library(entered):
    def build(sc):
        code = sc.village().code
        funded(code, [("产业发展", "1000")], issued=dt.date(2025, 3, 3), entered=entered)
        return code
    return build


def _link(link: str, targets: str = "带动 10 户"):
    def build(sc):
        code = sc.village().code
        project(code, operating=True, link=link, targets=targets)
        return code
    return build


def _handout(distribution):
    def build(sc):
        code = sc.village().code
        income(asset(code), distribution=distribution)
        return code
    return build


def _pv(fault: str, online: str):
    def build(sc):
        code = sc.village().code
        asset(code, photovoltaic=True, pv_fault_rate=fault, pv_online_rate=online, name="村级光伏电站")
        return code
    return build


def _disposal(evaluated: bool, approved: bool):
    def build(sc):
        code = sc.village().code
        asset(code, disposed_on=dt.date(2025, 5, 1), disposal_evaluated=evaluated, disposal_approved=approved)
        return code
    return build


def _purchase(platform: str):
    def build(sc):
        code = sc.village().code
        purchase(code, canteen="100000", platform=platform)
        return code
    return build


# Findings about a unit's year or its industry projects as a whole: each case gets a place of its own (a code
# under the scenario village's township) so that other cases' allocations and projects do not answer for it.
_places = itertools.count(0)


def _own_place(sc) -> str:
    return f"{sc.village().code[:9]}{100 + next(_places) % 900:03d}"


def _four_batch(completed: dt.date, on: dt.date | None, project_type: str = "产业发展"):
    def build(sc):
        code = _own_place(sc)
        classified(code, completed=completed, on=on, project_type=project_type)
        return code
    return build


def _inspected(year: int, days: list[dt.date]):
    def build(sc):
        code = _own_place(sc)
        fund_use(allocation(code, issued=dt.date(year, 2, 10)), project(code))
        for day in days:
            inspection(code, day)
        return code
    return build


IND, INFRA = "产业发展", "基础设施"
CASES = [
    ("FUND-EXEC-15WD", "executed a day after the 15th working day", _exec(1), True),
    ("FUND-EXEC-15WD", "executed on the 15th working day", _exec(0), False),
    ("FUND-EXEC-15WD", "never executed, due passed", _exec_never, True),
    ("FUND-ACCEPT-7WD", "accepted a day later", _accept(1), True),
    ("FUND-ACCEPT-7WD", "accepted on the 7th working day", _accept(0), False),
    ("FUND-ACCEPT-7WD", "not accepted, due passed", _accept(None), True),
    ("ASSET-REGISTER-3M", "registered a day later", _register(dt.date(2025, 4, 16)), True),
    ("ASSET-REGISTER-3M", "registered 3 months after acceptance", _register(dt.date(2025, 4, 15)), False),
    ("ASSET-REGISTER-3M", "not registered, due passed", _register(None), True),
    ("FUND-INDUSTRY-60", "59.99 % to industry", _central([(IND, "5999"), (INFRA, "4001")]), True),
    ("FUND-INDUSTRY-60", "60 % to industry", _central([(IND, "6000"), (INFRA, "4000")]), False),
    ("FUND-INDUSTRY-RISE", "same share as last year", _rise([(IND, "700"), (INFRA, "300")],
                                                             [(IND, "1400"), (INFRA, "600")]), True),
    ("FUND-INDUSTRY-RISE", "a little higher", _rise([(IND, "700"), (INFRA, "300")],
                                                    [(IND, "701"), (INFRA, "299")]), False),
    ("FUND-TOTAL-DROP", "a cent below last year", _total("1000", "999.99"), True),
    ("FUND-TOTAL-DROP", "same as last year", _total("1000", "1000"), False),
    ("FUND-NOT-FROM-LIBRARY", "entered after the funds", _library(dt.date(2025, 3, 4)), True),
    ("FUND-NOT-FROM-LIBRARY", "entered the day of the funds", _library(dt.date(2025, 3, 3)), False),
    ("FUND-NOT-FROM-LIBRARY", "never entered", _library(None), True),
    ("PROJECT-NO-LINK", "operating, no mechanism", _link(""), True),
    ("PROJECT-NO-LINK", "operating, mechanism and targets", _link("入股分红"), False),
    ("PROJECT-NO-LINK", "no targets", _link("入股分红", targets=" "), True),
    ("ASSET-CASH-HANDOUT", "cash handed out", _handout("简单发钱发物"), True),
    ("ASSET-CASH-HANDOUT", "tied to labour", _handout("与劳动或条件挂钩"), False),
    ("ASSET-PV-METRICS", "fault rate 1.01 %", _pv("1.01", "99.5"), True),
    ("ASSET-PV-METRICS", "1 % and 99 %", _pv("1.00", "99.00"), False),
    ("ASSET-PV-METRICS", "online 98.99 %", _pv("0.5", "98.99"), True),
    ("ASSET-DISPOSAL", "evaluated, not approved", _disposal(True, False), True),
    ("ASSET-DISPOSAL", "evaluated and approved", _disposal(True, True), False),
    ("CONSUME-832-10", "9.99 % through the platform", _purchase("9999.99"), True),
    ("CONSUME-832-10", "10 %", _purchase("10000"), False),
    ("INDUSTRY-FOUR-BATCH", "completed last year, classified this year",
     _four_batch(dt.date(2024, 10, 8), dt.date(2025, 1, 1)), False),
    ("INDUSTRY-FOUR-BATCH", "classified last year only", _four_batch(dt.date(2024, 10, 8), dt.date(2024, 12, 31)), True),
    ("INDUSTRY-FOUR-BATCH", "never classified", _four_batch(dt.date(2024, 10, 8), None), True),
    ("INDUSTRY-FOUR-BATCH", "classified after the as-of day", _four_batch(dt.date(2024, 10, 8), dt.date(2025, 7, 1)),
     True),
    ("INDUSTRY-FOUR-BATCH", "completed this year", _four_batch(dt.date(2025, 1, 2), None), False),
    ("INDUSTRY-FOUR-BATCH", "not an industry project", _four_batch(dt.date(2024, 10, 8), None, INFRA), False),
    ("FUND-INSPECT-QUARTER", "inspected on the last day of Q1", _inspected(2025, [dt.date(2025, 3, 31)]), False),
    ("FUND-INSPECT-QUARTER", "first inspection on the first day of Q2", _inspected(2025, [dt.date(2025, 4, 1)]), True),
    ("FUND-INSPECT-QUARTER", "last year without Q4", _inspected(
        2024, [dt.date(2024, 1, 5), dt.date(2024, 6, 30), dt.date(2024, 7, 1)]), True),
    ("FUND-INSPECT-QUARTER", "last year every quarter", _inspected(
        2024, [dt.date(2024, 1, 5), dt.date(2024, 6, 30), dt.date(2024, 7, 1), dt.date(2024, 12, 31)]), False),
]

