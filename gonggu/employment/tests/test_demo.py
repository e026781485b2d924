"""The demo step: the demo county's employment ledgers give every employment rule something to find, and
clear again."""

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

from ..demo import demo_clear, demo_employment
from ..models import PostAttendance, PublicPost, WorkRecord, WorkTarget

pytestmark = pytest.mark.django_db
EMPLOYMENT_RULES = sorted(c for c, r in CATALOG.rules.items() if r.kind == "ledger" and r.risk_type == "就业")


def test_demo_employment_gives_every_rule_findings_and_clears(regions):
    county = regions["county"]
    ctx = SimpleNamespace(rng=random.Random(7), county=county, townships=[regions["township"], regions["township2"]],
                          villages=[regions["village"], regions["village_b"], regions["village_c"], regions["village_d"]],
                          households=1500, users={"admin": make_user("admin", Role.COUNTY_ADMIN, county)},
                          today=dt.date(2026, 6, 15), seed=7, extra={})
    demo_registry(ctx)
    summary = demo_employment(ctx)
    assert summary["public_posts"] == PublicPost.objects.count() > 20
    assert summary["post_attendance"] == PostAttendance.objects.count() > 100
    assert set(WorkRecord.objects.values_list("year", flat=True)) == {2025, 2026}
    assert WorkTarget.objects.count() == 2 and summary["workshops"] and summary["rain_dew"]
    result = run_rules(codes=EMPLOYMENT_RULES, as_of=ctx.today, prefix=county.prefix, store=False)
    assert not result.skipped
    silent = [code for code in EMPLOYMENT_RULES if not result.counts_by_rule.get(code)]
    assert not silent, silent
    demo_clear(prefix=county.prefix)
    assert not PublicPost.objects.exists() and not WorkRecord.objects.exists()
    registry_clear(prefix=county.prefix)
