"""Every rule of this work area quotes its seed passage in the seed's own words (blank lines and the breaks of
the page layout aside), so the catalog page and `gonggu rules --format json` show what the documents say."""

from __future__ import annotations

import re

import pytest

from conftest import seed_file
from gonggu.rules.catalog import CATALOG

from .engine_cases import CASES

SEEDS = ["000_43a5464a2cf5361e.txt", "001_5c18c60bd560c7e4.txt", "002_5ee456953034f603.txt",
         "003_30a29f2321ea6e96.txt", "004_8cc0dceb5c524eb9.txt"]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return "".join(re.sub(r"\s+", "", seed_file(name).read_text(encoding="utf-8")) for name in SEEDS)


@pytest.mark.parametrize("code", sorted({rule for rule, *_ in CASES}))
def test_rule_quotes_its_passage(code, seed_text):
    rule = CATALOG.rules[code]
    assert rule.source_text and re.sub(r"\s+", "", rule.source_text) in seed_text, rule.source_text
