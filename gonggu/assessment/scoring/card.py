"""A region's score card from the database: the indicator system's weights, the county's scoring rules,
evidence entered for items, recorded deductions (指标13) and the live evaluation of every figure."""

from __future__ import annotations

from decimal import Decimal

from gonggu.core.codes import CODE_LENGTH

from ..figures import FIGURES, EvalContext, evaluate
from ..models import ItemEvidence, NegativeItem, ScoringRule
from .items import ITEMS_2025, ContentItem
from .score import IndicatorDef, Rule, ScoreCard, score_card


def county_of(code: str) -> str:
    return code[:6].ljust(CODE_LENGTH, "0")


def indicator_defs(system) -> list[IndicatorDef]:
    if system is None:
        return []
    return [IndicatorDef(i.code, i.name, i.score) for i in system.indicators.all().order_by("order")]


def items_for(system) -> list[ContentItem]:
    """The content items of the system's indicators (the 2025 list; a county's copy keeps the same codes)."""
    codes = {i.code for i in system.indicators.all()} if system is not None else set()
    return [i for i in ITEMS_2025 if i.indicator in codes]


def rules_for(county_code: str, year: int) -> dict[str, Rule]:
    return {r.indicator_code: Rule(r.indicator_code, r.points, r.method, r.nodata_excluded)
            for r in ScoringRule.objects.filter(county_code=county_code, year=year)}


def _up_the_tree(region) -> list[str]:
    return [r.code for r in region.ancestors()] + [region.code]


def evidence_for(region, year: int):
    """Evidence entered for the region or a region above it (a county's meeting counts for its townships)."""
    return ItemEvidence.objects.filter(year=year, region_code__in=_up_the_tree(region)).select_related("entered_by")


def deduction_for(region, year: int):
    from ..services import negative_items_score

    items = NegativeItem.objects.filter(year=year, region_code=region.code)
    return negative_items_score(items, year=year, county_code=county_of(region.code))


def region_card(region, ctx: EvalContext, system, *, results: list | None = None) -> ScoreCard | None:
    if system is None:
        return None
    if results is None:
        results = [evaluate(fig, ctx, region.prefix, region.code) for fig in FIGURES.values()]
    year = system.year
    deduction = deduction_for(region, year)
    return score_card(indicators=indicator_defs(system), items=items_for(system), results=results,
                      evidence=evidence_for(region, year).values_list("item_key", flat=True),
                      rules=rules_for(county_of(region.code), year), deduction=deduction.total or Decimal(0),
                      registered=FIGURES)
