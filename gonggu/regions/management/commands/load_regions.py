from gonggu.core.command import GongguCommand

from ...services import regions_load


class Command(GongguCommand):
    help = "导入行政区划树：列为 区划代码、名称、级别（省/市/县/乡/村）、上级代码；任何一行有错则整个文件不导入"

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx、.xls、.ods 或 .csv 文件")
        parser.add_argument("--remove-missing", action="store_true",
                            help="删除代码表顶层区划之下、表中已没有的区划（其中仍有农户等数据时整个文件不导入）")

    def run(self, *, file, remove_missing=False, **options):
        result = regions_load(file, remove_missing=remove_missing, progress=self.progress())
        data = result.as_json()
        text = result.summary()
        if data["by_level"]:
            text += "\n" + "，".join(f"{k} {v}" for k, v in data["by_level"].items())
        changes = data.get("changes") or {}
        if changes:
            text += (f"\n与系统中已有区划相比：新增 {changes['added']}，改名 {changes['renamed']}，"
                     f"调整隶属或级别 {changes['moved']}，撤销 {changes['removed']}")
            if changes["missing"]:
                text += (f"；表中没有、系统中仍保留的区划 {changes['missing']} 个"
                         "（确认已撤销时加 --remove-missing 删除）")
        return data, text
