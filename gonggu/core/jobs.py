"""Background jobs with progress: the pattern every long import or run follows.

A view calls `job_start(...)` with a huey task; the task body runs inside
`job_running(job_id)`, which marks the job running, hands out a progress
callback, and records the result or the failure. Pages poll the job's progress
with htmx; the CLI runs the same service function directly.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import timezone

from .errors import UserFacingError
from .models import Job

log = logging.getLogger("gonggu.jobs")

Progress = Callable[[int, int], None]


def job_start(*, kind: str, title: str, user, region_code: str = "", task, **task_kwargs) -> Job:
    job = Job.objects.create(kind=kind, title=title, created_by=user, updated_by=user, region_code=region_code)
    transaction.on_commit(lambda: task(job.pk, **task_kwargs))
    return job


class _Throttled:
    """Writes progress at most twice a second so a million-row job is not a million updates."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5 or done >= total:
            self.last = now
            Job.objects.filter(pk=self.job_id).update(done=done, total=total, updated_at=timezone.now())


@contextlib.contextmanager
def job_running(job_id: int) -> Iterator[tuple[Job, Progress]]:
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, updated_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    try:
        yield job, _Throttled(job_id)
    except UserFacingError as exc:
        Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message=exc.message, finished_at=timezone.now())
    except Exception as exc:  # noqa: BLE001 - a job must end with a status, whatever happened
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=f"任务意外失败：{type(exc).__name__}，请联系管理员查看日志。",
            finished_at=timezone.now(),
        )
    else:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, result=job.result, message=job.message, finished_at=timezone.now(),
            done=max(job.done, job.total),
        )
