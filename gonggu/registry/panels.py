"""Sections of the household page (一户一档) contributed by the apps above the registry.

The registry owns the page (members, incomes, changes) but must not import the apps built on it; each of
those registers a panel here — a title, a template, and a function giving the template's context for one
household and user (or None when it has nothing to show) — and the page renders every panel in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HouseholdPanel:
    key: str
    title: str
    template: str
    context: Callable[[object, object], dict | None]   # (user, household) -> context, or None: not shown
    order: int = 100


HOUSEHOLD_PANELS: dict[str, HouseholdPanel] = {}


def register_household_panel(panel: HouseholdPanel) -> HouseholdPanel:
    HOUSEHOLD_PANELS[panel.key] = panel
    return panel


def household_panels(user, household) -> list[dict]:
    shown = []
    for panel in sorted(HOUSEHOLD_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user, household)
        if context is not None:
            shown.append({"panel": panel, "context": context})
    return shown
