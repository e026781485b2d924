"""The 驻村帮扶 ledgers end to end: imports that refuse what cannot be true (with the 退回表), the entry form's
checks, the phone check-in of a 驻村工作队员, and the teams page with its 五天四夜 record."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.dataio.intake import intake_run
from gonggu.registry.factories import HouseholdFactory, PersonFactory

from ..models import Attendance, CampaignVisit, StationedCadre
from .factories import cadre, cadre_id, campaign, week

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 6, 30, 10, 0)
CADRE_HEADER = "行政区划代码,干部身份证号,姓名,驻村职务,派出单位,选派层级,任职开始日期,任期届满日期,离任日期,政治面貌,转为正式党员日期,参加工作时间,在编人员,哺乳期"


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@time_machine.travel(TODAY, tick=False)
def test_cadre_import_refuses_bad_terms_and_two_villages_at_once(regions, county_admin, login, tmp_path):
    v, other = regions["village"].code, regions["village_b"].code
    a, b, c = cadre_id(9001), cadre_id(9002), cadre_id(9003)
    cadre(other, number=c, start=dt.date(2024, 1, 1))          # stationed in 西村 already
    lines = [CADRE_HEADER,
             f"{v},{a},李明,第一书记,县财政局,县派,2024-03-01,2026-02-28,,中共党员,2010-07-01,2008-08-01,是,否",
             f"{v},{b},王芳,工作队员,县教育局,县派,2024-03-01,2023-02-28,,中共党员,2012-07-01,2010-08-01,是,否",
             f"{v},{c},赵强,工作队员,县水利局,县派,2024-06-01,2026-05-31,,非中共党员,,2015-08-01,是,否",
             f"{regions['township'].code},{cadre_id(9004)},钱进,工作队员,县农业局,县派,2024-03-01,2026-02-28,,"
             f"非中共党员,,2015-08-01,是,否",
             f"{v},{a},李明,第一书记,县财政局,县派,2024-03-01,2026-02-28,,中共党员,2010-07-01,2008-08-01,是,否"]
    path = tmp_path / "驻村干部.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = intake_run("ledger.stationed_cadre", path=path, user=county_admin)
    assert (result.rows, result.accepted, result.rejected_rows) == (5, 1, 4)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "早于任职开始日期" in reasons[3]
    assert "另一个村" in reasons[4] and "同一时间不能在两个村" in reasons[4]
    assert "村级区划代码" in reasons[5] and "第 2 行" in reasons[6]
    row = StationedCadre.objects.get(cadre_id_number=a)
    assert (row.region_code, row.role, row.term_end, row.batch_id) == (v, "第一书记", dt.date(2026, 2, 28),
                                                                       result.batch.pk)
    returned = _rows(login(county_admin).post(reverse("intake_returns", args=[result.batch.pk])).content)
    assert returned[0][-1] == "错误原因" and len(returned) == 5

    # The list page and its export mask the cadre's identity number.
    page = login(county_admin).get(reverse("ledger_list", args=["stationed_cadre"])).content.decode()
    row_page = login(county_admin).get(reverse("ledger_row", args=["stationed_cadre", row.pk])).content.decode()
    assert "李明" in row_page and a not in row_page and a[:6] + "********" + a[-4:] in row_page
    assert a not in page
    exported = _rows(login(county_admin).post(reverse("ledger_export", args=["stationed_cadre"])).content)
    assert all(a not in str(cell) for line in exported for cell in line)


@time_machine.travel(TODAY, tick=False)
def test_entry_form_refuses_a_term_ending_before_it_starts(regions, village_clerk, login):
    client = login(village_clerk)
    data = {"region_code": regions["village"].code, "cadre_id_number": cadre_id(9010), "name": "李明",
            "role": "第一书记", "unit": "县财政局", "unit_level": "县派", "term_start": "2024-03-01",
            "term_end": "2024-02-28", "party_status": "中共党员", "party_since": "2010-07-01",
            "work_since": "2008-08-01", "on_staff": "on"}
    response = client.post(reverse("ledger_new", args=["stationed_cadre"]), data)
    assert "早于任职开始日期" in response.content.decode() and not StationedCadre.objects.exists()
    client.post(reverse("ledger_new", args=["stationed_cadre"]), {**data, "term_end": "2026-02-28"})
    assert StationedCadre.objects.get().history.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_attendance_import_refuses_dates_outside_the_term_other_villages_and_the_future(
        regions, county_admin, tmp_path):
    c = cadre(regions["village"], start=dt.date(2025, 6, 1))
    v, other = regions["village"].code, regions["village_b"].code
    lines = ["行政区划代码,干部身份证号,姓名,日期,出勤情况,在村住宿",
             f"{v},{c.cadre_id_number},{c.name},2025-06-02,在村,是",
             f"{v},{c.cadre_id_number},{c.name},2025-05-31,在村,是",      # before the term
             f"{other},{c.cadre_id_number},{c.name},2025-06-03,在村,是",  # not this village's cadre
             f"{v},{c.cadre_id_number},{c.name},2025-07-01,在村,是",      # tomorrow
             f"{v},{c.cadre_id_number},{c.name},2025-06-04,请假,是"]      # leave and a night in the village
    path = tmp_path / "考勤.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = intake_run("ledger.stationing_attendance", path=path, user=county_admin)
    assert (result.accepted, result.rejected_rows) == (1, 4)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "不在此人在该村的驻村任期内" in reasons[3] and "不是该村登记的驻村干部" in reasons[4]
    assert "晚于今天" in reasons[5] and "不能同时登记在村住宿" in reasons[6]
    assert Attendance.objects.get().day == dt.date(2025, 6, 2)


@time_machine.travel(TODAY, tick=False)
def test_campaign_visit_import_refuses_a_household_outside_the_campaign(regions, county_admin, tmp_path):
    campaign(regions["township"], 2025, 1, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    mine = HouseholdFactory(village=regions["village"])
    other = HouseholdFactory(village=regions["village_c"])          # 白沙镇 ran no campaign
    a = PersonFactory(household=mine)
    b = PersonFactory(household=other)
    c = PersonFactory(household=HouseholdFactory(village=regions["village"]))
    lines = ["身份证号,年度,排查轮次,排查日期,排查人",
             f"{a.id_number},2025,1,2025-04-10,李明",
             f"{b.id_number},2025,1,2025-04-10,李明",
             f"{a.id_number},2025,2,2025-04-11,李明",
             f"{c.id_number},2025,1,2025-05-10,李明"]
    path = tmp_path / "排查.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = intake_run("ledger.campaign_visit", path=path, user=county_admin)
    reasons = {p.row: p.reason for p in result.rejected}
    assert result.accepted == 1 and "没有登记 2025 年第 1 次集中排查" in reasons[3]
    assert "第 2 次" in reasons[4] and "不在该次集中排查期间" in reasons[5]
    assert CampaignVisit.objects.get().household == mine


@time_machine.travel(TODAY, tick=False)
def test_team_member_checks_in_on_a_phone_and_sees_the_week(regions, login):
    team_user = make_user("gongzuodui", Role.VILLAGE_TEAM, regions["village"])
    c = cadre(regions["village"], start=dt.date(2025, 6, 1), name="李明")
    elsewhere = cadre(regions["other_village"], start=dt.date(2025, 6, 1), name="外县干部")
    client = login(team_user)
    page = client.get(reverse("stationing_check_in")).content.decode()
    assert 'name="viewport"' in page and "李明（第一书记）" in page and "外县干部" not in page
    assert 'type="date"' in page and 'value="2025-06-30"' in page

    response = client.post(reverse("stationing_check_in"),
                           {"cadre": c.pk, "day": "2025-06-30", "status": "在村", "night": "on"})
    assert response.status_code == 302
    row = Attendance.objects.get()
    assert (row.region_code, row.cadre_id_number, row.night, row.created_by) == (
        c.region_code, c.cadre_id_number, True, team_user)
    # The same day again updates the day's row (leave approved), with its history.
    client.post(reverse("stationing_check_in"), {"cadre": c.pk, "day": "2025-06-30", "status": "请假", "night": "on",
                                                   "note": "病假"})
    row.refresh_from_db()
    assert (Attendance.objects.count(), row.status, row.night, row.history.count()) == (1, "请假", False, 2)

    refused = [client.post(reverse("stationing_check_in"), data).content.decode() for data in (
        {"cadre": elsewhere.pk, "day": "2025-06-30", "status": "在村"},
        {"cadre": c.pk, "day": "2025-05-31", "status": "在村"},
        {"cadre": c.pk, "day": "2025-07-01", "status": "在村"})]
    assert "管辖范围" in refused[0] and "不在李明的驻村任期内" in refused[1] and "今天以后" in refused[2]
    assert Attendance.objects.count() == 1

    week(c, dt.date(2025, 6, 29), days=5, nights=4)
    teams = client.get(reverse("stationing_teams")).content.decode()
    assert "李明" in teams and c.cadre_id_number not in teams and "外县干部" not in teams
    assert "5 天/4 夜（假 1）" in teams


def test_pages_need_their_permissions(regions, leader, login):
    client = login(leader)
    teams = client.get(reverse("stationing_teams"))
    assert teams.status_code == 200 and f'href="{reverse("stationing_teams")}"' in teams.content.decode()  # menu
    assert client.get(reverse("stationing_campaigns")).status_code == 200
    assert client.get(reverse("stationing_sources")).status_code == 200
    assert client.get(reverse("stationing_check_in")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_meeting_and_leader_visit_imports_refuse_future_dates_and_missing_units(regions, county_admin, tmp_path):
    v, town = regions["village"].code, regions["township"].code
    path = tmp_path / "研判.csv"
    path.write_text("\n".join([
        "行政区划代码,会议类别,会议日期,参会人员,研判农户数,研判结果",
        f"{v},村级每周研判,2025-06-27,村两委、驻村工作队,2,拟纳入监测 1 户",
        f"{v},村级每周研判,2025-07-04,村两委、驻村工作队,1,",           # minutes for a future date
        f"{town},村级每周研判,2025-06-27,镇干部,1,",                      # a weekly review is a village's
        f"{regions['county'].code},部门数据比对联席会议,2025-06-10,乡村振兴局、民政局,12,已反馈"]) + "\n",
        encoding="utf-8")
    result = intake_run("ledger.meeting", path=path, user=county_admin)
    reasons = {p.row: p.reason for p in result.rejected}
    assert result.accepted == 2 and "晚于今天" in reasons[3] and "村（社区）的区划代码" in reasons[4]

    path = tmp_path / "调研.csv"
    path.write_text("\n".join([
        "行政区划代码,领导姓名,领导类别,所在单位,到村日期,到村事由",
        f"{v},张卫国,县级领导,,2025-03-18,调研",
        f"{v},李副局长,帮扶单位其他班子成员,,2025-03-18,调研指导"]) + "\n", encoding="utf-8")
    result = intake_run("ledger.leader_visit", path=path, user=county_admin)
    assert result.accepted == 1 and "请填写所在单位" in result.rejected[0].reason


@time_machine.travel(TODAY, tick=False)
def test_department_lists_page_marks_the_stale_and_the_missing(regions, township_reviewer, login):
    from gonggu.sources.factories import make_batch

    from .factories import meeting

    make_batch("mz_assistance", as_of=dt.date(2025, 6, 15), region_code=regions["county"].code)
    make_batch("yb_enrolment", as_of=dt.date(2025, 5, 29), region_code=regions["county"].code)
    make_batch("yb_enrolment", as_of=dt.date(2025, 3, 1), region_code=regions["county"].code)
    make_batch("mz_assistance", as_of=dt.date(2025, 6, 20), region_code=regions["other_county"].code)
    meeting(regions["county"], dt.date(2025, 6, 10), kind="部门数据比对联席会议")
    page = login(township_reviewer).get(reverse("stationing_sources")).content.decode()
    assert "2025-06-15" in page and "2025-06-20" not in page          # another county's list is not ours
    assert "32 天" in page and "已过期" in page and "从未导入" in page and "15 天" in page
    assert "最近一次：2025-06-10" in page and "超过一个月" not in page


@time_machine.travel(TODAY, tick=False)
def test_department_lists_page_follows_the_rules_period(regions, township_reviewer, login):
    """The page and the DEPT-LIST-STALE rule read one period: set to 45 days, a 32-day-old list is in time."""
    from gonggu.rules.services import param_set
    from gonggu.sources.factories import make_batch

    make_batch("yb_enrolment", as_of=dt.date(2025, 5, 29), region_code=regions["county"].code)
    client = login(township_reviewer)
    assert ">正常<" not in client.get(reverse("stationing_sources")).content.decode()
    param_set(name="dept_list_period_days", value="45")
    page = client.get(reverse("stationing_sources")).content.decode()
    assert "超过 45 天未更新" in page and ">正常<" in page
