"""Background jobs of the registry: validating and applying an uploaded registry file."""

from django.urls import reverse
from huey.contrib.djhuey import db_task

from gonggu.core.jobs import job_releaser, job_running
from gonggu.core.models import Job

from .export import registry_export_job  # noqa: F401 - registered here so the worker finds it
from .importing import registry_batch_apply, registry_batch_validate


@db_task()
def validate_registry_job(job_id: int, *, batch_id: int) -> None:
    with job_running(job_id) as (job, progress):
        job.result = {"batch": batch_id, "next_url": reverse("registry_import_batch", args=[batch_id])}
        batch = registry_batch_validate(batch_id=batch_id, user=job.created_by, progress=progress)
        job.message = (f"校验完成：可导入 {batch.households} 户 {batch.persons} 人，拒绝 {batch.rejected_rows} 行。"
                       "请查看报告并确认导入。")


@db_task()
def apply_registry_job(job_id: int, *, batch_id: int) -> None:
    with job_running(job_id) as (job, progress):
        job.result = {"batch": batch_id, "next_url": reverse("registry_import_batch", args=[batch_id])}
        batch = registry_batch_apply(batch_id=batch_id, user=job.created_by, progress=progress)
        job.message = (f"导入完成：新增 {batch.households_created} 户 {batch.persons_created} 人，"
                       f"更新 {batch.households_updated} 户 {batch.persons_updated} 人，拒绝 {batch.rejected_rows} 行。")


@job_releaser("registry_apply")
def _release_applying_batch(job: Job) -> None:
    """The import's transaction died with its worker, so nothing was written: the batch is confirmable again."""
    from .importing import registry_batch_release

    if job.result.get("batch"):
        registry_batch_release(batch_id=job.result["batch"],
                               reason="上次确认导入时后台服务停止，未写入任何数据；可以再次确认导入，无需重新上传文件。")
