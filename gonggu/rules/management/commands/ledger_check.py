from gonggu.core.command import GongguCommand

from ...catalog import CATALOG
from ...engine import run_rules
from ...run_options import add_run_arguments, run_options


class Command(GongguCommand):
    help = "运行工作台账的核查规则（台账核查：公益岗位、危房改造、项目库、驻村等），结果保存供网页查看"

    def add_command_arguments(self, parser):
        add_run_arguments(parser)

    def run(self, **options):
        opts = run_options(options)
        result = run_rules(kinds=["ledger"], as_of=opts.as_of, prefix=opts.prefix, engine=opts.engine,
                           snapshot=opts.snapshot)
        rows = result.findings.select(["rule", "household_no", "id_number", "region_code", "detail"]).to_pylist()
        for item in result.skipped:
            self.stderr.write(f"跳过「{CATALOG.rules[item['rule']].title}」：{item['reason']}")
        titles = {r.code: r.title for r in CATALOG.of_kind("ledger")}
        lines = [f"台账核查（基准日 {opts.as_of:%Y-%m-%d}）：共 {len(rows)} 条问题。"]
        lines += [f"  {titles.get(code, code)}：{n}" for code, n in sorted(result.counts_by_rule.items())]
        return {"findings": rows, "summary": result.summary()}, "\n".join(lines)
