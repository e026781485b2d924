"""The score as a pure function of results, evidence, rules and deductions (no database)."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonggu.assessment.figures import FIGURES, Result, Target
from gonggu.assessment.scoring.items import ITEMS_2025, ContentItem, item_figures
from gonggu.assessment.scoring.score import IndicatorDef, Rule, score_card

STATUSES = ("pass", "fail", "watch", "nodata", "na")
INDICATORS = [IndicatorDef(str(n), f"指标{n}", None) for n in range(1, 14)]
TARGET = Target("", None, "", "", "")


def results(statuses: dict[str, str]) -> list[Result]:
    return [Result(FIGURES[code], "410122000000", {}, None, status, dt.date(2025, 11, 3), "", TARGET)
            for code, status in statuses.items()]


def all_pass() -> dict[str, str]:
    return {code: "pass" for code in FIGURES}


def test_every_indicator_but_13_has_items_and_named_figures_exist():
    assert {i.indicator for i in ITEMS_2025} == {str(n) for n in range(1, 13)}
    named = {code for i in ITEMS_2025 for code in i.figures}
    assert named <= set(FIGURES), named - set(FIGURES)
    # Indicators 10 and 12 take whatever figures their modules register; none here means 暂无数据.
    assert all(item_figures(i, FIGURES) == [c for c, f in FIGURES.items() if f.indicator == i.indicator]
               for i in ITEMS_2025 if i.from_indicator)


def test_everything_met_scores_the_full_hundred_minus_deductions():
    evidence = {i.key for i in ITEMS_2025 if i.is_evidence}
    from_indicator = {i.indicator for i in ITEMS_2025 if i.from_indicator}
    rules = {code: Rule(code, nodata_excluded=True) for code in from_indicator}
    card = score_card(indicators=INDICATORS, items=ITEMS_2025, results=results(all_pass()), evidence=evidence,
                      rules=rules, deduction=Decimal("1.3"), registered=FIGURES)
    assert [i.code for i in card.indicators] == [str(n) for n in range(1, 13)]
    assert card.max_total == Decimal("100.00") and card.total == Decimal("98.70")
    assert card.what_if == []


def test_weights_rules_first_then_system_then_equal_share():
    inds = [IndicatorDef("1", "a", Decimal(30)), IndicatorDef("2", "b", None), IndicatorDef("3", "c", None)]
    items = [ContentItem("1-1", "1", "t", "q", evidence="x"), ContentItem("2-1", "2", "t", "q", evidence="x"),
             ContentItem("3-1", "3", "t", "q", evidence="x")]
    card = score_card(indicators=inds, items=items, results=[], evidence={"1-1", "2-1", "3-1"},
                      rules={"3": Rule("3", points=Decimal(10))})
    assert [(i.weight, i.weight_source) for i in card.indicators] == [
        (Decimal(30), "指标体系分值"), (Decimal(60), "未设分值，按 100 分平均分配"), (Decimal(10), "本县评分规则")]
    assert card.total == Decimal(100)


def test_a_failing_figure_loses_its_share_and_what_if_names_it():
    statuses = all_pass() | {"WATER-SAFETY": "fail", "EDU-DROPOUT": "fail", "RECT-DONE": "nodata"}
    inds = [IndicatorDef("2", "三保障", Decimal(12)), IndicatorDef("9", "整改", Decimal(5))]
    card = score_card(indicators=inds, items=ITEMS_2025, results=results(statuses), evidence=set())
    two, nine = card.indicators
    # Six items of 2 points each: 2-1 has one of two figures met (1 point), 2-5 none.
    assert two.points == Decimal(9) and nine.points == Decimal(0)
    water = next(i for i in two.items if i.item.key == "2-5")
    assert (water.status, water.points, water.gain_if_met) == ("fail", Decimal(0), Decimal(2))
    assert [it.item.key for _ind, it in card.what_if] == ["9-1", "2-5", "2-1"]
    # The county may exclude 暂无数据 from judging: 指标9's only figure has none, so it keeps its points.
    card = score_card(indicators=inds, items=ITEMS_2025, results=results(statuses), evidence=set(),
                      rules={"9": Rule("9", nodata_excluded=True)})
    assert card.indicators[1].points == Decimal(5)


def test_all_or_nothing_method():
    statuses = all_pass() | {"WATER-SAFETY": "fail"}
    inds = [IndicatorDef("2", "三保障", Decimal(12))]
    card = score_card(indicators=inds, items=ITEMS_2025, results=results(statuses), evidence=set(),
                      rules={"2": Rule("2", method="all")})
    assert card.indicators[0].points == 0
    assert [(it.item.key, it.gain_if_met) for _i, it in card.what_if] == [("2-5", Decimal(12))]


def test_evidence_items_count_only_with_evidence():
    inds = [IndicatorDef("6", "扶志扶智", Decimal(4))]
    card = score_card(indicators=inds, items=ITEMS_2025, results=results(all_pass()), evidence=set())
    assert card.indicators[0].points == Decimal(2)
    assert card.indicators[0].items[0].status == "missing"
    card = score_card(indicators=inds, items=ITEMS_2025, results=results(all_pass()), evidence={"6-1"})
    assert card.indicators[0].points == Decimal(4)


figure_statuses = st.fixed_dictionaries({code: st.sampled_from(STATUSES) for code in FIGURES})
evidence_sets = st.sets(st.sampled_from([i.key for i in ITEMS_2025 if i.is_evidence]))
rule_sets = st.dictionaries(st.sampled_from([str(n) for n in range(1, 13)]),
                            st.builds(Rule, indicator=st.just(""), method=st.sampled_from(["share", "all"]),
                                      nodata_excluded=st.booleans(),
                                      points=st.none() | st.decimals(0, 40, places=1)))


# The machine running the suite is shared: a slow draw is load, not a property of the code.
SHARED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=80)


@SHARED
@given(figure_statuses, evidence_sets, rule_sets, st.decimals(0, 5, places=1))
def test_score_bounds_and_what_if(statuses, evidence, rules, deduction):
    rules = {k: Rule(k, r.points, r.method, r.nodata_excluded) for k, r in rules.items()}
    card = score_card(indicators=INDICATORS, items=ITEMS_2025, results=results(statuses), evidence=evidence,
                      rules=rules, deduction=deduction, registered=FIGURES)
    assert -deduction <= card.total <= card.max_total - deduction + Decimal("0.01")
    for ind in card.indicators:
        assert Decimal(0) <= ind.points <= ind.weight
        assert all(it.gain_if_met <= ind.lost + Decimal("0.01") for it in ind.items)
        if ind.method == "share":
            # In proportion: the gains of every item add up to what the indicator lost (up to rounding).
            assert abs(sum(it.gain_if_met for it in ind.items) - ind.lost) <= Decimal("0.01") * (len(ind.items) + 1)
    gains = [it.gain_if_met for _i, it in card.what_if]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)


@SHARED
@given(figure_statuses, evidence_sets, st.sampled_from(list(FIGURES)))
def test_meeting_a_figure_never_lowers_the_score(statuses, evidence, code):
    before = score_card(indicators=INDICATORS, items=ITEMS_2025, results=results(statuses), evidence=evidence,
                        registered=FIGURES)
    after = score_card(indicators=INDICATORS, items=ITEMS_2025, results=results(statuses | {code: "pass"}),
                       evidence=evidence, registered=FIGURES)
    assert after.total >= before.total
