"""Every welfare rule on its table of cases (tests/engine_cases.py), on DuckDB: each case's household or
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


def test_a_year_without_the_urban_standard_is_skipped_with_its_reason(outcome):
    _expected, _result = outcome
    Parameter.objects.filter(name="dibao_urban_monthly", year=2024).delete()
    again = run_rules(codes=["WELFARE-TEMP-OVER-CAP"], as_of=engine_cases.D, store=False)
    assert any("2024" in s["reason"] and "城市最低生活保障标准" in s["reason"] for s in again.skipped), again.skipped
    assert {f["detail"][:4] for f in again.findings.to_pylist()} == {"2025"}

