"""Running a work area's rule cases (`<app>/tests/engine_cases.py`) on DuckDB, as its own tests do: the same
cases the cross-engine scenario runs on Spark, built twice in two places, each found or not as it says."""

from __future__ import annotations

from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
from gonggu.rules.services import param_set

from .test_engines_agree import Scenario


def case_outcome(regions, module):
    """(expected, result): the module's cases built in two places and its rules run over them."""
    for name, value, year in getattr(module, "PARAMS", []):
        param_set(name=name, value=value, year=year)
    # Built twice, as the cross-engine scenario builds them (a case must not depend on being built once).
    expected = []
    for tag, villages in (("E", [regions["village"], regions["village_b"]]), ("F", [regions["other_village"]])):
        sc = Scenario(tag, villages)
        for rule, label, build, fires in module.CASES:
            sc.expect(rule, build(sc), fires, label)
        expected += sc.expected
    result = run_rules(codes=rule_codes(module), as_of=module.D, store=False)
    return expected, result


def rule_codes(module) -> list[str]:
    return sorted({rule for rule, *_ in module.CASES})


def assert_every_case(outcome) -> None:
    expected, result = outcome
    assert not result.skipped, result.skipped
    found = {(f["rule"], f["household_id"] or f["region_code"]) for f in result.findings.to_pylist()}
    wrong = [f"{e.rule} {e.case}: {'should fire' if e.fires else 'should not fire'}" for e in expected
             if ((e.rule, e.household_id or e.region_code) in found) != e.fires]
    assert not wrong, "\n".join(wrong)


def assert_rules_quoted_with_cases_both_ways(module, outcome) -> None:
    expected, _result = outcome
    for code in rule_codes(module):
        rule = CATALOG.rules[code]
        assert rule.kind == "ledger" and rule.source and rule.source_text and rule.description
        assert {e.fires for e in expected if e.rule == code} == {True, False}, code
