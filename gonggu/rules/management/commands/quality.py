import datetime as dt

import pyarrow.compute as pc
from django.utils import timezone

from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError
from gonggu.regions.models import Region

from ...engine import run_rules


class Command(GongguCommand):
    help = "运行数据质量自查规则（rules.md），结果保存供网页查看"

    def add_command_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="检查基准日 YYYY-MM-DD（默认今天）")
        parser.add_argument("--region", help="只检查该区划及其下级（区划代码；默认全部）")

    def run(self, *, as_of=None, region=None, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise UserFacingError(f"--as-of「{as_of}」不是 YYYY-MM-DD 格式的日期。") from None
        prefix = None
        if region:
            found = Region.objects.filter(code=region.strip().ljust(12, "0")).first()
            if found is None:
                raise UserFacingError(f"--region「{region}」不是已导入的区划代码。")
            prefix = found.prefix
        result = run_rules(kinds=["quality"], as_of=day, prefix=prefix)
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
