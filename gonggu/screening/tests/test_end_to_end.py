"""The real rule engine over a tiny county: `gonggu screen`, the run button, re-runs and verification."""

import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from gonggu.core.models import Job
from gonggu.registry.choices import HouseholdType, LabourAbility, Relation
from gonggu.registry.models import IncomeAccount, Person
from gonggu.rules.services import param_set
from gonggu.screening.models import ScreeningRun, Warning, WarningEvent, WarningStatus
from gonggu.screening.services import warning_verify
from gonggu.sources.services import batch_import

from .factories import household, id_number

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2025, 6, 10, 9, tzinfo=CST)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def _income(hh, year: int, per_capita: str, size: int = 1):
    pc = Decimal(per_capita)
    IncomeAccount.objects.create(household=hh, year=year, wage=pc * size, household_size=size, net_income=pc * size,
                                 per_capita=pc)


def _person(hh, name: str, *, insured=None) -> Person:
    return Person.objects.create(household=hh, region_code=hh.region_code, id_number=id_number(area="410122"),
                                 name=name, relation=Relation.SPOUSE, gender="F", birth_date=dt.date(1982, 3, 3),
                                 labour_ability=LabourAbility.ORDINARY, health="健康", medical_insured=insured,
                                 work_months=10)


@pytest.fixture
def county(regions, frozen):
    """东村: a poor ordinary household (INCOME-BELOW-LINE) and a 脱贫户 whose wife is not insured
    (MED-UNINSURED, from the 医保 list); 南村: a household above the line."""
    # The seeded default, set again: a transactional test before this one flushes seeded rows.
    param_set(name="monitoring_line", value="7500", year=2023)
    poor = household(regions["village"], head_name="钱贫")
    _income(poor, 2023, "5000.00")
    lifted = household(regions["village"], head_name="孙脱", household_type=HouseholdType.LIFTED)
    wife = _person(lifted, "李妻", insured=True)
    _income(lifted, 2023, "9000.00", size=2)
    fine = household(regions["village_c"], head_name="周好")
    _income(fine, 2023, "12000.00")
    return {"poor": poor, "lifted": lifted, "wife": wife, "fine": fine, **regions}


def _enrolment(tmp_path, person, status: str, as_of: dt.date, name: str = ""):
    path = tmp_path / f"yb-{as_of}-{status}.csv"
    path.write_text(f"身份证号,姓名,参保状态,参保年度\n{person.id_number},{name or person.name},{status},2025\n",
                    encoding="utf-8")
    return batch_import(source="yb_enrolment", path=path, as_of=as_of)


def _screen(*args) -> dict:
    out = io.StringIO()
    call_command("screen", "--format", "json", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_cli_json_shape(county, tmp_path):
    _enrolment(tmp_path, county["wife"], "未参保", dt.date(2025, 5, 31))
    doc = _screen("--as-of", "2025-06-10")
    assert set(doc) == {"as_of", "warnings", "summary"} and doc["as_of"] == "2025-06-10"
    by_rule = {w["rule"]: w for w in doc["warnings"]}
    assert set(by_rule) == {"INCOME-BELOW-LINE", "MED-UNINSURED"}
    for w in doc["warnings"]:
        assert set(w) == {"rule", "household_no", "id_number", "grade", "risk_type", "village_code", "status"}
        assert w["status"] == "待核实" and w["village_code"] == county["village"].code
    med = by_rule["MED-UNINSURED"]
    assert med["household_no"] == county["lifted"].household_no and med["id_number"] == county["wife"].id_number
    assert (med["grade"], med["risk_type"]) == ("orange", "医疗保障")
    assert by_rule["INCOME-BELOW-LINE"]["household_no"] == county["poor"].household_no
    s = doc["summary"]
    assert s["by_rule"] == {"INCOME-BELOW-LINE": 1, "MED-UNINSURED": 1}
    assert s["by_grade"] == {"orange": 2}
    assert s["by_township"] == {"410122100": {"name": "城关镇", "count": 2}}
    assert s["by_department"] == {"医保": 1, "农业农村": 1}
    assert isinstance(s["skipped"], list) and s["written"]["created"] == 2
    w = Warning.objects.get(rule="MED-UNINSURED")
    assert w.department == "yb" and w.fact_date == dt.date(2025, 5, 31) and w.evidence[0]["status"] == "未参保"
    assert ScreeningRun.objects.get().rule_run_id is not None


def test_rerun_on_same_facts_changes_nothing(county, tmp_path):
    _enrolment(tmp_path, county["wife"], "未参保", dt.date(2025, 5, 31))
    first = _screen("--as-of", "2025-06-10")
    opened = set(Warning.objects.filter(status="待核实").values_list("pk", "rule", "deadline"))
    second = _screen("--as-of", "2025-06-10")
    assert set(Warning.objects.filter(status="待核实").values_list("pk", "rule", "deadline")) == opened
    assert Warning.objects.count() == 2 and not WarningEvent.objects.exists()
    assert first["warnings"] == second["warnings"]
    assert second["summary"]["written"]["updated"] == 2 and second["summary"]["written"]["created"] == 0


def test_rejected_returns_only_with_a_newer_batch(county, tmp_path, village_clerk, county_admin, login):
    _enrolment(tmp_path, county["wife"], "未参保", dt.date(2025, 5, 31))
    _screen("--as-of", "2025-06-10")
    warning_verify(warning=Warning.objects.get(rule="MED-UNINSURED"), user=village_clerk, outcome="不予纳入",
                   note="已在务工地参保，提供了缴费凭证")
    doc = _screen("--as-of", "2025-06-10")
    med = next(w for w in doc["warnings"] if w["rule"] == "MED-UNINSURED")
    assert med["status"] == "不予纳入" and not Warning.objects.filter(rule="MED-UNINSURED", status="待核实").exists()
    # The next month's list (as of after the verification) still says 中断: a newer fact.
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=CST), tick=False):
        _enrolment(tmp_path, county["wife"], "中断", dt.date(2025, 6, 30))
        doc = _screen("--as-of", "2025-07-02")
    med = next(w for w in doc["warnings"] if w["rule"] == "MED-UNINSURED")
    assert med["status"] == "待核实" and doc["summary"]["written"]["reraised"] == 1
    assert Warning.objects.filter(rule="MED-UNINSURED").count() == 2
    again = Warning.objects.get(rule="MED-UNINSURED", status="待核实")
    page = login(county_admin).get(reverse("warning_detail", args=[again.pk])).content.decode()
    assert "因新事实再次预警" in page and "同一规则的历史预警" in page and "不予纳入" in page


