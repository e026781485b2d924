"""The meetings that discussed a household or a case, as sections of the household page and the case page."""

from __future__ import annotations

from gonggu.core.panels import Panel
from gonggu.monitoring.hooks import CASE_PANELS
from gonggu.registry.panels import HOUSEHOLD_PANELS

from .selectors import meetings_of_case, meetings_of_household

TEMPLATE = "stationing/panels/meetings.html"


def _household(user, household) -> dict | None:
    rows = meetings_of_household(household)
    return {"rows": rows} if rows else None


def _case(user, case) -> dict:
    return {"rows": meetings_of_case(case)}


def register() -> None:
    HOUSEHOLD_PANELS.register(Panel("meetings", "研判会议", TEMPLATE, _household, 35))
    CASE_PANELS.register(Panel("meetings", "研判会议", TEMPLATE, _case, 10))
