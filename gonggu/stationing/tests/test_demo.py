"""The demo step: each 驻村帮扶 ledger filled, with findings of the rules over it, and cleared again."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.regions.models import Region
from gonggu.registry.demo import demo_registry
from gonggu.rules.engine import run_rules

from ..demo import demo_clear, demo_stationing
from ..models import AssistDayVisit, Attendance, MeetingHousehold, StationedCadre
from .factories import new_village

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


@time_machine.travel(dt.datetime(2026, 6, 10, 9, 0), tick=False)
def test_demo_fills_every_ledger_with_some_findings_and_clears(regions, login):
    county, towns = regions["county"], [regions["township"], regions["township2"]]
    villages = [regions["village"], regions["village_b"], regions["village_c"], regions["village_d"],
                *(new_village(towns[i % 2]) for i in range(8))]
    users = {"admin": make_user("admin", Role.COUNTY_ADMIN, county),
             "gongzuodui": make_user("gongzuodui", Role.VILLAGE_TEAM, villages[0])}
    ctx = SimpleNamespace(rng=random.Random(7), county=county, townships=towns, villages=villages, households=120,
                          users=users, today=TODAY, seed=7, extra={})
    demo_registry(ctx)
    summary = demo_stationing(ctx)
    assert all(n > 0 for n in summary.values()), summary
    result = run_rules(kinds=["ledger"], as_of=TODAY, prefix=county.prefix, user=users["admin"])
    fired = {f["rule"] for f in result.findings.to_pylist()}
    assert {"ST-SECRETARY-QUALIFY", "ST-MEMBER-QUALIFY", "ST-TEAM-SIZE", "ST-NOT-ROTATED", "ST-NO-SECRETARY",
            "ST-UNIT-SECRETARY", "ST-FIVE-FOUR", "ST-VISIT-ALL", "CAMPAIGN-COVERAGE", "CAMPAIGN-TWICE",
            "LEADER-LINK-VISIT", "UNIT-MAIN-VISIT", "UNIT-LEADER-VISITS", "MEET-WEEKLY", "ASSIST-DAY-WEEKLY"} <= fired
    assert "MEET-JOINT-MONTHLY" not in fired          # the county holds its 联席会议 every month
    # Most of the county is in order: most cadres keep 五天四夜.
    five_four = [f for f in result.findings.to_pylist() if f["rule"] == "ST-FIVE-FOUR"]
    assert len(five_four) < StationedCadre.objects.count() / 2

    # The 驻村工作队员 sees the team of the village, with its record and the village's findings.
    page = login(users["gongzuodui"]).get(reverse("stationing_teams")).content.decode()
    assert villages[0].name in page and "天/" in page and villages[1].name not in page
    # The county sees every team, the findings beside them, and the villages short of full coverage.
    admin = login(users["admin"])
    county_page = admin.get(reverse("stationing_teams")).content.decode()
    assert "第一书记人选不符合条件" in county_page and "工作队员少于2人" in county_page
    assert "第一书记离任后未压茬交接" in county_page          # a village left without a team, listed apart
    campaigns = admin.get(reverse("stationing_campaigns")).content.decode()
    short = [f for f in result.findings.to_pylist() if f["rule"] == "CAMPAIGN-COVERAGE"]
    assert short and all(Region.objects.get(code=f["region_code"]).name in campaigns for f in short)
    assert "%" in campaigns and "集中排查少于两次的乡镇" in campaigns
    # Each weekly review names the households it discussed; each village's Wednesdays are summed.
    meetings = admin.get(reverse("stationing_meetings")).content.decode()
    assert "户</a>" in meetings and "村级每周研判" in meetings and "部门数据比对联席会议" in meetings
    assist = admin.get(reverse("stationing_assist_days")).content.decode()
    assert "未落实周三帮扶日的村" in assist and AssistDayVisit.objects.filter(day__week_day=4).count() == \
        AssistDayVisit.objects.count() > 0

    demo_clear(prefix=county.prefix)
    assert not StationedCadre.objects.exists() and not Attendance.objects.exists()
    assert not StationedCadre.history.exists()
    assert not AssistDayVisit.objects.exists() and not MeetingHousehold.objects.exists()
