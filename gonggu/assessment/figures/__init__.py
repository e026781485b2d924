"""Self-evaluation figures (自评测算项): each is a small definition registered in FIGURES.

A figure computes additive components per region code in one set-based query
(GROUP BY the village code column), so a county, each township and each
village get their numbers from the same pass by summing codes under a prefix.
Each figure states its formula, its target with the seed passage, the date of
the data it used, and lists the households behind its number (drill-down).
Missing data is never a zero: the figure reports "暂无数据（自…起）" with the reason.

Modules: `base` (definitions, context, helpers), `findings` (figures that count
the stored findings of work-area ledger rules), one module per area of figures
(`stationing` 指标1/7, `guarantees`, `housing_groups` and `guarantee_ledgers` 指标2, `funds` 指标3/8,
`employment` 指标4/6, `monitoring` 指标7, `rectification` 指标9, `risk` 指标10, `income` 指标11, `surveys` 指标12),
each with its FIGURES list, and `evaluation` (the registry and the evaluation).
The order below is the order figures are shown in.
"""

from . import (
    employment,
    funds,
    guarantee_ledgers,
    guarantees,
    housing_groups,
    income,
    monitoring,
    rectification,
    risk,
    stationing,
    surveys,
)
from .base import Drill, DrillRow, EvalContext, Figure, FigureData, Missing, Target, low_income_line
from .evaluation import FIGURES, Result, evaluate, evaluate_region, register_figure

for _module in (stationing, guarantees, housing_groups, guarantee_ledgers, funds, employment, monitoring, rectification, risk,
                income, surveys):
    for _figure in _module.FIGURES:
        register_figure(_figure)

__all__ = ["FIGURES", "Drill", "DrillRow", "EvalContext", "Figure", "FigureData", "Missing", "Result", "Target",
           "evaluate", "evaluate_region", "low_income_line", "register_figure"]
