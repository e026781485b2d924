"""`gonggu import_tasks FILE [--year Y] [--dry-run] [--region CODE] [--format json]` (cli.md)."""

from __future__ import annotations

from pathlib import Path

from gonggu.core.codes import Level
from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import file_sha256
from gonggu.regions.models import Region
from gonggu.tasks.parsing import SHAPE_LABELS, parse_file
from gonggu.tasks.selectors import unmapped_names
from gonggu.tasks.services import task_list_import


def _region(code: str | None) -> Region:
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise UserFacingError(f"参数 --region：没有区划代码为 {code} 的区划，请先导入行政区划。")
        return region
    counties = list(Region.objects.filter(level=Level.COUNTY)[:2])
    if len(counties) != 1:
        raise UserFacingError("参数 --region：请指定清单所属区划的代码（数据库中的县级区划不止一个或还没有）。")
    return counties[0]


class Command(GongguCommand):
    help = "导入任务清单（.docx、.xlsx 或文本），保存为任务清单及其任务；--dry-run 只解析不保存"

    def add_command_arguments(self, parser):
        parser.add_argument("file", help="任务清单文件：.docx、.xlsx 或 .txt")
        parser.add_argument("--year", type=int, help="文件年份（只写月日的时限按此年份解读；默认取文件落款日期）")
        parser.add_argument("--dry-run", action="store_true", help="只解析并输出，不保存")
        parser.add_argument("--region", help="清单所属区划代码；库中只有一个县时可省略")

    def run(self, **options):
        path = Path(options["file"])
        parsed = parse_file(path, year=options.get("year"))
        for warning in parsed.warnings:
            self.stderr.write(f"提示：{warning}")
        layout = SHAPE_LABELS.get(parsed.shape, parsed.shape)
        payload = {**parsed.as_dict(), "task_list": None, "warnings": list(parsed.warnings), "layout": layout}
        saved = ""
        if not parsed.tasks:
            saved = "未识别到任务，没有保存。"
        elif not options["dry_run"]:
            region = _region(options.get("region"))
            task_list = task_list_import(user=None, region=region, parsed=parsed,
                                         source_path=str(path.resolve()), source_sha256=file_sha256(path))
            payload["task_list"] = task_list.pk
            payload["unmapped_units"] = [n["name"] for n in unmapped_names(task_list)]
            saved = f"已保存为任务清单 #{task_list.pk}（{region.name}）；待确认的单位名称 {len(payload['unmapped_units'])} 个。"
        else:
            saved = "试运行：没有保存。"
        with_dates = sum(1 for t in parsed.tasks if t.due_date)
        unparsed = sum(1 for t in parsed.tasks if t.deadline_unparsed)
        text = (f"{parsed.document}（识别为{layout}）：识别任务 {len(parsed.tasks)} 项，其中时限可读为日期的 {with_dates} 项，"
                f"时限待人工确定的 {unparsed} 项。{saved}")
        return payload, text
