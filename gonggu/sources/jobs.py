import datetime as dt
from pathlib import Path

from django.urls import reverse
from huey.contrib.djhuey import db_task

from gonggu.core.errors import ImportConnectionLost, UserFacingError
from gonggu.core.jobs import job_running

from .services import batch_import


@db_task()
def import_dept_job(job_id: int, *, source: str, path: str, file_label: str, as_of: str | None,
                    batch_region: str) -> None:
    with job_running(job_id) as (job, progress):
        try:
            result = batch_import(source=source, path=path, file_label=file_label, user=job.created_by,
                                  as_of=dt.date.fromisoformat(as_of) if as_of else None, region_code=batch_region,
                                  stored_path=path, progress=progress)
        except UserFacingError as exc:
            # Nothing was imported: the upload is not an original of any batch, so it is not kept. (Unless the
            # connection dropped while committing and the database could not be asked: it may be an original.)
            if not (isinstance(exc, ImportConnectionLost) and exc.maybe_committed):
                Path(path).unlink(missing_ok=True)
            raise
        if result.duplicate_of is not None:
            # The original of that batch is already kept: drop the second copy.
            Path(path).unlink(missing_ok=True)
            target = result.duplicate_of
        else:
            target = result.batch
        payload = result.as_dict()
        payload["rejected"] = payload["rejected"][:100]  # all of them are on the batch page
        job.result = {**payload, "next_url": reverse("batch_detail", args=[target.pk])}
        job.message = result.summary
