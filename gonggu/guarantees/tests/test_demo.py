"""The demo step: every 三保障和饮水安全 ledger has rows in the demo county, and the ledger checks find problems in
each; clearing removes them."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.guarantees.demo import MODELS, demo_clear, demo_guarantees
from gonggu.registry.demo import demo_registry
from gonggu.rules.engine import run_rules
from gonggu.sources.demo import demo_clear as demo_sources_clear
from gonggu.sources.demo import demo_sources

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 9, 10)


@pytest.fixture
def ctx(regions, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    county = regions["county"]
    users = {"admin": make_user("admin", Role.COUNTY_ADMIN, county)}
    return SimpleNamespace(rng=random.Random(8), county=county, townships=[regions["township"], regions["township2"]],
                           villages=[regions[k] for k in ("village", "village_b", "village_c", "village_d")],
                           households=400, users=users, today=TODAY, seed=8, extra={})


def test_demo_fills_every_ledger_with_findings(ctx, time_machine):
    time_machine.move_to(dt.datetime(2025, 9, 10, 9, 0))
    demo_registry(ctx)
    demo_sources(ctx)
    summary = demo_guarantees(ctx)
    assert summary["renovations"] >= 5 and summary["dropout_files"] == 4 and summary["water_villages"] == 8
    assert all(model.objects.exists() for model in MODELS)
    result = run_rules(kinds=["ledger"], as_of=TODAY, prefix=ctx.county.prefix, store=False)
    found = {f["rule"] for f in result.findings.to_pylist()}
    for code in ("HOUSE-NOT-PLANNED", "HOUSE-AREA-LOW", "HOUSE-MOVED-IN-EARLY", "DROPOUT-PERSUADE-3",
                 "HOME-TEACH-MONTHLY", "WATER-PROBLEM-OPEN", "HEALTH-FOLLOWUP-QUARTER", "HEALTH-CHRONIC-UNSIGNED",
                 "CLINIC-AREA", "HOUSE-REAPPRAISE", "IDLE-HOUSE-OCCUPIED", "IDLE-HOUSE-UNWATCHED",
                 "WATER-TRAINING-TOWNSHIP", "ILLNESS-UNTREATED", "ILLNESS-TREAT-RATE", "DROPOUT-SCREEN-QUARTER",
                 "DROPOUT-SCREEN-UNFILED", "HOUSE-SIX-UNAPPRAISED"):
        assert code in found, code
    assert any(code.startswith("WATER-") and code != "WATER-PROBLEM-OPEN" for code in found)
    demo_clear(prefix=ctx.county.prefix)
    demo_sources_clear(prefix=ctx.county.prefix)
    assert not any(model.objects.exists() for model in MODELS)
