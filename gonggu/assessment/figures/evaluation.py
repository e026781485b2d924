"""The figure registry and the evaluation of a figure for one region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .base import EvalContext, Figure, Missing, Target

FIGURES: dict[str, Figure] = {}


def register_figure(figure: Figure) -> Figure:
    if figure.code in FIGURES and FIGURES[figure.code] is not figure:
        raise ValueError(f"figure {figure.code} registered twice")
    FIGURES[figure.code] = figure
    return figure


# --- evaluation ------------------------------------------------------------------------------------------


@dataclass
class Result:
    figure: Figure
    region_code: str
    components: dict
    value: Decimal | None
    status: str               # pass / fail / watch / nodata / na
    data_date: dt.date | None
    basis: str
    target: Target
    missing: Missing | None = None

    @property
    def numerator(self):
        return self.components.get(self.figure.numerator)

    @property
    def denominator(self):
        return self.components.get(self.figure.denominator) if self.figure.denominator else None

    @property
    def display(self) -> str:
        if self.status in ("nodata", "na"):
            return "不适用" if self.status == "na" else "暂无数据"
        if self.value is None:
            return "—"
        if self.figure.unit == "%":
            return f"{self.value * 100:.2f}%"
        if self.figure.unit == "百分点":
            return f"{self.value * 100:+.2f} 个百分点"
        if self.figure.unit == "元":
            return f"{self.value:,.2f} 元"
        return f"{int(self.value)} {self.figure.unit}"

    @property
    def badge(self) -> str:
        return {"pass": "green", "fail": "red", "watch": "amber", "nodata": "grey", "na": "grey"}[self.status]

    @property
    def status_label(self) -> str:
        return {"pass": "达标", "fail": "未达标", "watch": "关注", "nodata": "暂无数据", "na": "不适用"}[self.status]

    def snapshot(self) -> dict:
        """What a rectification problem keeps of the finding it came from."""
        return {"figure": self.figure.code, "title": self.figure.title, "region_code": self.region_code,
                "value": self.display, "target": self.target.text, "formula": self.figure.formula,
                "data_date": self.data_date.isoformat() if self.data_date else None, "basis": self.basis,
                "components": {k: str(v) for k, v in self.components.items()}}


def evaluate(figure: Figure, ctx: EvalContext, region_prefix: str, region_code: str) -> Result:
    data = ctx.data(figure)
    target = data.target or figure.target
    comps = data.total(region_prefix)
    if data.missing is not None:
        status = "na" if data.missing.not_applicable else "nodata"
        # A region-level figure (e.g. rectification) can have data for a township but not for one village.
        return Result(figure, region_code, comps, None, status, data.data_date, data.basis, target, data.missing)
    if figure.denominator and not comps.get(figure.denominator):
        # Nothing to count here (no children, no labour households …): not applicable, never a 0 or 100%.
        return Result(figure, region_code, comps, None, "na", data.data_date, data.basis, target,
                      Missing(None, "本区域没有统计对象", not_applicable=True))
    value = figure.value(comps)
    met = target.met(value)
    status = "watch" if met is None else ("pass" if met else "fail")
    if value is None and met is None and figure.unit == "%":
        status = "nodata"
    return Result(figure, region_code, comps, value, status, data.data_date, data.basis, target)


def evaluate_region(ctx: EvalContext, region_prefix: str, region_code: str,
                    codes: list[str] | None = None) -> list[Result]:
    return [evaluate(FIGURES[c], ctx, region_prefix, region_code) for c in (codes or list(FIGURES))]
