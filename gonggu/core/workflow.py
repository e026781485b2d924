"""The one transition-table engine of every procedure (monitoring's identification, elimination and 兜底保障户
designation; 三保障's 危房改造 and 控辍保学; project funds; warning verification; assessment 整改).

A procedure is a `Workflow`: a status field and a table of `Transition`s. A transition names its source
statuses, its target, and its guards — named functions `guard(obj, ctx) -> str | None` that return the reason
in Chinese when the step must be refused, the first guard saying who may act. Each transition is carried out
by exactly one service, registered on the table with `Workflow.service`, which calls `check` before changing
anything, so a refused step changes nothing. Views and templates read the table (labels, form fields, the
registered service) instead of naming steps themselves: adding a step is one row and one service.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import UserFacingError


@dataclass
class Ctx:
    """What a guard may look at besides the object: who acts, on which date, with which form data."""

    user: Any
    today: dt.date
    data: dict = field(default_factory=dict)


Guard = Callable[[Any, Ctx], "str | None"]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    guards: tuple[Guard, ...]
    level: str = ""                    # village / township / county / reviewer: work queues and step forms
    fields: tuple[str, ...] = ()       # what the step's form records (model fields, "on", "reason", …)
    form: str = ""                     # the step's form class, by its name in the app's forms module
    hint: str = ""                     # one line shown above the step's form


def T(name: str, label: str, sources, target: str, *guards: Guard, level: str = "",
      fields: Iterable[str] = (), form: str = "", hint: str = "") -> Transition:
    """A table row; `sources` is one status or a collection of them (empty: the step creates the object)."""
    src = frozenset(sources if isinstance(sources, set | frozenset | list | tuple) else {sources})
    return Transition(name, label, src, target, tuple(guards), level, tuple(fields), form, hint)


def call_service(service: Callable, **available):
    """Call a step's service with the keyword arguments it declares, taken from `available` (the object under
    its names, the user, the step form's data); the rest is not the service's business."""
    params = inspect.signature(service).parameters
    return service(**{k: v for k, v in available.items() if k in params})


def _display(obj) -> str:
    return obj.get_status_display()


class Workflow(Mapping):
    """One procedure's transition table, read like a dict of name → `Transition`.

    `refusal` words the refusal of a step from a status it does not leave ({status}, {label}), or is a function
    `(obj, transition) -> str` when the wording needs more (say, the statuses the step leaves);
    `status_label(obj)` names the object's status for it.
    """

    def __init__(self, name: str, transitions: Iterable[Transition], *,
                 refusal: str | Callable[[Any, Transition], str] = "当前状态为「{status}」，不能办理「{label}」。",
                 status_label: Callable[[Any], str] = _display):
        self.name = name
        self._table = {t.name: t for t in transitions}
        self.refusal = refusal
        self.status_label = status_label
        # name → the one service that carries the step out (filled by `service`).
        self.services: dict[str, Callable] = {}

    # Mapping
    def __getitem__(self, name: str) -> Transition:
        return self._table[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"Workflow({self.name!r}, {list(self._table)})"

    def service(self, name: str):
        """Decorator: register the service of step `name` (exactly one per step)."""
        if name not in self._table:
            raise KeyError(f"{self.name}: no transition {name!r}")

        def register(fn):
            if name in self.services:
                raise ValueError(f"{self.name}.{name} already has a service: {self.services[name].__name__}")
            self.services[name] = fn
            return fn

        return register

    def status_refusal(self, obj, t: Transition) -> str:
        if callable(self.refusal):
            return self.refusal(obj, t)
        return self.refusal.format(status=self.status_label(obj), label=t.label)

    def reasons(self, name: str, obj, ctx: Ctx, *, skip_status: bool = False) -> list[str]:
        """Every reason that refuses step `name` now (empty: it may be done)."""
        t = self._table[name]
        found = []
        if not skip_status and t.sources and obj.status not in t.sources:
            found.append(self.status_refusal(obj, t))
        for guard in t.guards:
            reason = guard(obj, ctx)
            if reason:
                found.append(reason)
        return found

    def check(self, name: str, obj, ctx: Ctx, *, skip_status: bool = False) -> None:
        """Raise UserFacingError with the first reason that refuses the step; changes nothing.

        The status is checked first and the guards in their order, so the first reason is the one a
        person has to deal with first; later guards may rely on the earlier ones having passed."""
        t = self._table[name]
        if not skip_status and t.sources and obj.status not in t.sources:
            raise UserFacingError(self.status_refusal(obj, t))
        for guard in t.guards:
            reason = guard(obj, ctx)
            if reason:
                raise UserFacingError(reason)

    def check_all(self, name: str, obj, ctx: Ctx, *, sep: str = "；") -> None:
        """Like `check`, but one refusal names every failing guard after the first, so a form page shows all
        that is missing at once. A wrong status or a first guard (who may act) that refuses still comes alone:
        nothing else matters to a person until those pass."""
        t = self._table[name]
        if t.sources and obj.status not in t.sources:
            raise UserFacingError(self.status_refusal(obj, t))
        if t.guards and (actor := t.guards[0](obj, ctx)):
            raise UserFacingError(actor)
        found = [reason for guard in t.guards[1:] if (reason := guard(obj, ctx))]
        if found:
            raise UserFacingError(sep.join(found))

    def may_act(self, name: str, obj, ctx: Ctx) -> bool:
        """Whether the first guard (who may act) lets this user take step `name` at all."""
        t = self._table[name]
        return not t.guards or t.guards[0](obj, ctx) is None

    def available(self, obj, user, today: dt.date) -> list[Transition]:
        """Steps that leave the object's status and whose first guard (who may act) lets this user act."""
        ctx = Ctx(user=user, today=today)
        return [t for t in self._table.values()
                if t.sources and obj.status in t.sources and (not t.guards or t.guards[0](obj, ctx) is None)]
