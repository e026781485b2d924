"""The demo step: with the demo registry and 民政's demo list, every welfare rule has something to find; the
step clears again."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry.demo import demo_clear as registry_clear
from gonggu.registry.demo import demo_registry
from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
from gonggu.sources.demo import demo_clear as sources_clear
from gonggu.sources.demo import demo_sources

from ..demo import demo_clear, demo_welfare
from ..models import DibaoGrace, TemporaryAssistance

pytestmark = pytest.mark.django_db
WELFARE_RULES = sorted(c for c, r in CATALOG.rules.items() if r.kind == "ledger" and r.risk_type == "兜底保障")


def test_demo_welfare_gives_every_rule_findings_and_clears(regions):
    county = regions["county"]
    ctx = SimpleNamespace(rng=random.Random(7), county=county, townships=[regions["township"], regions["township2"]],
                          villages=[regions["village"], regions["village_b"], regions["village_c"], regions["village_d"]],
                          households=1500, users={"admin": make_user("admin", Role.COUNTY_ADMIN, county)},
                          today=dt.date(2026, 6, 15), seed=7, extra={})
    demo_registry(ctx)
    demo_sources(ctx)
    summary = demo_welfare(ctx)
    assert summary["dibao_grace"] == DibaoGrace.objects.count() > 0
    assert summary["temporary_assistance"] == TemporaryAssistance.objects.count() > 0
    assert len(WELFARE_RULES) == 5
    result = run_rules(codes=WELFARE_RULES, as_of=ctx.today, prefix=county.prefix, store=False)
    assert not result.skipped, result.skipped
    silent = [code for code in WELFARE_RULES if not result.counts_by_rule.get(code)]
    assert not silent, (silent, result.counts_by_rule)
    demo_clear(prefix=county.prefix)
    assert not DibaoGrace.objects.exists() and not TemporaryAssistance.objects.exists()
    sources_clear(prefix=county.prefix)
    registry_clear(prefix=county.prefix)
