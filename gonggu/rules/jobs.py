import datetime as dt

from django.urls import reverse
from huey.contrib.djhuey import db_task

from gonggu.core.audit import audit_log
from gonggu.core.jobs import job_running

from .engine import run_rules


@db_task()
def quality_run_job(job_id: int, *, prefix: str | None, as_of: str) -> None:
    with job_running(job_id) as (job, progress):
        progress(0, 1)
        result = run_rules(kinds=["quality"], as_of=dt.date.fromisoformat(as_of), prefix=prefix,
                           user=job.created_by)
        total = result.findings.num_rows
        job.result = {"total": total, "by_rule": result.counts_by_rule, "skipped": result.skipped,
                      "next_url": reverse("quality_list")}
        job.message = f"数据质量自查完成：发现 {total} 条问题。"
        audit_log(user=job.created_by, action="job", object_type="quality_run", object_id=job_id,
                  region_code=job.region_code, summary=job.message)
