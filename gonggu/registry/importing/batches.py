"""The web flow of a registry import: upload, validate, apply a batch; release one a dead worker held; decide on
missing persons."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError, connection_lost
from gonggu.core.uploads import stored_path
from gonggu.dataio.intake import (
    IntakeFormat,
    format_get,
    intake_upload,
)

from ..choices import PersonStatus
from ..models import (
    REGISTRY_FORMAT,
    Person,
    RegistryBatch,
    RegistryBatchMissing,
)
from . import db
from .progress import Progress, Steps
from .result import RegistryResult, result_of
from .run import COMMITTED, lost_error, region_for, same_file, stage_file
from .write import fill_batch, finish, write_plan, write_report


def registry_batch_upload(*, uploaded, user) -> RegistryBatch:
    """Keep the uploaded original as a pending batch of the pipeline; validation runs as a background job."""
    batch = intake_upload(format_key=REGISTRY_FORMAT, user=user, uploaded=uploaded)
    return RegistryBatch.objects.get(pk=batch.pk)


def _fail(batch_id: int, message: str) -> None:
    RegistryBatch.objects.filter(pk=batch_id).update(status=RegistryBatch.Status.FAILED, message=message,
                                                     updated_at=timezone.now())


def _fail_if_reachable(batch_id: int, message: str, *, status: str) -> None:
    """After a dropped connection: mark the batch failed if it is still in `status` (a batch whose commit went
    through is left as it is) — when the database can be reached again; if not, the error says it all."""
    try:
        RegistryBatch.objects.filter(pk=batch_id, status=status).update(
            status=RegistryBatch.Status.FAILED, message=message, updated_at=timezone.now())
    except Exception as exc:
        if connection_lost(exc) is None:
            raise


def registry_batch_release(*, batch_id: int, reason: str) -> bool:
    """A batch claimed for import by a worker that died: back to "validated", so the same file can be confirmed
    again without uploading it again. The import is one transaction, so a dead worker wrote nothing; a batch
    whose import committed is "applied" and left alone."""
    released = RegistryBatch.objects.filter(pk=batch_id, status=RegistryBatch.Status.APPLYING).update(
        status=RegistryBatch.Status.VALIDATED, message=reason, updated_at=timezone.now())
    return bool(released)


def registry_batch_validate(*, batch_id: int, user, progress: Progress | None = None) -> RegistryBatch:
    """Check the batch's file against the registry and store the report; the registry itself is not written."""
    return validate(RegistryBatch.objects.get(pk=batch_id), user=user, progress=progress).batch


def validate(batch: RegistryBatch, *, user, progress: Progress | None,
              fmt: IntakeFormat | None = None) -> RegistryResult:
    timings: dict[str, float] = {}
    steps = Steps(progress, timings)
    batch_id = batch.pk
    try:
        stage = stage_file(stored_path(batch.stored_path), batch.file_name, scope_prefix=user.scope_prefix, steps=steps)
        try:
            with transaction.atomic():
                batch.status = RegistryBatch.Status.VALIDATED
                batch.validated_at = timezone.now()
                batch.region_code = (region_for(stage.counts.counties, user) if stage.counts.counties
                                     else batch.region_code)
                fill_batch(batch, stage)
                same = same_file(batch.checksum, exclude=batch.pk)
                if same:
                    batch.report["same_file_as"] = same
                batch.message = "已校验，待确认：核对报告后在“导入农户台账”的批次页面确认导入。"
                batch.updated_by = user
                batch.save()
                write_report(stage, batch)
            result = result_of(fmt or format_get(REGISTRY_FORMAT), stage, batch, batch.file_name, dry_run=True,
                             timings=timings, same_file_as=same)
        finally:
            stage.close()
    except UserFacingError as exc:
        _fail(batch_id, exc.message)
        raise
    except Exception as exc:
        # Validation writes only the batch's report, never the registry: a drop while committing either saved
        # the report (the batch is validated, and stays so) or not (still pending: marked failed here).
        error = lost_error(exc, batch.file_name)
        if error is None:
            raise
        _fail_if_reachable(batch_id, error.message, status=RegistryBatch.Status.PENDING)
        raise error from None
    return result


