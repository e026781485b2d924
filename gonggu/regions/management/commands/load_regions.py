from gonggu.core.command import GongguCommand

from ...services import regions_load


class Command(GongguCommand):
    help = "导入行政区划树：列为 区划代码、名称、级别（省/市/县/乡/村）、上级代码；任何一行有错则整个文件不导入"

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx、.xls、.ods 或 .csv 文件")

    def run(self, *, file, **options):
        result = regions_load(file, progress=self.progress())
        data = result.as_json()
        text = result.summary()
        if data["by_level"]:
            text += "\n" + "，".join(f"{k} {v}" for k, v in data["by_level"].items())
        return data, text
