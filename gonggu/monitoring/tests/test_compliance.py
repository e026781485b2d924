"""Compliance rules (rules.md 程序合规), table-driven at their boundaries, run by the rule engine."""

import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from gonggu.registry.choices import LabourAbility
from gonggu.registry.factories import IncomeAccountFactory
from gonggu.rules.models import Parameter

from .. import services as s
from ..compliance import compliance_run
from ..rule_defs import build_eliminated_households
from .factories import CaseFactory, household, measure, visit
from .test_workflow import D

pytestmark = pytest.mark.django_db


def _hh(regions, **kw):
    return household(regions["village"], **kw)


def fires(rule: str, as_of, prefix="410122") -> list[dict]:
    result = compliance_run(as_of=as_of, prefix=prefix, store=False)
    return [f for f in result.findings if f["rule"] == rule]


# Each scenario builds one household's record and returns the as-of date; `expected` = does the rule fire.
def identify(days):
    def build(regions):
        CaseFactory(household=_hh(regions), discovered_on=D(2025, 1, 1), county_approved_on=D(2025, 1, 1 + days),
                    entered_on=D(2025, 1, 20), plan_on=D(2025, 1, 20))
        return D(2025, 2, 1)
    return build


def entry(entered, as_of):
    def build(regions):
        CaseFactory(household=_hh(regions), county_approved_on=D(2025, 1, 14), entered_on=entered)
        return as_of
    return build


def plan(planned, as_of):
    def build(regions):
        CaseFactory(household=_hh(regions), county_approved_on=D(2025, 1, 14), plan_on=planned)
        return as_of
    return build


def notice(start, end):
    def build(regions):
        CaseFactory(household=_hh(regions), notice_start=start, notice_end=end)
        return D(2025, 2, 1)
    return build


def elim_3m(eliminated):
    def build(regions):
        CaseFactory(household=_hh(regions), status="eliminated", county_approved_on=D(2025, 1, 14),
                    eliminated_on=eliminated, elimination_method="稳定消除", elim_notice_start=D(2025, 4, 1),
                    elim_notice_end=D(2025, 4, 5))
        return D(2025, 6, 1)
    return build


def elim_notice(start, end):
    def build(regions):
        CaseFactory(household=_hh(regions), status="eliminated", eliminated_on=D(2025, 5, 1),
                    elim_notice_start=start, elim_notice_end=end)
        return D(2025, 6, 1)
    return build


def elim_income(per_capita, *, later_high=False):
    def build(regions):
        Parameter.objects.create(name="monitoring_line", year=2024, value=Decimal("7800"))
        hh = _hh(regions, per_capita_income=per_capita, year=2024)
        if later_high:   # a later year does not count: the latest year not after the elimination year does
            IncomeAccountFactory(household=hh, year=2026, wage=Decimal("90000"))
        CaseFactory(household=hh, status="eliminated", eliminated_on=D(2025, 5, 1), elim_notice_start=D(2025, 4, 1),
                    elim_notice_end=D(2025, 4, 5))
        return D(2025, 6, 1)
    return build


JAN_20, BORN_1975 = D(2025, 1, 20), D(1975, 5, 1)
JAN_14 = D(2025, 1, 14)


def dev_measure(*, start=JAN_20, end=None, head_birth=BORN_1975, category="就业帮扶"):
    def build(regions):
        case = CaseFactory(household=_hh(regions, head_birth=head_birth))
        if category:
            measure(case, category, start, end)
        return D(2025, 3, 1)
    return build


def match(start, category="健康帮扶"):
    def build(regions):
        case = CaseFactory(household=_hh(regions, labour=LabourAbility.LOST), discovered_on=D(2025, 1, 2),
                           risk_types="因病")
        measure(case, category, start)
        return D(2025, 3, 1)
    return build


def visits(visited, approved=JAN_14):
    def build(regions):
        case = CaseFactory(household=_hh(regions), county_approved_on=approved)
        if visited:
            visit(case, visited)
        return D(2025, 3, 1)      # D − 31 = 2025-01-29
    return build


def post(labour, end=None):
    def build(regions):
        hh = _hh(regions, labour=labour)
        case = CaseFactory(household=hh)
        measure(case, "公益岗位", D(2025, 1, 20), end, beneficiary=hh.members.get())
        return D(2025, 3, 1)
    return build


