"""The fund, project and asset rules on DuckDB, case by case (the cross-engine test runs the same cases on
Spark), the due dates on the official calendar, and every rule quoting its seed passage verbatim."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import seed_file
from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules

from ..rule_defs import working_days_after
from .engine_cases import CASES, D

pytestmark = pytest.mark.django_db
CODES = sorted({rule for rule, *_ in CASES})
SEEDS = ("000_43a5464a2cf5361e.txt", "001_5c18c60bd560c7e4.txt", "002_5ee456953034f603.txt", "003_30a29f2321ea6e96.txt", "004_8cc0dceb5c524eb9.txt")


class _Scenario:
    def __init__(self, villages):
        self.villages, self.count = villages, 0

    def village(self):
        self.count += 1
        return self.villages[self.count % len(self.villages)]


def test_every_case_fires_or_not_as_expected(regions):
    sc = _Scenario([regions["village"], regions["village_b"]])
    expected = [(rule, label, build(sc), fires) for rule, label, build, fires in CASES]
    result = run_rules(codes=CODES, as_of=D, prefix=regions["county"].prefix, store=False)
    assert not result.skipped
    found = {(f["rule"], f["region_code"]) for f in result.findings.to_pylist()}
    wrong = [f"{rule} {label}: {'should fire' if fires else 'should not fire'}"
             for rule, label, code, fires in expected if ((rule, code) in found) != fires]
    assert not wrong, "\n".join(wrong)
    assert all(f["household_id"] is None and f["detail"] for f in result.findings.to_pylist())


def test_township_run_sees_only_its_rows(regions):
    sc = _Scenario([regions["village_c"]])
    for _rule, _label, build, _fires in CASES:
        build(sc)
    assert run_rules(codes=CODES, as_of=D, prefix=regions["township"].prefix, store=False).findings.num_rows == 0


@pytest.mark.parametrize("start, n, due", [
    (dt.date(2025, 4, 25), 15, dt.date(2025, 5, 20)),   # 劳动节 05-01…05-05 off, Sunday 04-27 worked
    (dt.date(2025, 9, 26), 15, dt.date(2025, 10, 23)),  # 国庆中秋 10-01…10-08 off, 09-28 and 10-11 worked
    (dt.date(2025, 4, 28), 7, dt.date(2025, 5, 12)),
    (dt.date(2027, 3, 5), 1, dt.date(2027, 3, 8)),      # a year the calendar does not know: Monday to Friday
])
def test_due_dates_follow_the_official_calendar(start, n, due):
    assert working_days_after(start, n, {}) == due


def test_holiday_table_overrides_the_calendar():
    # A deployment that marks 2025-05-06 as a holiday pushes the due day one working day later.
    assert working_days_after(dt.date(2025, 4, 25), 15, {dt.date(2025, 5, 6): False}) == dt.date(2025, 5, 21)


def _normal(text: str) -> str:
    return re.sub(r"\s+|—\d+—", "", text)


def test_every_rule_quotes_its_seed_passage_verbatim():
    seeds = "".join(_normal(seed_file(name).read_text(encoding="utf-8")) for name in SEEDS)
    rules = [CATALOG.rules[c] for c in CODES]
    assert len(rules) == 14
    for rule in rules:
        assert rule.kind == "ledger" and rule.source and rule.description
        assert _normal(rule.source_text) in seeds, rule.code
