"""Test helpers for the employment ledgers: rows written directly, as an import or the form would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..models import PublicPost


def public_post(person, *, post_name: str = "村级保洁员", start: dt.date = dt.date(2025, 1, 1),
                end: dt.date | None = None, subsidy: str = "1200", placement_no: int = 1, **fields) -> PublicPost:
    return PublicPost.objects.create(
        region_code=person.region_code, person=person, household_id=person.household_id,
        id_number=person.id_number, post_name=post_name, start_date=start, end_date=end,
        monthly_subsidy=Decimal(subsidy), placement_no=placement_no, **fields)
