"""Sections of a page contributed by the apps above the page's owner (the household page, a monitoring record's page).

The owner must not import the apps built on it; each of those registers a panel — a title, a template, and a
function giving the template's context for one user and one record (None when it has nothing to show) — and the
page renders every panel in order, the template given its context as `panel`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable[[object, object], dict | None]   # (user, record) -> context, or None: not shown
    order: int = 100


class Panels:
    """The panels of one page, by key (registering a key again replaces its panel)."""

    def __init__(self) -> None:
        self._by_key: dict[str, Panel] = {}

    def register(self, panel: Panel) -> Panel:
        self._by_key[panel.key] = panel
        return panel

    def ordered(self) -> list[Panel]:
        return sorted(self._by_key.values(), key=lambda p: (p.order, p.key))

    def shown(self, user, record) -> list[dict]:
        """Each panel with something to show for this record: {"panel": …, "context": …}, in order."""
        shown = []
        for panel in self.ordered():
            context = panel.context(user, record)
            if context is not None:
                shown.append({"panel": panel, "context": context})
        return shown
