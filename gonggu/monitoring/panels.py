"""Sections of the case page contributed by the apps built on monitoring (e.g. the meetings that discussed the
case): monitoring must not import them, so each registers a panel — a title, a template and a function giving
the template's context for one case and user (None: not shown) — and the case page renders every panel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: str
    template: str
    context: Callable[[object, object], dict | None]   # (user, case) -> context, or None: not shown
    order: int = 100


CASE_PANELS: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> CasePanel:
    CASE_PANELS[panel.key] = panel
    return panel


def case_panels(user, case) -> list[dict]:
    shown = []
    for panel in sorted(CASE_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user, case)
        if context is not None:
            shown.append({"panel": panel, "context": context})
    return shown
