"""Reporting periods of a recurring deadline: which period a day falls in and when its report is due.

A recurrence is the dict `normalize_deadline` reads ("每年11月20日前" → {"freq": "yearly",
"month": 11, "day": 20}; "每季度" → {"freq": "quarterly"}). The report of a period is due at
the period's end unless the recurrence names a day: a yearly rule names the month and day
within the year, a monthly rule the day within the month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

FREQ_LABELS = {
    "yearly": "每年",
    "half-yearly": "每半年",
    "quarterly": "每季度",
    "monthly": "每月",
    "weekly": "每周",
    "daily": "每日",
}
# Daily "reports" are a working rhythm (每日调度), not something a unit files in the system.
SLOT_FREQUENCIES = ("yearly", "half-yearly", "quarterly", "monthly", "weekly")


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date
    due: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _day_in_month(year: int, month: int, day: int | None) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day, last)) if day else dt.date(year, month, last)


def period_of(recurrence: dict | None, on: dt.date) -> Period | None:
    """The period of `recurrence` that contains `on`, or None when it has no reporting periods."""
    freq = (recurrence or {}).get("freq")
    if freq not in SLOT_FREQUENCIES:
        return None
    y = on.year
    if freq == "yearly":
        month = int(recurrence.get("month") or 12)
        due = _day_in_month(y, month, recurrence.get("day"))
        return Period(str(y), dt.date(y, 1, 1), dt.date(y, 12, 31), due)
    if freq == "half-yearly":
        first = on.month <= 6
        start = dt.date(y, 1 if first else 7, 1)
        end = _month_end(y, 6 if first else 12)
        return Period(f"{y}-H{1 if first else 2}", start, end, end)
    if freq == "quarterly":
        q = (on.month - 1) // 3 + 1
        start = dt.date(y, 3 * q - 2, 1)
        end = _month_end(y, 3 * q)
        return Period(f"{y}-Q{q}", start, end, end)
    if freq == "monthly":
        start = dt.date(y, on.month, 1)
        end = _month_end(y, on.month)
        return Period(f"{y}-{on.month:02d}", start, end, _day_in_month(y, on.month, recurrence.get("day")))
    # weekly: ISO weeks, Monday to Sunday, due on Sunday.
    iso_year, week, weekday = on.isocalendar()
    start = on - dt.timedelta(days=weekday - 1)
    end = start + dt.timedelta(days=6)
    return Period(f"{iso_year}-W{week:02d}", start, end, end)


def recurrence_label(recurrence: dict | None) -> str:
    """"每年11月20日前", "每季度" … for pages and exports."""
    if not recurrence:
        return ""
    freq = recurrence.get("freq")
    label = FREQ_LABELS.get(freq, freq or "")
    if freq == "yearly" and recurrence.get("month"):
        label += f"{recurrence['month']}月"
        if recurrence.get("day"):
            label += f"{recurrence['day']}日前"
    elif freq == "monthly" and recurrence.get("day"):
        label += f"{recurrence['day']}日前"
    return label
