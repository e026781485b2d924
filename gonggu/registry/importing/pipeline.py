"""The registry format's `run` in the intake pipeline, and the command line's service (`registry_import`)."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.utils import timezone

from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import stored_name, upload_save
from gonggu.dataio.intake import (
    IntakeContext,
    IntakeFormat,
    format_get,
    intake_run,
)
from gonggu.dataio.models import IntakeBatch

from ..models import (
    REGISTRY_FORMAT,
    RegistryBatch,
)
from . import db
from .batches import validate
from .progress import Progress, Steps
from .result import RegistryResult, result_of
from .run import COMMITTED, lost_error, region_for, same_file, stage_file
from .write import finish, write_plan


def registry_import(*, path: str | Path, file_label: str | None = None, user=None, dry_run: bool = False,
                    progress: Progress | None = None) -> RegistryResult:
    """Validate and (unless `dry_run`) apply a registry file in one go: the command line's service.

    It runs the intake pipeline (`intake_run`) with the registry format, whose `run` is `registry_run`.
    A problem with the file as a whole raises UserFacingError and writes nothing; rejected rows are
    reported and the rest imported.
    """
    path = Path(path)
    label = file_label or path.name
    if not path.is_file():
        raise UserFacingError(f"文件 {label} 不存在或不是文件。")
    return intake_run(format_get(REGISTRY_FORMAT), path=path, file_label=label, user=user, dry_run=dry_run,
                      progress=progress)


def registry_run(fmt: IntakeFormat, *, path: Path, ctx: IntakeContext, dry_run: bool, progress: Progress | None,
                 stored_path: str | None, batch: IntakeBatch | None) -> RegistryResult:
    """The registry format's `run`: read, validate and plan in DuckDB, write set-based.

    Without a batch (the command line), the file is validated and, unless `dry_run`, applied as a new batch.
    With a pending batch (an upload on the pipeline's page), the batch is validated only: the registry is
    written when someone confirms it on the registry's import page (`registry_batch_apply`).
    """
    user, label = ctx.user, ctx.file_label
    if batch is not None:
        return validate(RegistryBatch.objects.get(pk=batch.pk), user=user, progress=progress, fmt=fmt)
    scope = user.scope_prefix if user is not None else None
    timings: dict[str, float] = {}
    steps = Steps(progress, timings)
    if dry_run:
        try:
            stage = stage_file(path, label, scope_prefix=scope, steps=steps)
            try:
                return result_of(fmt, stage, None, label, dry_run=True, timings=timings,
                               same_file_as=same_file(ctx.options["checksum"]))
            finally:
                stage.close()
        except Exception as exc:
            error = lost_error(exc, label)
            if error is None:
                raise
            raise error from None
    if stored_path:
        stored, sha = path, ctx.options["checksum"]   # already kept (stored_path is its name in the data dir)
    else:
        with path.open("rb") as f:
            stored, sha = upload_save(File(f, name=label), kind="registry")
    new = None
    committing = False
    try:
        with db.bulk_transaction():
            stage = stage_file(stored, label, scope_prefix=scope, steps=steps)
            try:
                new = RegistryBatch.objects.create(
                    file_name=label[:255], checksum=sha, stored_path=stored_name(stored),
                    region_code=region_for(stage.counts.counties, user),
                    status=RegistryBatch.Status.APPLYING, created_by=user, updated_by=user,
                    validated_at=timezone.now())
                same = same_file(sha, exclude=new.pk)
                write_plan(stage, new, user=user, steps=steps)
                steps.done("write")
                finish(new, stage, user=user)
                result = result_of(fmt, stage, new, label, dry_run=False, timings=timings, same_file_as=same)
            finally:
                stage.close()
            committing = True
    except UserFacingError:
        if not stored_path:
            stored.unlink(missing_ok=True)
        raise
    except Exception as exc:
        error = lost_error(exc, label, committing=new.pk if committing else None)
        if error is None:
            if not stored_path:
                stored.unlink(missing_ok=True)
            raise
        if error is COMMITTED:
            return result
        if not error.maybe_committed and not stored_path:
            stored.unlink(missing_ok=True)  # no batch refers to the kept copy
        raise error from None
    return result
