"""One table-driven test per screening rule of rules.md, each with its boundaries.

Every case builds a tiny registry (and department facts) with real rows, runs only that rule, and
says whether the case's household must be found. The as-of date D is 2025-06-30.
"""

import datetime as dt
import json

import pytest

from gonggu.sources.factories import add_fact, fact, make_batch

from .builders import findings, household, income, person
from .conftest import D

pytestmark = pytest.mark.django_db


def _years_ago(years: int, days: int = 0) -> dt.date:
    """Birth date of someone who turns `years` on D (days > 0: that many days later)."""
    return D.replace(year=D.year - years) + dt.timedelta(days=days)


def _check(code, build, expected, village, eliminated_names):
    target = build(village, eliminated_names)
    rows = findings(code, as_of=D)
    found = {r["household_no"] for r in rows}
    assert (target.household_no in found) is expected, rows
    return [r for r in rows if r["household_no"] == target.household_no]


# --- INCOME-BELOW-LINE -------------------------------------------------------------------------------------

def _below(pc, kind="一般农户", eliminate=False, years=None):
    def build(v, eliminated):
        h = household(v, kind=kind)
        person(h)
        for year, value in (years or {2024: pc}).items():
            income(h, year, per_capita=value)
        if eliminate:
            eliminated.append(h.household_no)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_below("7994.99"), True, id="one-cent-below-the-derived-2024-line"),
    pytest.param(_below("7995.00"), False, id="exactly-on-the-line"),
    pytest.param(_below("5000", kind="脱贫户"), True, id="lifted-household-is-not-monitored"),
    pytest.param(_below("5000", kind="监测户"), False, id="monitored-household"),
    pytest.param(_below("5000", kind="监测户", eliminate=True), True, id="monitored-but-risk-eliminated"),
    pytest.param(_below(None, years={2023: "5000", 2024: "9000"}), False, id="latest-income-year-counts"),
    pytest.param(_below(None, years={2023: "7499.99"}), True, id="2023-line-is-7500"),
])
def test_income_below_line(build, expected, regions, params_2024, eliminated):
    rows = _check("INCOME-BELOW-LINE", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["grade"] == "orange" and rows[0]["risk_type"] == "收入" and rows[0]["id_number"] is None


def test_income_below_line_without_a_line_for_the_year_is_skipped_with_the_year_named(regions, params_2024):
    from gonggu.rules.engine import run_rules

    h = household(regions["village"])
    person(h)
    income(h, 2025, per_capita="100")
    result = run_rules(codes=["INCOME-BELOW-LINE"], as_of=D, store=False)
    assert result.findings.num_rows == 0
    [skip] = result.skipped
    assert skip["rule"] == "INCOME-BELOW-LINE" and "2025" in skip["reason"] and "2024" in skip["reason"]
    assert "rural_income_growth" in skip["reason"]


def test_income_below_line_reports_the_line_used(regions, params_2024):
    h = household(regions["village"])
    person(h)
    income(h, 2024, per_capita="7000")
    [row] = findings("INCOME-BELOW-LINE", as_of=D)
    assert json.loads(row["params"]) == {"monitoring_line": {"2024": "7995"}}
    assert json.loads(row["evidence"])["monitoring_line"] == 7995
    assert "7995" in row["detail"] and "7000.00" in row["detail"]


# --- INCOME-DROP -----------------------------------------------------------------------------------------

def _drop(prev, cur, kind="一般农户", prev_year=2023):
    def build(v, eliminated):
        h = household(v, kind=kind)
        person(h)
        if prev is not None:
            income(h, prev_year, per_capita=prev)
        income(h, 2024, per_capita=cur)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_drop("10000", "7000"), True, id="drop-exactly-30-percent"),
    pytest.param(_drop("10000", "7000.01"), False, id="drop-just-under-30-percent"),
    pytest.param(_drop("10000", "2000"), True, id="large-drop"),
    pytest.param(_drop("0", "-100"), False, id="previous-year-not-positive"),
    pytest.param(_drop(None, "100"), False, id="no-previous-year"),
    pytest.param(_drop("10000", "100", prev_year=2022), False, id="previous-year-must-be-Y-minus-1"),
    pytest.param(_drop("10000", "100", kind="监测户"), False, id="monitored-household"),
])
def test_income_drop(build, expected, regions, eliminated):
    rows = _check("INCOME-DROP", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["grade"] == "yellow"


# --- MED-UNINSURED ---------------------------------------------------------------------------------------

def _uninsured(kind="脱贫户", statuses=(), insured=True, status="在册", dead=False):
    def build(v, eliminated):
        h = household(v, kind=kind)
        p = person(h, medical_insured=insured, status=status)
        for i, s in enumerate(statuses):
            fact("yb_enrolment", p, as_of=D - dt.timedelta(days=30 - i), status=s)
        if dead:
            fact("ga_deregistration", p, as_of=D, reason="死亡")
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_uninsured(statuses=["未参保"]), True, id="list-says-not-insured"),
    pytest.param(_uninsured(statuses=["中断"]), True, id="list-says-interrupted"),
    pytest.param(_uninsured(statuses=["异地参保"], insured=False), False, id="insured-elsewhere-counts-as-insured"),
    pytest.param(_uninsured(statuses=["已参保"], insured=False), False, id="list-wins-over-registry"),
    pytest.param(_uninsured(insured=False), True, id="no-list-row-and-registry-no"),
    pytest.param(_uninsured(insured=True), False, id="no-list-row-and-registry-yes"),
    pytest.param(_uninsured(insured=None), False, id="no-list-row-and-registry-blank"),
    pytest.param(_uninsured(kind="监测户", statuses=["未参保"]), True, id="monitored-is-a-key-household"),
    pytest.param(_uninsured(kind="一般农户", statuses=["未参保"]), False, id="ordinary-household"),
    pytest.param(_uninsured(statuses=["未参保"], status="死亡"), False, id="registry-deceased"),
    pytest.param(_uninsured(statuses=["未参保"], dead=True), False, id="deregistered-as-dead-by-police"),
    pytest.param(_uninsured(statuses=["未参保", "已参保"]), False, id="newer-batch-says-insured"),
    pytest.param(_uninsured(statuses=["已参保", "中断"]), True, id="newer-batch-says-interrupted"),
])
def test_med_uninsured(build, expected, regions, eliminated):
    rows = _check("MED-UNINSURED", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["id_number"] and rows[0]["grade"] == "orange"


# --- MED-HIGH-EXPENSE ------------------------------------------------------------------------------------

def _expense(*rows, kind="一般农户"):
    """rows: (as_of, year, self_pay) facts about one member."""
    def build(v, eliminated):
        h = household(v, kind=kind)
        p = person(h)
        for as_of, year, self_pay in rows:
            fact("yb_expense", p, as_of=as_of, year=year, self_pay=self_pay)
        return h
    return build


MAY = dt.date(2025, 5, 1)


@pytest.mark.parametrize("build, expected", [
    pytest.param(_expense((MAY, 2024, "10000.01")), True, id="just-over-half-of-2023-income"),
    pytest.param(_expense((MAY, 2024, "10000.00")), False, id="exactly-half-is-not-over"),
    pytest.param(_expense((MAY, 2024, "30000"), kind="监测户"), False, id="monitored-household"),
    pytest.param(_expense((dt.date(2025, 1, 1), 2024, "30000"), (MAY, 2024, "500")), False,
                 id="newer-batch-for-the-same-year-wins"),
    pytest.param(_expense((MAY, 2024, "30000"), (dt.date(2025, 6, 1), 2023, "500")), True,
                 id="other-year-row-does-not-replace"),
])
def test_med_high_expense(build, expected, regions, params_2024, eliminated):
    rows = _check("MED-HIGH-EXPENSE", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["grade"] == "red" and rows[0]["risk_type"] == "因病"
        assert json.loads(rows[0]["params"])["disposable_income"] == {"2023": "20000"}


def test_med_high_expense_missing_disposable_income_is_skipped_for_that_year(regions, params_2024):
    from gonggu.rules.engine import run_rules

    h = household(regions["village"])
    p = person(h)
    fact("yb_expense", p, as_of=MAY, year=2025, self_pay="99999")
    result = run_rules(codes=["MED-HIGH-EXPENSE"], as_of=D, store=False)
    assert result.findings.num_rows == 0
    assert [s["rule"] for s in result.skipped] == ["MED-HIGH-EXPENSE"]
    assert "2024" in result.skipped[0]["reason"] and "disposable_income" in result.skipped[0]["reason"]


# --- ASSIST-NOT-MONITORED --------------------------------------------------------------------------------

def _assist(category, status="在保", kind="一般农户", eliminate=False):
    def build(v, eliminated):
        h = household(v, kind=kind)
        p = person(h)
        fact("mz_assistance", p, as_of=D, category=category, status=status)
        if eliminate:
            eliminated.append(h.household_no)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_assist("低保"), True, id="dibao"),
    pytest.param(_assist("特困"), True, id="tekun"),
    pytest.param(_assist("低保边缘"), True, id="dibao-edge"),
    pytest.param(_assist("临时救助"), False, id="temporary-assistance-does-not-count"),
    pytest.param(_assist("低保", status="停保"), False, id="stopped"),
    pytest.param(_assist("低保", kind="脱贫户"), False, id="lifted-household"),
    pytest.param(_assist("低保", kind="监测户"), False, id="monitored-household"),
    pytest.param(_assist("低保", kind="监测户", eliminate=True), True, id="monitored-but-eliminated"),
])
def test_assist_not_monitored(build, expected, regions, eliminated):
    _check("ASSIST-NOT-MONITORED", build, expected, regions["village"], eliminated)


