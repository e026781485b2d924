"""Reads of intake batches: scoped to the user's region and to the formats the user may import."""

from __future__ import annotations

from django.db.models import QuerySet

from gonggu.core.access import get_in_scope
from gonggu.core.codes import in_scope_q

from .intake import FORMATS, formats_for_user
from .models import IntakeBatch, IntakeIssue


def intake_batches_for_user(user, *, format_key: str = "") -> QuerySet[IntakeBatch]:
    allowed = [f.key for f in formats_for_user(user)]
    qs = IntakeBatch.objects.select_related("created_by").filter(in_scope_q("region_code", user.scope_prefix))
    if len(allowed) < len(FORMATS):
        qs = qs.filter(format__in=allowed)
    if format_key:
        qs = qs.filter(format=format_key)
    return qs.order_by("-created_at", "-id")


def intake_batch_get_for_user(user, pk: int) -> IntakeBatch:
    return get_in_scope(intake_batches_for_user(user), user, pk, what="批次", field=None)


def intake_batch_issues(batch: IntakeBatch, kind: str) -> QuerySet[IntakeIssue]:
    return batch.issues.filter(kind=kind).order_by("row", "id")
