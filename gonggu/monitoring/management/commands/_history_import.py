"""Shared body of import_cases / import_measures / import_visits (cli.md)."""

from gonggu.core.command import GongguCommand

from ...imports import IMPORTERS


class HistoryImportCommand(GongguCommand):
    kind = ""

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv 文件（列见 formats.md 或导入页面的空白模板）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def run(self, *, file, dry_run=False, **options):
        spec, importer = IMPORTERS[self.kind]
        result = importer(file, dry_run=dry_run)
        if result.unknown_columns:
            self.stderr.write(f"忽略了不认识的列：{'、'.join(result.unknown_columns)}")
        lines = [f"{spec.title}{'校验' if dry_run else '导入'}完成：{result.rows} 行，新增 {result.created}，"
                 f"更新 {result.updated}，拒收 {len(result.rejected)} 处。"]
        lines += [f"  第 {r['row']} 行 {r['column']}：{r['reason']}" for r in result.rejected[:200]]
        if len(result.rejected) > 200:
            lines.append(f"  …… 另有 {len(result.rejected) - 200} 处，见 --format json 输出")
        return result.as_dict(), "\n".join(lines)
