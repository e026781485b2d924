from gonggu.core.command import GongguCommand

from ...params import fmt
from ...services import param_set


class Command(GongguCommand):
    help = "设置规则参数（rules.md）：如 set_param monitoring_line 7995 --year 2024；set_param income_drop_ratio 0.3"

    def add_command_arguments(self, parser):
        parser.add_argument("name", help="参数名")
        parser.add_argument("value", help="取值（精确小数）")
        parser.add_argument("--year", type=int, help="年度（按年度设置的参数必填）")

    def run(self, *, name, value, year=None, **options):
        param = param_set(name=name, value=value, year=year)
        when = f"{param.year} 年" if param.year is not None else ""
        payload = {"name": param.name, "year": param.year, "value": fmt(param.value)}
        return payload, f"已设置{when}参数 {param.name} = {fmt(param.value)}"
