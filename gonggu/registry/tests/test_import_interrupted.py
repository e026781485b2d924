"""A worker killed while importing: the job is failed with the reason when the worker starts again (or by the
periodic sweep, or `gonggu sweep_jobs`), its batch released, and the same file confirmed again without
uploading it again."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from gonggu.core import jobs
from gonggu.core.jobs import job_sweep_stale
from gonggu.core.models import Job
from gonggu.core.tests.commands import run_command
from gonggu.registry.models import Person, RegistryBatch

from .test_import_helpers import household
from .test_import_web import upload


def _killed_mid_import(client, county_admin, *, minutes_ago: int) -> tuple[RegistryBatch, Job]:
    """What a worker killed during the import leaves: the batch claimed, the job running, nothing written.
    Its last progress was `minutes_ago` before this (worker) process started."""
    upload(client, household("H1", 3))
    batch = RegistryBatch.objects.get()
    RegistryBatch.objects.filter(pk=batch.pk).update(status=RegistryBatch.Status.APPLYING)
    job = Job.objects.create(kind="registry_apply", title="导入农户台账", created_by=county_admin,
                             status=Job.Status.RUNNING, result={"batch": batch.pk}, done=1, total=3)
    last = min(timezone.now(), jobs._PROCESS_STARTED) - dt.timedelta(minutes=minutes_ago)
    Job.objects.filter(pk=job.pk).update(updated_at=last)
    return batch, job


@pytest.mark.django_db(transaction=True)
def test_worker_start_fails_the_dead_job_and_the_file_can_be_confirmed_again(county_admin, login):
    client = login(county_admin)
    batch, job = _killed_mid_import(client, county_admin, minutes_ago=2)
    # The consumer runs its startup hooks when it starts.
    for hook in HUEY._startup.values():
        hook()
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == Job.Status.FAILED and "任务中断" in job.message and job.finished_at is not None
    assert batch.status == RegistryBatch.Status.VALIDATED and "再次确认导入" in batch.message
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "任务中断" in page
    assert "再次确认导入" in client.get(reverse("registry_import_batch", args=[batch.pk])).content.decode()
    client.post(reverse("registry_import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == RegistryBatch.Status.APPLIED and Person.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_periodic_sweep_and_command_fail_only_jobs_without_progress(county_admin, login, settings):
    settings.GONGGU_JOB_STALE_MINUTES = 30
    client = login(county_admin)
    batch, stale = _killed_mid_import(client, county_admin, minutes_ago=45)
    fresh = Job.objects.create(kind="screening", title="运行筛查", created_by=county_admin, status=Job.Status.RUNNING)
    code, out, _err = run_command("sweep_jobs", "--dry-run", "--format", "json")
    assert code == 0 and f"[{stale.pk}]" in out.replace(" ", "")
    stale.refresh_from_db()
    assert stale.status == Job.Status.RUNNING
    assert job_sweep_stale() == [stale.pk]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Job.Status.FAILED and "30 分钟没有进展" in stale.message
    assert fresh.status == Job.Status.RUNNING
    assert RegistryBatch.objects.get(pk=batch.pk).status == RegistryBatch.Status.VALIDATED
    code, out, _err = run_command("sweep_jobs", "--all-running")
    assert code == 0 and "已标记 1 个任务为失败" in out
    fresh.refresh_from_db()
    assert fresh.status == Job.Status.FAILED
