"""Meetings with the households they discussed (linked to their clues and cases, shown on the case page and the
household page), the minutes' refusals, and the 周三帮扶日: its ledger's checks, the page and the exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.errors import UserFacingError
from gonggu.dataio.intake import intake_run
from gonggu.monitoring.tests.factories import CaseFactory, ClueFactory, household
from gonggu.rules.engine import run_rules

from ..models import AssistDayVisit, Meeting, MeetingHousehold
from ..services import meeting_record
from .factories import assist_day, assist_unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)            # a Monday; the Wednesday before is 2025-06-25
NOW = dt.datetime(2025, 6, 30, 10, 0)


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@time_machine.travel(NOW, tick=False)
def test_weekly_review_links_households_to_their_clues_and_cases_shown_on_both_pages(regions, village_clerk,
                                                                                     county_admin, login):
    v = regions["village"]
    hh, other = household(v), household(v)
    clue = ClueFactory(household=hh, discovered_on=dt.date(2025, 6, 20))
    case = CaseFactory(household=hh)
    ClueFactory(household=other, discovered_on=dt.date(2025, 6, 28))        # after the meeting: not linked
    m = meeting_record(user=village_clerk, kind="村级每周研判", region_code=v.code, held_on=dt.date(2025, 6, 25),
                       attendees="村支书、第一书记", outcome="拟纳入监测 1 户",
                       households=[(hh.household_no, "拟纳入监测"), (other.members.get().id_number, "")],
                       today=TODAY)
    assert (m.households, m.history.count()) == (2, 1)
    link = MeetingHousehold.objects.get(meeting=m, household=hh)
    assert list(link.clues.all()) == [clue] and list(link.cases.all()) == [case] and link.conclusion == "拟纳入监测"
    assert not MeetingHousehold.objects.get(meeting=m, household=other).clues.exists()

    client = login(county_admin)
    case_page = client.get(reverse("monitoring:case_detail", args=[case.pk])).content.decode()
    assert "研判会议" in case_page and "2025-06-25" in case_page and "拟纳入监测" in case_page
    household_page = client.get(reverse("household_detail", args=[hh.pk])).content.decode()
    assert "研判会议" in household_page and reverse("monitoring:clue_detail", args=[clue.pk]) in household_page
    page = client.get(reverse("stationing_meetings"), {"kind": "村级每周研判"}).content.decode()
    assert reverse("monitoring:case_detail", args=[case.pk]) in page and v.name in page

    # The export has the page's filter: a 联席会议 is left out when the page shows weekly reviews.
    meeting_record(user=county_admin, kind="部门数据比对联席会议", region_code=regions["county"].code,
                   held_on=dt.date(2025, 6, 10), attendees="民政局、医保局", outcome="", households=[(hh.household_no, "")],
                   today=TODAY)
    rows = _rows(client.post(reverse("stationing_meetings_export"), {"kind": "村级每周研判"}).content)
    body = [r for r in rows if r and r[0] == v.code]
    assert len(body) == 1 and "拟纳入监测" in body[0][6] and body[0][2] == "村级每周研判"
    everything = _rows(client.post(reverse("stationing_meetings_export"), {}).content)
    assert sum(1 for r in everything if r and r[2] in ("村级每周研判", "部门数据比对联席会议")) == 2


@time_machine.travel(NOW, tick=False)
def test_minutes_refused_for_the_future_another_village_and_unknown_households(regions, village_clerk,
                                                                               county_admin, login):
    v, b = regions["village"], regions["village_b"]
    mine, theirs = household(v), household(b)
    far = household(regions["other_village"])
    with pytest.raises(UserFacingError, match="晚于今天.*尚未召开"):
        meeting_record(user=village_clerk, kind="村级每周研判", region_code=v.code, held_on=dt.date(2025, 7, 2),
                       attendees="村两委", outcome="", households=[], today=TODAY)
    with pytest.raises(UserFacingError, match=f"第 2 行.*在{b.name}，不是{v.name}的农户"):
        meeting_record(user=county_admin, kind="村级每周研判", region_code=v.code, held_on=dt.date(2025, 6, 25),
                       attendees="村两委", outcome="", households=[(mine.household_no, ""), (theirs.household_no, "")],
                       today=TODAY)
    with pytest.raises(UserFacingError, match="第 1 行：找不到"):
        meeting_record(user=county_admin, kind="部门数据比对联席会议", region_code=regions["county"].code,
                       held_on=dt.date(2025, 6, 25), attendees="民政局", outcome="",
                       households=[(far.household_no, "")], today=TODAY)
    assert not Meeting.objects.exists() and not MeetingHousehold.objects.exists()   # refused whole

    # The form says why, on the field.
    client = login(village_clerk)
    response = client.post(reverse("stationing_meeting_new"), {
        "kind": "村级每周研判", "region_code": v.code, "held_on": "2025-07-01", "attendees": "村两委",
        "households": mine.household_no})
    assert "不能登记尚未召开的会议纪要" in response.content.decode() and not Meeting.objects.exists()
    response = client.post(reverse("stationing_meeting_new"), {
        "kind": "村级每周研判", "region_code": v.code, "held_on": "2025-06-25", "attendees": "村两委",
        "households": f"{mine.household_no} 拟纳入监测"})
    assert response.status_code == 302
    assert MeetingHousehold.objects.get().conclusion == "拟纳入监测"


@time_machine.travel(NOW, tick=False)
def test_assist_day_ledger_refuses_other_weekdays_and_the_page_sums_each_wednesday(regions, county_admin, login,
                                                                                   tmp_path):
    v = regions["village"]
    a, b = household(v), household(v)
    lines = ["身份证号,帮扶日日期,帮扶干部,帮扶单位,梳理年内政策落实情况,政策宣讲和感恩教育,发现的问题,问题已解决",
             f"{a.members.get().id_number},2025-06-25,李明,县财政局,是,是,医疗报销未到账,是",
             f"{b.members.get().id_number},2025-06-24,李明,县财政局,是,是,,否",
             f"{b.members.get().id_number},2025-07-02,李明,县财政局,是,是,,否",
             f"{b.members.get().id_number},2025-06-25,王芳,县财政局,是,否,,是"]
    path = tmp_path / "周三帮扶日.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = intake_run("ledger.assist_day", path=path, user=county_admin)
    reasons = {p.row: p.reason for p in result.rejected}
    assert (result.accepted, result.rejected_rows) == (1, 3), reasons
    assert "星期二" in reasons[3] and "晚于今天" in reasons[4] and "请填写发现的问题" in reasons[5]
    assist_day(b, dt.date(2025, 6, 25), helper="王芳", briefing=False)

    client = login(county_admin)
    page = client.get(reverse("stationing_assist_days")).content.decode()
    assert "2025-06-25" in page and "李明、王芳" in page
    rows = _rows(client.post(reverse("stationing_assist_days_export")).content)
    day = [r for r in rows if r and r[0] == v.code]
    assert len(day) == 1 and day[0][5:] == [2, 1, 1, 1]     # 2 households, 1 briefing, 1 problem, 1 solved


@time_machine.travel(NOW, tick=False)
def test_assist_day_rule_findings_on_the_page(regions, county_admin, login):
    v, b = regions["village"], regions["village_b"]
    assist_unit(v, "县财政局")
    assist_unit(b, "县教育局")
    assist_day(household(v), dt.date(2025, 6, 25))
    assist_day(household(b), dt.date(2025, 6, 18))
    run_rules(codes=["ASSIST-DAY-WEEKLY"], as_of=TODAY, prefix=regions["county"].prefix, user=county_admin)
    page = login(county_admin).get(reverse("stationing_assist_days")).content.decode()
    assert "未落实周三帮扶日的村" in page and "「县教育局」定点帮扶村上周三没有帮扶日入户记录（上次 2025-06-18）" in page
    assert "县财政局」" not in page.split("未落实周三帮扶日的村")[1].split("</ul>")[0]
    assert AssistDayVisit.objects.count() == 2


def test_village_team_sees_the_meetings_of_its_village_only(regions, login):
    team = make_user("gzd", Role.VILLAGE_TEAM, regions["village"])
    Meeting.objects.create(region_code=regions["village"].code, kind="村级每周研判", held_on=dt.date(2025, 6, 25),
                           attendees="本村两委", households=0)
    Meeting.objects.create(region_code=regions["village_b"].code, kind="村级每周研判", held_on=dt.date(2025, 6, 25),
                           attendees="邻村两委", households=0)
    page = login(team).get(reverse("stationing_meetings")).content.decode()
    assert "本村两委" in page and "邻村两委" not in page


def test_pages_need_their_permissions(regions, leader, login):
    client = login(leader)
    assert client.get(reverse("stationing_meetings")).status_code == 200
    assert client.get(reverse("stationing_assist_days")).status_code == 200
    assert client.get(reverse("stationing_meeting_new")).status_code == 403
