from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError

from ...importing import registry_import


class Command(GongguCommand):
    help = (
        "导入农户台账（formats.md 的 registry 格式，.xlsx 或 UTF-8/GBK 的 .csv）。同一收入年度再次导入时按户编号和"
        "身份证号原地更新，不会重复；文件中缺少的在册成员列入批次待确认，不会被删除。"
        "JSON 中 created/updated/unchanged 为人数：新增、已登记且有变化、已登记且与文件一致。"
    )

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入任何数据")
        parser.add_argument("--user", help="以该用户的身份和管辖范围导入（默认：不限范围，批次不记录导入人）")

    def run(self, *, file, dry_run=False, user=None, **options):
        importer = None
        if user:
            from gonggu.accounts.models import User

            importer = User.objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise UserFacingError(f"参数 --user：没有启用的用户 {user}。")
        result = registry_import(path=file, user=importer, dry_run=dry_run, progress=self.progress())
        return result.as_json(), result.summary()
