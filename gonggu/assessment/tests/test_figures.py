"""Each self-evaluation figure on the tiny county of conftest.py, including the "no data" case."""

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.assessment import services
from gonggu.assessment.figures import FIGURES, EvalContext, evaluate
from gonggu.rules.services import param_set

from .conftest import TODAY
from .factories import household, income, person


def result(code, region, today=TODAY):
    ctx = EvalContext(prefix=region.prefix[:6], today=today)
    return evaluate(FIGURES[code], ctx, region.prefix, region.code)


def drilled(code, region, today=TODAY):
    ctx = EvalContext(prefix=region.prefix, today=today)
    drill = FIGURES[code].drill(ctx, region.prefix)
    return [drill.row(item) for item in drill.queryset]


@pytest.mark.django_db
def test_medical_insurance_rate(county_data, regions):
    r = result("MED-ENROLMENT", regions["county"])
    assert (r.numerator, r.denominator, r.value, r.status) == (6, 8, Decimal("0.75"), "fail")
    assert r.target.text == "≥ 99%" and "001 第四部分 3" in r.target.source and "99%以上" in r.target.quote
    assert r.display == "75.00%" and r.data_date == dt.date.today()
    east = result("MED-ENROLMENT", regions["village"])
    assert (east.numerator, east.denominator) == (3, 5)
    assert result("MED-ENROLMENT", regions["village_b"]).status == "pass"
    assert result("MED-ENROLMENT", regions["village_d"]).status == "na"
    rows = drilled("MED-ENROLMENT", regions["village"])
    assert {(r.person_name, r.detail) for r in rows} == {("李一", "户籍台账：未参保"),
                                                        ("赵二", "参保情况不详（台账未填，医保名单中也没有）")}


@pytest.mark.django_db
def test_medical_insurance_without_any_data_says_no_data(regions):
    h = household(regions["village"])
    person(h, insured=None)
    r = result("MED-ENROLMENT", regions["county"])
    assert r.status == "nodata" and r.value is None and r.display == "暂无数据"
    assert r.missing.text() == "暂无数据（自 2025-01-01 起）：户籍台账未填写参保情况，也未导入医保参保名单"


@pytest.mark.django_db
def test_dropouts(county_data, regions):
    r = result("EDU-DROPOUT", regions["county"])
    assert (r.numerator, r.denominator, r.status, r.display) == (1, 2, "fail", "1 人")
    assert result("EDU-DROPOUT", regions["village_b"]).status == "pass"
    assert [(r.person_name, r.detail) for r in drilled("EDU-DROPOUT", regions["county"])] == [("张小", "户籍台账：辍学")]
    # The same child a year later is 11; the age window is computed at the evaluation date.
    assert result("EDU-DROPOUT", regions["county"], today=dt.date(2021, 2, 28)).numerator == 0


@pytest.mark.django_db
def test_dropouts_without_school_data_says_no_data(regions):
    h = household(regions["village"])
    person(h, born=dt.date(2016, 1, 1), school="")
    assert result("EDU-DROPOUT", regions["county"]).status == "nodata"


@pytest.mark.django_db
def test_unsafe_houses_need_the_housing_list(county_data, regions):
    r = result("HOUSE-UNSAFE", regions["county"])
    assert r.status == "nodata" and "住建部门农房安全鉴定名单" in r.missing.reason


@pytest.mark.django_db
def test_zero_employment(county_data, regions):
    r = result("ZERO-EMPLOYMENT", regions["county"])
    assert (r.numerator, r.denominator, r.status) == (3, 4, "fail")
    assert {row.household_no for row in drilled("ZERO-EMPLOYMENT", regions["township"])} == {"H1", "H3"}
    assert result("ZERO-EMPLOYMENT", regions["village_d"]).status == "na"


@pytest.mark.django_db
def test_relocated_employment(county_data, regions):
    r = result("RELOC-EMPLOYMENT", regions["county"])
    assert (r.numerator, r.denominator, r.value, r.status) == (1, 2, Decimal("0.5"), "fail")
    assert result("RELOC-EMPLOYMENT", regions["village"]).status == "pass"
    assert [row.household_no for row in drilled("RELOC-EMPLOYMENT", regions["county"])] == ["H5"]


