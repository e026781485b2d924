from gonggu.core.command import GongguCommand

from ...deductions import score_file, table_from_models
from ...selectors import indicator_system_for


class Command(GongguCommand):
    help = "测算负面事项扣分：FILE 为 .xlsx，列为 事项、类型；同一事项按就高原则、不重复扣分"

    def add_command_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件（也接受 .csv）")
        parser.add_argument("--year", type=int, help="按该年度指标体系（含本县调整）的扣分标准测算；缺省为 2025 年度标准")
        parser.add_argument("--county", help="县级区划代码：使用该县自定的指标体系（与 --year 一起用）")

    def run(self, *, file, year=None, county=None, **options):
        table = None
        if year is not None:
            system = indicator_system_for(year=year, county_code=county or "")
            table = table_from_models(system.deduction_types())
        result = score_file(file, table=table)
        lines = [f"负面事项扣分合计：{result.total} 分（{len(result.matters)} 个事项）"]
        for m in result.matters:
            points = "—" if m.deduction is None else f"{m.deduction} 分"
            lines.append(f"  {m.matter}：{points}（计：{m.counted_type or '无固定分值'}；类型：{'、'.join(m.types)}）")
        for m in result.decisions:
            lines.append(f"  ⚠ {m.matter}：涉及规模性返贫，{m.decision}，需研究决定，未计入合计")
        if result.rejected:
            lines.append(f"未计入的行 {len(result.rejected)} 行：")
            lines += [f"  第 {r['row']} 行 {r['column']}：{r['reason']}" for r in result.rejected]
        return result.as_dict(), "\n".join(lines)
