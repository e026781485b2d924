import datetime as dt

from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError

from ...intake import FORMATS, intake_run


class Command(GongguCommand):
    help = "按统一导入流程导入任一格式的表格：FORMAT 为格式代码（gonggu intake --list 列出），FILE 为表格文件"

    def add_command_arguments(self, parser):
        parser.add_argument("format_key", nargs="?", help="格式代码，如 dept.mz_assistance、ledger.public_post")
        parser.add_argument("file", nargs="?", help=".xlsx、.xls、.et、.ods 或 .csv 文件")
        parser.add_argument("--list", dest="list_formats", action="store_true", help="列出所有格式")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期 YYYY-MM-DD")
        parser.add_argument("--sheet", help="工作表名称（默认第一个）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def run(self, *, format_key=None, file=None, list_formats=False, as_of=None, sheet=None, dry_run=False, **options):
        if list_formats or not format_key:
            rows = [{"format": f.key, "title": f.title, "group": f.group} for f in FORMATS.values()]
            return {"formats": rows}, "\n".join(f"{r['format']}\t{r['group']}\t{r['title']}" for r in rows)
        if not file:
            raise UserFacingError("请给出要导入的文件。")
        as_of_date = None
        if as_of:
            try:
                as_of_date = dt.date.fromisoformat(as_of)
            except ValueError:
                raise UserFacingError(f"--as-of「{as_of}」不是 YYYY-MM-DD 格式的日期。") from None
        result = intake_run(format_key, path=file, as_of=as_of_date, dry_run=dry_run, sheet=sheet,
                            progress=self.progress())
        return result.as_json(), result.summary()
