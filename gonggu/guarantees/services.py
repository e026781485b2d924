"""Every step of the 危房改造 and 控辍保学 procedures, and the field records (劝返, 送教上门), as services.

One service per transition of `workflow.py`: it checks every guard before changing anything, writes the step's
date and values onto the ledger row and keeps the change in the row's history under the user's name, with the
step as the reason of the change. Views call `step_service(table, name)`; they never write rows themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from gonggu.core.errors import UserFacingError
from gonggu.core.workflow import Ctx
from gonggu.ledgers.kinds import ledger_get
from gonggu.ledgers.services import ledger_row_save

from . import workflow
from .models import DropoutFile, DropoutStatus, HousingRenovation, Persuasion


def _registered(table: str, name: str):
    return workflow.TABLES[table].service(name)


def step_service(table: str, name: str) -> Callable:
    return workflow.TABLES[table].services[name]


def _apply(table: str, name: str, row, *, user, data: dict, today: dt.date | None, note: str = ""):
    """Check the step, then write its fields and the new status in one save (history: who, when, which step)."""
    today = today or timezone.localdate()
    t = workflow.TABLES[table][name]
    with transaction.atomic():
        row = type(row).objects.select_for_update().get(pk=row.pk)
        workflow.check(table, name, row, Ctx(user=user, today=today, data=data))
        for field in t.fields:
            if field != "reason" and field in data:
                value = data[field]
                if isinstance(value, bool):   # a box left unticked on a later form does not undo an earlier yes
                    value = value or getattr(row, field)
                setattr(row, field, value)
        if note:
            row.note = (f"{row.note}；" if row.note else "") + note
        row.status = t.target
        row.updated_by = user
        row._history_user = user
        row._change_reason = t.label
        row.save()
    return row


# --- 危房改造 -------------------------------------------------------------------------------------------


@_registered("renovation", "village_review")
def renovation_village_review(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "village_review", row, user=user, data=data, today=today)


@_registered("renovation", "township_review")
def renovation_township_review(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "township_review", row, user=user, data=data, today=today)


@_registered("renovation", "county_approve")
def renovation_county_approve(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "county_approve", row, user=user, data=data, today=today)


@_registered("renovation", "start")
def renovation_start(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "start", row, user=user, data=data, today=today)


@_registered("renovation", "complete")
def renovation_complete(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "complete", row, user=user, data=data, today=today)


@_registered("renovation", "accept")
def renovation_accept(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "accept", row, user=user, data=data, today=today)


@_registered("renovation", "accept_fail")
def renovation_accept_fail(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "accept_fail", row, user=user, data=data, today=today,
                  note=f"验收未通过：{(data.get('reason') or '').strip()}")


@_registered("renovation", "pay")
def renovation_pay(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "pay", row, user=user, data=data, today=today)


@_registered("renovation", "close")
def renovation_close(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "close", row, user=user, data=data, today=today)


@_registered("renovation", "reject")
def renovation_reject(*, row: HousingRenovation, user, data: dict, today: dt.date | None = None):
    return _apply("renovation", "reject", row, user=user, data=data, today=today,
                  note=f"不予列入：{(data.get('reason') or '').strip()}")


# --- 控辍保学 -------------------------------------------------------------------------------------------


@_registered("dropout", "return")
def dropout_return(*, row: DropoutFile, user, data: dict, today: dt.date | None = None):
    return _apply("dropout", "return", row, user=user, data=data, today=today)


@_registered("dropout", "report")
def dropout_report(*, row: DropoutFile, user, data: dict, today: dt.date | None = None):
    return _apply("dropout", "report", row, user=user, data=data, today=today)


@_registered("dropout", "defer")
def dropout_defer(*, row: DropoutFile, user, data: dict, today: dt.date | None = None):
    return _apply("dropout", "defer", row, user=user, data=data, today=today)


@_registered("dropout", "close")
def dropout_close(*, row: DropoutFile, user, data: dict, today: dt.date | None = None):
    return _apply("dropout", "close", row, user=user, data=data, today=today)


def persuasion_record(*, file: DropoutFile, user, data: dict, today: dt.date | None = None) -> Persuasion:
    """One 劝返 of the file's student, entered on a phone; a return to school recorded here closes the loop."""
    today = today or timezone.localdate()
    if file.status not in (DropoutStatus.PERSUADING, DropoutStatus.REPORTED, DropoutStatus.DEFERRED):
        raise UserFacingError(f"该档案为「{file.get_status_display()}」，不再登记劝返。")
    on = data.get("persuaded_on")
    if on is None:
        raise UserFacingError("请填写劝返日期。", field="persuaded_on")
    if on > today:
        raise UserFacingError("劝返日期不能晚于今天。", field="persuaded_on")
    if on < file.found_on:
        raise UserFacingError(f"劝返日期不能早于发现辍学的日期（{file.found_on:%Y-%m-%d}）。", field="persuaded_on")
    with transaction.atomic():
        record = ledger_row_save(user=user, kind=ledger_get("persuasion"), row=None, values=data,
                                 id_number=file.id_number)
        if data.get("outcome") == "已复学":
            dropout_return(row=file, user=user, data={"returned_on": on}, today=today)
    return record
