import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gonggu.screening.models import ScreeningSetting, Warning, WarningEvent, WarningStatus
from gonggu.screening.services import warning_verify
from gonggu.screening.write import warnings_write

from .factories import finding, household, table

AS_OF = dt.date(2025, 4, 1)
CST = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def open_keys():
    return set(Warning.objects.filter(status=WarningStatus.PENDING).values_list("rule", "household__household_no"))


def test_first_run_raises_warnings_with_event_and_deadline(regions):
    hh = household(regions["village"])
    result = warnings_write(table(finding(hh, grade="red", rule="SCHOOL-DROPOUT")), as_of=AS_OF)
    assert (result.created, result.updated, result.suppressed) == (1, 0, 0)
    w = Warning.objects.get()
    assert w.status == WarningStatus.PENDING and w.region_code == regions["village"].code
    assert w.deadline == AS_OF + dt.timedelta(days=3)
    assert w.first_raised_on == w.last_seen_on == AS_OF
    assert w.fact_date == dt.date(2025, 3, 1) and w.department == "yb"
    assert w.evidence[0]["status"] == "未参保"
    # Raising is recorded on the warning itself; events are for what changes later.
    assert w.first_run is None and not w.events.exists()
    assert result.rows[0]["status"] == "待核实" and result.rows[0]["village_code"] == regions["village"].code


def test_running_twice_on_same_facts_is_idempotent(regions):
    a, b = household(regions["village"]), household(regions["village_c"])
    findings = table(finding(a), finding(b, rule="JOB-LOSS", grade="yellow"))
    warnings_write(findings, as_of=AS_OF)
    before = open_keys()
    second = warnings_write(findings, as_of=AS_OF + dt.timedelta(days=30), evaluated=["MED-UNINSURED", "JOB-LOSS"])
    assert (second.created, second.updated, second.lapsed) == (0, 2, 0)
    assert open_keys() == before and Warning.objects.count() == 2
    w = Warning.objects.get(rule="MED-UNINSURED")
    # The deadline does not move with later runs; last seen does.
    assert w.deadline == AS_OF + dt.timedelta(days=7) and w.last_seen_on == AS_OF + dt.timedelta(days=30)
    assert not WarningEvent.objects.exists()


def test_rejected_warning_returns_only_on_newer_fact(regions, village_clerk):
    hh = household(regions["village"])
    warnings_write(table(finding(hh)), as_of=AS_OF)
    with time_machine.travel(dt.datetime(2025, 4, 3, 10, tzinfo=CST), tick=False):
        warning_verify(warning=Warning.objects.get(), user=village_clerk, outcome="不予纳入", note="已外出务工参保")
    ended = Warning.objects.get()
    assert ended.ended_on == dt.date(2025, 4, 3)

    same = warnings_write(table(finding(hh)), as_of=AS_OF + dt.timedelta(days=10))
    assert (same.created, same.reraised, same.suppressed) == (0, 0, 1)
    assert same.rows[0]["status"] == "不予纳入" and not open_keys()

    # A batch stated on the very day of the verification was there to be seen: still no warning.
    day_of = {"source": "yb_enrolment", "batch": 2, "batch_as_of": "2025-04-03", "row": 5, "status": "未参保"}
    assert warnings_write(table(finding(hh, evidence=day_of)), as_of=AS_OF).suppressed == 1

    newer = {"source": "yb_enrolment", "batch": 3, "batch_as_of": "2025-04-30", "row": 7, "status": "中断"}
    again = warnings_write(table(finding(hh, evidence=newer)), as_of=dt.date(2025, 5, 5))
    assert (again.reraised, again.suppressed) == (1, 0)
    reopened = Warning.objects.get(status=WarningStatus.PENDING)
    assert reopened.pk != ended.pk and reopened.first_raised_on == dt.date(2025, 5, 5)
    assert not reopened.events.exists()
    assert Warning.objects.get(pk=ended.pk).status == WarningStatus.REJECTED


