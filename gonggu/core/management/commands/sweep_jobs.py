"""`gonggu sweep_jobs`: fail background jobs whose worker died, and release what they held."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from gonggu.core.command import GongguCommand
from gonggu.core.jobs import job_fail_orphaned, job_sweep_stale
from gonggu.core.models import Job


class Command(GongguCommand):
    help = "把已停止的后台任务（长时间没有进展，或 --all-running 时所有“进行中”的任务）标记为失败并释放其批次"

    def add_command_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=None,
                            help=f"多少分钟没有进展算停止（默认 {settings.GONGGU_JOB_STALE_MINUTES}）")
        parser.add_argument("--all-running", action="store_true",
                            help="所有“进行中”的任务（仅在任务服务已停止时使用，如重启前）")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不修改")

    def run(self, *, minutes=None, all_running=False, dry_run=False, **options):
        minutes = minutes or settings.GONGGU_JOB_STALE_MINUTES
        if all_running:
            cutoff = timezone.now()
        else:
            cutoff = timezone.now() - dt.timedelta(minutes=minutes)
        candidates = list(Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=cutoff)
                          .order_by("id").values_list("id", flat=True))
        if dry_run:
            failed = candidates
        elif all_running:
            failed = job_fail_orphaned(before=cutoff)
        else:
            failed = job_sweep_stale(minutes=minutes)
        verb = "将标记" if dry_run else "已标记"
        text = f"{verb} {len(failed)} 个任务为失败" + (f"：{', '.join(map(str, failed))}" if failed else "") + "。"
        return {"jobs": failed, "dry_run": dry_run}, text
