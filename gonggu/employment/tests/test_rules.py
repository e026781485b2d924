"""Every employment rule on its table of cases (tests/engine_cases.py), on DuckDB: each case's household or
township is found, or not, exactly as the case says — boundaries on both sides. The same cases run on
Spark in the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py)."""

from __future__ import annotations

import pytest

from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
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


def test_township_findings_name_the_township(outcome):
    _expected, result = outcome
    rows = [f for f in result.findings.to_pylist() if f["rule"] in ("WORK-STABLE-FALL", "POST-COUNT-FALL")]
    assert rows and all(f["household_id"] is None and f["region_code"].endswith("000") for f in rows)
    here = next(f for f in rows if f["rule"] == "WORK-STABLE-FALL" and f["region_code"] == "410122100000")
    assert "少于上年" in here["detail"] and '"stable_last_year"' in here["evidence"]
