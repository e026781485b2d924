import datetime as dt

from django.utils import timezone

from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError

from ...compliance import compliance_run


class Command(GongguCommand):
    help = "运行程序合规检查（rules.md 程序合规规则）"

    def add_command_arguments(self, parser):
        parser.add_argument("--as-of", help="检查日 YYYY-MM-DD，默认今天")
        parser.add_argument("--prefix", help="只检查该区划代码前缀（如县级 6 位）", default=None)

    def run(self, *, as_of=None, prefix=None, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise UserFacingError(f"检查日「{as_of}」不是 YYYY-MM-DD 格式的日期。") from None
        result = compliance_run(as_of=day, prefix=prefix)
        s = result.summary
        lines = [f"程序合规检查（{day}）：共 {s['total']} 条问题，涉及 {s['households']} 户。"]
        lines += [f"  {code} {result.titles.get(code, '')}：{n}" for code, n in s["by_rule"].items()]
        lines += [f"  跳过 {x['rule']}：{x['reason']}" for x in s["skipped"]]
        return result.payload(), "\n".join(lines)
