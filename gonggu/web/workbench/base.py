"""The provider interface of the workbench and the one ordering every item follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import cached_property

from gonggu.core.codes import Level

# Within this many days an item counts as 临期 (due soon); past its date it is 逾期 (overdue).
SOON_DAYS = 7


@dataclass(frozen=True)
class WorkItem:
    title: str                       # in the user's words: 核实预警、县级审批 …
    url: str                         # where the work is done
    due: dt.date | None = None       # the deadline the item is held to; None: no time limit
    count: int | None = None         # for a grouped item (预警 12 条); None for one thing
    detail: str = ""                 # whose, which village, why
    area: str = ""                   # the work area that contributed it (监测帮扶、筛查预警 …)

    def urgency(self, today: dt.date) -> str:
        if self.due is None:
            return "open"
        if self.due < today:
            return "overdue"
        if self.due <= today + dt.timedelta(days=SOON_DAYS):
            return "soon"
        return "later"


URGENCY = {"overdue": (0, "逾期", "red"), "soon": (1, "临期", "amber"), "later": (2, "待办", "green"),
           "open": (3, "待办", "grey")}


@dataclass
class WorkContext:
    user: object
    today: dt.date

    @cached_property
    def level(self) -> str | None:
        region = self.user.region
        if region is None:
            # A system administrator without a region works as the county does.
            return Level.COUNTY if self.user.is_superuser else None
        return region.level

    @property
    def prefix(self) -> str | None:
        return self.user.scope_prefix

    def can(self, perm) -> bool:
        return self.user.has_perm_code(perm)


@dataclass(frozen=True)
class Provider:
    area: str
    fn: Callable[[WorkContext], Iterable[WorkItem]]


PROVIDERS: list[Provider] = []


def provider(area: str):
    """Register a work area's provider: `@provider("监测帮扶") def monitoring_items(ctx): ...`."""

    def register(fn):
        PROVIDERS.append(Provider(area, fn))
        return fn

    return register


@dataclass(frozen=True)
class Shown:
    item: WorkItem
    urgency: str
    label: str
    colour: str
    days: int | None        # days left (negative: overdue by)

    @property
    def late(self) -> int:
        return -self.days if self.days is not None and self.days < 0 else 0


def items_for(user, *, today: dt.date) -> list[Shown]:
    """Every provider's items for the user, overdue first, then by deadline; items without one last."""
    from . import providers  # noqa: F401  (registers the providers)

    ctx = WorkContext(user, today)
    shown = []
    for p in PROVIDERS:
        for item in p.fn(ctx):
            if not item.area:
                item = WorkItem(item.title, item.url, item.due, item.count, item.detail, p.area)
            urgency = item.urgency(today)
            _order, label, colour = URGENCY[urgency]
            shown.append(Shown(item, urgency, label, colour, (item.due - today).days if item.due else None))
    shown.sort(key=lambda s: (URGENCY[s.urgency][0], s.item.due or dt.date.max, s.item.area, s.item.title))
    return shown


def month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)