# --- DISABILITY-SEVERE -----------------------------------------------------------------------------------

def _disability(grade, issued, kind="一般农户"):
    def build(v, eliminated):
        h = household(v, kind=kind)
        p = person(h)
        fact("cl_disability", p, as_of=D, grade=grade, issue_date=issued)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_disability("一级", D - dt.timedelta(days=365)), True, id="issued-exactly-365-days-before"),
    pytest.param(_disability("一级", D - dt.timedelta(days=366)), False, id="issued-366-days-before"),
    pytest.param(_disability("二级", D), True, id="issued-on-D"),
    pytest.param(_disability("二级", D + dt.timedelta(days=1)), False, id="issued-after-D"),
    pytest.param(_disability("三级", D), False, id="grade-three"),
    pytest.param(_disability("一级", D, kind="监测户"), False, id="monitored-household"),
])
def test_disability_severe(build, expected, regions, eliminated):
    _check("DISABILITY-SEVERE", build, expected, regions["village"], eliminated)


def test_disability_days_override_applies_to_the_rule(regions):
    from gonggu.rules.services import rule_setting_update

    h = household(regions["village"])
    p = person(h)
    fact("cl_disability", p, as_of=D, grade="一级", issue_date=D - dt.timedelta(days=100))
    assert len(findings("DISABILITY-SEVERE", as_of=D)) == 1
    rule_setting_update(code="DISABILITY-SEVERE", enabled=True, params={"new_disability_days": "99"})
    assert findings("DISABILITY-SEVERE", as_of=D) == []


