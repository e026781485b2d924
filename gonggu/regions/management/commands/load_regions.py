from gonggu.core.command import GongguCommand

from ...services import regions_load


class Command(GongguCommand):
    help = "导入行政区划树：列为 区划代码、名称、级别（省/市/县/乡/村）、上级代码"

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv 文件")

    def run(self, *, file, **options):
        result = regions_load(file, progress=self.progress())
        levels = "，".join(f"{k} {v}" for k, v in result.by_level.items())
        text = f"行政区划导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}（{levels}）"
        return result.as_dict(), text
