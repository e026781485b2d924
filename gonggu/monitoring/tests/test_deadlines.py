"""Time limits: calendar days by default, working days with the official calendar, amber and red on lists."""

import pytest

from gonggu.core.errors import UserFacingError

from .. import services as s
from ..deadlines import Clocks, add_days, clock, limits
from ..models import HolidayDay, TimeLimit
from .factories import CaseFactory, ClueFactory, household
from .test_workflow import D

pytestmark = pytest.mark.django_db


def test_defaults_are_the_seed_values():
    current = limits()
    assert {k: (v.days, v.working) for k, v in current.items()} == {
        "identify": (15, False), "entry": (10, False), "plan": (10, False)}


def test_calendar_days():
    assert add_days(D(2025, 9, 26), limits()["identify"]).date == D(2025, 10, 11)


def test_working_days_skip_the_national_day_holiday(county_admin):
    s.time_limit_set(user=county_admin, code="identify", days=15, working=True, amber_days=3)
    due = add_days(D(2025, 9, 26), limits()["identify"])
    # 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are make-up working days:
    # 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13 … 10-17, 10-20 … 10-23 = 15 working days.
    assert due.date == D(2025, 10, 23) and not due.warning


def test_unknown_year_uses_the_holiday_table_or_warns(county_admin):
    s.time_limit_set(user=county_admin, code="entry", days=3, working=True, amber_days=1)
    lim = limits()["entry"]
    due = add_days(D(2030, 1, 1), lim)   # Tue 2030-01-01: 01-02, 01-03, 01-04 are weekdays
    assert due.date == D(2030, 1, 4) and "2030 年的法定节假日安排尚未录入" in due.warning
    s.holiday_set(user=county_admin, date=D(2030, 1, 2), is_workday=False, note="示例假日")
    due = add_days(D(2030, 1, 1), lim)
    assert due.date == D(2030, 1, 7) and not due.warning


def test_colours(regions):
    lim = limits()["identify"]
    start = D(2025, 3, 1)          # due 03-16
    assert clock(lim, start, today=D(2025, 3, 12)).colour == "green"
    assert clock(lim, start, today=D(2025, 3, 13)).colour == "amber"
    assert clock(lim, start, today=D(2025, 3, 16)).colour == "amber"
    red = clock(lim, start, today=D(2025, 3, 17))
    assert red.colour == "red" and "已超期 1 天" in red.text


def test_clocks_of_cases_and_clues(regions):
    hh = household(regions["village"])
    clocks = Clocks(D(2025, 1, 30))
    pending = CaseFactory(household=hh, status="county", county_approved_on=None, discovered_on=D(2025, 1, 10))
    assert [c.code for c in clocks.for_case(pending)] == ["identify"]
    approved = CaseFactory(household=household(regions["village"]), status="monitoring", county_approved_on=D(2025, 1, 14),
                           entered_on=None, plan_on=None)
    assert [(c.code, c.colour) for c in clocks.for_case(approved)] == [("entry", "red"), ("plan", "red")]
    done = CaseFactory(household=household(regions["village"]))
    assert clocks.for_case(done) == []
    clue = ClueFactory(household=hh, discovered_on=D(2025, 1, 20))
    assert clocks.for_clue(clue)[0].colour == "green"


def test_limit_settings_need_manage_rules(village_clerk, county_admin):
    with pytest.raises(UserFacingError, match="不能修改办理时限"):
        s.time_limit_set(user=village_clerk, code="identify", days=20, working=False, amber_days=3)
    with pytest.raises(UserFacingError, match="1–90"):
        s.time_limit_set(user=county_admin, code="identify", days=0, working=False, amber_days=0)
    s.time_limit_set(user=county_admin, code="identify", days=20, working=False, amber_days=5)
    assert TimeLimit.objects.get(code="identify").days == 20
    assert limits()["identify"].days == 20
    assert not HolidayDay.objects.exists()
