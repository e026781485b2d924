import datetime as dt

from django.urls import reverse
from huey.contrib.djhuey import db_task

from gonggu.core.jobs import job_running

from .services import screening_run


@db_task()
def run_screening_job(job_id: int, *, as_of: str, prefix: str | None) -> None:
    with job_running(job_id) as (job, progress):
        outcome = screening_run(as_of=dt.date.fromisoformat(as_of), user=job.created_by, prefix=prefix,
                                progress=progress, collect=False)
        w = outcome.written
        job.result = {**w.as_dict(), "run": outcome.run.pk, "skipped": outcome.skipped,
                      "next_url": reverse("screening_summary")}
        skipped = f"；跳过规则 {len(outcome.skipped)} 条（见筛查页）" if outcome.skipped else ""
        job.message = (f"命中 {w.warnings} 户次：新增预警 {w.created + w.reraised}，仍待核实 {w.updated}，"
                       f"已核实不再预警 {w.suppressed}，条件消失 {w.lapsed}{skipped}")