@pytest.mark.django_db
def test_income_figures(county_data, regions):
    growth = result("INCOME-GROWTH", regions["county"])
    assert growth.value == Decimal("-0.0185") and growth.display == "-1.85%"
    assert growth.status == "watch"          # no rural_income_growth parameter for 2024: shown, not judged
    assert "农村居民人均可支配收入增幅" in growth.target.text and "rural_income_growth" not in growth.target.text
    low = result("INCOME-LOW", regions["county"])
    assert (low.numerator, low.denominator, low.status) == (1, 3, "watch")
    assert [r.household_no for r in drilled("INCOME-LOW", regions["county"])] == ["H5"]
    drop = result("INCOME-DROP", regions["county"])
    assert (drop.numerator, drop.denominator) == (1, 2)
    assert [r.detail for r in drilled("INCOME-DROP", regions["county"])] == ["人均纯收入 2023 年 12000.00 元 → 2024 年 10000.00 元"]
    share = result("INCOME-STRUCTURE", regions["county"])
    assert share.value == Decimal("0.7705")    # (30000 + 17000 + 0) ÷ 61000
    assert [r.household_no for r in drilled("INCOME-STRUCTURE", regions["county"])] == ["H5"]


@pytest.mark.django_db
def test_income_growth_judged_against_the_parameter(county_data, regions):
    param_set(name="rural_income_growth", value="0.066", year=2024)
    growth = result("INCOME-GROWTH", regions["county"])
    assert growth.status == "fail" and growth.target.value == Decimal("0.066")


@pytest.mark.django_db
def test_low_income_line_is_a_rule_parameter(county_data, regions):
    param_set(name="low_income_line", value="10500")
    assert result("INCOME-LOW", regions["county"]).numerator == 2     # H5 and H2 (10000)


@pytest.mark.django_db
def test_income_figures_without_data(regions):
    h = household(regions["village"])
    person(h)
    for code in ("INCOME-GROWTH", "INCOME-LOW", "INCOME-DROP", "INCOME-STRUCTURE"):
        r = result(code, regions["county"])
        assert r.status == "nodata" and "没有脱贫户的收入数据" in r.missing.reason, code
    income(h, 2024)
    r = result("INCOME-GROWTH", regions["county"])
    assert r.status == "nodata" and r.missing.text() == "暂无数据（自 2023-01-01 起）：脱贫户缺少 2023 年收入数据，无法计算增长"


@pytest.mark.django_db
def test_rectification_completion(county_admin, regions):
    early = dt.date(2025, 10, 1)
    p1 = services.problem_create(user=county_admin, source="省级考核", title="a", region_code=regions["village"].code,
                                 owner_unit="u", deadline=dt.date(2025, 10, 31), measures="m", today=early)
    services.problem_create(user=county_admin, source="暗访", title="b", region_code=regions["village"].code,
                            owner_unit="u", deadline=dt.date(2025, 10, 31), today=early)
    services.problem_create(user=county_admin, source="审计", title="c", region_code=regions["village"].code,
                            owner_unit="u", deadline=dt.date(2025, 12, 31), today=early)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.problem_evidence_add(user=county_admin, problem=p1, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    services.problem_rectify(user=county_admin, problem=p1, note="done", today=early)
    r = result("RECT-DONE", regions["county"])
    assert (r.numerator, r.denominator, r.status) == (1, 2, "fail")
    assert [row.detail.split("（")[0] for row in drilled("RECT-DONE", regions["county"])] == ["b"]
    assert result("RECT-DONE", regions["county"], today=dt.date(2025, 10, 20)).status == "na"


@pytest.mark.django_db
def test_monitoring_figures_say_no_data_without_a_compliance_run(county_data, regions):
    for code in ("MON-IDENTIFY-15D", "MON-PLAN-10D", "MON-DEV-MEASURE", "MON-MEASURE-MATCH", "MON-VISIT-MONTHLY",
                 "ELIM-QUALITY"):
        r = result(code, regions["county"])
        assert r.status == "nodata" and r.value is None, code
        assert ("程序合规规则" in r.missing.reason) or ("监测帮扶模块" in r.missing.reason), code


@pytest.mark.django_db
def test_every_figure_states_formula_target_and_source(county_data, regions):
    for code, fig in FIGURES.items():
        r = result(code, regions["county"])
        assert fig.formula and fig.target.text and fig.target.source and fig.target.quote, code
        assert r.basis, code
        assert r.status in ("pass", "fail", "watch", "nodata", "na"), code
        if r.status == "nodata":
            assert r.missing is not None and r.display == "暂无数据", code
