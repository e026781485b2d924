"""The upload's background job: the same pipeline as the command line, with progress for the job page."""

from huey.contrib.djhuey import db_task

from gonggu.core.jobs import job_running

from .intake import intake_batch_process


@db_task()
def intake_job(job_id: int, *, batch_id: int) -> None:
    from django.urls import reverse

    with job_running(job_id) as (job, progress):
        result = intake_batch_process(batch_id=batch_id, user=job.created_by, progress=progress)
        target = result.duplicate_of or result.batch
        payload = result.as_json()
        payload["rejected"] = payload["rejected"][:100]  # all of them are on the batch page
        payload["warnings"] = payload["warnings"][:100]
        job.result = {**payload, "next_url": reverse("intake_batch", args=[target.pk])}
        job.message = result.summary().splitlines()[0]