# --- HOUSE-UNSAFE ----------------------------------------------------------------------------------------

def _house(*rows):
    """rows: (as_of, member index, grade); batches are created in the order given (import order)."""
    def build(v, eliminated):
        h = household(v)
        members = [person(h), person(h, relation="配偶")]
        for as_of, i, grade in rows:
            fact("zj_housing", members[i], as_of=as_of, grade=grade)
        return h
    return build


JAN, FEB = dt.date(2025, 1, 10), dt.date(2025, 2, 10)


@pytest.mark.parametrize("build, expected", [
    pytest.param(_house((JAN, 0, "C")), True, id="grade-C"),
    pytest.param(_house((JAN, 0, "B")), False, id="grade-B"),
    pytest.param(_house((JAN, 1, "D")), True, id="any-members-number"),
    pytest.param(_house((JAN, 0, "D"), (FEB, 1, "A")), False, id="latest-of-two-batches-is-safe"),
    pytest.param(_house((JAN, 0, "A"), (FEB, 1, "C")), True, id="latest-of-two-batches-is-unsafe"),
    pytest.param(_house((FEB, 0, "D"), (JAN, 1, "A")), True, id="as-of-date-before-import-order"),
    pytest.param(_house((JAN, 0, "A"), (JAN, 1, "D")), True, id="same-date-later-import-wins"),
])
def test_house_unsafe(build, expected, regions, eliminated):
    _check("HOUSE-UNSAFE", build, expected, regions["village"], eliminated)


