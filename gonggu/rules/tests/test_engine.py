import datetime as dt
import json

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.registry.demo import make_id_number
from gonggu.rules.engine import FINDING_SCHEMA, run_rules
from gonggu.rules.models import Finding, RuleRun
from gonggu.rules.services import rule_setting_update
from gonggu.sources.factories import fact

from .builders import findings, household, income, person
from .conftest import D

pytestmark = pytest.mark.django_db


def _dropout_household(village):
    h = household(village)
    person(h)
    kid = person(h, relation="子", born=dt.date(2013, 1, 1))
    fact("jy_student", kid, as_of=D, status="辍学")
    return h, kid


def test_findings_schema_carries_version_params_and_evidence(regions):
    h, kid = _dropout_household(regions["village"])
    result = run_rules(codes=["SCHOOL-DROPOUT"], as_of=D, store=False)
    assert result.findings.schema.names[:11] == [f.name for f in FINDING_SCHEMA][:11]
    [row] = result.findings.to_pylist()
    assert row["rule"] == "SCHOOL-DROPOUT" and row["rule_version"] == 1 and row["kind"] == "screening"
    assert row["household_no"] == h.household_no and row["region_code"] == regions["village"].code
    assert row["household_id"] == h.pk and row["id_number"] == kid.id_number
    evidence = json.loads(row["evidence"])
    assert evidence["list"] == "jy_student" and evidence["row"] == 2 and evidence["status"] == "辍学"
    assert json.loads(row["params"]) == {}
    assert result.counts_by_rule == {"SCHOOL-DROPOUT": 1}
    assert set(result.timings) >= {"export", "evaluate", "total"}


def test_a_run_is_stored_and_a_rerun_replaces_it(regions):
    _dropout_household(regions["village"])
    first = run_rules(kinds=["screening"], as_of=D)
    assert Finding.objects.filter(rule="SCHOOL-DROPOUT").count() == 1
    run_rules(kinds=["screening"], as_of=D)
    assert Finding.objects.filter(rule="SCHOOL-DROPOUT").count() == 1
    assert RuleRun.objects.filter(kind="screening").count() == 2
    assert first.runs["screening"] != RuleRun.objects.order_by("-id").first().pk
    stored = Finding.objects.get(rule="SCHOOL-DROPOUT")
    assert stored.run_id == RuleRun.objects.order_by("-id").first().pk and stored.kind == "screening"


def test_runs_over_different_regions_are_kept_apart(regions):
    _dropout_household(regions["village"])
    _dropout_household(regions["village_c"])
    run_rules(codes=["SCHOOL-DROPOUT"], as_of=D, prefix=regions["township"].prefix)
    run_rules(codes=["SCHOOL-DROPOUT"], as_of=D, prefix=regions["township2"].prefix)
    assert Finding.objects.filter(rule="SCHOOL-DROPOUT").count() == 2


def test_prefix_scopes_registry_and_facts(regions):
    inside, _ = _dropout_household(regions["village"])
    outside, _ = _dropout_household(regions["other_village"])
    found = {r["household_no"] for r in findings("SCHOOL-DROPOUT", as_of=D, prefix=regions["county"].prefix)}
    assert found == {inside.household_no}
    assert outside.household_no not in found


def test_disabled_rule_is_not_evaluated(regions, county_admin):
    _dropout_household(regions["village"])
    rule_setting_update(code="SCHOOL-DROPOUT", enabled=False, user=county_admin)
    result = run_rules(kinds=["screening"], as_of=D, store=False)
    assert "SCHOOL-DROPOUT" in result.disabled and "SCHOOL-DROPOUT" not in result.counts_by_rule
    assert result.findings.num_rows == 0


def test_override_of_a_parameter_is_used_and_reported(regions):
    h = household(regions["village"])
    person(h)
    income(h, 2023, per_capita="10000")
    income(h, 2024, per_capita="8000")   # a 20% drop
    assert findings("INCOME-DROP", as_of=D) == []
    rule_setting_update(code="INCOME-DROP", enabled=True, params={"income_drop_ratio": "0.2"})
    [row] = findings("INCOME-DROP", as_of=D)
    assert json.loads(row["params"]) == {"income_drop_ratio": "0.2"}


def test_unmatched_rows_are_matched_when_the_registry_gets_the_person(regions):
    number = make_id_number("410122", dt.date(2012, 3, 4), 11)
    fact("jy_student", number, as_of=D, name="新来的孩子", status="辍学")
    assert findings("SCHOOL-DROPOUT", as_of=D) == []
    h = household(regions["village"])
    person(h)
    from gonggu.registry.models import Person

    Person.objects.create(household=h, region_code=h.region_code, id_number=number, name="新来的孩子", relation="子",
                          gender="M", birth_date=dt.date(2012, 3, 4), labour_ability="无劳动力", health="健康",
                          status="在册")
    [row] = findings("SCHOOL-DROPOUT", as_of=D)
    assert row["id_number"] == number


