"""Figures over work-area rule findings (指标1–8) and the income comparisons of 指标11, on the real database."""

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.assessment.figures import (
    FIGURES,
    EvalContext,
    employment,
    evaluate,
    funds,
    guarantee_ledgers,
    stationing,
)
from gonggu.assessment.figures.findings import RULES_OF
from gonggu.rules.models import Finding, Parameter, RuleRun

from .conftest import TODAY

pytestmark = pytest.mark.django_db

NEW = [f for m in (stationing, guarantee_ledgers, funds, employment) for f in m.FIGURES] + [
    FIGURES["DISASTER-RISK"]]


def test_every_rule_a_figure_reads_is_in_the_catalog():
    from gonggu.rules.catalog import CATALOG

    assert {f.code for f in NEW} == set(RULES_OF)
    assert all(code in CATALOG.rules for rules in RULES_OF.values() for code in rules)


def result(code, region, today=TODAY):
    return evaluate(FIGURES[code], EvalContext(prefix=region.prefix[:6], today=today), region.prefix, region.code)


def drill_rows(code, region):
    drill = FIGURES[code].drill(EvalContext(prefix=region.prefix, today=TODAY), region.prefix)
    return [drill.row(item) for item in drill.queryset]


def rules_of(figure) -> tuple[str, ...]:
    return RULES_OF[figure.code]


def store_run(rules, findings, *, kind="ledger", as_of=TODAY, prefix=""):
    run = RuleRun.objects.create(kind=kind, prefix=prefix, as_of=as_of, rules=list(rules),
                                 counts={r: sum(1 for f in findings if f[0] == r) for r in rules})
    for rule, region_code, household_no in findings:
        Finding.objects.create(run=run, rule=rule, kind=kind, household_no=household_no, region_code=region_code,
                               detail=f"{rule} 的情况")
    return run


@pytest.mark.parametrize("figure", NEW, ids=lambda f: f.code)
def test_a_findings_figure_counts_per_region_and_drills(figure, regions):
    rules = rules_of(figure)
    # Before any run: no data, never a zero.
    before = result(figure.code, regions["county"])
    assert before.status == "nodata" and "尚未运行规则" in before.missing.text()
    store_run(rules, [(rules[0], regions["village"].code, "H1"), (rules[-1], regions["village"].code, "")])
    county, other_township = result(figure.code, regions["county"]), result(figure.code, regions["township2"])
    assert county.value == 2 and county.data_date == TODAY
    assert county.status == ("watch" if figure.target.op == "" else "fail")
    assert other_township.value == 0
    assert other_township.status == ("watch" if figure.target.op == "" else "pass")
    rows = drill_rows(figure.code, regions["township"])
    assert len(rows) == 2 and all("的情况" in r.detail for r in rows)
    assert {r.region_code for r in rows} == {regions["village"].code}
    assert drill_rows(figure.code, regions["township2"]) == []


def test_rules_from_different_runs_and_a_rule_never_run(regions):
    fig = FIGURES["STATION-UNITS"]
    store_run(("ST-UNIT-SECRETARY",), [("ST-UNIT-SECRETARY", regions["village_c"].code, "")],
              as_of=dt.date(2025, 10, 1))
    store_run(("ST-REPORT",), [("ST-REPORT", regions["village"].code, "")], as_of=dt.date(2025, 10, 20))
    r = result(fig.code, regions["county"])
    assert r.value == 2 and r.data_date == dt.date(2025, 10, 1)
    assert "尚未运行" in r.basis and "帮扶单位主要负责同志未到定点帮扶村调研" in r.basis
    # A newer run of a rule replaces its older findings.
    store_run(("ST-REPORT",), [], as_of=dt.date(2025, 10, 25))
    assert result(fig.code, regions["county"]).value == 1


def _set(name, year, value):
    Parameter.objects.update_or_create(name=name, year=year, defaults={"value": Decimal(value)})


def test_income_against_the_nation_and_the_two_ratios(county_data, regions):
    # 脱贫户 with both years (H1, H2): 53000/5 vs 54000/5 → −1.85%. Rural incomes: province 20000 → 21000,
    # nation 21000 → 22000.
    assert result("INCOME-GROWTH-NATION", regions["county"]).status == "watch"
    ratio = result("INCOME-RATIO-PROVINCE", regions["county"])
    assert ratio.status == "nodata" and "参数“全省农村居民人均可支配收入”" in ratio.missing.text()
    _set("rural_income_growth_national", 2024, "0.066")
    _set("rural_income_growth", 2024, "-0.05")
    nation, province = result("INCOME-GROWTH-NATION", regions["county"]), result("INCOME-GROWTH", regions["county"])
    assert nation.value == Decimal("-0.0185") and nation.status == "fail" and "全国" in nation.target.text
    assert province.status == "pass" and "本省" in province.target.text
    for name, prev, cur in (("rural_income_province", 20000, 21000), ("rural_income_national", 21000, 22000)):
        _set(name, 2023, prev)
        _set(name, 2024, cur)
    # 2024 脱贫户 H1, H2, H5: (33000 + 20000 + 8000) / 6 persons; 2023 H1, H2: 54000 / 5.
    r = result("INCOME-RATIO-PROVINCE", regions["county"])
    expected = Decimal(61000) / 6 / 21000 - Decimal(54000) / 5 / 20000
    assert r.value == expected.quantize(Decimal("0.0001")) and r.status == "fail"
    assert r.display.endswith("个百分点")
    # A village's ratio uses its own incomes and the same averages (东村: H1, H2 only).
    east = result("INCOME-RATIO-NATION", regions["village"])
    assert east.value == (Decimal(53000) / 5 / 22000 - Decimal(54000) / 5 / 21000).quantize(Decimal("0.0001"))
    # 监测户 against the province (重点关注): 西村's H3 has no income accounts, so there is nothing to compare.
    monitored = result("INCOME-RATIO-MONITORED", regions["county"])
    assert monitored.status == "na" and "没有监测户的收入记录" in monitored.missing.text()


def test_four_batch_figure_counts_the_unclassified_industry_projects(regions):
    import datetime as dt

    from gonggu.funds.tests.factories import classified
    from gonggu.rules.engine import run_rules

    v, w = regions["village"].code, regions["village_c"].code
    classified(v, completed=dt.date(2024, 5, 1), on=dt.date(2025, 2, 1), name="已分类")
    classified(v, completed=dt.date(2023, 5, 1), on=dt.date(2024, 2, 1), name="去年分类")
    classified(w, completed=dt.date(2024, 5, 1), on=None, name="从未分类")
    run_rules(codes=["INDUSTRY-FOUR-BATCH"], as_of=dt.date(2025, 6, 30), prefix=regions["county"].prefix)
    assert result("INDUSTRY-FOUR-BATCH", regions["county"]).value == 2
    assert result("INDUSTRY-FOUR-BATCH", regions["township"]).value == 1
    details = sorted(row.detail for row in drill_rows("INDUSTRY-FOUR-BATCH", regions["county"]))
    assert len(details) == 2 and "「从未分类」2025 年未按“四个一批”分类，从未分类" in details[0]
