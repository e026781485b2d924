"""The 驻村帮扶 rules on DuckDB, case by case (the cases the cross-engine test compares with Spark), and the
catalog entries quoting the seeds."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from conftest import seed_file
from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
from gonggu.sources.models import Batch

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
                      "ledger_campaign", "ledger_leader", "ledger_meeting", "dept_lists")) for t in r.tables))
    assert ours == CODES
    outcomes = {(rule, fires) for rule, _l, _b, fires in CASES}
    # Findings about a township or a county as a whole: their other side is tested below.
    one_sided = {"CAMPAIGN-TWICE", "DEPT-LIST-STALE", "MEET-JOINT-MONTHLY"}
    assert all((code, True) in outcomes and ((code, False) in outcomes or code in one_sided) for code in CODES)
    text = re.sub(r"\s+", "", "".join(seed_file(name).read_text(encoding="utf-8") for name in SEEDS))
    for code in CODES:
        rule = CATALOG.rules[code]
        assert rule.kind == "ledger" and rule.title and rule.description
        assert re.sub(r"\s+", "", rule.source_text) in text, code


def _stale_findings(regions, prefix):
    result = run_rules(codes=["DEPT-LIST-STALE"], as_of=D, prefix=prefix, store=False)
    return sorted((f["region_code"], f["detail"]) for f in result.findings.to_pylist())


def test_department_list_freshness_per_county(regions):
    """Each department list of a county at most 31 days old at D (004 任务2 每月比对); older or never: a finding on
    the county naming the list; the other county is judged on its own lists; a township run judges no county."""
    from gonggu.sources.factories import make_batch
    from gonggu.sources.specs import SOURCES

    county, other = regions["county"], regions["other_county"]
    for key in SOURCES:
        make_batch(key, as_of=D - 31 * dt.timedelta(days=1), region_code=county.code)       # 31 days: in time
    make_batch("mz_assistance", as_of=D - 40 * dt.timedelta(days=1), region_code=county.code)  # older, not latest
    make_batch("yb_enrolment", as_of=D + dt.timedelta(days=1), region_code=other.code)   # after D: not yet there
    assert _stale_findings(regions, county.prefix) == []
    assert _stale_findings(regions, regions["township"].prefix) == []
    Batch.objects.filter(format="dept.cl_disability").update(as_of=D - 32 * dt.timedelta(days=1))
    found = _stale_findings(regions, regions["city"].prefix)
    ours = [detail for code, detail in found if code == county.code]
    assert len(ours) == 1 and ours[0].endswith("残疾人证名单：最新名单截至 2025-05-29，超过 31 天未更新"), ours
    theirs = [detail for code, detail in found if code == other.code]
    assert len(theirs) == len(SOURCES) and all(d.endswith("尚未导入名单") for d in theirs)


def test_department_list_period_is_a_parameter(regions):
    from gonggu.rules.services import param_set
    from gonggu.sources.factories import make_batch

    make_batch("mz_assistance", as_of=D - 40 * dt.timedelta(days=1), region_code=regions["county"].code)
    before = [d for c, d in _stale_findings(regions, "410122") if d.startswith("民政")]
    param_set(name="dept_list_period_days", value="45")
    after = [d for c, d in _stale_findings(regions, "410122") if d.startswith("民政")]
    assert len(before) == 1 and after == []


def _joint_findings(prefix):
    result = run_rules(codes=["MEET-JOINT-MONTHLY"], as_of=D, prefix=prefix, store=False)
    return sorted((f["region_code"], f["detail"]) for f in result.findings.to_pylist())


def test_joint_meeting_monthly_per_county(regions):
    """A county with households holds its 联席会议 at least once a period (31 days, the lists' parameter); a
    township's meeting counts for its county; a township run judges no county; a county without households none."""
    from gonggu.registry.factories import HouseholdFactory

    from .factories import meeting

    county = regions["county"]
    HouseholdFactory(village=regions["village"])
    assert _joint_findings(county.prefix) == [(county.code, "尚未登记部门数据比对联席会议")]
    meeting(regions["township"], D - 31 * dt.timedelta(days=1), kind="部门数据比对联席会议")
    assert _joint_findings(county.prefix) == []
    meeting(county, D + dt.timedelta(days=1), kind="部门数据比对联席会议")     # after D: not yet held
    from ..models import Meeting

    Meeting.objects.filter(region_code=regions["township"].code).update(held_on=D - 32 * dt.timedelta(days=1))
    found = _joint_findings(regions["city"].prefix)
    assert found == [(county.code, "上次联席会议 2025-05-29，超过 31 天未召开")]   # the other county has no households
    assert _joint_findings(regions["township"].prefix) == []
