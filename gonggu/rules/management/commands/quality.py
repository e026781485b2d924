import pyarrow.compute as pc

from gonggu.core.command import GongguCommand

from ...engine import run_rules
from ...run_options import add_run_arguments, run_options


class Command(GongguCommand):
    help = "运行数据质量自查规则（rules.md），结果保存供网页查看"

    def add_command_arguments(self, parser):
        add_run_arguments(parser)

    def run(self, **options):
        opts = run_options(options)
        day = opts.as_of
        result = run_rules(kinds=["quality"], as_of=day, prefix=opts.prefix, engine=opts.engine,
                           snapshot=opts.snapshot)
        findings = result.findings
        rows = findings.select(["rule", "household_no", "id_number", "detail"]).to_pylist()
        by_village = {e["values"]: e["counts"] for e in pc.value_counts(findings.column("region_code")).to_pylist()}
        households = findings.select(["household_no", "region_code"]).group_by(["household_no", "region_code"]) \
            .aggregate([]).num_rows if findings.num_rows else 0
        summary = {**result.summary(), "households": households, "by_village": dict(sorted(by_village.items()))}
        for item in result.skipped:
            self.stderr.write(f"跳过 {item['rule']}：{item['reason']}")
        lines = [f"数据质量自查（基准日 {day:%Y-%m-%d}）：共 {len(rows)} 条问题，涉及 {households} 户。"]
        lines += [f"  {code:<22} {n}" for code, n in sorted(result.counts_by_rule.items())]
        return {"findings": rows, "summary": summary}, "\n".join(lines)
