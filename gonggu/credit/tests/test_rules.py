"""Every credit rule on its table of cases (tests/engine_cases.py), on DuckDB: each case's household or
township is found, or not, exactly as the case says — boundaries on both sides. The same cases run on
Spark in the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py)."""

from __future__ import annotations

import pytest

from gonggu.rules.engine import run_rules
from gonggu.rules.models import Parameter
from gonggu.rules.tests.ledger_cases import (
    assert_every_case,
    assert_rules_quoted_with_cases_both_ways,
    case_outcome,
    rule_codes,
)

from . import engine_cases

pytestmark = pytest.mark.django_db
RULES = rule_codes(engine_cases)


@pytest.fixture
def outcome(regions):
    return case_outcome(regions, engine_cases)


def test_every_case_as_expected(outcome):
    assert_every_case(outcome)


def test_every_rule_quotes_its_passage_and_has_a_case_each_way(outcome):
    assert_rules_quoted_with_cases_both_ways(engine_cases, outcome)



def test_overdue_rate_names_the_township_and_is_skipped_without_a_standard(outcome):
    _expected, result = outcome
    here = next(f for f in result.findings.to_pylist()
                if f["rule"] == "LOAN-OVERDUE-RATE" and f["region_code"] == "410122100000")
    assert here["household_id"] is None and "超过控制标准" in here["detail"]
    Parameter.objects.filter(name="loan_overdue_rate").delete()
    again = run_rules(codes=["LOAN-OVERDUE-RATE"], as_of=engine_cases.D, store=False)
    assert again.findings.num_rows == 0 and "逾期率控制标准" in again.skipped[0]["reason"]