def test_undated_registry_finding_returns_when_its_facts_change(regions, village_clerk):
    hh = household(regions["village"])
    income_2024 = {"income_year": 2024, "per_capita": "6800.00", "monitoring_line": "7800"}
    make = lambda ev: table(finding(hh, rule="INCOME-BELOW-LINE", risk_type="收入", evidence=ev))  # noqa: E731
    warnings_write(make(income_2024), as_of=AS_OF)
    warning_verify(warning=Warning.objects.get(), user=village_clerk, outcome="不予纳入", note="收入核实无误")
    assert warnings_write(make(income_2024), as_of=AS_OF).suppressed == 1
    income_2025 = {"income_year": 2025, "per_capita": "7000.00", "monitoring_line": "8100"}
    assert warnings_write(make(income_2025), as_of=AS_OF).reraised == 1
    assert Warning.objects.get(status=WarningStatus.PENDING).department == "ny"


def test_every_verified_outcome_blocks_the_same_facts(regions, village_clerk):
    outcomes = ["纳入监测", "已是监测对象", "数据有误"]
    homes = [household(regions["village"]) for _ in outcomes]
    warnings_write(table(*[finding(h) for h in homes]), as_of=AS_OF)
    for h, outcome in zip(homes, outcomes, strict=True):
        warning_verify(warning=Warning.objects.get(household=h), user=village_clerk, outcome=outcome, note="核实")
    result = warnings_write(table(*[finding(h) for h in homes]), as_of=AS_OF)
    assert result.suppressed == 3 and not open_keys()
    assert sorted(r["status"] for r in result.rows) == sorted(outcomes)


def test_condition_gone_lapses_open_warning_of_evaluated_rule_only(regions):
    a, b = household(regions["village"]), household(regions["village"])
    warnings_write(table(finding(a), finding(b, rule="JOB-LOSS", grade="yellow")), as_of=AS_OF)
    # JOB-LOSS was not evaluated this time (e.g. skipped): its warning stays open.
    result = warnings_write(table(), as_of=AS_OF, evaluated=["MED-UNINSURED"])
    assert result.lapsed == 1
    lapsed = Warning.objects.get(rule="MED-UNINSURED")
    assert lapsed.status == WarningStatus.LAPSED and lapsed.ended_on is not None
    assert lapsed.events.last().action == WarningEvent.Action.LAPSED
    assert Warning.objects.get(rule="JOB-LOSS").status == WarningStatus.PENDING
    # The condition comes back on the same facts: a lapsed warning does not block it.
    back = warnings_write(table(finding(a)), as_of=AS_OF)
    assert back.created == 1 and Warning.objects.filter(rule="MED-UNINSURED").count() == 2


def test_lapse_is_limited_to_the_run_region(regions):
    here, there = household(regions["village"]), household(regions["village_c"])
    warnings_write(table(finding(here), finding(there)), as_of=AS_OF)
    result = warnings_write(table(), as_of=AS_OF, evaluated=["MED-UNINSURED"], prefix=regions["township"].prefix)
    assert result.lapsed == 1
    assert Warning.objects.get(household=there).status == WarningStatus.PENDING


def test_findings_outside_run_region_and_unknown_households_are_not_written(regions):
    here, there = household(regions["village"]), household(regions["village_c"])
    ghost = finding(here)
    ghost["household_no"] = "NOT-IN-REGISTRY"
    result = warnings_write(table(finding(here), finding(there), ghost), as_of=AS_OF,
                            prefix=regions["township"].prefix)
    assert (result.created, result.unmatched) == (1, 2)
    assert open_keys() == {("MED-UNINSURED", here.household_no)}


def test_person_findings_of_one_household_make_one_warning(regions):
    hh = household(regions["village"])
    kid1 = {"source": "jy_student", "batch_as_of": "2025-03-01", "row": 3, "status": "辍学"}
    kid2 = {"source": "jy_student", "batch_as_of": "2025-03-20", "row": 9, "status": "疑似辍学"}
    warnings_write(table(finding(hh, rule="SCHOOL-DROPOUT", grade="red", id_number="410122201001011234",
                                 evidence=kid1, detail="甲辍学"),
                         finding(hh, rule="SCHOOL-DROPOUT", grade="red", id_number="410122200901011234",
                                 evidence=kid2, detail="乙疑似辍学")), as_of=AS_OF)
    w = Warning.objects.get()
    assert w.id_number == "410122200901011234" and len(w.evidence) == 2
    assert w.fact_date == dt.date(2025, 3, 20) and "甲辍学" in w.detail and "乙疑似辍学" in w.detail
    assert w.department == "jy"


