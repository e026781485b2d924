"""`gonggu task_report_slots [--date D]`: create the progress-report slots of the current periods (cron, daily)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError
from gonggu.tasks.services import report_slots_generate


class Command(GongguCommand):
    help = "为周期性报送的任务生成本期（年、半年、季度、月、周）进展报送期；可重复运行"

    def add_command_arguments(self, parser):
        parser.add_argument("--date", help="按这一天所在的报送期生成（默认今天），格式 2025-11-20")

    def run(self, **options):
        on = timezone.localdate()
        if options.get("date"):
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise UserFacingError(f"参数 --date：“{options['date']}”不是日期（格式 2025-11-20）。") from None
        created = report_slots_generate(on=on)
        return {"date": on.isoformat(), "created": created}, f"{on}：新生成进展报送期 {created} 个。"