CASES = [
    ("C-IDENTIFY-15D", "15 days", identify(15), False),
    ("C-IDENTIFY-15D", "16 days", identify(16), True),
    ("C-ENTRY-10D", "entered day 10", entry(D(2025, 1, 24), D(2025, 3, 1)), False),
    ("C-ENTRY-10D", "entered day 11", entry(D(2025, 1, 25), D(2025, 3, 1)), True),
    ("C-ENTRY-10D", "not entered, D = day 10", entry(None, D(2025, 1, 24)), False),
    ("C-ENTRY-10D", "not entered, D = day 11", entry(None, D(2025, 1, 25)), True),
    ("C-PLAN-10D", "plan day 10", plan(D(2025, 1, 24), D(2025, 3, 1)), False),
    ("C-PLAN-10D", "plan day 11", plan(D(2025, 1, 25), D(2025, 3, 1)), True),
    ("C-PLAN-10D", "no plan, D = day 10", plan(None, D(2025, 1, 24)), False),
    ("C-PLAN-10D", "no plan, D = day 11", plan(None, D(2025, 1, 25)), True),
    ("C-NOTICE-5D", "5 days", notice(D(2025, 1, 5), D(2025, 1, 9)), False),
    ("C-NOTICE-5D", "4 days", notice(D(2025, 1, 5), D(2025, 1, 8)), True),
    ("C-NOTICE-5D", "no notice", notice(None, None), True),
    ("C-ELIM-3M", "exactly 3 months", elim_3m(D(2025, 4, 14)), False),
    ("C-ELIM-3M", "a day short", elim_3m(D(2025, 4, 13)), True),
    ("C-ELIM-NOTICE-5D", "5 days", elim_notice(D(2025, 4, 1), D(2025, 4, 5)), False),
    ("C-ELIM-NOTICE-5D", "4 days", elim_notice(D(2025, 4, 1), D(2025, 4, 4)), True),
    ("C-ELIM-NOTICE-5D", "none", elim_notice(None, None), True),
    ("C-ELIM-INCOME", "on the line", elim_income(Decimal("7800")), False),
    ("C-ELIM-INCOME", "a cent below", elim_income(Decimal("7799.99")), True),
    ("C-ELIM-INCOME", "later year ignored", elim_income(Decimal("7000"), later_high=True), True),
    ("C-DEV-MEASURE", "in force", dev_measure(), False),
    ("C-DEV-MEASURE", "ends on D", dev_measure(end=D(2025, 3, 1)), False),
    ("C-DEV-MEASURE", "ended the day before D", dev_measure(end=D(2025, 2, 28)), True),
    ("C-DEV-MEASURE", "starts after D", dev_measure(start=D(2025, 3, 2)), True),
    ("C-DEV-MEASURE", "not developmental", dev_measure(category="健康帮扶"), True),
    ("C-DEV-MEASURE", "head aged 59", dev_measure(category=None, head_birth=D(1965, 3, 2)), True),
    ("C-DEV-MEASURE", "head aged 60", dev_measure(category=None, head_birth=D(1965, 3, 1)), False),
    ("C-MEASURE-MATCH", "health measure from discovery", match(D(2025, 1, 2)), False),
    ("C-MEASURE-MATCH", "health measure before discovery", match(D(2025, 1, 1)), True),
    ("C-MEASURE-MATCH", "other category", match(D(2025, 1, 2), category="综合保障"), True),
    ("C-VISIT-MONTHLY", "visit D−30", visits(D(2025, 1, 30)), False),
    ("C-VISIT-MONTHLY", "visit D−31", visits(D(2025, 1, 29)), True),
    ("C-VISIT-MONTHLY", "never visited", visits(None), True),
    ("C-VISIT-MONTHLY", "approved D−30", visits(None, approved=D(2025, 1, 30)), False),
    ("C-VISIT-MONTHLY", "approved D−31", visits(None, approved=D(2025, 1, 29)), True),
    ("C-NOLABOR-POST", "lost labour", post(LabourAbility.LOST), True),
    ("C-NOLABOR-POST", "no labour", post(LabourAbility.NONE), True),
    ("C-NOLABOR-POST", "weak labour", post(LabourAbility.WEAK), False),
    ("C-NOLABOR-POST", "post ended", post(LabourAbility.LOST, end=D(2025, 2, 28)), False),
]


