"""Test helpers for department data: batches and facts written directly (no file), for rule tests.

    batch = make_batch("zj_housing", as_of=date(2025, 1, 10))
    add_fact(batch, person.id_number, name=person.name, grade="D", fact_date=date(2025, 1, 5))

Values are given by Fact column (`category`, `status`, `grade`, `fact_date`, `year`, `amount`, `amount2`,
`months`, `place`) or by the source's snapshot column names (`reason`, `self_pay`, `issue_date` …).
"""

from __future__ import annotations

import datetime as dt
import itertools

from .models import Batch, Fact
from .specs import DEPT_PREFIX, SOURCES

_seq = itertools.count(1)


def make_batch(source: str, *, as_of: dt.date, region_code: str = "", user=None, file_name: str = "") -> Batch:
    n = next(_seq)
    return Batch.objects.create(format=DEPT_PREFIX + source, as_of=as_of, region_code=region_code,
                                checksum=f"test{n:060d}", file_name=file_name or f"{source}-{n}.xlsx",
                                created_by=user, status=Batch.Status.APPLIED)


def add_fact(batch: Batch, id_number: str, *, name: str = "", row: int | None = None, **values) -> Fact:
    by_name = {f.name: f.store for f in SOURCES[batch.source].fields}
    stored = {by_name.get(k, k): v for k, v in values.items()}
    for text_field in ("category", "status", "grade", "place"):
        stored.setdefault(text_field, "")
    if row is None:
        row = batch.facts.count() + 2
    return Fact.objects.create(batch=batch, source=batch.source, as_of=batch.as_of, row_number=row,
                               id_number=id_number, name=name, **stored)


def fact(source: str, person, *, as_of: dt.date, name: str | None = None, **values) -> Fact:
    """One fact in a batch of its own (the simplest way to say "the list says …")."""
    batch = make_batch(source, as_of=as_of)
    return add_fact(batch, person if isinstance(person, str) else person.id_number,
                    name=name if name is not None else getattr(person, "name", ""), **values)
