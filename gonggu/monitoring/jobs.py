"""Background jobs of monitoring: importing an uploaded monitoring-history file (cases, measures, visits), and
the nightly compliance check that the compliance page and the assessment figures read."""

from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gonggu.core.jobs import job_running

from .imports import IMPORTERS, import_file


@db_task()
def import_history_job(job_id: int, *, format_key: str, path: str, file_name: str) -> None:
    # `format_key` is cases, measures or visits (formats.md); `kind` would clash with job_start's own.
    with job_running(job_id) as (job, progress):
        result = import_file(format_key, path, user=job.created_by, file_label=file_name, progress=progress)
        job.result = {"batch": result.batch, "next_url": reverse("monitoring:import_batch", args=[result.batch])}
        rejected_rows = len({r["row"] for r in result.rejected})
        job.message = (f"{IMPORTERS[format_key][0].title}导入完成：{result.rows} 行，新增 {result.created}，"
                       f"更新 {result.updated}，拒收 {rejected_rows} 行。")
        if result.unknown_columns:
            job.message += f"已忽略不认识的列：{'、'.join(result.unknown_columns)}。"


@db_periodic_task(crontab(hour="2", minute="30"), name="gonggu_nightly_compliance")
def nightly_compliance_job() -> None:
    """The page no longer checks on every view: the worker checks every region each night (the page's button
    checks a region at once)."""
    from .compliance import compliance_run

    compliance_run(as_of=timezone.localdate(), prefix=None)