@pytest.mark.parametrize(("rule", "label", "build", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule_boundary(regions, rule, label, build, expected):
    as_of = build(regions)
    found = fires(rule, as_of)
    assert bool(found) == expected, found
    if found:
        assert found[0]["household_no"] and found[0]["detail"]


def test_missing_monitoring_line_is_reported_not_silent(regions):
    CaseFactory(household=_hh(regions, year=2024), status="eliminated", eliminated_on=D(2025, 5, 1))
    result = compliance_run(as_of=D(2025, 6, 1), prefix="410122", store=False)
    skipped = [x for x in result.summary["skipped"] if x["rule"] == "C-ELIM-INCOME"]
    assert skipped and "2024" in skipped[0]["reason"]


def test_scope_and_rejected_cases(regions):
    CaseFactory(household=household(regions["other_village"]), discovered_on=D(2025, 1, 1),
                county_approved_on=D(2025, 1, 30))
    CaseFactory(household=_hh(regions), status="rejected", county_approved_on=None, notice_start=None)
    assert fires("C-IDENTIFY-15D", D(2025, 2, 1)) == []
    assert len(fires("C-IDENTIFY-15D", D(2025, 2, 1), prefix="410181")) == 1
    assert fires("C-NOTICE-5D", D(2025, 2, 1)) == []


def test_working_day_limit_moves_the_due_date(regions, county_admin):
    # Discovered Fri 2025-09-26, approved 10-23: 27 calendar days, but the 15th working day.
    CaseFactory(household=_hh(regions), discovered_on=D(2025, 9, 26), county_approved_on=D(2025, 10, 23),
                entered_on=D(2025, 10, 24), plan_on=D(2025, 10, 24))
    assert len(fires("C-IDENTIFY-15D", D(2025, 11, 1))) == 1
    s.time_limit_set(user=county_admin, code="identify", days=15, working=True, amber_days=3)
    assert fires("C-IDENTIFY-15D", D(2025, 11, 1)) == []


def test_eliminated_households_table(regions):
    done = CaseFactory(household=_hh(regions), status="eliminated", eliminated_on=D(2025, 5, 1))
    CaseFactory(household=_hh(regions))                       # still monitored
    again = _hh(regions)                                       # eliminated, then a new record opened
    CaseFactory(household=again, status="eliminated", eliminated_on=D(2024, 5, 1), county_approved_on=D(2024, 1, 1),
                discovered_on=D(2023, 12, 20))
    CaseFactory(household=again, status="notice", county_approved_on=None, discovered_on=D(2025, 3, 1))
    table = build_eliminated_households(prefix="410122", as_of=D(2025, 6, 1)).to_pylist()
    assert [r["household_no"] for r in table] == [done.household.household_no]
    assert build_eliminated_households(prefix="410122", as_of=D(2025, 4, 1)).num_rows == 0
    # Before the new record was found, the second household counted as eliminated.
    assert build_eliminated_households(prefix="410122", as_of=D(2025, 2, 1)).num_rows == 1


def test_command_json(regions):
    CaseFactory(household=_hh(regions), discovered_on=D(2025, 1, 1), county_approved_on=D(2025, 1, 20))
    out = io.StringIO()
    call_command("compliance", "--as-of", "2025-02-01", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload) == {"findings", "summary"}
    rows = [f for f in payload["findings"] if f["rule"] == "C-IDENTIFY-15D"]
    assert rows and set(rows[0]) == {"rule", "household_no", "id_number", "detail"}
    assert payload["summary"]["by_rule"]["C-IDENTIFY-15D"] == 1


@pytest.mark.django_db
def test_nightly_check_is_what_the_page_then_shows(regions, login, county_admin):
    from django.urls import reverse

    from gonggu.rules.models import RuleRun

    from ..jobs import nightly_compliance_job

    CaseFactory(household=household(regions["village"]), discovered_on=D(2025, 1, 1),
                county_approved_on=D(2025, 1, 20))
    with time_machine.travel("2025-02-01 03:00 +0800"):
        nightly_compliance_job.call_local()
    assert RuleRun.objects.filter(kind="compliance", prefix="").exists()
    page = login(county_admin).get(reverse("monitoring:compliance")).content.decode()
    assert "C-IDENTIFY-15D" in page and "检查日 2025-02-01" in page
