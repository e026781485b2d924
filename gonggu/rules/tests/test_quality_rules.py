"""One table-driven test per data-quality rule of rules.md (as-of date D = 2025-06-30)."""

import datetime as dt

import pytest

from .builders import findings, household, income, person
from .conftest import D

pytestmark = pytest.mark.django_db


def _born(age: int, days: int = 0) -> dt.date:
    """Birth date of someone who turns `age` on D (days > 0: that many days later, so still age − 1)."""
    return D.replace(year=D.year - age) + dt.timedelta(days=days)


def _found(code, build, village) -> tuple[bool, list[dict]]:
    h = build(village)
    rows = [r for r in findings(code, as_of=D) if r["household_no"] == h.household_no]
    return bool(rows), rows


# --- Q-HEAD-COUNT ----------------------------------------------------------------------------------------

def _heads(*relations, statuses=None):
    def build(v):
        h = household(v)
        for i, rel in enumerate(relations):
            person(h, relation=rel, born=dt.date(1970 + i, 1, 1), status=(statuses or {}).get(i, "在册"))
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_heads("户主", "配偶"), False, id="one-head"),
    pytest.param(_heads("配偶", "子"), True, id="no-head"),
    pytest.param(_heads("户主", "户主"), True, id="two-heads"),
    pytest.param(_heads("户主", "配偶", statuses={0: "死亡"}), True, id="head-deceased"),
])
def test_head_count(build, expected, regions):
    found, rows = _found("Q-HEAD-COUNT", build, regions["village"])
    assert found is expected
    if expected:
        assert rows[0]["kind"] == "quality" and rows[0]["id_number"] is None


# --- Q-AGE-SCHOOL ----------------------------------------------------------------------------------------

def _school(stage, born):
    def build(v):
        h = household(v)
        person(h, born=dt.date(1970, 1, 1))
        person(h, relation="子", born=born, school_status=stage, labour_ability="无劳动力")
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_school("学前教育", _born(8)), True, id="preschool-turning-8"),
    pytest.param(_school("学前教育", _born(8, days=1)), False, id="preschool-aged-7"),
    pytest.param(_school("小学", _born(5, days=1)), True, id="primary-aged-4"),
    pytest.param(_school("小学", _born(5)), False, id="primary-turning-5"),
    pytest.param(_school("小学", _born(16)), True, id="primary-turning-16"),
    pytest.param(_school("小学", _born(16, days=1)), False, id="primary-aged-15"),
    pytest.param(_school("初中", _born(10, days=1)), True, id="junior-aged-9"),
    pytest.param(_school("初中", _born(19)), True, id="junior-turning-19"),
    pytest.param(_school("初中", _born(18)), False, id="junior-aged-18"),
    pytest.param(_school("高中", _born(13, days=1)), True, id="senior-aged-12"),
    pytest.param(_school("中职", _born(22)), True, id="vocational-turning-22"),
    pytest.param(_school("中职", _born(21)), False, id="vocational-aged-21"),
    pytest.param(_school("大学", _born(15, days=1)), True, id="university-aged-14"),
    pytest.param(_school("高职", _born(15)), False, id="higher-vocational-turning-15"),
    pytest.param(_school("大学", _born(40)), False, id="university-has-no-upper-bound"),
])
def test_age_school(build, expected, regions):
    assert _found("Q-AGE-SCHOOL", build, regions["village"])[0] is expected


# --- Q-LABOR-AGE and Q-LABOR-WORK ------------------------------------------------------------------------

def _labour(ability, born=dt.date(1980, 1, 1), months=0):
    def build(v):
        h = household(v)
        person(h, born=born, labour_ability=ability, work_months=months)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_labour("普通劳动力", _born(16, days=1)), True, id="ordinary-aged-15"),
    pytest.param(_labour("技能劳动力", _born(16, days=1)), True, id="skilled-aged-15"),
    pytest.param(_labour("普通劳动力", _born(16)), False, id="ordinary-turning-16"),
    pytest.param(_labour("无劳动力", _born(10)), False, id="child-without-labour"),
])
def test_labour_age(build, expected, regions):
    assert _found("Q-LABOR-AGE", build, regions["village"])[0] is expected


@pytest.mark.parametrize("build, expected", [
    pytest.param(_labour("丧失劳动力", months=1), True, id="lost-with-one-month"),
    pytest.param(_labour("无劳动力", months=6), True, id="none-with-six-months"),
    pytest.param(_labour("无劳动力", months=0), False, id="none-without-work"),
    pytest.param(_labour("弱劳动力或半劳动力", months=6), False, id="weak-labour-may-work"),
])
def test_labour_work(build, expected, regions):
    assert _found("Q-LABOR-WORK", build, regions["village"])[0] is expected


