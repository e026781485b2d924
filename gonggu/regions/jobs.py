from huey.contrib.djhuey import db_task

from gonggu.core.audit import audit_log
from gonggu.core.jobs import job_running

from .services import regions_load


@db_task()
def load_regions_job(job_id: int, *, path: str, file_label: str) -> None:
    with job_running(job_id) as (job, progress):
        result = regions_load(path, user=job.created_by, file_label=file_label, progress=progress)
        job.result = {**result.as_dict(), "file": file_label}
        job.message = f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
        audit_log(user=job.created_by, action="import", object_type="regions", object_id=job_id,
                  summary=f"导入行政区划 {file_label}：{job.message}")
