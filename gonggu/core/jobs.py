"""Background jobs with progress: the pattern every long import or run follows.

A view calls `job_start(...)` with a huey task; the task body runs inside
`job_running(job_id)`, which marks the job running, hands out a progress
callback, and records the result or the failure. Pages poll the job's progress
with htmx; the CLI runs the same service function directly.

A worker killed mid-job (out of memory, a restart) never records the end: when the
worker starts again it marks the jobs the previous worker left running as failed,
and a periodic sweep (and `gonggu sweep_jobs`) fails jobs that made no progress
for GONGGU_JOB_STALE_MINUTES. An app whose jobs hold something (a batch claimed
for import) registers a releaser for that kind, so the work can be started again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .errors import UserFacingError
from .models import Job

log = logging.getLogger("gonggu.jobs")

Progress = Callable[[int, int], None]


def job_start(*, kind: str, title: str, user, region_code: str = "", result: dict | None = None, task,
              **task_kwargs) -> Job:
    """Record a job and queue `task` once the transaction commits; `result` is what the job is about (e.g.
    {"batch": 12}), kept so that a releaser can find it if the worker dies."""
    job = Job.objects.create(kind=kind, title=title, created_by=user, updated_by=user, region_code=region_code,
                             result=result or {})
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
    except MemoryError:
        log.exception("job %s ran out of memory", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message="任务失败：服务器内存不足，本次未完成。请把文件拆小后重新提交，或联系管理员。",
            finished_at=timezone.now(),
        )
    except Exception as exc:  # noqa: BLE001 - a job must end with a status, whatever happened
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=f"任务意外失败：{type(exc).__name__}，请联系管理员查看日志。",
            finished_at=timezone.now(),
        )
    else:
        # The progress was written to the row by `_Throttled`, not to this in-memory copy: a finished job's
        # counts are the row's (the last throttled write may have been skipped, so done is at least total).
        done, total = Job.objects.filter(pk=job_id).values_list("done", "total").get()
        total = max(total, job.total)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, result=job.result, message=job.message, finished_at=timezone.now(),
            done=max(done, job.done, total), total=total,
        )


# --- jobs whose worker died ------------------------------------------------------------------------

INTERRUPTED = "任务中断：后台服务在处理过程中停止（如重启或内存不足），本次未完成。请重新提交；如反复出现，请联系管理员。"
STALLED = "任务中断：已有 {minutes} 分钟没有进展，判定为后台服务已停止，本次未完成。请重新提交。"

_RELEASERS: dict[str, Callable[[Job], None]] = {}
# Jobs that this worker process marked running are after this moment; earlier ones belonged to a dead worker.
_PROCESS_STARTED = timezone.now()


def job_releaser(kind: str):
    """Register `fn(job)`, called when a job of `kind` is failed because its worker died: it releases what the
    job held (for example sets a claimed batch back to confirmable)."""

    def decorator(fn: Callable[[Job], None]) -> Callable[[Job], None]:
        _RELEASERS[kind] = fn
        return fn

    return decorator


def _fail_interrupted(jobs, reason: str) -> list[int]:
    failed = []
    for job in jobs:
        # Conditional: a job that ended meanwhile keeps its real outcome.
        if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, message=reason, finished_at=timezone.now(), updated_at=timezone.now()):
            continue
        failed.append(job.pk)
        job.status, job.message = Job.Status.FAILED, reason
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, reason)
        releaser = _RELEASERS.get(job.kind)
        if releaser is not None:
            try:
                releaser(job)
            except Exception:  # noqa: BLE001 - one release failing must not stop the sweep
                log.exception("releasing job %s failed", job.pk)
    return failed


def job_fail_orphaned(*, before: dt.datetime | None = None) -> list[int]:
    """At worker start: jobs still marked running from before this worker started cannot be running."""
    before = before or _PROCESS_STARTED
    return _fail_interrupted(Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=before), INTERRUPTED)


def job_sweep_stale(*, minutes: int | None = None) -> list[int]:
    """Jobs running with no progress written for `minutes` (default GONGGU_JOB_STALE_MINUTES) are failed."""
    minutes = minutes or settings.GONGGU_JOB_STALE_MINUTES
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    return _fail_interrupted(Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=cutoff),
                             STALLED.format(minutes=minutes))


def _register_worker_hooks() -> None:
    from huey import crontab
    from huey.contrib.djhuey import HUEY, db_periodic_task

    @HUEY.on_startup("gonggu_fail_orphaned_jobs")
    def _on_worker_start() -> None:
        try:
            job_fail_orphaned()
        finally:
            from django.db import close_old_connections

            close_old_connections()

    @db_periodic_task(crontab(minute="*/5"), name="gonggu_sweep_stale_jobs")
    def _sweep() -> None:
        job_sweep_stale()


_register_worker_hooks()
