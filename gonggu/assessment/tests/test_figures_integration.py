"""Figures on other apps' data: department lists (sources), screening warnings, monitoring cases with
compliance findings, and agreement with the rule engine on the same data. Each part is skipped when the
app it needs is not installed."""

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.assessment.figures import FIGURES, EvalContext, evaluate
from gonggu.monitoring.models import MonitoringCase
from gonggu.rules import engine
from gonggu.rules.catalog import CATALOG
from gonggu.rules.models import Finding, RuleRun
from gonggu.screening.models import Warning

from .conftest import TODAY
from .factories import household, person


def result(code, region, today=TODAY):
    return evaluate(FIGURES[code], EvalContext(prefix=region.prefix[:6], today=today), region.prefix, region.code)


def rows(code, region, today=TODAY):
    drill = FIGURES[code].drill(EvalContext(prefix=region.prefix, today=today), region.prefix)
    return [drill.row(item) for item in drill.queryset]


@pytest.fixture
def facts(db):
    from gonggu.sources import models as sources
    from gonggu.sources.factories import make_batch

    made = {}

    def add(source, person_obj, *, as_of=dt.date(2025, 10, 1), **values):
        batch = made.get((source, as_of))
        if batch is None:
            batch = make_batch(source, as_of=as_of)
            made[(source, as_of)] = batch
        n = sources.Fact.objects.filter(batch=batch).count() + 2
        return sources.Fact.objects.create(batch=batch, source=source, as_of=as_of, row_number=n,
                                           id_number=person_obj.id_number, name=person_obj.name, **values)
    return add


@pytest.mark.django_db
def test_department_lists_feed_the_figures(county_data, regions, facts):
    h1, h3, h5 = county_data["H1"], county_data["H3"], county_data["H5"]
    li_yi = h1.members.get(name="李一")
    # 医保: 李一 (registry: uninsured) is enrolled per the latest list; 刘三's enrolment lapsed.
    facts("yb_enrolment", li_yi, status="已参保")
    facts("yb_enrolment", h3.members.get(name="刘三"), status="中断")
    r = result("MED-ENROLMENT", regions["county"])
    assert (r.numerator, r.denominator) == (6, 8)
    assert "医保部门参保名单（截至 2025-10-01）" in r.basis and r.data_date >= dt.date(2025, 10, 1)
    assert {x.detail for x in rows("MED-ENROLMENT", regions["village_b"])} == {"医保名单：中断"}
    # A later list wins over an earlier one.
    facts("yb_enrolment", li_yi, status="未参保", as_of=dt.date(2025, 10, 20))
    assert result("MED-ENROLMENT", regions["county"]).numerator == 5
    # 教育: 刘小 (registry 初中) is a suspected dropout per the school list.
    facts("jy_student", h3.members.get(name="刘小"), status="疑似辍学")
    assert result("EDU-DROPOUT", regions["county"]).numerator == 2
    assert "教育部门：疑似辍学" in {x.detail for x in rows("EDU-DROPOUT", regions["county"])}
    # 人社: 孙五 is employed per the employment list, so H5 is no longer a zero-employment household.
    facts("rs_employment", h5.members.get(name="孙五"), status="已就业")
    assert result("ZERO-EMPLOYMENT", regions["county"]).numerator == 2
    assert result("RELOC-EMPLOYMENT", regions["county"]).value == Decimal(1)
    # 住建: grade D on any member's number marks the household; a later grade B clears it.
    facts("zj_housing", h1.members.get(name="张小"), grade="D")
    facts("zj_housing", h3.members.get(name="刘三"), grade="C")
    house = result("HOUSE-UNSAFE", regions["county"])
    assert (house.numerator, house.status, house.data_date) == (2, "fail", dt.date(2025, 10, 1))
    assert house.components["grade_d"] == 1
    facts("zj_housing", h3.members.get(name="刘三"), grade="B", as_of=dt.date(2025, 10, 25))
    assert result("HOUSE-UNSAFE", regions["county"]).numerator == 1
    assert [x.detail for x in rows("HOUSE-UNSAFE", regions["county"])] == ["住房鉴定为 D 级"]
    # 公安: a member deregistered as dead no longer counts among insured persons.
    facts("ga_deregistration", h1.members.get(name="张一"), status="死亡")
    assert result("MED-ENROLMENT", regions["county"]).denominator == 7


