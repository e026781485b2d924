import datetime as dt

from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError
from gonggu.regions.models import Region

from ...services import batch_import
from ...specs import SOURCES


class Command(GongguCommand):
    help = "导入部门名单：SOURCE 为 " + "、".join(SOURCES) + "；FILE 为 .xlsx 或 .csv"

    def add_command_arguments(self, parser):
        parser.add_argument("source", help="数据来源，如 mz_assistance")
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--county", help="批次所属区划代码（默认按匹配到的人员所在县推断）")

    def run(self, *, source, file, as_of=None, county=None, **options):
        as_of_date = None
        if as_of:
            try:
                as_of_date = dt.date.fromisoformat(as_of)
            except ValueError:
                raise UserFacingError(f"--as-of「{as_of}」不是 YYYY-MM-DD 格式的日期。") from None
        region_code = None
        if county:
            code = county.strip().ljust(12, "0")
            if not Region.objects.filter(code=code).exists():
                raise UserFacingError(f"--county {county} 不是已导入的区划代码。")
            region_code = code
        result = batch_import(source=source, path=file, as_of=as_of_date, region_code=region_code,
                              progress=self.progress())
        return result.as_json(), result.summary()
