"""Every employment rule on its table of cases (tests/engine_cases.py), on DuckDB: each case's household or
township is found, or not, exactly as the case says — boundaries on both sides. The same cases run on
Spark in the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py)."""

from __future__ import annotations

import pytest

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


def test_township_findings_name_the_township(outcome):
    _expected, result = outcome
    rows = [f for f in result.findings.to_pylist() if f["rule"] in ("WORK-STABLE-FALL", "POST-COUNT-FALL")]
    assert rows and all(f["household_id"] is None and f["region_code"].endswith("000") for f in rows)
    here = next(f for f in rows if f["rule"] == "WORK-STABLE-FALL" and f["region_code"] == "410122100000")
    assert "少于上年" in here["detail"] and '"stable_last_year"' in here["evidence"]
