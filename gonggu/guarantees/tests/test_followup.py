"""What follows a 三保障 warning: a household's water problem on its monitoring record (shown, and no risk
elimination while it is open), quarterly dropout screening and the dropouts it finds, and the appraisal coverage
of the six groups — each rule and the 指标2 figures over them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gonggu.core.workflow import Ctx
from gonggu.guarantees.models import DropoutScreening, WaterProblem
from gonggu.monitoring.tests.factories import CaseFactory, household
from gonggu.monitoring.workflow import ELIMINATION, CaseStatus, no_open_linked_problems
from gonggu.rules.engine import run_rules
from gonggu.sources.factories import fact

from .factories import dropout, inspection, renovation

pytestmark = pytest.mark.django_db
D = dt.date


def _findings(code: str, on: dt.date, prefix: str = "410122") -> list[dict]:
    return run_rules(codes=[code], as_of=on, prefix=prefix, store=False).findings.to_pylist()


@time_machine.travel(dt.datetime(2025, 7, 1, 10, 0), tick=False)
def test_household_water_problem_holds_back_elimination_until_closed(regions, village_clerk, login):
    case = CaseFactory(household=household(regions["village"]), county_approved_on=D(2025, 1, 14))
    head = case.household.members.first()
    client = login(village_clerk)
    data = {"region_code": regions["village"].code, "found_on": "2025-06-02", "category": "水质",
            "description": "自家水井水质浑浊", "deadline": "2025-06-30", "household_id_number": head.id_number}
    assert client.post(reverse("ledger_new", args=["water_problem"]), data).status_code == 302
    problem = WaterProblem.objects.get()
    assert problem.household_id == case.household_id

    page = client.get(reverse("monitoring:case_detail", args=[case.pk])).content.decode()
    assert "自家水井水质浑浊" in page and "销号前不能办理风险消除" in page
    reason = no_open_linked_problems(case, Ctx(user=village_clerk, today=D(2025, 7, 1)))
    assert "该户还有未销号的饮水安全问题：水质问题（2025-06-02 发现" in reason
    # The procedure's steps name the reason (with the others that hold); the case page's verdict shows it.
    for step in ("start", "mark"):
        reasons = ELIMINATION.reasons(step, case, Ctx(user=village_clerk, today=D(2025, 7, 1)), skip_status=True)
        assert any("未销号的饮水安全问题" in r for r in reasons), step
    assert "暂不能办理风险消除" in page and "整改销号后才能办理风险消除" in page

    edit = reverse("ledger_edit", args=["water_problem", problem.pk])
    client.post(edit, {**data, "closed_on": "2025-06-25", "evidence": "接通集中供水回访照片",
                       "version": problem.updated_at.isoformat()})
    problem.refresh_from_db()
    assert problem.closed_on == D(2025, 6, 25) and problem.household_id == case.household_id
    assert no_open_linked_problems(case, Ctx(user=village_clerk, today=D(2025, 7, 1))) is None


@time_machine.travel(dt.datetime(2025, 7, 1, 10, 0), tick=False)
def test_household_number_outside_the_village_refused(regions, village_clerk, login):
    elsewhere = household(regions["village_b"]).members.first()
    client = login(village_clerk)
    data = {"region_code": regions["village"].code, "found_on": "2025-06-02", "category": "水质",
            "description": "水井浑浊", "deadline": "2025-06-30", "household_id_number": elsewhere.id_number}
    refused = client.post(reverse("ledger_new", args=["water_problem"]), data).content.decode()
    assert "涉及农户身份证号不在该村的农户台账中" in refused and not WaterProblem.objects.exists()


def test_elimination_with_an_open_water_problem_is_found(regions):
    gone = CaseFactory(household=household(regions["village"]), status=CaseStatus.ELIMINATED,
                       eliminated_on=D(2025, 5, 20))
    clean = CaseFactory(household=household(regions["village_b"]), status=CaseStatus.ELIMINATED,
                        eliminated_on=D(2025, 5, 20))
    for case, closed in ((gone, D(2025, 5, 21)), (clean, D(2025, 5, 20))):
        WaterProblem.objects.create(region_code=case.region_code, household=case.household, found_on=D(2025, 5, 1),
                                    category="水量", description="入户水管冻裂", deadline=D(2025, 5, 30),
                                    closed_on=closed, evidence="回访")
    found = _findings("WATER-CASE-ELIMINATED-OPEN", D(2025, 6, 30))
    assert [f["household_id"] for f in found] == [gone.household_id]
    assert "风险消除于 2025-05-20" in found[0]["detail"]


@time_machine.travel(dt.datetime(2025, 7, 10, 10, 0), tick=False)
def test_quarterly_screening_recorded_by_township(regions, township_reviewer, login):
    household(regions["village"])
    household(regions["village_c"])
    client = login(township_reviewer)
    data = {"region_code": regions["township"].code, "screened_on": "2025-05-12", "screeners": "中心校、乡教办",
            "schools": "5", "children": "900", "found": "1"}
    assert client.post(reverse("ledger_new", args=["dropout_screening"]), data).status_code == 302
    refused = client.post(reverse("ledger_new", args=["dropout_screening"]),
                          {**data, "region_code": regions["village"].code}).content.decode()
    assert "疑似辍学排查按乡镇登记" in refused and DropoutScreening.objects.count() == 1

    # 白沙镇 recorded nothing in the second quarter; 城关镇's round found one dropout not yet filed.
    missing = _findings("DROPOUT-SCREEN-QUARTER", D(2025, 7, 10))
    assert [f["region_code"] for f in missing] == [regions["township2"].code]
    assert "2025年第2季度没有疑似辍学学生排查记录" in missing[0]["detail"]
    unfiled = _findings("DROPOUT-SCREEN-UNFILED", D(2025, 7, 10))
    assert [f["region_code"] for f in unfiled] == [regions["township"].code]
    child = household(regions["village"]).members.first()
    dropout(child, found=D(2025, 5, 12))
    assert _findings("DROPOUT-SCREEN-UNFILED", D(2025, 7, 10)) == []
    # A round on the quarter's last day counts; the next quarter's does not.
    DropoutScreening.objects.create(region_code=regions["township2"].code, screened_on=D(2025, 7, 1), screeners="乡教办",
                                    schools=3, children=500)
    assert len(_findings("DROPOUT-SCREEN-QUARTER", D(2025, 7, 10))) == 1
    DropoutScreening.objects.create(region_code=regions["township2"].code, screened_on=D(2025, 6, 30), screeners="乡教办",
                                    schools=3, children=500)
    assert _findings("DROPOUT-SCREEN-QUARTER", D(2025, 7, 10)) == []


def six_groups(regions):
    """One household of each kind: 监测户 appraised on the 住建 list, 低保户 appraised by re-inspection, 脱贫户 with a
    renovation, 特困 and 低保边缘 and 突发严重困难户 without any appraisal, and an ordinary household (not counted)."""
    v = regions["village"]
    monitored = household(v, household_type="监测户", monitoring_type="边缘易致贫户")
    fact("zj_housing", monitored.members.first(), as_of=D(2025, 3, 1), grade="B", appraisal_date=D(2025, 2, 20))
    dibao = household(v)
    fact("mz_assistance", dibao.members.first(), as_of=D(2025, 3, 1), category="低保", status="在保")
    inspection(dibao.members.first(), appraised=D(2025, 4, 20))
    lifted = household(regions["village_b"], household_type="脱贫户")
    renovation(lifted.members.first())
    tekun = household(v)
    fact("mz_assistance", tekun.members.first(), as_of=D(2025, 3, 1), category="特困", status="在保")
    edge = household(regions["village_b"])
    fact("mz_assistance", edge.members.first(), as_of=D(2025, 3, 1), category="低保边缘", status="在保")
    stopped = household(v)
    fact("mz_assistance", stopped.members.first(), as_of=D(2025, 3, 1), category="低保", status="停保")
    sudden = household(v, household_type="监测户", monitoring_type="突发严重困难户")
    household(v)
    return {"tekun": tekun, "edge": edge, "sudden": sudden}


@time_machine.travel(dt.datetime(2025, 7, 1, 10, 0), tick=False)
def test_six_groups_without_appraisal_found(regions):
    unappraised = six_groups(regions)
    found = {f["household_id"]: f["detail"] for f in _findings("HOUSE-SIX-UNAPPRAISED", D(2025, 6, 30))}
    assert set(found) == {h.pk for h in unappraised.values()}
    assert found[unappraised["tekun"].pk].startswith("农村分散供养特困人员")
    assert found[unappraised["sudden"].pk].startswith("刚性支出较大")


def test_household_water_problem_on_the_household_page(regions, village_clerk):
    from gonggu.ledgers.selectors import household_ledgers

    hh = household(regions["village"])
    WaterProblem.objects.create(region_code=hh.region_code, household=hh, household_id_number=hh.members.first().id_number,
                                found_on=D(2025, 5, 1), category="水质", description="自家水井浑浊",
                                deadline=D(2025, 5, 30))
    WaterProblem.objects.create(region_code=hh.region_code, found_on=D(2025, 5, 1), category="水量",
                                description="全村管网水压不足", deadline=D(2025, 5, 30))
    shown = household_ledgers(village_clerk, hh)
    assert [(item.kind.key, len(item.rows)) for item in shown] == [("water_problem", 1)]


@time_machine.travel(dt.datetime(2025, 7, 1, 10, 0), tick=False)
def test_water_problem_import_links_households_and_reimports_in_place(regions, county_admin, tmp_path):
    from gonggu.dataio.intake import intake_run

    a, b = household(regions["village"]), household(regions["village"])
    elsewhere = household(regions["village_c"])
    path = tmp_path / "饮水问题.csv"
    rows = [
        "行政区划代码,发现日期,问题类型,问题描述,整改时限,涉及农户身份证号",
        "410122100201,2025-06-02,水质,自家水井浑浊,2025-06-30," + a.members.first().id_number,
        "410122100201,2025-06-02,水质,入户水管锈蚀,2025-06-30," + b.members.first().id_number,
        "410122100201,2025-06-02,水量,全村水压不足,2025-06-30,",
        "410122100201,2025-06-03,水质,水井浑浊,2025-06-30," + elsewhere.members.first().id_number,
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = intake_run("ledger.water_problem", path=path, user=county_admin)
    assert (result.accepted, result.rejected_rows) == (3, 1)
    assert "涉及农户身份证号不在该村的农户台账中" in {p.row: p.reason for p in result.rejected}[5]
    assert sorted(WaterProblem.objects.values_list("household_id", flat=True), key=str) == sorted(
        [a.pk, b.pk, None], key=str)
    # The rows again, one with a measure: each found by village, date, type and household (the village's own
    # problem by its empty number), one updated, none added.
    changed = tmp_path / "饮水问题（更新）.csv"
    changed.write_text("\n".join([rows[0] + ",整改措施", rows[1] + ",接通集中供水", rows[2] + ",", rows[3] + ","]) + "\n",
                       encoding="utf-8")
    again = intake_run("ledger.water_problem", path=changed, user=county_admin)
    assert (again.written.created, again.written.updated, again.written.unchanged) == (0, 1, 2)
    assert WaterProblem.objects.count() == 3