# --- Q-DISABILITY ----------------------------------------------------------------------------------------

def _disability(health, grade):
    def build(v):
        h = household(v)
        person(h, health=health, disability_grade=grade)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_disability("残疾", ""), True, id="disabled-without-grade"),
    pytest.param(_disability("健康", "二级"), True, id="grade-without-disability"),
    pytest.param(_disability("残疾", "二级"), False, id="consistent"),
    pytest.param(_disability("健康", ""), False, id="healthy"),
])
def test_disability(build, expected, regions):
    assert _found("Q-DISABILITY", build, regions["village"])[0] is expected


# --- Q-MONITOR-TYPE --------------------------------------------------------------------------------------

def _monitor(kind, mtype):
    def build(v):
        h = household(v, kind=kind, monitoring_type=mtype)
        person(h)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_monitor("监测户", ""), True, id="monitored-without-type"),
    pytest.param(_monitor("脱贫户", "边缘易致贫户"), True, id="type-on-lifted-household"),
    pytest.param(_monitor("监测户", "突发严重困难户"), False, id="consistent"),
    pytest.param(_monitor("一般农户", ""), False, id="ordinary"),
])
def test_monitor_type(build, expected, regions):
    assert _found("Q-MONITOR-TYPE", build, regions["village"])[0] is expected


# --- Q-RELATION-GENDER -----------------------------------------------------------------------------------

def _gender(relation, gender):
    def build(v):
        h = household(v)
        person(h, born=dt.date(1960, 1, 1))
        person(h, relation=relation, gender=gender, born=dt.date(1990, 1, 1))
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_gender("子", "F"), True, id="son-female"),
    pytest.param(_gender("女婿", "F"), True, id="son-in-law-female"),
    pytest.param(_gender("儿媳", "M"), True, id="daughter-in-law-male"),
    pytest.param(_gender("孙女", "M"), True, id="granddaughter-male"),
    pytest.param(_gender("子", "M"), False, id="son-male"),
    pytest.param(_gender("母亲", "F"), False, id="mother-female"),
    pytest.param(_gender("配偶", "M"), False, id="spouse-either"),
])
def test_relation_gender(build, expected, regions):
    assert _found("Q-RELATION-GENDER", build, regions["village"])[0] is expected


# --- Q-RELATION-AGE --------------------------------------------------------------------------------------

def _rel_age(relation, born, head_born=dt.date(1970, 3, 1)):
    def build(v):
        h = household(v)
        person(h, born=head_born)
        person(h, relation=relation, born=born)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_rel_age("子", dt.date(1995, 1, 1)), False, id="son-younger"),
    pytest.param(_rel_age("子", dt.date(1970, 3, 1)), True, id="son-same-age"),
    pytest.param(_rel_age("女", dt.date(1965, 1, 1)), True, id="daughter-older"),
    pytest.param(_rel_age("父亲", dt.date(1940, 1, 1)), False, id="father-older"),
    pytest.param(_rel_age("母亲", dt.date(1970, 3, 1)), True, id="mother-same-age"),
    pytest.param(_rel_age("母亲", dt.date(1980, 1, 1)), True, id="mother-younger"),
])
def test_relation_age(build, expected, regions):
    assert _found("Q-RELATION-AGE", build, regions["village"])[0] is expected


# --- Q-NET-INCOME-NEGATIVE -------------------------------------------------------------------------------

def _net(*years):
    def build(v):
        h = household(v)
        person(h)
        for year, net in years:
            income(h, year, per_capita=net, net=net)
        return h
    return build


@pytest.mark.parametrize("build, expected", [
    pytest.param(_net((2024, "-0.01")), True, id="just-below-zero"),
    pytest.param(_net((2024, "0")), False, id="zero"),
    pytest.param(_net((2023, "-500"), (2024, "100")), False, id="only-the-latest-year-counts"),
])
def test_net_income_negative(build, expected, regions):
    assert _found("Q-NET-INCOME-NEGATIVE", build, regions["village"])[0] is expected


def test_quality_rules_find_one_row_per_person(regions):
    h = household(regions["village"])
    person(h, born=dt.date(1970, 1, 1))
    a = person(h, relation="子", gender="F", born=dt.date(1995, 1, 1))
    b = person(h, relation="孙子", gender="F", born=dt.date(2015, 1, 1))
    rows = findings("Q-RELATION-GENDER", as_of=D)
    assert sorted(r["id_number"] for r in rows) == sorted([a.id_number, b.id_number])
