"""The freeze as a background job with progress (a county's figures and drill-downs take a while)."""

from django.urls import reverse
from huey.contrib.djhuey import db_task

from gonggu.core.audit import audit_log
from gonggu.core.jobs import job_releaser, job_running
from gonggu.core.models import Job

from ..run_models import AssessmentRun
from .freeze import run_fail, run_freeze


@db_task()
def run_freeze_job(job_id: int, *, run_id: int) -> None:
    with job_running(job_id) as (job, progress):
        run = AssessmentRun.objects.get(pk=run_id)
        try:
            run = run_freeze(run, progress)
        except Exception:
            run_fail(run_id, "固定失败，本批次未写入任何数据，请重新固定。")
            raise
        # job_running ends with the in-memory counts; the throttled progress only wrote them to the row.
        job.done = job.total = run.figure_count + 1
        job.message = f"{run.name}：{run.message}"
        job.result = {"run": run.pk, "next_url": reverse("assessment_run", args=[run.pk])}
        audit_log(user=job.created_by, action="job", object_type="assessment_run", object_id=run.pk,
                  region_code=run.region_code, summary=f"固定考核测算：{run}")


@job_releaser("assessment_run")
def _release(job: Job) -> None:
    """A worker that died mid-freeze wrote nothing (one transaction); the run is marked failed."""
    run_id = (job.result or {}).get("run")
    if run_id:
        run_fail(run_id, "固定中断：后台服务停止，本批次未写入任何数据，请重新固定。")