def registry_batch_apply(*, batch_id: int, user, progress: Progress | None = None) -> RegistryBatch:
    """Apply a validated batch: the file is checked again against the registry as it is now, then written."""
    try:
        with transaction.atomic():
            claimed = RegistryBatch.objects.filter(pk=batch_id, status=RegistryBatch.Status.VALIDATED).update(
                status=RegistryBatch.Status.APPLYING, updated_by=user, updated_at=timezone.now())
    except Exception as exc:
        # Nothing claimed: the batch stays validated and can be confirmed again.
        error = lost_error(exc, f"batch {batch_id}")
        if error is None:
            raise
        raise error from None
    if not claimed:
        raise UserFacingError("该批次不是“已校验、待确认”状态，不能导入（可能已经导入过）。")
    batch = RegistryBatch.objects.get(pk=batch_id)
    steps = Steps(progress, {})
    committing = False
    try:
        with db.bulk_transaction():
            stage = stage_file(stored_path(batch.stored_path), batch.file_name, scope_prefix=user.scope_prefix,
                           steps=steps)
            try:
                write_plan(stage, batch, user=user, steps=steps)
                steps.done("write")
                finish(batch, stage, user=user)
            finally:
                stage.close()
            committing = True
    except UserFacingError as exc:
        _fail(batch_id, exc.message)
        raise
    except Exception as exc:
        error = lost_error(exc, batch.file_name, committing=batch_id if committing else None)
        if error is None:
            _fail(batch_id, "导入意外失败，未写入任何数据，请联系管理员查看日志。")
            raise
        if error is COMMITTED:
            batch.refresh_from_db()
            return batch
        # Failed, not back to validated: the message stays on the batch page; the file is uploaded again.
        _fail_if_reachable(batch_id, error.message, status=RegistryBatch.Status.APPLYING)
        raise error from None
    return batch


MISSING_STATUS = {
    RegistryBatchMissing.Decision.MOVED_OUT: PersonStatus.MOVED_OUT,
    RegistryBatchMissing.Decision.DECEASED: PersonStatus.DECEASED,
}


def registry_missing_decide(*, batch: RegistryBatch, user, decisions: dict[int, str], on: dt.date | None = None,
                            request=None) -> int:
    """Record what happens to persons a re-import no longer lists: keep them, or mark them moved out or dead.

    Status changes go through simple-history (one history row per person), unlike the bulk import rows.
    """
    valid = set(RegistryBatchMissing.Decision.values)
    decisions = {int(k): v for k, v in decisions.items() if v in valid}
    if not decisions:
        return 0
    on = on or timezone.localdate()
    with transaction.atomic():
        items = list(RegistryBatchMissing.objects.select_for_update().filter(
            batch=batch, pk__in=list(decisions), decision="").select_related("person"))
        now = timezone.now()
        changed_persons = []
        for item in items:
            item.decision = decisions[item.pk]
            item.decided_at, item.decided_by = now, user
            status = MISSING_STATUS.get(item.decision)
            if status is not None and item.person.status == PersonStatus.ACTIVE:
                item.person.status, item.person.status_date = status, on
                item.person.updated_by, item.person.updated_at = user, now
                changed_persons.append(item.person)
        RegistryBatchMissing.objects.bulk_update(items, ["decision", "decided_at", "decided_by"])
        if changed_persons:
            bulk_update_with_history(changed_persons, Person, ["status", "status_date", "updated_by", "updated_at"],
                                     default_user=user, default_change_reason=f"台账导入批次 #{batch.pk} 缺失成员处理")
        batch.missing_count = RegistryBatchMissing.objects.filter(batch=batch, decision="").count()
        batch.save(update_fields=["report", "updated_at"])
        audit_log(user=user, request=request, action="update", object_type="intake_batch", object_id=batch.pk,
                  region_code=batch.region_code,
                  summary=f"处理导入批次 #{batch.pk} 的缺失成员 {len(items)} 人（迁出/死亡 {len(changed_persons)} 人）")
    return len(items)
