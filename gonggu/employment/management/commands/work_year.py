from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError

from ...services import work_year_take_over


class Command(GongguCommand):
    help = "把某年度的务工月数和务工地点从农户台账或人社就业务工名单转入务工就业台账（按年度保存，不覆盖其他来源的记录）"

    def add_command_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2025")
        parser.add_argument("--from", dest="source", choices=["registry", "rs"], default="registry",
                            help="registry：农户台账（默认）；rs：人社就业务工名单")
        parser.add_argument("--region", help="只转该区划及其下级（区划代码；默认全部）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入")

    def run(self, **options):
        from gonggu.regions.models import Region

        prefix = None
        code = (options.get("region") or "").strip()
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise UserFacingError(f"区划代码 {code} 不是已导入的区划。")
            prefix = region.prefix
        result = work_year_take_over(year=options["year"], source=options["source"], prefix=prefix,
                                     dry_run=options["dry_run"])
        return result.as_dict(), result.message
