"""Test helpers for the credit ledgers: rows written directly, as an import or the form would."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from ..models import Loan, LoanDemand

_numbers = itertools.count(1)


def loan(person, amount: str = "50000", *, issued: dt.date = dt.date(2025, 1, 10), due: dt.date = dt.date(2028, 1, 10),
         subsidised: str | None = None, **fields) -> Loan:
    return Loan.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, loan_no=fields.pop("loan_no", f"XD{next(_numbers):06d}"), bank="县农商银行",
        amount=Decimal(amount), issued_on=issued, due_on=due, purpose="养殖业",
        subsidised_amount=Decimal(subsidised if subsidised is not None else min(Decimal(amount), Decimal(50000))),
        **fields)


def demand(person, surveyed: dt.date, *, willing: bool = True, eligible: bool = True) -> LoanDemand:
    return LoanDemand.objects.create(
        region_code=person.region_code, household_id=person.household_id, id_number=person.id_number,
        surveyed_on=surveyed, willing=willing, eligible=eligible, amount_wanted=Decimal("50000"))