def test_facts_after_the_as_of_date_are_not_used(regions):
    h = household(regions["village"])
    p = person(h)
    fact("zj_housing", p, as_of=dt.date(2025, 7, 1), grade="D")
    assert findings("HOUSE-UNSAFE", as_of=D) == []
    assert len(findings("HOUSE-UNSAFE", as_of=dt.date(2025, 7, 1))) == 1


def test_unknown_rule_and_engine_are_refused():
    with pytest.raises(UserFacingError, match="未知的规则"):
        run_rules(codes=["NO-SUCH"], as_of=D)
    with pytest.raises(UserFacingError, match="未知的计算引擎「flink」"):
        run_rules(kinds=["screening"], as_of=D, engine="flink")


def test_every_rule_of_rules_md_is_in_the_catalog():
    from gonggu.rules.catalog import CATALOG

    screening = {"INCOME-BELOW-LINE", "INCOME-DROP", "MED-UNINSURED", "MED-HIGH-EXPENSE", "ASSIST-NOT-MONITORED",
                 "DISABILITY-SEVERE", "HOUSE-UNSAFE", "SCHOOL-DROPOUT", "JOB-LOSS", "ZERO-EMPLOYMENT",
                 "DISASTER-LOSS", "DECEASED-ACTIVE", "NAME-MISMATCH"}
    quality = {"Q-HEAD-COUNT", "Q-AGE-SCHOOL", "Q-LABOR-AGE", "Q-LABOR-WORK", "Q-DISABILITY", "Q-MONITOR-TYPE",
               "Q-RELATION-GENDER", "Q-RELATION-AGE", "Q-NET-INCOME-NEGATIVE"}
    assert {r.code for r in CATALOG.of_kind("screening")} >= screening
    assert {r.code for r in CATALOG.of_kind("quality")} >= quality
    for code in screening | quality:
        rule = CATALOG.rules[code]
        assert rule.title and rule.source and rule.source_text and rule.description and rule.sql


def test_snapshot_pull_reports_errors_and_leaves_the_connection_usable(regions):
    import pyarrow as pa
    from django.db import DatabaseError, transaction

    from gonggu.rules.snapshot import pull

    with pytest.raises(DatabaseError), transaction.atomic():
        pull("SELECT no_such_column FROM registry_person", [("x", pa.string())])
    h = household(regions["village"])
    person(h)
    table = pull("SELECT id_number, name FROM registry_person", [("id_number", pa.string()), ("name", pa.string())])
    assert table.num_rows == 1 and table.column("name").to_pylist() == ["成员" + table.column("name")[0].as_py()[2:]]


@pytest.fixture
def extra_rules():
    """Register rules for one test only (as another app's rule_defs would)."""
    from gonggu.rules.catalog import CATALOG

    added = []

    def add(rule):
        CATALOG.register_rule(rule)
        added.append(rule.code)
        return rule

    yield add
    for code in added:
        CATALOG.rules.pop(code, None)


def test_rules_of_other_apps_may_name_households_by_number(regions, extra_rules):
    from gonggu.rules.catalog import RuleDef

    h = household(regions["village"])
    person(h)
    extra_rules(RuleDef(code="T-BY-NUMBER", title="测试", kind="compliance", source="测试",
                        sql="SELECT household_no, region_code, CAST(NULL AS VARCHAR) AS id_number, '说明' AS detail, "
                            "'{\"x\": 1}' AS evidence FROM households",
                        grade="yellow", tables=("households",)))
    [row] = run_rules(codes=["T-BY-NUMBER"], as_of=D, store=False).findings.to_pylist()
    assert row["household_no"] == h.household_no and row["household_id"] == h.pk
    assert row["region_code"] == regions["village"].code and row["evidence"] == '{"x": 1}' and row["grade"] == "yellow"


def test_a_broken_rule_is_reported_and_the_others_still_run(regions, extra_rules):
    from gonggu.rules.catalog import RuleDef

    _dropout_household(regions["village"])
    extra_rules(RuleDef(code="T-BROKEN", title="坏规则", kind="screening", source="测试",
                        sql="SELECT no_such_column FROM persons", tables=("persons",)))
    result = run_rules(codes=["T-BROKEN", "SCHOOL-DROPOUT"], as_of=D, store=False)
    assert result.counts_by_rule == {"SCHOOL-DROPOUT": 1}
    assert [s["rule"] for s in result.skipped] == ["T-BROKEN"] and "出错" in result.skipped[0]["reason"]
