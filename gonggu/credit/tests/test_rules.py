"""Every credit rule on its table of cases (tests/engine_cases.py), on DuckDB: each case's household or
township is found, or not, exactly as the case says — boundaries on both sides. The same cases run on
Spark in the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py)."""

from __future__ import annotations

import pytest

from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
from gonggu.rules.models import Parameter
from gonggu.rules.services import param_set
from gonggu.rules.tests.test_engines_agree import Scenario

from . import engine_cases

pytestmark = pytest.mark.django_db
RULES = sorted({rule for rule, *_ in engine_cases.CASES})


@pytest.fixture
def outcome(regions):
    for name, value, year in engine_cases.PARAMS:
        param_set(name=name, value=value, year=year)
    # Built twice, as the cross-engine scenario builds them (a case must not depend on being built once).
    expected = []
    for tag, villages in (("E", [regions["village"], regions["village_b"]]), ("F", [regions["other_village"]])):
        sc = Scenario(tag, villages)
        for rule, label, build, fires in engine_cases.CASES:
            sc.expect(rule, build(sc), fires, label)
        expected += sc.expected
    result = run_rules(codes=RULES, as_of=engine_cases.D, store=False)
    return expected, result


def test_every_case_as_expected(outcome):
    expected, result = outcome
    assert not result.skipped, result.skipped
    found = {(f["rule"], f["household_id"] or f["region_code"]) for f in result.findings.to_pylist()}
    wrong = [f"{e.rule} {e.case}: {'should fire' if e.fires else 'should not fire'}" for e in expected
             if ((e.rule, e.household_id or e.region_code) in found) != e.fires]
    assert not wrong, "\n".join(wrong)


def test_every_rule_quotes_its_passage_and_has_a_case_each_way(outcome):
    expected, _result = outcome
    for code in RULES:
        rule = CATALOG.rules[code]
        assert rule.kind == "ledger" and rule.source and rule.source_text and rule.description
        assert {e.fires for e in expected if e.rule == code} == {True, False}, code



def test_overdue_rate_names_the_township_and_is_skipped_without_a_standard(outcome):
    _expected, result = outcome
    here = next(f for f in result.findings.to_pylist()
                if f["rule"] == "LOAN-OVERDUE-RATE" and f["region_code"] == "410122100000")
    assert here["household_id"] is None and "超过控制标准" in here["detail"]
    Parameter.objects.filter(name="loan_overdue_rate").delete()
    again = run_rules(codes=["LOAN-OVERDUE-RATE"], as_of=engine_cases.D, store=False)
    assert again.findings.num_rows == 0 and "逾期率控制标准" in again.skipped[0]["reason"]
