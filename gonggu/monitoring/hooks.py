"""What the work areas above monitoring add to a monitoring record: checks that hold its risk elimination back,
and sections of its page.

Monitoring cannot import the work-area apps (they are the higher layer), so each registers here from its
AppConfig.ready(): a check `fn(case, today) -> reason in Chinese | None` that the elimination procedure's guard
`no_open_linked_problems` asks (a household-level water problem still open, say), and a section — a title, a
template, and a function giving its context for one user and case (None: not shown).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gonggu.core.panels import Panels

EliminationCheck = Callable[[object, dt.date], str | None]

_elimination_checks: list[EliminationCheck] = []


def register_elimination_check(fn: EliminationCheck) -> EliminationCheck:
    """Register `fn(case, today)`; registering the same function twice has no effect. Usable as a decorator."""
    if fn not in _elimination_checks:
        _elimination_checks.append(fn)
    return fn


def elimination_checks() -> tuple[EliminationCheck, ...]:
    return tuple(_elimination_checks)


CASE_PANELS = Panels()   # sections of a monitoring record's page (`core.panels`)
