"""DuckDB and Spark give the same findings on the whole rule catalog, row for row.

One scenario makes every rule of the catalog (screening, quality, compliance, indicator) fire, next to
rows exactly on each threshold that must or must not fire:

- every table-driven case of the screening and quality tests: their `pytest.param` recipes are read from
  test_screening_rules.py and test_quality_rules.py and built here with their expected outcome, so a case
  added there is compared on both engines too;
- the compliance cases of monitoring/tests/test_compliance.py, restated at the one as-of date D;
- the indicator rules at their lines (脱贫户 incomes, relocated households with and without work);
- the work areas' rules over their ledgers, from each app's `tests/engine_cases.py`;
- rows that make two rules skip a year for a missing parameter, so the skipped lists compare something;
- as background, a demo-county registry with its department lists (seeded, as `gonggu demo` makes them).

The cases are built twice, in 城关镇 of 中牟县 (the township of the scoped test) and in 巩义市; the demo
households live in 白沙镇, 城关镇's sibling, so a township run has rows next door to leave out.

A Spark run costs tens of seconds, so the scenario is built once per module, by the first test that asks
(after its Spark check), inside that test's transaction and rolled back; the four runs (two engines × two
scopes) are made then and kept for both tests.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import importlib.util
import itertools
import random
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import transaction

from conftest import make_case, make_measure, make_region, make_visit
from gonggu.core.codes import Level
from gonggu.registry.choices import LabourAbility
from gonggu.registry.demo import demo_registry
from gonggu.registry.models import Household
from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import FINDING_SCHEMA, run_rules
from gonggu.rules.services import param_set
from gonggu.sources import factories as fact_factories
from gonggu.sources.demo import demo_clear as demo_sources_clear
from gonggu.sources.demo import demo_sources
from gonggu.sources.factories import add_fact, fact, make_batch

from . import builders
from . import test_quality_rules as quality_tests
from . import test_screening_rules as screening_tests
from .builders import income, person
from .conftest import D

TOWNSHIP = "410122100"                 # 城关镇: the scope of the second test
SCOPES = {"all": None, "township": TOWNSHIP}
ENGINES = ("duckdb", "spark")
DEMO_SEED, DEMO_HOUSEHOLDS = 8, 150
DAY = dt.timedelta(days=1)
COLUMNS = FINDING_SCHEMA.names
REGION = COLUMNS.index("region_code")

# Each test runs in its own transaction; the first one's holds the scenario (a savepoint, rolled back once
# the runs are made).
pytestmark = [pytest.mark.django_db, pytest.mark.spark]

# Each rule → the table-driven test whose cases (build, expected) exercise it.
SCREENING_TESTS = {
    "INCOME-BELOW-LINE": screening_tests.test_income_below_line,
    "INCOME-DROP": screening_tests.test_income_drop,
    "MED-UNINSURED": screening_tests.test_med_uninsured,
    "MED-HIGH-EXPENSE": screening_tests.test_med_high_expense,
    "ASSIST-NOT-MONITORED": screening_tests.test_assist_not_monitored,
    "DISABILITY-SEVERE": screening_tests.test_disability_severe,
    "HOUSE-UNSAFE": screening_tests.test_house_unsafe,
    "SCHOOL-DROPOUT": screening_tests.test_school_dropout,
    "JOB-LOSS": screening_tests.test_job_loss,
    "ZERO-EMPLOYMENT": screening_tests.test_zero_employment,
    "DISASTER-LOSS": screening_tests.test_disaster_loss,
    "DECEASED-ACTIVE": screening_tests.test_deceased_active,
    "NAME-MISMATCH": screening_tests.test_name_mismatch,
}
QUALITY_TESTS = {
    "Q-HEAD-COUNT": quality_tests.test_head_count,
    "Q-AGE-SCHOOL": quality_tests.test_age_school,
    "Q-LABOR-AGE": quality_tests.test_labour_age,
    "Q-LABOR-WORK": quality_tests.test_labour_work,
    "Q-DISABILITY": quality_tests.test_disability,
    "Q-MONITOR-TYPE": quality_tests.test_monitor_type,
    "Q-RELATION-GENDER": quality_tests.test_relation_gender,
    "Q-RELATION-AGE": quality_tests.test_relation_age,
    "Q-NET-INCOME-NEGATIVE": quality_tests.test_net_income_negative,
}


def _param_cases(test) -> list[tuple[Callable, bool, str]]:
    """The (build, expected, id) cases a table-driven test lists in its parametrize mark."""
    [mark] = [m for m in test.pytestmark if m.name == "parametrize"]
    assert mark.args[0].replace(" ", "") == "build,expected", f"{test.__name__} no longer takes (build, expected)"
    return [(p.values[0], p.values[1], p.id) for p in mark.args[1]]


# --- monitoring records ------------------------------------------------------------------------------------
# rules sits below monitoring (import-linter layers), so the monitoring models are looked up by name; the
# defaults are those of monitoring's CaseFactory.

CASE_DEFAULTS = {
    "channel": "基层干部排查", "discovered_on": dt.date(2025, 1, 2), "monitoring_type": "边缘易致贫户",
    "risk_types": "因病", "status": "monitoring", "notice_start": dt.date(2025, 1, 5),
    "notice_end": dt.date(2025, 1, 9), "county_approved_on": dt.date(2025, 1, 14),
    "entered_on": dt.date(2025, 1, 16), "plan_on": dt.date(2025, 1, 18), "officer_name": "王帮扶",
}


def case(h: Household, **fields):
    return make_case(h, **(CASE_DEFAULTS | fields))


def measure(c, category: str, start: dt.date, end: dt.date | None = None, beneficiary=None):
    return make_measure(c, category=category, start_on=start, end_on=end, beneficiary=beneficiary,
                        beneficiary_id_number=beneficiary.id_number if beneficiary else "")


def visit(c, on: dt.date):
    return make_visit(c, visited_on=on, visitor_name="王帮扶", content="入户走访")


def eliminated_case(h: Household):
    """A record whose risk was marked eliminated (what the per-rule tests' `eliminated` list stands for)."""
    return case(h, discovered_on=dt.date(2024, 1, 2), notice_start=dt.date(2024, 1, 5),
                notice_end=dt.date(2024, 1, 9), county_approved_on=dt.date(2024, 1, 14),
                entered_on=dt.date(2024, 1, 16), plan_on=dt.date(2024, 1, 18), status="eliminated",
                eliminated_on=dt.date(2024, 6, 1), elimination_method="稳定消除",
                elim_notice_start=dt.date(2024, 5, 20), elim_notice_end=dt.date(2024, 5, 24))


# --- the scenario ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    rule: str
    household_id: int | None
    household_no: str
    region_code: str
    fires: bool
    case: str


class Scenario:
    """Builds cases in the villages of one place, noting for each whether its rule must fire."""

    def __init__(self, tag: str, villages: list):
        self.tag, self.villages, self.count = tag, villages, 0
        self.expected: list[Expected] = []

    def village(self):
        self.count += 1
        return self.villages[self.count % len(self.villages)]

    def household(self, *, kind: str = "一般农户", monitoring_type: str | None = None, relocated: bool = False):
        h = builders.household(self.village(), kind=kind, monitoring_type=monitoring_type,
                               no=f"{self.tag}{self.count:04d}")
        if relocated:
            h.relocated = True
            h.save(update_fields=["relocated"])
        return h

    def expect(self, rule: str, h: Household | str, fires: bool, label: str) -> None:
        """`h` is the household the rule must (not) find, or the region code of a finding about a region."""
        assert rule in CATALOG.rules, rule
        if isinstance(h, str):
            self.expected.append(Expected(rule, None, "", h, fires, label))
        else:
            self.expected.append(Expected(rule, h.pk, h.household_no, h.region_code, fires, label))


def build_recipes(sc: Scenario) -> None:
    for rule, test in SCREENING_TESTS.items():
        for build, fires, label in _param_cases(test):
            eliminated: list[str] = []
            h = build(sc.village(), eliminated)
            assert eliminated in ([], [h.household_no]), label
            if eliminated:
                eliminated_case(h)
            sc.expect(rule, h, fires, label)
    for rule, test in QUALITY_TESTS.items():
        for build, fires, label in _param_cases(test):
            sc.expect(rule, build(sc.village()), fires, label)


def build_extras(sc: Scenario) -> None:
    # Two children of one household on the dropout list: one warning naming the first (本户共 2 人).
    h = sc.household()
    person(h)
    kids = [person(h, relation="子", born=D.replace(year=D.year - 10)),
            person(h, relation="女", born=D.replace(year=D.year - 12))]
    batch = make_batch("jy_student", as_of=D)
    for i, kid in enumerate(kids):
        add_fact(batch, kid.id_number, name=kid.name, row=2 + i, status="辍学")
    sc.expect("SCHOOL-DROPOUT", h, True, "two children, one warning")
    # Skipped for a year without parameters: the 2025 line (no 2024 growth) and 2024's disposable income.
    h = sc.household()
    person(h)
    income(h, 2025, per_capita="100")
    sc.expect("INCOME-BELOW-LINE", h, False, "income year 2025 has no line")
    h = sc.household()
    fact("yb_expense", person(h), as_of=dt.date(2025, 5, 1), year=2025, self_pay="99999")
    sc.expect("MED-HIGH-EXPENSE", h, False, "expense year 2025 has no disposable income of 2024")


def _case_household(sc: Scenario, *, labour: str = LabourAbility.ORDINARY, head_birth=dt.date(1975, 5, 1),
                    per_capita: str | None = "9000", year: int = 2024) -> Household:
    """monitoring's test household: a head of the given labour ability and one income year."""
    h = sc.household()
    person(h, born=head_birth, labour_ability=labour)
    if per_capita is not None:
        income(h, year, per_capita=per_capita)
    return h


JAN_14, JAN_20 = dt.date(2025, 1, 14), dt.date(2025, 1, 20)


def _identify(days):
    def build(sc):
        h = _case_household(sc)
        case(h, discovered_on=dt.date(2025, 1, 1), county_approved_on=dt.date(2025, 1, 1) + days * DAY,
             entered_on=JAN_20, plan_on=JAN_20)
        return h
    return build


def _entry(entered, approved=JAN_14):
    def build(sc):
        h = _case_household(sc)
        case(h, county_approved_on=approved, entered_on=entered)
        return h
    return build


def _plan(planned, approved=JAN_14):
    def build(sc):
        h = _case_household(sc)
        case(h, county_approved_on=approved, plan_on=planned)
        return h
    return build


def _notice(start, end, **fields):
    def build(sc):
        h = _case_household(sc)
        case(h, notice_start=start, notice_end=end, **fields)
        return h
    return build


def _elim_3m(eliminated):
    def build(sc):
        h = _case_household(sc)
        case(h, status="eliminated", eliminated_on=eliminated, elimination_method="稳定消除",
             elim_notice_start=dt.date(2025, 4, 1), elim_notice_end=dt.date(2025, 4, 5))
        return h
    return build


def _elim_notice(start, end):
    def build(sc):
        h = _case_household(sc)
        case(h, status="eliminated", eliminated_on=dt.date(2025, 5, 1), elim_notice_start=start,
             elim_notice_end=end)
        return h
    return build


def _elim_income(per_capita, *, later_high=False):
    def build(sc):
        h = _case_household(sc, per_capita=per_capita)
        if later_high:   # a later year does not count: the latest year not after the elimination year does
            income(h, 2026, per_capita="90000")
        case(h, status="eliminated", eliminated_on=dt.date(2025, 5, 1), elim_notice_start=dt.date(2025, 4, 1),
             elim_notice_end=dt.date(2025, 4, 5))
        return h
    return build


def _dev_measure(*, start=JAN_20, end=None, head_birth=dt.date(1975, 5, 1), category="就业帮扶"):
    def build(sc):
        h = _case_household(sc, head_birth=head_birth)
        c = case(h)
        if category:
            measure(c, category, start, end)
        return h
    return build


def _match(start, category="健康帮扶"):
    def build(sc):
        h = _case_household(sc, labour=LabourAbility.LOST)
        measure(case(h, discovered_on=dt.date(2025, 1, 2), risk_types="因病"), category, start)
        return h
    return build


def _visits(visited, approved=JAN_14):
    def build(sc):
        h = _case_household(sc)
        c = case(h, county_approved_on=approved)
        if visited:
            visit(c, visited)
        return h
    return build


def _post(labour, end=None):
    def build(sc):
        h = _case_household(sc, labour=labour)
        measure(case(h), "公益岗位", JAN_20, end, beneficiary=h.members.get())
        return h
    return build


# monitoring/tests/test_compliance.py's CASES, at D = 2025-06-30 (there each case has its own as-of date:
# the cases that depend on it are moved so that D stands where it stood).
COMPLIANCE_CASES = [
    ("C-IDENTIFY-15D", "15 days", _identify(15), False),
    ("C-IDENTIFY-15D", "16 days", _identify(16), True),
    ("C-ENTRY-10D", "entered day 10", _entry(dt.date(2025, 1, 24)), False),
    ("C-ENTRY-10D", "entered day 11", _entry(dt.date(2025, 1, 25)), True),
    ("C-ENTRY-10D", "not entered, D = day 10", _entry(None, approved=D - 10 * DAY), False),
    ("C-ENTRY-10D", "not entered, D = day 11", _entry(None, approved=D - 11 * DAY), True),
    ("C-PLAN-10D", "plan day 10", _plan(dt.date(2025, 1, 24)), False),
    ("C-PLAN-10D", "plan day 11", _plan(dt.date(2025, 1, 25)), True),
    ("C-PLAN-10D", "no plan, D = day 10", _plan(None, approved=D - 10 * DAY), False),
    ("C-PLAN-10D", "no plan, D = day 11", _plan(None, approved=D - 11 * DAY), True),
    ("C-NOTICE-5D", "5 days", _notice(dt.date(2025, 1, 5), dt.date(2025, 1, 9)), False),
    ("C-NOTICE-5D", "4 days", _notice(dt.date(2025, 1, 5), dt.date(2025, 1, 8)), True),
    ("C-NOTICE-5D", "no notice", _notice(None, None), True),
    ("C-NOTICE-5D", "rejected record", _notice(None, None, status="rejected", county_approved_on=None), False),
    ("C-ELIM-3M", "exactly 3 months", _elim_3m(dt.date(2025, 4, 14)), False),
    ("C-ELIM-3M", "a day short", _elim_3m(dt.date(2025, 4, 13)), True),
    ("C-ELIM-NOTICE-5D", "5 days", _elim_notice(dt.date(2025, 4, 1), dt.date(2025, 4, 5)), False),
    ("C-ELIM-NOTICE-5D", "4 days", _elim_notice(dt.date(2025, 4, 1), dt.date(2025, 4, 4)), True),
    ("C-ELIM-NOTICE-5D", "none", _elim_notice(None, None), True),
    # The 2024 line is the derived 7995 (7500 × 1.066) here, where the compliance test sets 7800.
    ("C-ELIM-INCOME", "on the line", _elim_income("7995"), False),
    ("C-ELIM-INCOME", "a cent below", _elim_income("7994.99"), True),
    ("C-ELIM-INCOME", "later year ignored", _elim_income("7000", later_high=True), True),
    ("C-DEV-MEASURE", "in force", _dev_measure(), False),
    ("C-DEV-MEASURE", "ends on D", _dev_measure(end=D), False),
    ("C-DEV-MEASURE", "ended the day before D", _dev_measure(end=D - DAY), True),
    ("C-DEV-MEASURE", "starts after D", _dev_measure(start=D + DAY), True),
    ("C-DEV-MEASURE", "not developmental", _dev_measure(category="健康帮扶"), True),
    ("C-DEV-MEASURE", "head aged 59", _dev_measure(category=None, head_birth=dt.date(1965, 7, 1)), True),
    ("C-DEV-MEASURE", "head aged 60", _dev_measure(category=None, head_birth=dt.date(1965, 6, 30)), False),
    ("C-MEASURE-MATCH", "health measure from discovery", _match(dt.date(2025, 1, 2)), False),
    ("C-MEASURE-MATCH", "health measure before discovery", _match(dt.date(2025, 1, 1)), True),
    ("C-MEASURE-MATCH", "other category", _match(dt.date(2025, 1, 2), category="综合保障"), True),
    ("C-VISIT-MONTHLY", "visit D−30", _visits(D - 30 * DAY), False),
    ("C-VISIT-MONTHLY", "visit D−31", _visits(D - 31 * DAY), True),
    ("C-VISIT-MONTHLY", "never visited", _visits(None), True),
    ("C-VISIT-MONTHLY", "approved D−30", _visits(None, approved=D - 30 * DAY), False),
    ("C-VISIT-MONTHLY", "approved D−31", _visits(None, approved=D - 31 * DAY), True),
    ("C-NOLABOR-POST", "lost labour", _post(LabourAbility.LOST), True),
    ("C-NOLABOR-POST", "no labour", _post(LabourAbility.NONE), True),
    ("C-NOLABOR-POST", "weak labour", _post(LabourAbility.WEAK), False),
    ("C-NOLABOR-POST", "post ended", _post(LabourAbility.LOST, end=D - DAY), False),
]


def _lifted(incomes: dict[int, str], *, kind="脱贫户", relocated=False, employment: str | None = None, **head):
    """A household (脱贫户 unless told) with one member and the given per-capita incomes by year."""
    def build(sc):
        h = sc.household(kind=kind, relocated=relocated)
        member = person(h, **head)
        for year, per_capita in incomes.items():
            income(h, year, per_capita=per_capita)
        if employment:
            fact("rs_employment", member, as_of=D, status=employment)
        return h
    return build


RICH = {2023: "12000", 2024: "12500"}
SKILLED = {"born": dt.date(1985, 1, 1), "labour_ability": LabourAbility.SKILLED}

INDICATOR_CASES = [
    ("IND-INCOME-LOW", "a cent below the line", _lifted({2024: "9999.99"}), True),
    ("IND-INCOME-LOW", "on the line", _lifted({2024: "10000"}), False),
    ("IND-INCOME-LOW", "ordinary household", _lifted({2024: "5000"}, kind="一般农户"), False),
    ("IND-INCOME-FALL", "a cent lower", _lifted({2023: "12000", 2024: "11999.99"}), True),
    ("IND-INCOME-FALL", "unchanged", _lifted({2023: "12000", 2024: "12000"}), False),
    ("IND-INCOME-FALL", "fall from a year before Y−1", _lifted({2022: "15000", 2024: "12000"}), False),
    ("IND-RELOC-NO-JOB", "nobody works", _lifted(RICH, relocated=True, **SKILLED), True),
    ("IND-RELOC-NO-JOB", "monitored household", _lifted(RICH, relocated=True, kind="监测户", **SKILLED), True),
    ("IND-RELOC-NO-JOB", "one month of work", _lifted(RICH, relocated=True, work_months=1, **SKILLED), False),
    ("IND-RELOC-NO-JOB", "employed per list", _lifted(RICH, relocated=True, employment="已就业", **SKILLED), False),
    ("IND-RELOC-NO-JOB", "aged 59", _lifted(RICH, relocated=True, born=dt.date(1965, 7, 1)), True),
    ("IND-RELOC-NO-JOB", "aged 60", _lifted(RICH, relocated=True, born=dt.date(1965, 6, 30)), False),
    ("IND-RELOC-NO-JOB", "student", _lifted(RICH, relocated=True, born=dt.date(2008, 1, 1), school_status="高中"),
     False),
    ("IND-RELOC-NO-JOB", "ordinary household", _lifted(RICH, relocated=True, kind="一般农户", **SKILLED), False),
    ("IND-RELOC-NO-JOB", "not relocated", _lifted(RICH, **SKILLED), False),
]


def work_area_cases() -> list:
    """The cases of the work areas' rules: each app with rules over its ledgers keeps them in
    `<app>/tests/engine_cases.py` (CASES, and PARAMS to set), so the scenario grows with the catalog."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gonggu.") or importlib.util.find_spec(f"{config.name}.tests") is None:
            continue
        if importlib.util.find_spec(f"{config.name}.tests.engine_cases") is not None:
            modules.append(importlib.import_module(f"{config.name}.tests.engine_cases"))
    return modules


def build_cases(sc: Scenario) -> None:
    build_recipes(sc)
    build_extras(sc)
    for rule, label, build, fires in COMPLIANCE_CASES + INDICATOR_CASES:
        sc.expect(rule, build(sc), fires, label)
    for module in work_area_cases():
        for rule, label, build, fires in module.CASES:
            sc.expect(rule, build(sc), fires, label)


def _counters(modules) -> dict:
    return {(m, name): copy.copy(value) for m in modules for name, value in vars(m).items()
            if isinstance(value, itertools.count)}


# The work areas' cases number their own townships, villages and members from module counters (each its own
# range); taken here, at collection, before any scenario drew from them.
_FIRST_NUMBERS = _counters(work_area_cases())


@contextmanager
def _numbered_from_one():
    """The builders number households, persons and batches from counters shared by every test of the process;
    restarted here, the scenario has the same numbers and names whichever tests ran before — and a second
    scenario in one process does not run one work area's range of region codes into another's."""
    saved = builders._hh, builders._seq, fact_factories._seq
    saved_cases = {key: getattr(*key) for key in _FIRST_NUMBERS}
    builders._hh, builders._seq, fact_factories._seq = itertools.count(1), itertools.count(1), itertools.count(1)
    for (module, name), first in _FIRST_NUMBERS.items():
        setattr(module, name, copy.copy(first))
    try:
        yield
    finally:
        builders._hh, builders._seq, fact_factories._seq = saved
        for (module, name), value in saved_cases.items():
            setattr(module, name, value)


def build_scenario() -> list[Expected]:
    province = make_region("410000000000", "河南省", Level.PROVINCE)
    city = make_region("410100000000", "郑州市", Level.CITY, province)
    county = make_region("410122000000", "中牟县", Level.COUNTY, city)
    chengguan = make_region(f"{TOWNSHIP}000", "城关镇", Level.TOWNSHIP, county)
    baisha = make_region("410122101000", "白沙镇", Level.TOWNSHIP, county)
    other_county = make_region("410181000000", "巩义市", Level.COUNTY, city)
    xiaoyi = make_region("410181100000", "孝义街道", Level.TOWNSHIP, other_county)
    village = {code: make_region(code, name, Level.VILLAGE, parent) for code, name, parent in (
        ("410122100201", "东村", chengguan), ("410122100202", "西村", chengguan),
        ("410122101201", "南村", baisha), ("410122101202", "北村", baisha),
        ("410181100201", "孝南村", xiaoyi), ("410181100202", "孝北村", xiaoyi))}

    # The parameters of conftest's params_2024 (line 2024 = 7500 × 1.066 = 7995; disposable income 2023 =
    # 20000), and the 2023 line, which a migration seeds, set again in case a transactional test flushed it.
    param_set(name="monitoring_line", value="7500", year=2023)
    param_set(name="rural_income_growth", value="0.066", year=2023)
    param_set(name="disposable_income", value="20000", year=2023)
    for module in work_area_cases():
        for name, value, year in getattr(module, "PARAMS", []):
            param_set(name=name, value=value, year=year)

    # Background first: the demo's department lists cover every person of the county then in the registry.
    demo = SimpleNamespace(rng=random.Random(DEMO_SEED), county=county, townships=[baisha],
                           villages=[village["410122101201"], village["410122101202"]], households=DEMO_HOUSEHOLDS,
                           users={}, today=D, seed=DEMO_SEED, extra={})
    demo_registry(demo)
    demo_sources(demo)

    expected = []
    for tag, villages in (("A", ["410122100201", "410122100202"]), ("B", ["410181100201", "410181100202"])):
        sc = Scenario(tag, [village[code] for code in villages])
        build_cases(sc)
        expected += sc.expected
    return expected


@dataclass
class Runs:
    expected: list[Expected]
    results: dict        # (scope, engine) -> RunResult


class EngineRuns:
    """The scenario and its four runs, made once, by the first test that asks."""

    def __init__(self):
        self.runs: Runs | None = None
        self.failure: str | None = None

    def get(self) -> Runs:
        if self.failure:
            pytest.fail(f"building or running the scenario failed in an earlier test: {self.failure}")
        if self.runs is None:
            try:
                self.runs = self._make()
            except Exception as exc:
                self.failure = repr(exc)
                raise
        return self.runs

    def _make(self) -> Runs:
        results = {}
        with transaction.atomic():
            try:
                with _numbered_from_one():
                    expected = build_scenario()
                for scope, prefix in SCOPES.items():
                    for engine in ENGINES:
                        results[scope, engine] = run_rules(as_of=D, prefix=prefix, engine=engine, store=False)
                demo_sources_clear(prefix="410122")   # the demo's list files; its rows go with the rollback
            finally:
                transaction.set_rollback(True)
        return Runs(expected, results)


@pytest.fixture(scope="module")
def engine_runs():
    return EngineRuns()


# --- comparing ---------------------------------------------------------------------------------------------

def _rows(result) -> Counter:
    assert result.findings.schema == FINDING_SCHEMA
    return Counter(tuple(row[c] for c in COLUMNS) for row in result.findings.to_pylist())


def _difference(duck: Counter, spark: Counter) -> str:
    lines = []
    for name, only in (("DuckDB only", duck - spark), ("Spark only", spark - duck)):
        for row, n in sorted(only.items(), key=lambda item: tuple(str(v) for v in item[0]))[:25]:
            lines.append(f"{name} ×{n}: {dict(zip(COLUMNS, row, strict=True))}")
    return "engines differ:\n" + "\n".join(lines)


def _assert_engines_agree(runs: Runs, scope: str) -> None:
    duck, spark = runs.results[scope, "duckdb"], runs.results[scope, "spark"]
    duck_rows, spark_rows = _rows(duck), _rows(spark)
    assert duck_rows == spark_rows, _difference(duck_rows, spark_rows)
    assert spark.skipped == duck.skipped
    assert spark.counts_by_rule == duck.counts_by_rule
    assert spark.params_by_rule == duck.params_by_rule
    assert spark.rules == duck.rules == sorted(CATALOG.rules, key=lambda c: (CATALOG.rules[c].kind, c))
    assert not duck.disabled and not spark.disabled

    silent = sorted(code for code in CATALOG.rules if duck.counts_by_rule.get(code, 0) == 0)
    if scope != "all":
        # A rule about whole counties (部门名单比对) has nothing to say inside one township.
        whole = runs.results["all", "duckdb"].findings.to_pylist()
        below_county = {r["rule"] for r in whole if not r["region_code"].endswith("000000")}
        silent = [code for code in silent if code in below_county or not any(r["rule"] == code for r in whole)]
    assert not silent, f"rules of the catalog without a finding in scope {scope}: {', '.join(silent)}"
    # The skipped lists compare something: the two years the scenario leaves without parameters.
    assert {s["rule"] for s in duck.skipped} >= {"INCOME-BELOW-LINE", "MED-HIGH-EXPENSE"}, duck.skipped

    prefix = SCOPES[scope] or ""
    assert all(row[REGION].startswith(prefix) for row in duck_rows), "a finding outside the scope"
    found = {(row["rule"], row["household_id"] or row["region_code"]) for row in duck.findings.to_pylist()}
    wrong = [f"{e.rule} {e.case} ({e.household_no}): {'should fire' if e.fires else 'should not fire'}"
             for e in runs.expected
             if e.region_code.startswith(prefix) and ((e.rule, e.household_id or e.region_code) in found) != e.fires]
    assert not wrong, "\n".join(wrong)


def test_whole_catalog_gives_the_same_findings_on_both_engines(spark_available, engine_runs):
    runs = engine_runs.get()
    _assert_engines_agree(runs, "all")
    # Both copies of the cases and the demo background are in the run.
    counties = {row[REGION][:6] for row in _rows(runs.results["all", "duckdb"])}
    assert counties == {"410122", "410181"}
    assert any(row[REGION].startswith("410122101") for row in _rows(runs.results["all", "duckdb"]))


def test_township_run_gives_the_same_findings_on_both_engines(spark_available, engine_runs):
    runs = engine_runs.get()
    _assert_engines_agree(runs, "township")
    # Scoping leaves out exactly the rest: the township's rows of the whole run, no more, no less.
    whole = _rows(runs.results["all", "duckdb"])
    assert _rows(runs.results["township", "duckdb"]) == Counter(
        {row: n for row, n in whole.items() if row[REGION].startswith(TOWNSHIP)})