def test_condition_gone_lapses_the_warning(county, tmp_path):
    _enrolment(tmp_path, county["wife"], "未参保", dt.date(2025, 5, 31))
    _screen("--as-of", "2025-06-10")
    _enrolment(tmp_path, county["wife"], "已参保", dt.date(2025, 6, 8))
    doc = _screen("--as-of", "2025-06-10")
    assert [w["rule"] for w in doc["warnings"]] == ["INCOME-BELOW-LINE"]
    assert doc["summary"]["written"]["lapsed"] == 1
    assert Warning.objects.get(rule="MED-UNINSURED").status == WarningStatus.LAPSED


def test_whole_run_impossible_exits_1_and_writes_nothing(county, capsys, settings):
    # A Spark master nobody answers at (port 1 on this machine), an impossible date, an unknown engine.
    settings.SPARK_MASTER = "spark://127.0.0.1:1"
    for args in (["--engine", "spark"], ["--as-of", "2025-13-01"], ["--engine", "flink"]):
        with pytest.raises(SystemExit) as exc:
            call_command("screen", "--format", "json", *args)
        assert exc.value.code == 1
        err = capsys.readouterr()
        assert err.out == "" and "错误" in err.err and "Traceback" not in err.err
    assert not Warning.objects.exists() and not ScreeningRun.objects.exists()


def test_missing_parameter_year_is_reported_not_silent(county, capsys):
    first = _screen("--as-of", "2025-06-10")
    assert first["summary"]["skipped"] == []
    # The poor household's latest income year becomes 2025, whose line nobody set (nor the growth to derive it).
    _income(county["poor"], 2025, "3000.00")
    out, err = io.StringIO(), io.StringIO()
    call_command("screen", "--format", "json", "--as-of", "2025-06-10", stdout=out, stderr=err)
    doc = json.loads(out.getvalue())
    skipped = {s["rule"]: s["reason"] for s in doc["summary"]["skipped"]}
    assert "INCOME-BELOW-LINE" in skipped and "2025" in skipped["INCOME-BELOW-LINE"]
    assert "已跳过 INCOME-BELOW-LINE" in err.getvalue()
    # A partly checked rule ends nothing: the household's open warning stays open.
    assert doc["summary"]["written"]["lapsed"] == 0
    assert Warning.objects.get(rule="INCOME-BELOW-LINE").status == WarningStatus.PENDING


def test_no_enabled_rule_exits_1(county, capsys):
    from gonggu.rules.catalog import CATALOG
    from gonggu.rules.services import rule_setting_update

    for rule in CATALOG.of_kind("screening"):
        rule_setting_update(code=rule.code, enabled=False)
    with pytest.raises(SystemExit) as exc:
        call_command("screen", "--format", "json")
    assert exc.value.code == 1 and "没有启用的筛查规则" in capsys.readouterr().err


def test_timings_are_reported(county):
    timings = _screen("--as-of", "2025-06-10")["summary"]["timings"]
    assert {"export", "evaluate", "write_warnings", "total"} <= set(timings)


def test_text_output(county):
    out = io.StringIO()
    call_command("screen", "--as-of", "2025-06-10", stdout=out, stderr=io.StringIO())
    assert "筛查基准日 2025-06-10" in out.getvalue() and "INCOME-BELOW-LINE 1" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_run_button_runs_a_background_job_scoped_to_the_admin(county, county_admin, login):
    client = login(county_admin)
    response = client.post(reverse("screening_run"), {"as_of": "2025-06-10"})
    job = Job.objects.get(kind="screening")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.message
    assert job.result["created"] == 1 and job.result["next_url"] == reverse("screening_summary")
    run = ScreeningRun.objects.get()
    assert run.prefix == "410122" and run.created_by == county_admin
    page = client.get(reverse("screening_summary")).content.decode()
    assert "INCOME-BELOW-LINE" in page and "2025-06-10" in page
