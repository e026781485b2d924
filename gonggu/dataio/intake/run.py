"""The pipeline's entry points: a file from the command line, an upload from a page, a batch confirmed as a job."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from gonggu.core.errors import ImportConnectionLost, UserFacingError, connection_lost
from gonggu.core.uploads import file_sha256, stored_name, upload_save
from gonggu.core.uploads import stored_path as kept_file

from ..models import IntakeBatch
from .formats import IntakeFormat, format_get
from .results import IntakeContext, IntakeResult, Progress, log
from .writing import _lost_error, applied_batch_of

# --- entry points ------------------------------------------------------------------------------------------




def intake_run(
    format_key: str | IntakeFormat,
    *,
    path: str | Path,
    file_label: str | None = None,
    user=None,
    as_of: dt.date | None = None,
    region_code: str | None = None,
    stored_path: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch: IntakeBatch | None = None,
    **options,
) -> IntakeResult:
    """Import one file of one format: the command line, the upload page's job and the demo all call this."""
    fmt = format_key if isinstance(format_key, IntakeFormat) else format_get(format_key)
    fmt.check_allowed(user)
    path = Path(path)
    label = file_label or path.name
    if not path.exists():
        raise UserFacingError(f"文件 {label} 不存在。")
    today = timezone.localdate()
    if as_of is not None and as_of > today:
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天。")
    if as_of is None and fmt.needs_as_of:
        as_of = today
    checksum = file_sha256(path)
    try:
        existing = (applied_batch_of(fmt, checksum, exclude=batch.pk if batch else None)
                    if fmt.refuse_duplicates else None)
    except Exception as exc:
        error = _lost_error(exc, label, fmt=fmt, checksum=checksum, committing=False)
        if error is None:
            raise
        raise error from None
    if existing is not None:
        return IntakeResult(format=fmt, file_label=label, rows=existing.rows, duplicate_of=existing, dry_run=dry_run)
    if region_code is None:
        region_code = user.region.code if user is not None and getattr(user, "region", None) is not None else ""
    ctx = IntakeContext(user=user, as_of=as_of, region_code=region_code, file_label=label, batch=batch,
                        options={**options, "checksum": checksum})
    try:
        return fmt.run(path=path, ctx=ctx, dry_run=dry_run, progress=progress, stored_path=stored_path,
                       batch=batch)
    except MemoryError:
        # The transaction is rolled back by then; people get the reason, not a Python exception name.
        log.warning("import of %s (%s): out of memory", label, fmt.key)
        raise UserFacingError(f"文件 {label} 太大，服务器内存不足，未导入任何数据：请按乡镇拆分后分别导入。") from None


def intake_upload(*, format_key: str, user, uploaded, as_of: dt.date | None = None, sheet: str = "") -> IntakeBatch:
    """Keep an uploaded file as a pending batch of the user's region; its job then runs the pipeline."""
    fmt = format_get(format_key)
    fmt.check_allowed(user)
    if as_of is not None and as_of > timezone.localdate():
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天。")
    path, sha = upload_save(uploaded, kind=fmt.key.split(".")[0])
    region = user.region.code if getattr(user, "region", None) is not None else ""
    return IntakeBatch.objects.create(
        format=fmt.key, file_name=Path(uploaded.name).name[:255], stored_path=stored_name(path), checksum=sha,
        as_of=as_of,
        region_code=region, created_by=user, updated_by=user, layout={"sheet": sheet} if sheet else {})


def intake_batch_process(*, batch_id: int, user, progress: Progress | None = None) -> IntakeResult:
    """The upload's job: run the pipeline on the kept file. A duplicate removes the pending batch and its copy."""
    batch = IntakeBatch.objects.get(pk=batch_id)
    fmt = format_get(batch.format)
    try:
        result = intake_run(fmt, path=kept_file(batch.stored_path), file_label=batch.file_name, user=user,
                            as_of=batch.as_of,
                            region_code=batch.region_code, stored_path=batch.stored_path, progress=progress,
                            batch=batch, sheet=batch.layout.get("sheet") or None)
    except UserFacingError as exc:
        # Nothing was imported: the upload is the original of no batch, so neither it nor the pending batch
        # is kept (the job keeps the reason). Unless the connection dropped while committing and the database
        # could not be asked: then it may be an original.
        if not (isinstance(exc, ImportConnectionLost) and exc.maybe_committed):
            _forget_if_reachable(batch)
        raise
    if result.duplicate_of is not None:
        kept_file(batch.stored_path).unlink(missing_ok=True)
        batch.delete()
    return result


def _forget_if_reachable(batch: IntakeBatch) -> None:
    try:
        IntakeBatch.objects.filter(pk=batch.pk, status=IntakeBatch.Status.PENDING).delete()
    except Exception as exc:
        if connection_lost(exc) is None:
            raise
        return
    kept_file(batch.stored_path).unlink(missing_ok=True)
