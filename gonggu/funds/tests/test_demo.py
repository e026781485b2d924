"""The demo county's funds, library and assets: every ledger has rows, every rule here has findings, the
rows pass the checks an import would make, and demo_clear removes them."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from gonggu.funds import checks
from gonggu.funds.demo import demo_clear, demo_funds
from gonggu.funds.models import Asset, FundAllocation, FundInspection, FundUse, Payment, Project
from gonggu.funds.workflow import ORDER, dates_problem
from gonggu.registry.demo import demo_registry
from gonggu.rules.engine import run_rules

from .engine_cases import CASES

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def test_demo_builds_every_ledger_with_findings(regions):
    villages = [regions[k] for k in ("village", "village_b", "village_c", "village_d")]
    ctx = SimpleNamespace(rng=random.Random(3), county=regions["county"], townships=[regions["township"],
                          regions["township2"]], villages=villages, households=80, users={}, today=TODAY, seed=3,
                          extra={})
    demo_registry(ctx)
    counts = demo_funds(ctx)
    assert all(n > 0 for n in counts.values()), counts

    # What an import would refuse, the demo does not make (bar the one project funded before its library entry).
    for p in Project.objects.all():
        values = {n: getattr(p, n) for n in ORDER}
        assert dates_problem(values) is None, p.project_no
        assert p.planned_total > 0
    rows = [checks.UseRow(u.pk, u.region_code, u.doc_no, u.project_no, u.amount, u.executed_on, u.pk)
            for u in FundUse.objects.all()]
    assert checks.fund_use_problems(rows, prefix=None) == {}
    pays = [checks.PaymentRow(x.pk, x.region_code, x.project_no, x.amount, x.pk) for x in Payment.objects.all()]
    assert checks.payment_problems(pays, prefix=None) == {}
    assert Asset.objects.filter(photovoltaic=True).count() == 4
    for p in Project.objects.exclude(four_batch=""):
        assert checks.four_batch_problem({f: getattr(p, f) for f in (
            *checks.FOUR_BATCH_FIELDS, "project_type", "completed_on")}) is None, p.project_no
    assert Project.objects.filter(four_batch_on__year=TODAY.year).exists()
    assert FundInspection.objects.count() >= 8

    codes = sorted({rule for rule, *_ in CASES})
    result = run_rules(codes=codes, as_of=TODAY, prefix=regions["county"].prefix, store=False)
    silent = [c for c in codes if not result.counts_by_rule.get(c)]
    assert not silent, silent

    demo_clear(prefix=regions["county"].prefix)
    assert not Project.objects.exists() and not FundAllocation.objects.exists()
    assert not FundInspection.objects.exists()
