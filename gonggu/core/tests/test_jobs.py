"""A finished job shows the counts its body reported, not the zeros it started with."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonggu.core.jobs import job_running
from gonggu.core.models import Job

pytestmark = pytest.mark.django_db


def test_finished_job_keeps_the_reported_counts(county_admin, login):
    job = Job.objects.create(kind="test", title="测试任务", created_by=county_admin)
    with job_running(job.pk) as (_job, progress):
        progress(0, 1200)
        progress(1199, 1200)   # throttled away (within half a second of the previous write)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 1200, 1200, 100)
    page = login(county_admin).get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "1200 / 1200" in page


def test_failed_job_keeps_how_far_it_got(county_admin):
    job = Job.objects.create(kind="test", title="测试任务", created_by=county_admin)
    with job_running(job.pk) as (_job, progress):
        progress(300, 1200)
        raise RuntimeError("boom")
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.FAILED, 300, 1200)
