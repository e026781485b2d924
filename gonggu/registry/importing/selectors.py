"""Reads of registry import batches (intake batches of the format `registry`), scoped to the user's region
(out of scope looks exactly like missing)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from gonggu.core.codes import in_scope_q
from gonggu.core.errors import NotFoundInScope
from gonggu.dataio.models import IntakeIssue

from ..models import Household, RegistryBatch, RegistryBatchHousehold, RegistryBatchMissing


def import_batches_for_user(user) -> QuerySet[RegistryBatch]:
    return RegistryBatch.objects.filter(in_scope_q("region_code", user.scope_prefix)).select_related("created_by")


def import_batch_get_for_user(user, pk: int) -> RegistryBatch:
    batch = import_batches_for_user(user).filter(pk=pk).first()
    if batch is None:
        raise NotFoundInScope("导入批次")
    return batch


def import_batch_issues(batch: RegistryBatch, kind: str) -> QuerySet[IntakeIssue]:
    """The batch's rejected cells or warnings (its intake issues: 户编号 as the key, the masked number as the value)."""
    return IntakeIssue.objects.filter(batch=batch, kind=kind).order_by("row", "id")


def import_batch_updated(batch: RegistryBatch) -> QuerySet[RegistryBatchHousehold]:
    return (RegistryBatchHousehold.objects.filter(batch=batch).select_related("household", "household__village")
            .order_by("region_code", "household__household_no"))


def import_batch_created(batch: RegistryBatch) -> QuerySet[Household]:
    """The households the batch created (kept as runs of ids in its report)."""
    runs = (batch.report or {}).get("created_households") or []
    if not runs:
        return Household.objects.none()
    q = Q()
    for first, last in runs:
        q |= Q(pk__range=(first, last))
    return (Household.objects.filter(q).select_related("village").annotate(n_members=Count("members"))
            .order_by("region_code", "household_no"))


def import_batch_missing(batch: RegistryBatch, *, undecided_only: bool = False) -> QuerySet[RegistryBatchMissing]:
    items = RegistryBatchMissing.objects.filter(batch=batch).select_related("person", "decided_by")
    if undecided_only:
        items = items.filter(decision="")
    return items.order_by("decision", "region_code", "household_no", "id")
