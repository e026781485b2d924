"""The demo step: the demo county's loans and demand survey give every credit rule something to find, and clear
again."""

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

from ..demo import demo_clear, demo_credit
from ..models import Loan, LoanDemand

pytestmark = pytest.mark.django_db
CREDIT_RULES = sorted(c for c, r in CATALOG.rules.items() if r.kind == "ledger" and r.risk_type == "金融")


@pytest.mark.parametrize("today", [dt.date(2026, 6, 15), dt.date(2028, 2, 29)])
def test_demo_credit_gives_every_rule_findings_and_clears(regions, today):
    county = regions["county"]
    ctx = SimpleNamespace(rng=random.Random(7), county=county, townships=[regions["township"], regions["township2"]],
                          villages=[regions["village"], regions["village_b"], regions["village_c"], regions["village_d"]],
                          households=1500, users={"admin": make_user("admin", Role.COUNTY_ADMIN, county)},
                          today=today, seed=7, extra={})
    demo_registry(ctx)
    summary = demo_credit(ctx)
    assert summary["loans"] == Loan.objects.count() > 30 and summary["loan_demands"] == LoanDemand.objects.count()
    assert len(CREDIT_RULES) == 5
    result = run_rules(codes=CREDIT_RULES, as_of=today, prefix=county.prefix, store=False)
    assert not result.skipped
    silent = [code for code in CREDIT_RULES if not result.counts_by_rule.get(code)]
    assert not silent, (silent, result.counts_by_rule)
    demo_clear(prefix=county.prefix)
    assert not Loan.objects.exists() and not LoanDemand.objects.exists()
    registry_clear(prefix=county.prefix)