def test_house_unsafe_grades_and_older_batch_stays_in_force(regions):
    h1, h2 = household(regions["village"]), household(regions["village"])
    p1, p2 = person(h1), person(h2)
    fact("zj_housing", p1, as_of=JAN, grade="D")
    fact("zj_housing", p2, as_of=FEB, grade="C")   # a newer batch that does not mention h1
    rows = {r["household_no"]: r for r in findings("HOUSE-UNSAFE", as_of=D)}
    assert rows[h1.household_no]["grade"] == "red" and rows[h2.household_no]["grade"] == "orange"
    assert rows[h1.household_no]["risk_type"] == "住房安全"


# --- SCHOOL-DROPOUT --------------------------------------------------------------------------------------

def _dropout(born, status="辍学", registry_status="在册"):
    def build(v, eliminated):
        h = household(v)
        person(h)
        child = person(h, relation="子", born=born, labour_ability="无劳动力", status=registry_status)
        fact("jy_student", child, as_of=D, status=status)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_dropout(_years_ago(15)), True, id="aged-15"),
    pytest.param(_dropout(_years_ago(16)), False, id="turning-16-on-D"),
    pytest.param(_dropout(_years_ago(16, days=1)), True, id="turning-16-the-day-after-D"),
    pytest.param(_dropout(_years_ago(6)), True, id="turning-6-on-D"),
    pytest.param(_dropout(_years_ago(6, days=1)), False, id="still-5"),
    pytest.param(_dropout(_years_ago(12), status="疑似辍学"), True, id="suspected-dropout"),
    pytest.param(_dropout(_years_ago(12), status="在校"), False, id="at-school"),
    pytest.param(_dropout(_years_ago(12), registry_status="迁出"), False, id="not-active"),
])
def test_school_dropout(build, expected, regions, eliminated):
    rows = _check("SCHOOL-DROPOUT", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["grade"] == "red" and rows[0]["id_number"]


# --- JOB-LOSS --------------------------------------------------------------------------------------------

def _job(status, kind="脱贫户"):
    def build(v, eliminated):
        h = household(v, kind=kind)
        p = person(h)
        fact("rs_employment", p, as_of=D, status=status)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_job("失业"), True, id="unemployed"),
    pytest.param(_job("返乡未就业"), True, id="returned-without-work"),
    pytest.param(_job("已就业"), False, id="employed"),
    pytest.param(_job("失业", kind="一般农户"), False, id="ordinary-household"),
    pytest.param(_job("失业", kind="监测户"), True, id="monitored-household"),
])
def test_job_loss(build, expected, regions, eliminated):
    _check("JOB-LOSS", build, expected, regions["village"], eliminated)


# --- ZERO-EMPLOYMENT -------------------------------------------------------------------------------------

def _zero(born=dt.date(1990, 1, 1), labour="普通劳动力", school="非在校生", months=0, rs=None, kind="脱贫户"):
    def build(v, eliminated):
        h = household(v, kind=kind)
        person(h, born=dt.date(1940, 1, 1), labour_ability="无劳动力")
        p = person(h, relation="子", born=born, labour_ability=labour, school_status=school, work_months=months)
        if rs:
            fact("rs_employment", p, as_of=D, status=rs)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_zero(), True, id="labour-member-without-work"),
    pytest.param(_zero(months=1), False, id="one-month-of-work"),
    pytest.param(_zero(rs="已就业"), False, id="employed-per-list"),
    pytest.param(_zero(rs="失业"), True, id="unemployed-per-list"),
    pytest.param(_zero(born=_years_ago(16)), True, id="turning-16-on-D"),
    pytest.param(_zero(born=_years_ago(16, days=1)), False, id="still-15"),
    pytest.param(_zero(born=_years_ago(59, days=1)), True, id="aged-58"),
    pytest.param(_zero(born=_years_ago(60)), False, id="turning-60-on-D"),
    pytest.param(_zero(born=_years_ago(17), school="高中"), False, id="student"),
    pytest.param(_zero(labour="技能劳动力"), True, id="skilled"),
    pytest.param(_zero(labour="弱劳动力或半劳动力"), False, id="weak-labour"),
    pytest.param(_zero(kind="一般农户"), False, id="ordinary-household"),
])
def test_zero_employment(build, expected, regions, eliminated):
    rows = _check("ZERO-EMPLOYMENT", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["id_number"] is None and rows[0]["grade"] == "orange"


# --- DISASTER-LOSS ---------------------------------------------------------------------------------------

def _disaster(loss, when, net="10000", kind="一般农户", member=0):
    def build(v, eliminated):
        h = household(v, kind=kind)
        members = [person(h), person(h, relation="配偶")]
        income(h, 2024, per_capita="5000", size=2, net=net)
        fact("yj_disaster", members[member], as_of=D, loss=loss, disaster_date=when)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_disaster("5000", D), True, id="loss-exactly-half-of-net-income"),
    pytest.param(_disaster("4999.99", D), False, id="loss-just-under-half"),
    pytest.param(_disaster("6000", D - dt.timedelta(days=365)), True, id="365-days-before-D"),
    pytest.param(_disaster("6000", D - dt.timedelta(days=366)), False, id="366-days-before-D"),
    pytest.param(_disaster("6000", D, member=1), True, id="any-members-number"),
    pytest.param(_disaster("60000", D, kind="监测户"), False, id="monitored-household"),
])
def test_disaster_loss(build, expected, regions, eliminated):
    _check("DISASTER-LOSS", build, expected, regions["village"], eliminated)


