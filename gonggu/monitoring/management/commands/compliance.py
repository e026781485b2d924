from gonggu.core.command import GongguCommand
from gonggu.rules.run_options import add_run_arguments, run_options

from ...compliance import compliance_run


class Command(GongguCommand):
    help = "运行程序合规检查（rules.md 程序合规规则）"

    def add_command_arguments(self, parser):
        add_run_arguments(parser)
        # Earlier name of --region, kept so that existing cron lines keep working.
        parser.add_argument("--prefix", dest="region", help="同 --region")

    def run(self, **options):
        opts = run_options(options)
        day = opts.as_of
        result = compliance_run(as_of=day, prefix=opts.prefix, engine=opts.engine, snapshot=opts.snapshot)
        s = result.summary
        lines = [f"程序合规检查（{day}）：共 {s['total']} 条问题，涉及 {s['households']} 户。"]
        lines += [f"  {code} {result.titles.get(code, '')}：{n}" for code, n in s["by_rule"].items()]
        lines += [f"  跳过 {x['rule']}：{x['reason']}" for x in s["skipped"]]
        return result.payload(), "\n".join(lines)
