"""Time limits of the procedure and the clocks shown on every list.

Seed 001 第三部分 一(二)2④ and 3①: from the day a risk clue is found to identification, generally no more
than 15 days; entry in the system within 10 days of county approval; a 帮扶责任人 and the assistance plan
within 10 days of county approval. The limits are deployment parameters (`TimeLimit`), counted in
calendar days by default (seed-rules §1: 天 = calendar days unless the text says 工作日) or in working
days with the official holiday calendar. `chinese_calendar` only knows the years published before its
release; for later years the deployment keeps `HolidayDay` rows, and a clock that crosses into a year
known to neither says so instead of guessing silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone

from .models import HolidayDay, TimeLimit


@dataclass(frozen=True)
class LimitDef:
    code: str
    label: str
    start: str   # what starts the clock
    end: str     # what stops it
    days: int
    source: str


LIMIT_DEFS = {
    "identify": LimitDef("identify", "识别认定时限", "发现风险线索", "县级审批", 15, "001 第三部分 一(二)2④"),
    "entry": LimitDef("entry", "录入建档时限", "县级审批", "录入系统", 10, "001 第三部分 一(二)2④"),
    "plan": LimitDef("plan", "帮扶责任人和帮扶计划时限", "县级审批", "明确帮扶责任人并制定帮扶计划", 10,
                     "001 第三部分 一(二)3①"),
}


@dataclass(frozen=True)
class Limit:
    code: str
    label: str
    days: int
    working: bool
    amber_days: int

    @property
    def describe(self) -> str:
        return f"{self.days} 个{'工作日' if self.working else '自然日'}"


def limits() -> dict[str, Limit]:
    """The limits in force: the seed's defaults, overridden by the deployment's `TimeLimit` rows."""
    rows = {r.code: r for r in TimeLimit.objects.all()}
    result = {}
    for code, d in LIMIT_DEFS.items():
        row = rows.get(code)
        if row is None:
            result[code] = Limit(code, d.label, d.days, False, 3)
        else:
            result[code] = Limit(code, d.label, row.days, row.day_kind == TimeLimit.DayKind.WORKING,
                                 row.amber_days)
    return result


class UnknownCalendarYear(Exception):
    pass


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    """Official calendar: the deployment's table first, then chinese_calendar; unknown years raise."""
    if day in overrides:
        return overrides[day]
    if _package_knows(day.year):
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    raise UnknownCalendarYear(day.year)


def holiday_overrides() -> dict[dt.date, bool]:
    return dict(HolidayDay.objects.values_list("date", "is_workday"))


def years_with_table(overrides: dict[dt.date, bool]) -> set[int]:
    return {d.year for d in overrides}


@dataclass(frozen=True)
class Due:
    date: dt.date
    warning: str = ""   # a working-day clock that had to guess (year unknown to the calendar)


def add_days(start: dt.date, limit: Limit, overrides: dict[dt.date, bool] | None = None) -> Due:
    """The last allowed day: start + N calendar days, or the N-th working day after start."""
    if not limit.working:
        return Due(start + dt.timedelta(days=limit.days))
    overrides = holiday_overrides() if overrides is None else overrides
    known_by_table = years_with_table(overrides)
    day, counted, warning = start, 0, ""
    while counted < limit.days:
        day += dt.timedelta(days=1)
        try:
            work = is_workday(day, overrides)
        except UnknownCalendarYear:
            if day.year not in known_by_table:
                warning = (f"{day.year} 年的法定节假日安排尚未录入（节假日表和日历组件都没有），"
                           "该年按周一至周五计算工作日，请在“办理时限”页面补录。")
            work = day.weekday() < 5
        if work:
            counted += 1
    return Due(day, warning)


@dataclass(frozen=True)
class Clock:
    """One running time limit of a case, as shown on lists: colour and words."""

    code: str
    label: str
    due: dt.date
    colour: str       # green / amber / red
    text: str
    warning: str = ""


def clock(limit: Limit, start: dt.date, *, today: dt.date | None = None,
          overrides: dict[dt.date, bool] | None = None) -> Clock:
    today = today or timezone.localdate()
    due = add_days(start, limit, overrides)
    left = (due.date - today).days
    if left < 0:
        colour, text = "red", f"{limit.label}已超期 {-left} 天（{limit.describe}，应于 {due.date:%m-%d} 前）"
    elif left <= limit.amber_days:
        colour, text = "amber", f"{limit.label}剩 {left} 天（{due.date:%m-%d} 到期）"
    else:
        colour, text = "green", f"{limit.label}剩 {left} 天"
    return Clock(limit.code, limit.label, due.date, colour, text, due.warning)


class Clocks:
    """Computes the clocks of many cases with one read of the limits and the holiday table."""

    def __init__(self, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        self.limits = limits()
        self._overrides: dict[dt.date, bool] | None = None

    @property
    def overrides(self) -> dict[dt.date, bool]:
        if self._overrides is None:
            self._overrides = holiday_overrides() if any(lim.working for lim in self.limits.values()) else {}
        return self._overrides

    def due(self, code: str, start: dt.date) -> dt.date:
        return add_days(start, self.limits[code], self.overrides).date

    def for_clue(self, clue) -> list[Clock]:
        if clue.status != clue.Status.NEW:
            return []
        return [clock(self.limits["identify"], clue.discovered_on, today=self.today, overrides=self.overrides)]

    def for_case(self, case) -> list[Clock]:
        from .workflow import CASE_APPROVED_OPEN, CASE_PENDING

        result = []
        if case.status in CASE_PENDING and case.discovered_on:
            result.append(clock(self.limits["identify"], case.discovered_on, today=self.today,
                                overrides=self.overrides))
        if case.status in CASE_APPROVED_OPEN and case.county_approved_on:
            if case.entered_on is None:
                result.append(clock(self.limits["entry"], case.county_approved_on, today=self.today,
                                    overrides=self.overrides))
        if (case.status in CASE_APPROVED_OPEN and case.county_approved_on
                and (case.plan_on is None or not case.officer_display)):
            result.append(clock(self.limits["plan"], case.county_approved_on, today=self.today,
                                overrides=self.overrides))
        return result

    def worst(self, clocks: list[Clock]) -> str:
        order = {"red": 0, "amber": 1, "green": 2}
        return min((c.colour for c in clocks), key=order.get, default="")
