"""Each 三保障和饮水安全 rule on its table-driven cases (engine_cases.CASES), boundaries on both sides, on DuckDB;
the cross-engine test runs the same cases on Spark. Also: every rule quotes its seed passage word for word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
from gonggu.rules.tests.builders import household

from .engine_cases import CASES, D

pytestmark = pytest.mark.django_db
CODES = sorted({rule for rule, *_ in CASES})
SEEDS = Path(getattr(settings, "SEEDS_DIR", "/work/shared/seeds"))


class _Scenario:
    def __init__(self, villages):
        self.villages, self.count = villages, 0

    def household(self, *, kind="一般农户", **_):
        self.count += 1
        return household(self.villages[self.count % 2], kind=kind, no=f"G{self.count:04d}")


def test_every_case_fires_as_expected(regions):
    sc = _Scenario([regions["village"], regions["village_b"]])
    built = [(rule, label, build(sc), fires) for rule, label, build, fires in CASES]
    result = run_rules(codes=CODES, as_of=D, prefix="410122", store=False)
    assert not result.skipped and not result.disabled, (result.skipped, result.disabled)
    found = {(f["rule"], f["household_id"] or f["region_code"]) for f in result.findings.to_pylist()}
    wrong = [f"{rule} {label}: {'should fire' if fires else 'should not fire'}"
             for rule, label, who, fires in built
             if ((rule, who if isinstance(who, str) else who.pk) in found) != fires]
    assert not wrong, "\n".join(wrong)
    details = {f["rule"]: f["detail"] for f in result.findings.to_pylist()}
    assert "低于 40㎡" in details["HOUSE-AREA-LOW"] or "应不低于" in details["HOUSE-AREA-LOW"]
    assert set(details) == set(CODES)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_rule_quotes_its_seed_passage():
    seeds = _plain("".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    for code in CODES:
        rule = CATALOG.rules[code]
        assert rule.kind == "ledger" and rule.source and rule.description
        assert _plain(rule.source_text) in seeds, f"{code}: source_text is not the seed's words"
