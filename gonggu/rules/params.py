"""Rule parameters (rules.md, "Parameters"): definitions, and resolving a value for a year.

Values are exact decimals. `monitoring_line` of a year without an explicit value
is the previous year's line × (1 + `rural_income_growth` of the previous year),
rounded half up to whole yuan; when that chain breaks, the reason names the
year that is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gonggu.core.errors import UserFacingError

from .catalog import CATALOG, ParamDef, register_param

MONITORING_LINE = "monitoring_line"
GROWTH = "rural_income_growth"
EARLIEST_YEAR = 2000

PARAMS = [
    register_param(ParamDef(
        MONITORING_LINE, "防止返贫监测范围（监测线）", yearly=True, default=None, unit="元/人·年",
        description="家庭年人均纯收入低于此线的农户纳入监测范围。未设置的年度按上年监测线 ×（1 + 上年农村居民人均可支配收入增幅）"
                    "推算，四舍五入到元。默认：2023 年 7500 元。", minimum="0")),
    register_param(ParamDef(
        GROWTH, "农村居民人均可支配收入增幅", yearly=True, unit="比例",
        description="全省农村居民人均可支配收入比上年增长的比例，如 0.066 表示 6.6%；用于推算下一年度的监测线。",
        minimum="-1", maximum="10")),
    register_param(ParamDef(
        "disposable_income", "城乡居民人均可支配收入", yearly=True, unit="元",
        description="统筹地区当年城乡居民人均可支配收入；高额医疗费用按上年的该值判断。", minimum="0")),
    register_param(ParamDef(
        "high_expense_ratio", "高额医疗费用比例", default="0.5", unit="比例",
        description="年度政策范围内个人自付费用超过上年城乡居民人均可支配收入的这一比例，视为高额医疗费用"
                    "（健康帮扶（二）5）。", minimum="0", maximum="100")),
    register_param(ParamDef(
        "income_drop_ratio", "收入大幅下降比例", default="0.3", unit="比例",
        description="人均纯收入比上年下降的比例达到此值视为大幅下降。", minimum="0", maximum="1")),
    register_param(ParamDef(
        "disaster_loss_ratio", "灾害损失严重比例", default="0.5", unit="比例",
        description="灾害损失金额达到家庭纯收入的这一比例视为严重受灾。", minimum="0", maximum="100")),
    register_param(ParamDef(
        "new_disability_days", "新增残疾认定天数", default="365", unit="天", integer=True,
        description="残疾证发证日期在检查基准日之前这么多天以内，视为新增重度残疾。", minimum="0", maximum="3660")),
]

# The explicit yearly default of rules.md (seeded by migration together with the scalar defaults).
DEFAULT_YEARLY = {(MONITORING_LINE, 2023): Decimal("7500")}


def param_def(name: str) -> ParamDef:
    definition = CATALOG.params.get((name or "").strip())
    if definition is None:
        known = "、".join(sorted(CATALOG.params))
        raise UserFacingError(f"未知的参数「{name}」：可设置的参数有 {known}。")
    return definition


def param_parse(definition: ParamDef, text: object) -> Decimal:
    """Validate a value for a parameter: exact decimal, integer where required, within range."""
    raw = str(text).strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise UserFacingError(f"参数 {definition.name} 的取值「{text}」不是数字。") from None
    if not value.is_finite():
        raise UserFacingError(f"参数 {definition.name} 的取值「{text}」不是有限的数字。")
    if definition.integer and value != value.to_integral_value():
        raise UserFacingError(f"参数 {definition.name} 应为整数，「{text}」不是。")
    if definition.minimum is not None and value < Decimal(definition.minimum):
        raise UserFacingError(f"参数 {definition.name} 不能小于 {definition.minimum}。")
    if definition.maximum is not None and value > Decimal(definition.maximum):
        raise UserFacingError(f"参数 {definition.name} 不能大于 {definition.maximum}。")
    if value.as_tuple().exponent < -4:
        raise UserFacingError(f"参数 {definition.name} 最多保留 4 位小数。")
    return value


def fmt(value: Decimal) -> str:
    """Decimal text without trailing zeros: 0.5000 → 0.5, 7500.0000 → 7500."""
    text = format(value.normalize(), "f")
    return text


@dataclass
class ParamValues:
    """The values stored in the parameter table, with monitoring_line derived for years without one."""

    explicit: dict[tuple[str, int | None], Decimal]
    derived: dict[int, Decimal] = field(default_factory=dict)
    reasons: dict[tuple[str, int], str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> ParamValues:
        from .models import Parameter

        explicit = {(n, y): v for n, y, v in Parameter.objects.values_list("name", "year", "value")}
        return cls(explicit=explicit)

    def scalar(self, name: str, overrides: dict[str, str] | None = None) -> Decimal | None:
        if overrides and name in overrides:
            return Decimal(str(overrides[name]))
        value = self.explicit.get((name, None))
        if value is None:
            default = CATALOG.params[name].default if name in CATALOG.params else None
            value = Decimal(default) if default is not None else None
        return value

    def yearly(self, name: str, year: int) -> Decimal | None:
        """The value for the year, or None with the reason kept in `reasons[(name, year)]`."""
        if name == MONITORING_LINE:
            return self.monitoring_line(year)
        value = self.explicit.get((name, year))
        if value is None:
            title = CATALOG.params[name].title if name in CATALOG.params else name
            self.reasons[(name, year)] = f"缺少 {year} 年的参数 {name}（{title}）"
        return value

    def monitoring_line(self, year: int) -> Decimal | None:
        value = self.explicit.get((MONITORING_LINE, year))
        if value is not None:
            return value
        if year in self.derived:
            return self.derived[year]
        if (MONITORING_LINE, year) in self.reasons:
            return None
        years = sorted(y for (n, y) in self.explicit if n == MONITORING_LINE and y is not None and y < year)
        if not years or year <= EARLIEST_YEAR:
            self.reasons[(MONITORING_LINE, year)] = (
                f"缺少 {year} 年的监测范围（monitoring_line），也没有更早年度的监测线可以推算")
            return None
        # Walk forward from the latest explicit year before `year`; stop at the first missing growth.
        line = self.explicit[(MONITORING_LINE, years[-1])]
        for y in range(years[-1] + 1, year + 1):
            explicit = self.explicit.get((MONITORING_LINE, y))
            if explicit is not None:
                line = explicit
                continue
            growth = self.explicit.get((GROWTH, y - 1))
            if growth is None:
                self.reasons[(MONITORING_LINE, year)] = (
                    f"缺少 {year} 年的监测范围（monitoring_line），无法推算：缺少 {y - 1} 年的农村居民人均可支配收入增幅"
                    f"（rural_income_growth）")
                return None
            line = (line * (1 + growth)).quantize(Decimal(1), ROUND_HALF_UP)
            self.derived[y] = line
        return line

    def reason(self, name: str, year: int) -> str:
        return self.reasons.get((name, year), f"缺少 {year} 年的参数 {name}")
