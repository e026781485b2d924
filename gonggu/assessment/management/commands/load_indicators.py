from gonggu.core.command import GongguCommand

from ...loader import SHIPPED
from ...services import indicators_load_file


class Command(GongguCommand):
    help = "载入考核指标体系（JSON）；不带参数时载入随系统发布的 2025 年度指标体系。重复运行会按年度原地更新"

    def add_command_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED), help="指标体系 JSON 文件")
        parser.add_argument("--county", default="", help="县级区划代码：作为该县自己的指标体系载入")

    def run(self, *, file, county="", **options):
        system = indicators_load_file(path=file, region_code=county)
        count = system.indicators.count()
        return ({"system": system.pk, "year": system.year, "title": system.title, "indicators": count},
                f"已载入 {system.title}：{count} 项指标")