# --- DECEASED-ACTIVE and NAME-MISMATCH -------------------------------------------------------------------

def _deceased(reason, registry_status="在册"):
    def build(v, eliminated):
        h = household(v)
        p = person(h, status=registry_status)
        fact("ga_deregistration", p, as_of=D, reason=reason, deregistration_date=D)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_deceased("死亡"), True, id="dead-but-still-listed"),
    pytest.param(_deceased("迁出"), False, id="moved-out"),
    pytest.param(_deceased("死亡", registry_status="死亡"), False, id="registry-already-updated"),
])
def test_deceased_active(build, expected, regions, eliminated):
    rows = _check("DECEASED-ACTIVE", build, expected, regions["village"], eliminated)
    if expected:
        assert rows[0]["grade"] == "info" and rows[0]["kind"] == "screening"


def _names(*names):
    def build(v, eliminated):
        h = household(v)
        p = person(h, name="张三")
        for i, name in enumerate(names):
            fact("mz_assistance", p, as_of=D - dt.timedelta(days=10 - i), name=name, category="低保", status="在保")
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_names("张山"), True, id="different-name"),
    pytest.param(_names("张三"), False, id="same-name"),
    pytest.param(_names("张山", "张三"), False, id="corrected-in-a-newer-batch"),
])
def test_name_mismatch(build, expected, regions, eliminated):
    rows = _check("NAME-MISMATCH", build, expected, regions["village"], eliminated)
    if expected:
        assert "张山" in rows[0]["detail"] and "张三" in rows[0]["detail"] and rows[0]["grade"] == "info"


def test_one_warning_per_rule_and_household_naming_the_first_person(regions):
    h = household(regions["village"])
    person(h)
    kids = [person(h, relation="子", born=_years_ago(10)), person(h, relation="女", born=_years_ago(12))]
    batch = make_batch("jy_student", as_of=D)
    for i, kid in enumerate(kids):
        add_fact(batch, kid.id_number, name=kid.name, row=2 + i, status="辍学")
    [row] = findings("SCHOOL-DROPOUT", as_of=D)
    assert row["id_number"] == min(k.id_number for k in kids)
    assert "本户共 2 人" in row["detail"]


def test_elimination_in_another_county_does_not_end_monitoring_here(regions, params_2024):
    """户编号 is unique within a county only: a household of the same number eliminated elsewhere is not this one."""
    import pyarrow as pa

    from gonggu.rules.catalog import CATALOG, TableProvider

    here = household(regions["village"], kind="监测户", no="0001")
    person(here)
    income(here, 2024, per_capita="5000")
    there = household(regions["other_village"], kind="监测户", no="0001")
    person(there)
    income(there, 2024, per_capita="5000")
    original = CATALOG.tables["eliminated_households"]
    CATALOG.tables["eliminated_households"] = TableProvider("eliminated_households", lambda *, prefix, as_of: pa.table(
        {"household_id": pa.array([there.pk], type=pa.int64()), "household_no": pa.array(["0001"])}), "test")
    try:
        whole = {(r["household_no"], r["region_code"]) for r in findings("INCOME-BELOW-LINE", as_of=D)}
        county = {(r["household_no"], r["region_code"]) for r in findings("INCOME-BELOW-LINE", as_of=D, prefix="410122")}
    finally:
        CATALOG.tables["eliminated_households"] = original
    # Monitored (risk not eliminated) households are not screened again; the eliminated one is.
    assert whole == {("0001", regions["other_village"].code)}
    assert county == set()
