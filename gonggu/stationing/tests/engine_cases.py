"""The 驻村帮扶 rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py): each builds
a village of its own (or a household) in the scenario's township and says whether its rule must fire at
2025-06-30. Findings are about villages (townships), so each case returns the region code it concerns."""

from __future__ import annotations

import datetime as dt

from gonggu.rules.tests.builders import household
from gonggu.sources.factories import make_batch
from gonggu.sources.models import Batch

from .factories import (
    assist_day,
    assist_unit,
    attendance,
    cadre,
    cadre_year,
    campaign,
    campaign_visit,
    leader_link,
    leader_visit,
    meeting,
    new_village,
    team_visit,
    week,
)

PARAMS: list = []
D = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)


def _town(sc):
    return sc.villages[0].parent


def _cadre(**fields):
    def build(sc):
        v = new_village(_town(sc))
        cadre(v, **fields)
        return v.code
    return build


def _team(members: int):
    def build(sc):
        v = new_village(_town(sc))
        cadre(v)
        for _ in range(members):
            cadre(v, role="工作队员")
        return v.code
    return build


def _no_secretary(left: dt.date):
    def build(sc):
        v = new_village(_town(sc))
        cadre(v, start=dt.date(2023, 3, 1), left=left)
        return v.code
    return build


def _unit(*, secretary: bool):
    def build(sc):
        v = new_village(_town(sc))
        name = f"县直单位{v.code}"
        assist_unit(v, name)
        cadre(v, role="第一书记" if secretary else "工作队员", unit=name)
        return v.code
    return build


def _week(*, days=5, nights=4, leave=0, start=D - 6 * DAY):
    def build(sc):
        v = new_village(_town(sc))
        c = cadre(v, start=start)
        week(c, D, days=days, nights=nights, leave=leave)
        attendance(c, D - 7 * DAY)     # the day before the window does not count
        return v.code
    return build


def _year(*, start=dt.date(2024, 7, 1), left=None, row=True, **fields):
    def build(sc):
        v = new_village(_town(sc))
        c = cadre(v, start=start, left=left)
        if row:
            cadre_year(c, 2024, **fields)
        return v.code
    return build


def _visits(*, team_on=D - 364 * DAY, start=D - 364 * DAY):
    def build(sc):
        v = new_village(_town(sc))
        cadre(v, start=start)
        a, b = household(v, kind="脱贫户"), household(v)
        team_visit(a, team_on)
        team_visit(b, D)
        return v.code
    return build


def _campaign(*, screened: int):
    def build(sc):
        town = _town(sc)
        campaign(town, 2025, 1, dt.date(2025, 4, 1), dt.date(2025, 5, 31))
        campaign(town, 2025, 2, dt.date(2025, 6, 1), dt.date(2025, 7, 31))   # not ended at D: not judged
        v = new_village(town)
        hs = [household(v), household(v)]
        for h in hs[:screened]:
            campaign_visit(h, 2025, 1, dt.date(2025, 4, 10))
        return v.code
    return build


