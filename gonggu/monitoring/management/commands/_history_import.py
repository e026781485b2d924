"""Shared body of import_cases / import_measures / import_visits (cli.md): the intake pipeline's run of the
format, its one result shape as JSON."""

from gonggu.core.command import GongguCommand
from gonggu.dataio.intake import intake_run

from ...intake_formats import HISTORY_FORMATS


class HistoryImportCommand(GongguCommand):
    kind = ""

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx、.xls、.et、.ods 或 .csv 文件（列见 formats.md 或导入页面的空白模板）")
        parser.add_argument("--sheet", help="工作表名称（默认第一个）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def run(self, *, file, sheet=None, dry_run=False, **options):
        result = intake_run(HISTORY_FORMATS[self.kind], path=file, dry_run=dry_run, sheet=sheet,
                            progress=self.progress())
        return result.as_json(), result.summary()
