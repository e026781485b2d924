"""Reads of department batches, scoped to the user's region (and, for department users, their department)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from gonggu.accounts.permissions import Role
from gonggu.core.access import get_in_scope
from gonggu.core.codes import in_scope_q
from gonggu.dataio.models import IntakeIssue

from .models import Batch, Fact
from .specs import DEPT_PREFIX, SOURCES, SourceDef, sources_for_department


def sources_for_user(user) -> list[SourceDef]:
    """The lists a user may import and see: their department's, or all for the county admin."""
    if user.role == Role.DEPARTMENT_USER and not user.is_superuser:
        return sources_for_department(user.department)
    return list(SOURCES.values())


def batches_for_user(user, *, source: str = "") -> QuerySet[Batch]:
    qs = Batch.objects.select_related("created_by").filter(in_scope_q("region_code", user.scope_prefix),
                                                           status=Batch.Status.APPLIED)
    allowed = [DEPT_PREFIX + s.key for s in sources_for_user(user)]
    if len(allowed) < len(SOURCES):
        qs = qs.filter(format__in=allowed)
    if source:
        qs = qs.filter(format=DEPT_PREFIX + source)
    return qs.order_by("-as_of", "-id")


def batch_get_for_user(user, pk: int) -> Batch:
    return get_in_scope(batches_for_user(user), user, pk, what="批次", field=None)


def batch_rejected_rows(batch: Batch) -> QuerySet[IntakeIssue]:
    return batch.issues.filter(kind=IntakeIssue.Kind.REJECTED).order_by("row", "id")


def batch_facts(batch: Batch) -> QuerySet[Fact]:
    return batch.facts.order_by("row_number")


def batch_matched_now(batch: Batch) -> int:
    """Rows of the batch whose number is in the registry today (re-matched on every registry change)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sources_fact f WHERE f.batch_id = %s AND EXISTS "
            "(SELECT 1 FROM registry_person p WHERE p.id_number = f.id_number)", [batch.pk])
        return cursor.fetchone()[0]


def batch_registry_names(batch: Batch, id_numbers: list[str]) -> dict[str, tuple[int, str]]:
    """Registry (household pk, name) for the numbers shown on one page of a batch: one query."""
    from gonggu.registry.models import Person

    rows = Person.objects.filter(id_number__in=id_numbers).values_list("id_number", "household_id", "name")
    return {n: (h, name) for n, h, name in rows}


def source_latest_as_of(source: str) -> dt.date | None:
    """As-of date of the latest imported batch of a department list, or None when none was imported."""
    return (Batch.objects.filter(format=DEPT_PREFIX + source, status=Batch.Status.APPLIED)
            .order_by("-as_of").values_list("as_of", flat=True).first())