def test_grade_escalation_brings_deadline_closer(regions):
    hh = household(regions["village"])
    c = {"source": "zj_housing", "batch_as_of": "2025-03-01", "grade": "C"}
    d = {"source": "zj_housing", "batch_as_of": "2025-04-01", "grade": "D"}
    warnings_write(table(finding(hh, rule="HOUSE-UNSAFE", grade="orange", evidence=c)), as_of=AS_OF)
    warnings_write(table(finding(hh, rule="HOUSE-UNSAFE", grade="red", evidence=d)), as_of=AS_OF + dt.timedelta(days=2))
    w = Warning.objects.get()
    assert w.grade == "red" and w.deadline == AS_OF + dt.timedelta(days=5)
    assert w.events.filter(action=WarningEvent.Action.GRADE_CHANGED).exists()


@pytest.mark.parametrize(("grade", "days"), [("red", 3), ("orange", 7), ("yellow", 15), ("info", 30)])
def test_deadline_by_grade_and_highlighting(regions, grade, days):
    hh = household(regions["village"])
    warnings_write(table(finding(hh, grade=grade)), as_of=AS_OF)
    w = Warning.objects.get()
    assert w.deadline == AS_OF + dt.timedelta(days=days)
    with time_machine.travel(dt.datetime.combine(w.deadline - dt.timedelta(days=2), dt.time(9, tzinfo=CST)), tick=False):
        assert w.deadline_state() == ""
    with time_machine.travel(dt.datetime.combine(w.deadline - dt.timedelta(days=1), dt.time(9, tzinfo=CST)), tick=False):
        assert w.deadline_state() == "due"
    with time_machine.travel(dt.datetime.combine(w.deadline, dt.time(23, tzinfo=CST)), tick=False):
        assert w.deadline_state() == "due"
    with time_machine.travel(dt.datetime.combine(w.deadline + dt.timedelta(days=1), dt.time(9, tzinfo=CST)), tick=False):
        assert w.deadline_state() == "overdue"


def test_deadlines_follow_deployment_setting(regions):
    ScreeningSetting.objects.create(red_days=2, orange_days=5, yellow_days=10, info_days=20)
    hh = household(regions["village"])
    warnings_write(table(finding(hh, grade="orange")), as_of=AS_OF)
    assert Warning.objects.get().deadline == AS_OF + dt.timedelta(days=5)


def test_write_is_set_based(regions, django_assert_max_num_queries):
    homes = [household(regions["village"], with_head=False) for _ in range(300)]
    findings = table(*[finding(h) for h in homes], *[finding(h, rule="JOB-LOSS", grade="yellow") for h in homes])
    with django_assert_max_num_queries(40):
        result = warnings_write(findings, as_of=AS_OF, evaluated=["MED-UNINSURED", "JOB-LOSS"])
    assert result.created == 600 and Warning.objects.count() == 600
    with django_assert_max_num_queries(40):
        assert warnings_write(findings, as_of=AS_OF, evaluated=["MED-UNINSURED", "JOB-LOSS"]).updated == 600


def test_same_day_rerun_rewrites_nothing(regions):
    hh = household(regions["village"])
    warnings_write(table(finding(hh)), as_of=AS_OF)
    before = Warning.objects.values_list("updated_at", "last_seen_on").get()
    assert warnings_write(table(finding(hh)), as_of=AS_OF).updated == 1
    assert Warning.objects.values_list("updated_at", "last_seen_on").get() == before
    # An earlier as-of (a back-dated rerun) never moves last_seen_on backwards.
    warnings_write(table(finding(hh)), as_of=AS_OF - dt.timedelta(days=5))
    assert Warning.objects.get().last_seen_on == AS_OF
