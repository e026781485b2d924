"""Promoting a checked file: the batch, its issues and the format's rows in one transaction; a lost connection in words."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.errors import ImportConnectionLost, committed_after_loss, connection_lost
from gonggu.core.uploads import stored_name, upload_save
from gonggu.core.uploads import stored_path as kept_file

from ..models import IntakeBatch, IntakeIssue
from .results import IntakeContext, IntakeResult, Problem, Staged, Written, log

if TYPE_CHECKING:
    from .formats import IntakeFormat


# --- writing ---------------------------------------------------------------------------------------------


def _issue_rows(batch: IntakeBatch, problems: Iterable[Problem], kind: str) -> list[IntakeIssue]:
    return [IntakeIssue(batch=batch, kind=kind, row=p.row, column=p.column[:60], reason=p.reason[:300],
                        value=p.value[:100], key=p.key[:60]) for p in problems]


def _keep_file(path: Path, file_label: str, kind: str) -> str:
    """Keep a copy of a file imported from the command line; its name relative to the data directory."""
    with path.open("rb") as f:
        stored, _sha = upload_save(File(f, name=file_label), kind=kind)
    return stored_name(stored)


def _promote(fmt: IntakeFormat, ctx: IntakeContext, chunks: Iterable[Staged], result: IntakeResult, *,
             layout: dict, path: Path, stored_path: str | None,
             batch: IntakeBatch | None) -> tuple[IntakeBatch, Written]:
    """Write the checked chunks in one transaction with the batch, its issues and the audit row.

    A chunked format's rows are still being read and checked here: an error in the middle of the file rolls
    back every chunk already written, so an import is whole or nothing.
    """
    checksum = ctx.options["checksum"]
    kept = stored_path or _keep_file(path, ctx.file_label, fmt.key.split(".")[0])
    committing = False
    try:
        with transaction.atomic():
            now = timezone.now()
            if batch is None:
                batch = IntakeBatch(format=fmt.key, file_name=ctx.file_label[:255], stored_path=kept,
                                    checksum=checksum, as_of=ctx.as_of, created_by=ctx.user, updated_by=ctx.user)
            ctx.batch = batch
            batch.status = IntakeBatch.Status.APPLYING
            batch.region_code = ctx.region_code or ""
            batch.save()
            written, rows = Written(), []
            for staged in chunks:
                rows = staged.rows
                _add(written, fmt.promote(ctx, rows))
                IntakeIssue.objects.bulk_create(_issue_rows(batch, staged.problems, IntakeIssue.Kind.REJECTED),
                                                batch_size=2000)
                IntakeIssue.objects.bulk_create(_issue_rows(batch, staged.warnings, IntakeIssue.Kind.WARNING),
                                                batch_size=2000)
            batch.region_code = fmt.region_for(ctx, rows) or batch.region_code
            batch.status = IntakeBatch.Status.APPLIED
            batch.validated_at = batch.validated_at or now
            batch.applied_at = now
            batch.rows, batch.accepted = result.rows, result.accepted
            batch.rejected_rows, batch.warning_count = result.rejected_rows, len(result.warnings)
            batch.created, batch.updated = written.created, written.updated
            batch.unchanged, batch.unmatched = written.unchanged, written.unmatched
            batch.unknown_columns, batch.layout = result.unknown_columns, layout
            batch.report = {**batch.report, **written.report}
            result.written = written
            batch.message = result.summary().splitlines()[0][:2000]
            batch.updated_by = ctx.user
            batch.save()
            audit_log(user=ctx.user, action="import", object_type="intake_batch", object_id=batch.pk,
                      region_code=batch.region_code,
                      summary=(f"导入{fmt.title} {ctx.file_label}：{result.rows} 行，导入 {result.accepted}，"
                               f"拒收 {result.rejected_rows}")[:300],
                      detail={"format": fmt.key, "checksum": checksum,
                              "as_of": ctx.as_of.isoformat() if ctx.as_of else None})
            committing = True
    except IntegrityError:
        # The same file imported at the same moment by someone else (formats whose files count once).
        existing = applied_batch_of(fmt, checksum)
        if existing is None:
            raise
        if not stored_path:
            kept_file(kept).unlink(missing_ok=True)
        raise DuplicateFile(existing) from None
    except Exception as exc:
        error = _lost_error(exc, ctx.file_label, fmt=fmt, checksum=checksum, committing=committing,
                            batch_pk=batch.pk if batch is not None else None)
        if error is _COMMITTED:
            batch = IntakeBatch.objects.get(pk=batch.pk)
            return batch, Written(created=batch.created, updated=batch.updated, unchanged=batch.unchanged,
                                  unmatched=batch.unmatched, report=batch.report)
        if not stored_path and not (error is not None and error.maybe_committed):
            kept_file(kept).unlink(missing_ok=True)  # the copy kept for a batch that does not exist
        if error is None:
            raise
        raise error from None
    return batch, written


def _add(total: Written, part: Written) -> None:
    total.created += part.created
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.unmatched += part.unmatched
    total.report.update(part.report)


class DuplicateFile(Exception):
    """Raised inside the pipeline when another import of the same file committed first."""

    def __init__(self, batch: IntakeBatch):
        super().__init__(batch.pk)
        self.batch = batch


# Returned by `_lost_error` when the connection dropped while committing but the commit went through.
_COMMITTED = object()


def _lost_error(exc: BaseException, label: str, *, fmt: IntakeFormat, checksum: str, committing: bool,
                batch_pk: int | None = None):
    """The ImportConnectionLost to raise when `exc` is a dropped database connection, else None.

    A drop before the commit leaves nothing (the server rolls back); one while `committing` may have lost only
    the acknowledgement, so the database is asked on a new connection whether this very batch was applied
    (by its id: an earlier import of the same file says nothing about this one). PostgreSQL never hands out
    an id twice, even from a rolled-back transaction.
    """
    reason = connection_lost(exc)
    if reason is None:
        return None
    state = False
    if committing and batch_pk is not None:
        state = committed_after_loss(lambda: IntakeBatch.objects.filter(
            pk=batch_pk, checksum=checksum, status=IntakeBatch.Status.APPLIED).exists())
    if state:
        log.warning("import of %s (%s): connection lost after the commit went through: %s", label, fmt.key, reason)
        return _COMMITTED
    log.warning("import of %s (%s): database connection lost: %s", label, fmt.key, reason)
    return ImportConnectionLost(reason, maybe_committed=state is None)

def applied_batch_of(fmt: IntakeFormat, checksum: str, *, exclude: int | None = None) -> IntakeBatch | None:
    qs = IntakeBatch.objects.filter(format=fmt.key, checksum=checksum, status=IntakeBatch.Status.APPLIED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("id").first()