@pytest.mark.django_db
def test_warning_verification_rate(county_data, regions):
    h1, h3 = county_data["H1"], county_data["H3"]

    def warning(hh, deadline, status, ended=None, rule="MED-UNINSURED"):
        return Warning.objects.create(rule=rule, household=hh, region_code=hh.region_code, grade="orange",
                                      first_raised_on=dt.date(2025, 10, 1), last_seen_on=dt.date(2025, 10, 1),
                                      deadline=deadline, status=status, ended_on=ended)
    warning(h1, dt.date(2025, 11, 1), "不予纳入", dt.date(2025, 10, 30))               # on time
    warning(h1, dt.date(2025, 10, 20), "纳入监测", dt.date(2025, 10, 25), "JOB-LOSS")  # late
    warning(h3, dt.date(2025, 10, 28), "待核实", rule="HOUSE-UNSAFE")                 # overdue, still open
    warning(h3, dt.date(2025, 11, 20), "已是监测对象", dt.date(2025, 11, 2), "ZERO-EMPLOYMENT")  # early: on time
    warning(h3, dt.date(2025, 11, 20), "待核实", rule="SCHOOL-DROPOUT")               # not yet due
    warning(h1, dt.date(2025, 10, 10), "条件已消失", rule="INCOME-DROP")               # lapsed: not counted
    r = result("MON-WARNING-VERIFIED", regions["county"])
    assert (r.numerator, r.denominator, r.value, r.status) == (2, 4, Decimal("0.5"), "fail")
    assert r.components["late"] == 1 and r.components["overdue"] == 1
    details = sorted(x.detail for x in rows("MON-WARNING-VERIFIED", regions["county"]))
    assert details == ["HOUSE-UNSAFE：核实期限 2025-10-28，仍未核实", "JOB-LOSS：核实期限 2025-10-20，2025-10-25 才核实"]
    assert result("MON-WARNING-VERIFIED", regions["village_c"]).status == "na"


def _case(hh, **fields):
    values = {"channel": "基层干部排查", "discovered_on": dt.date(2025, 5, 1), "status": "monitoring",
              "county_approved_on": dt.date(2025, 5, 10)}
    values.update(fields)
    return MonitoringCase.objects.create(household=hh, region_code=hh.region_code, **values)


@pytest.mark.django_db
def test_compliance_figures_from_a_stored_run(county_data, regions):
    h1, h3, h5 = county_data["H1"], county_data["H3"], county_data["H5"]
    _case(h3)
    _case(h5, county_approved_on=dt.date(2025, 10, 20))       # approved < 31 days ago: not yet due a visit
    _case(h1, status="eliminated", eliminated_on=dt.date(2025, 7, 1))
    run = RuleRun.objects.create(kind="compliance", prefix="", as_of=TODAY,
                                       rules=["C-VISIT-MONTHLY", "C-DEV-MEASURE", "C-ELIM-3M", "C-ELIM-INCOME"],
                                       counts={"C-VISIT-MONTHLY": 1, "C-DEV-MEASURE": 0, "C-ELIM-3M": 1,
                                               "C-ELIM-INCOME": 0})
    for hh, rule in ((h3, "C-VISIT-MONTHLY"), (h1, "C-ELIM-3M")):
        Finding.objects.create(run=run, rule=rule, kind="compliance", household_no=hh.household_no,
                                     region_code=hh.region_code, detail=f"{rule} 明细")
    visit = result("MON-VISIT-MONTHLY", regions["county"])
    assert (visit.numerator, visit.denominator, visit.status) == (0, 1, "fail")
    assert [x.household_no for x in rows("MON-VISIT-MONTHLY", regions["county"])] == ["H3"]
    dev = result("MON-DEV-MEASURE", regions["county"])
    assert (dev.numerator, dev.denominator, dev.status) == (2, 2, "pass")
    elim = result("ELIM-QUALITY", regions["county"])
    assert (elim.numerator, elim.denominator, elim.status) == (0, 1, "fail")
    assert "纳入不满3个月即消除风险" in elim.basis and elim.data_date == TODAY
    # A rule the run did not evaluate still has no data, never a zero.
    assert result("MON-IDENTIFY-15D", regions["county"]).status == "nodata"


