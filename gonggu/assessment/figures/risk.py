"""整乡整村 risk figures (指标10): the regions the RISK-AREA rule found, read from its latest run."""

from __future__ import annotations

from decimal import Decimal

from .. import inputs
from ..risk_rule_defs import RISK_AREA, SEED_002
from .base import Drill, EvalContext, Figure, FigureData, Missing, Target, count_of, findings_drill

NOT_RUN = "尚未研判整乡整村返贫致贫风险（考核评估 › 整乡整村风险 › 研判）"


def compute_risk(ctx: EvalContext) -> FigureData:
    run = inputs.latest_run_with(RISK_AREA, prefix=ctx.prefix, as_of=ctx.today)
    if run is None:
        return FigureData({}, None, "整乡整村风险研判", missing=Missing(ctx.year_start, NOT_RUN))
    found = inputs.findings(run, RISK_AREA, ctx.prefix)
    by_code: dict[str, dict] = {}
    for code in found.values_list("region_code", flat=True):
        # A township's finding is kept under its own code (…000): it counts for the township and the county,
        # not for any one village.
        key = "townships" if code.endswith("000") else "villages"
        comps = by_code.setdefault(code, {"at_risk": 0, "villages": 0, "townships": 0})
        comps["at_risk"] += 1
        comps[key] += 1
    return FigureData(by_code, run.as_of,
                      f"户籍台账、监测帮扶记录、筛查预警，规则“存在整乡整村返贫致贫风险的村、乡镇”（{run.as_of:%Y-%m-%d} 研判）")


def drill_risk(ctx: EvalContext, prefix: str) -> Drill | None:
    return findings_drill(ctx, prefix, (RISK_AREA,), "存在整乡整村返贫致贫风险的村、乡镇")


FIGURES: list[Figure] = [
    Figure(
        code="RISK-AREA", title="存在整乡整村返贫致贫风险的村、乡镇", indicator="10",
        formula="规则研判：监测户占比、本年新纳入监测占比、收入下降脱贫户占比、待核实预警涉及户占比四项信号中，"
                "同时超过阈值的项数达到设定值的村和乡镇个数（阈值在规则库参数中调整）",
        unit="个", target=Target("<=", Decimal(0), "无整乡整村返贫致贫风险", "002 附件2 指标10", SEED_002),
        compute=compute_risk, value=count_of("at_risk"), numerator="at_risk", drill=drill_risk,
        needs="户籍台账、监测帮扶记录、筛查预警", lower_is_better=True),
]
