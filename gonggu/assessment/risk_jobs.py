"""The 整乡整村 risk check as a background job (the rule reads the whole registry of the scope)."""

import datetime as dt

from django.urls import reverse
from huey.contrib.djhuey import db_task

from gonggu.core.audit import audit_log
from gonggu.core.jobs import job_running
from gonggu.rules.engine import run_rules

from .risk_rule_defs import RISK_AREA


def risk_check(*, as_of: dt.date, prefix: str | None, user=None):
    """Run the RISK-AREA rule over the scope and store its findings (they replace the previous ones)."""
    return run_rules(codes=[RISK_AREA], as_of=as_of, prefix=prefix, user=user)


@db_task()
def risk_run_job(job_id: int, *, prefix: str | None, as_of: str) -> None:
    with job_running(job_id) as (job, progress):
        progress(0, 1)
        result = risk_check(as_of=dt.date.fromisoformat(as_of), prefix=prefix, user=job.created_by)
        total = result.findings.num_rows
        job.done = job.total = 1
        job.result = {"total": total, "next_url": reverse("assessment_risk")}
        job.message = f"整乡整村风险研判完成：{total} 个村或乡镇存在风险信号。"
        audit_log(user=job.created_by, action="job", object_type="risk_run", object_id=job_id,
                  region_code=job.region_code, summary=job.message)