@pytest.mark.django_db
def test_compliance_rules_run_end_to_end(county_data, regions):
    _case(county_data["H3"])
    engine.run_rules(kinds=["compliance"], as_of=TODAY, prefix=regions["county"].prefix)
    r = result("MON-VISIT-MONTHLY", regions["county"])
    assert (r.numerator, r.denominator) == (0, 1)
    assert [x.household_no for x in rows("MON-VISIT-MONTHLY", regions["county"])] == ["H3"]


@pytest.mark.django_db
def test_figures_agree_with_the_rule_engine(county_data, regions, facts):
    """The live drill-down and the catalog's rules name the same households on the same data."""
    facts("zj_housing", county_data["H3"].members.get(name="刘三"), grade="C")
    facts("jy_student", county_data["H3"].members.get(name="刘小"), status="疑似辍学")
    pairs = {"SCHOOL-DROPOUT": "EDU-DROPOUT", "ZERO-EMPLOYMENT": "ZERO-EMPLOYMENT", "HOUSE-UNSAFE": "HOUSE-UNSAFE",
             "IND-INCOME-LOW": "INCOME-LOW", "IND-INCOME-FALL": "INCOME-DROP", "IND-RELOC-NO-JOB": "RELOC-EMPLOYMENT"}
    found = engine.run_rules(codes=list(pairs), as_of=TODAY, prefix=regions["county"].prefix, store=False).findings
    by_rule: dict[str, set] = {}
    for rule, no in zip(found.column("rule").to_pylist(), found.column("household_no").to_pylist(), strict=True):
        by_rule.setdefault(rule, set()).add(no)
    for rule, fig in pairs.items():
        live = {x.household_no for x in rows(fig, regions["county"])}
        if rule == "SCHOOL-DROPOUT":
            # The rule reads the school list only; the figure also counts children the registry records as 辍学.
            registry = {x.household_no for x in rows(fig, regions["county"]) if "户籍台账" in x.detail}
            assert by_rule.get(rule, set()) | registry == live and registry == {"H1"}
            continue
        assert by_rule.get(rule, set()) == live, rule
    # MED-UNINSURED flags only known non-enrolment; the figure also lists unknown status separately.
    med = engine.run_rules(codes=["MED-UNINSURED"], as_of=TODAY, prefix=regions["county"].prefix, store=False)
    known = {x.household_no for x in rows("MED-ENROLMENT", regions["county"]) if "不详" not in x.detail}
    assert set(med.findings.column("household_no").to_pylist()) == known


@pytest.mark.django_db
def test_indicator_rules_are_in_the_catalog():
    for code in ("IND-INCOME-LOW", "IND-INCOME-FALL", "IND-RELOC-NO-JOB"):
        rule = CATALOG.rules[code]
        assert rule.kind == "indicator" and rule.source and rule.description
    assert CATALOG.params["low_income_line"].default == "10000"


@pytest.mark.django_db
def test_missing_module_data_is_never_zero(regions):
    h = household(regions["village"])
    person(h)
    for code in ("HOUSE-UNSAFE", "MON-VISIT-MONTHLY", "ELIM-QUALITY"):
        r = result(code, regions["county"])
        assert r.status in ("nodata", "na") and r.value is None, code
