"""六类对象住房安全鉴定覆盖率 (指标2): appraised ÷ households of the six groups per village, and the drill-down lists
the same households as the rule 六类对象住房未做安全鉴定."""

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.assessment.figures import FIGURES, EvalContext
from gonggu.guarantees.tests.test_followup import six_groups
from gonggu.rules.engine import run_rules

pytestmark = pytest.mark.django_db


def test_coverage_figure_and_drill_agree_with_the_rule(regions):
    unappraised = six_groups(regions)
    figure = FIGURES["HOUSE-SIX-APPRAISED"]
    ctx = EvalContext(regions["county"].prefix, today=dt.date(2025, 7, 1))
    data = figure.compute(ctx)
    assert (data.total(None)["appraised"], data.total(None)["households"]) == (3, 6)
    assert data.total(regions["village_b"].prefix) == {"households": 2, "appraised": 1}
    assert figure.value(data.total(None)) == Decimal("0.5")
    drill = figure.drill(ctx, regions["county"].prefix)
    rows = [drill.row(r) for r in drill.queryset]
    assert {r.household_id for r in rows} == {h.pk for h in unappraised.values()}
    assert all("没有住房安全鉴定记录" in r.detail for r in rows)
    found = run_rules(codes=["HOUSE-SIX-UNAPPRAISED"], as_of=dt.date(2025, 7, 1), prefix="410122", store=False)
    assert {f["household_id"] for f in found.findings.to_pylist()} == {r.household_id for r in rows}
