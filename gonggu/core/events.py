"""The one event shape: what happened to a record, by whom, when — the trail of cases, warnings, problems,
tasks and projects.

Every event table inherits `Event`: the subject (a foreign key named by `subject_field`, `related_name="events"`),
`actor` (None = the system), `action` (a value of the model's `Action` enum), `at`, the status it moved from and
to (blank when it moved none), `note`, and `payload` for anything else worth keeping. Rows are made only through
the named constructors `record` / `build` (set-based writers, such as a screening run, insert the same columns
in SQL). The `action` column carries no database choices on purpose: a procedure's actions are its workflow
table's steps, and adding a step must not need a migration — the constructor refuses an action its enum lacks.

Pages read events uniformly: `title`, `day` (the business date), `actor_display`, and `event_timeline`, the one
function that turns any model's events into timeline items (the household timeline reads them so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.Model):
    """Abstract: one step in the life of the record named by `subject_field`."""

    subject_field: ClassVar[str] = ""
    Action: ClassVar[type[models.TextChoices]]
    timeline_kind: ClassVar[str] = ""   # the timeline's 类别 for this model's events

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=30)
    at = models.DateTimeField("时间", default=timezone.now)
    from_status = models.CharField("原状态", max_length=30, blank=True)
    to_status = models.CharField("新状态", max_length=30, blank=True)
    note = models.TextField("说明", blank=True)
    payload = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.title}"

    # --- named constructors ---------------------------------------------------------------------------

    @classmethod
    def actions(cls) -> dict[str, str]:
        """Every action this model records (value → Chinese label)."""
        return dict(cls.Action.choices)

    @classmethod
    def build(cls, subject, actor, action: str, note: str = "", *, from_status: str = "", to_status: str = "",
              at: dt.datetime | None = None, payload: dict | None = None, **columns) -> Event:
        """An unsaved event (for bulk_create); `columns` are the model's own extra columns."""
        if action not in cls.actions():
            raise ValueError(f"{cls.__name__} has no action {action!r}")
        return cls(**{cls.subject_field: subject}, actor=actor, action=str(action), note=note or "",
                   from_status=str(from_status or ""), to_status=str(to_status or ""), at=at or timezone.now(),
                   payload=payload or {}, **columns)

    @classmethod
    def record(cls, subject, actor, action: str, note: str = "", **kwargs) -> Event:
        """Write one event (see `build` for the arguments)."""
        event = cls.build(subject, actor, action, note, **kwargs)
        event.save(force_insert=True)
        return event

    # --- reading --------------------------------------------------------------------------------------

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    @property
    def action_label(self) -> str:
        return self.actions().get(self.action, self.action)

    @property
    def title(self) -> str:
        """What happened, in words (a model with its own step label overrides this)."""
        return self.action_label

    @property
    def day(self) -> dt.date:
        """The business date the event belongs to (a model that records one overrides this)."""
        return timezone.localdate(self.at) if timezone.is_aware(self.at) else self.at.date()

    @property
    def actor_display(self) -> str:
        if self.actor_id is None:
            return ""
        return getattr(self.actor, "full_name", "") or self.actor.get_username()

    @property
    def kind_label(self) -> str:
        """The timeline's 类别 of this event."""
        return self.timeline_kind or str(self._meta.verbose_name)

    def subject_url(self) -> str:
        """The page of the subject, for links from a timeline ('' = none)."""
        return ""


class StepEvent(Event):
    """Abstract: an event of a procedure that keeps the step's label as it read then, the business date it
    belongs to (which may precede the row: steps entered late, imported history) and the actor's name."""

    label = models.CharField("步骤", max_length=60)
    actor_name = models.CharField("办理人姓名", max_length=150, blank=True)
    on_date = models.DateField("业务日期")

    class Meta(Event.Meta):
        abstract = True

    @classmethod
    def build(cls, subject, actor, action: str, note: str = "", *, on_date: dt.date, label: str = "",
              **kwargs) -> StepEvent:
        name = "" if actor is None else (getattr(actor, "full_name", "") or actor.get_username())
        return super().build(subject, actor, action, note, on_date=on_date, label=label or cls.actions().get(action, ""),
                             actor_name=name, **kwargs)

    @property
    def title(self) -> str:
        return self.label

    @property
    def day(self) -> dt.date:
        return self.on_date

    @property
    def actor_display(self) -> str:
        return self.actor_name


@dataclass
class TimelineItem:
    """One line of a timeline: events and the other dated facts of a record share it."""

    on: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""


def event_timeline(events: Iterable[Event]) -> list[TimelineItem]:
    """Timeline items of events of any model, read through the common fields only."""
    items = []
    for e in events:
        detail = e.note or ""
        if e.actor_display:
            detail += f"（{e.actor_display}）"
        items.append(TimelineItem(e.day, e.kind_label, e.title, detail, e.subject_url()))
    return items
