"""指标5: the resettlement sites' income ratio figure counts the stored findings of RELOC-SITE-INCOME-RATIO and drills
to the sites whose ratio to the province's or the nation's rural income did not rise."""

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.assessment.figures import FIGURES, EvalContext, evaluate
from gonggu.employment.tests.factories import relocated_household, resettlement_site
from gonggu.registry.factories import HouseholdFactory, IncomeAccountFactory, PersonFactory
from gonggu.rules.engine import run_rules
from gonggu.rules.services import param_set

pytestmark = pytest.mark.django_db


def _site(village, name: str, before: str, now: str):
    resettlement_site(village.code, name)
    head = PersonFactory(household=HouseholdFactory(village=village, household_type="脱贫户", relocated=True))
    relocated_household(head, site_name=name)
    for year, pc in ((2023, before), (2024, now)):
        IncomeAccountFactory(household=head.household, year=year, wage=Decimal(pc), business=0, transfer=0,
                             business_expense=0, household_size=1, net_income=Decimal(pc), per_capita=Decimal(pc))


def test_the_figure_counts_the_sites_found_and_drills_to_them(regions):
    _site(regions["village"], "幸福社区安置点", "10000", "11000")       # +10 % against +5 %: risen
    _site(regions["village_c"], "阳光社区安置点", "10000", "10200")     # +2 %: fallen
    for year, province, nation in ((2023, "20000", "21000"), (2024, "21000", "22000")):
        param_set(name="rural_income_province", value=province, year=year)
        param_set(name="rural_income_national", value=nation, year=year)
    figure = FIGURES["RELOC-INCOME-RATIO"]
    ctx = EvalContext(prefix="410122", today=dt.date(2025, 7, 1))
    assert figure.indicator == "5"
    assert evaluate(figure, ctx, "410122", "410122000000").status == "nodata"     # never run: no data, not a 0

    run_rules(codes=["RELOC-SITE-INCOME-RATIO"], as_of=dt.date(2025, 6, 30), prefix="410122")
    ctx = EvalContext(prefix="410122", today=dt.date(2025, 7, 1))
    result = evaluate(figure, ctx, "410122", "410122000000")
    assert result.value == 1 and result.status != "nodata"
    drill = figure.drill(ctx, "410122")
    details = [drill.row(item).detail for item in drill.queryset]
    assert len(details) == 1 and "阳光社区安置点" in details[0]
    assert details[0].startswith("安置点脱贫人口人均纯收入与全省、全国农民收入之比未同比提升")
