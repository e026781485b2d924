"""Test helpers for the welfare ledgers: rows written directly, as an import or the form would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..models import DibaoGrace, TemporaryAssistance


def grace(person, start: dt.date, end: dt.date | None = None) -> DibaoGrace:
    return DibaoGrace.objects.create(region_code=person.region_code, household_id=person.household_id,
                                     id_number=person.id_number, start_on=start, end_on=end,
                                     reason="就业后家庭人均收入超过低保标准")


def temporary(person, granted: dt.date, amount: str, *, approver: str = "乡镇（街道）", filed: bool = True,
              cause: str = "因病") -> TemporaryAssistance:
    return TemporaryAssistance.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, granted_on=granted, amount=Decimal(amount), cause=cause, approver=approver,
        filed=filed)