def _campaigns_2024(sc):
    town = _town(sc)
    campaign(town, 2024, 1, dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    return town.code


def _link(*, since=dt.date(2024, 1, 1), visits=((dt.date(2024, 5, 1), "调研指导"),)):
    def build(sc):
        v = new_village(_town(sc))
        leader_link(v, f"领导{v.code[-3:]}", since=since)
        for on, purpose in visits:
            leader_visit(v, f"领导{v.code[-3:]}", on, purpose=purpose)
        return v.code
    return build


def _unit_visits(*, main=1, others=4, holiday=0, elsewhere=False):
    def build(sc):
        v = new_village(_town(sc))
        unit = f"帮扶单位{v.code}"
        assist_unit(v, unit)
        target = new_village(_town(sc)) if elsewhere else v
        for i in range(main):
            leader_visit(target, "主要负责人", dt.date(2024, 3, 1 + i), role="帮扶单位主要负责同志", unit=unit)
        for i in range(others):
            leader_visit(v, f"副职{i}", dt.date(2024, 5, 1), role="帮扶单位其他班子成员", unit=unit)
        for i in range(holiday):
            leader_visit(v, f"副职{i}", dt.date(2024, 2, 1), role="帮扶单位其他班子成员", unit=unit,
                         purpose="节日走访慰问")
        return v.code
    return build


def _weekly(on):
    def build(sc):
        v = new_village(_town(sc))
        household(v)
        if on is not None:
            meeting(v, on)
        return v.code
    return build


def _stale_list(sc):
    """The county's latest 民政 list is 32 days old at D (the period is 31 days): the county's finding. A newer
    list of the scenario's background (the demo's) is dated back to that day: only the batch's date moves, the
    facts the other rules read keep theirs."""
    county = _town(sc).parent
    stale = D - 32 * DAY
    Batch.objects.filter(format="dept.mz_assistance", region_code=county.code, as_of__gt=stale).update(as_of=stale)
    make_batch("mz_assistance", as_of=stale, region_code=county.code)
    return county.code


def _assist(on):
    """A 定点帮扶 village with its 周三帮扶日 on `on` (None: never)."""
    def build(sc):
        v = new_village(_town(sc))
        assist_unit(v, f"县直单位{v.code}")
        if on is not None:
            assist_day(household(v), on)
        return v.code
    return build


def _no_joint_meeting(sc):
    """The county's last 联席会议 32 days before D (the period is 31 days): the background's newer ones are dated
    back to that day, as `_stale_list` does with the lists."""
    from ..models import Meeting

    county = _town(sc).parent
    old = D - 32 * DAY
    Meeting.objects.filter(region_code__startswith=county.code[:6], kind="部门数据比对联席会议",
                           held_on__gt=old).update(held_on=old)
    meeting(county, old, kind="部门数据比对联席会议")
    return county.code


TWO_YEARS = dt.date(2026, 2, 28)   # a term from 2024-03-01 is 2 years when it ends on 2026-02-28

CASES = [
    ("ST-TERM-SHORT", "2 years to the day", _cadre(end=TWO_YEARS), False),
    ("ST-TERM-SHORT", "a day short", _cadre(end=TWO_YEARS - DAY), True),
    ("ST-TERM-SHORT", "left early", _cadre(left=dt.date(2025, 3, 1)), True),
    ("ST-TERM-SHORT", "starts after D", _cadre(start=D + DAY, end=D + 10 * DAY), False),
    ("ST-NOT-ROTATED", "term ended the day before D", _cadre(start=dt.date(2023, 6, 30), end=D - DAY), True),
    ("ST-NOT-ROTATED", "term ends on D", _cadre(start=dt.date(2023, 7, 1), end=D), False),
    ("ST-NOT-ROTATED", "rotated", _cadre(start=dt.date(2023, 1, 1), end=D - DAY, left=D - DAY), False),
    ("ST-NO-SECRETARY", "left on D", _no_secretary(D), True),
    ("ST-NO-SECRETARY", "leaves the day after D", _no_secretary(D + DAY), False),
    ("ST-SECRETARY-QUALIFY", "probationary member", _cadre(party="中共预备党员"), True),
    ("ST-SECRETARY-QUALIFY", "1 year of membership to the day", _cadre(party_since=dt.date(2023, 3, 1)), False),
    ("ST-SECRETARY-QUALIFY", "a day short of 1 year", _cadre(party_since=dt.date(2023, 3, 2)), True),
    ("ST-SECRETARY-QUALIFY", "a day short of 2 years' work", _cadre(work_since=dt.date(2022, 3, 2)), True),
    ("ST-SECRETARY-QUALIFY", "team member not a member", _cadre(role="工作队员", party="非中共党员"), False),
    ("ST-MEMBER-QUALIFY", "nursing", _cadre(role="工作队员", nursing=True), True),
    ("ST-MEMBER-QUALIFY", "not on the staff", _cadre(role="工作队员", on_staff=False), True),
    ("ST-MEMBER-QUALIFY", "nursing, left before D", _cadre(role="工作队员", nursing=True, left=D - DAY), False),
    ("ST-TEAM-SIZE", "one member", _team(1), True),
    ("ST-TEAM-SIZE", "two members", _team(2), False),
    ("ST-TEAM-SIZE", "secretary alone", _team(0), False),
    ("ST-UNIT-SECRETARY", "unit with a secretary", _unit(secretary=True), False),
    ("ST-UNIT-SECRETARY", "unit with a member only", _unit(secretary=False), True),
    ("ST-FIVE-FOUR", "five days four nights", _week(), False),
    ("ST-FIVE-FOUR", "four days", _week(days=4), True),
    ("ST-FIVE-FOUR", "three nights", _week(nights=3), True),
    ("ST-FIVE-FOUR", "three days, two of leave", _week(days=3, nights=2, leave=2), False),
    ("ST-FIVE-FOUR", "started within the week", _week(days=0, start=D - 5 * DAY), False),
    ("ST-TRAINING", "trained", _year(), False),
    ("ST-TRAINING", "not trained", _year(trained_on=None), True),
    ("ST-TRAINING", "started 2024-07-02", _year(start=dt.date(2024, 7, 2), row=False), False),
    ("ST-TRAINING", "left 2024-12-31", _year(start=dt.date(2023, 1, 1), left=dt.date(2024, 12, 31), row=False),
     False),
    ("ST-REPORT", "second half missing", _year(report_h2=False), True),
    ("ST-REPORT", "no row", _year(row=False), True),
    ("ST-REPORT", "both reports", _year(), False),
    ("ST-ASSESSMENT", "not assessed", _year(assessment="未考核"), True),
    ("ST-ASSESSMENT", "assessed", _year(assessment="优秀"), False),
    ("ST-CARE", "not insured", _year(insured=False), True),
    ("ST-CARE", "no health check", _year(health_check_on=None), True),
    ("ST-CARE", "both", _year(), False),
    ("ST-VISIT-ALL", "every household within the year", _visits(), False),
    ("ST-VISIT-ALL", "a visit 365 days before D", _visits(team_on=D - 365 * DAY), True),
    ("ST-VISIT-ALL", "team there for less than a year", _visits(team_on=D - 365 * DAY, start=D - 363 * DAY), False),
    ("CAMPAIGN-COVERAGE", "every household screened", _campaign(screened=2), False),
    ("CAMPAIGN-COVERAGE", "one of two", _campaign(screened=1), True),
    ("CAMPAIGN-TWICE", "one campaign in 2024", _campaigns_2024, True),
    ("LEADER-LINK-VISIT", "guided in 2024", _link(), False),
    ("LEADER-LINK-VISIT", "holiday greeting only", _link(visits=((dt.date(2024, 2, 1), "节日走访慰问"),)), True),
    ("LEADER-LINK-VISIT", "guided in 2025 only", _link(visits=((dt.date(2025, 1, 2), "调研指导"),)), True),
    ("LEADER-LINK-VISIT", "linked from 2024-07-02", _link(since=dt.date(2024, 7, 2), visits=()), False),
    ("UNIT-MAIN-VISIT", "main leader came", _unit_visits(), False),
    ("UNIT-MAIN-VISIT", "main leader did not", _unit_visits(main=0), True),
    ("UNIT-MAIN-VISIT", "main leader went to another village", _unit_visits(elsewhere=True), True),
    ("UNIT-LEADER-VISITS", "four visits", _unit_visits(others=4), False),
    ("UNIT-LEADER-VISITS", "three visits and a greeting", _unit_visits(others=3, holiday=1), True),
    ("MEET-WEEKLY", "reviewed D-6", _weekly(D - 6 * DAY), False),
    ("MEET-WEEKLY", "reviewed D-7", _weekly(D - 7 * DAY), True),
    ("MEET-WEEKLY", "keeps no review ledger", _weekly(None), False),
    ("DEPT-LIST-STALE", "a list 32 days old", _stale_list, True),
    ("ASSIST-DAY-WEEKLY", "last Wednesday 2025-06-25", _assist(dt.date(2025, 6, 25)), False),
    ("ASSIST-DAY-WEEKLY", "the Wednesday before only", _assist(dt.date(2025, 6, 18)), True),
    ("ASSIST-DAY-WEEKLY", "never", _assist(None), True),
    ("MEET-JOINT-MONTHLY", "last 联席会议 32 days before", _no_joint_meeting, True),
]
