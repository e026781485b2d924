"""Risk elimination and the 整户无劳动能力兜底保障户 designation: preconditions, steps and their guards."""

from decimal import Decimal

import pytest

from gonggu.registry.choices import LabourAbility
from gonggu.rules.models import Parameter
from gonggu.screening.models import Warning

from .. import services as s
from ..eligibility import add_months, elimination_verdict
from ..models import Elimination, NoLabourDesignation
from ..workflow import CaseStatus, EliminationStatus, NoLabourStatus
from .factories import CaseFactory, household, measure
from .test_workflow import D, at, refused

pytestmark = pytest.mark.django_db

ALL_SECURE = {"education": True, "medical": True, "housing": True, "water": True}


@pytest.fixture
def line_2024():
    return Parameter.objects.create(name="monitoring_line", year=2024, value=Decimal("7800"))


@pytest.fixture
def case(regions, line_2024):
    hh = household(regions["village"], per_capita_income=Decimal("9000"), year=2024)
    c = CaseFactory(household=hh, county_approved_on=D(2025, 1, 14))
    measure(c, "就业帮扶", D(2025, 1, 20))
    return c


def test_add_months_clamps_to_month_end():
    assert add_months(D(2025, 1, 14), 3) == D(2025, 4, 14)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2025, 10, 31), 3) == D(2026, 1, 31)


def test_elimination_at_two_months_is_refused(case, village_clerk):
    with at("2025-03-14"):
        refused(s.elimination_start, contains="纳入不满 3 个月，2025-04-14 起才能办理", case=case, user=village_clerk)
    with at("2025-04-13"):
        refused(s.elimination_start, contains="纳入不满 3 个月", case=case, user=village_clerk)
    assert not Elimination.objects.exists()
    with at("2025-04-14"):
        elim = s.elimination_start(case=case, user=village_clerk, application="务工收入稳定")
    assert elim.status == EliminationStatus.VERIFYING
    assert (elim.income_year, elim.income_per_capita, elim.line_value) == (2024, Decimal("9000.00"), Decimal("7800"))


def test_income_below_line_is_refused(regions, line_2024, village_clerk):
    hh = household(regions["village"], per_capita_income=Decimal("7799.99"), year=2024)
    c = CaseFactory(household=hh, county_approved_on=D(2025, 1, 14))
    measure(c, "产业帮扶", D(2025, 1, 20))
    with at("2025-05-01"):
        refused(s.elimination_start, contains="2024 年人均纯收入 7,799.99 元，低于当年监测范围 7,800 元", case=c,
                user=village_clerk)
        verdict = elimination_verdict(c)
    assert not verdict.possible and any("低于" in r for r in verdict.reasons)


def test_income_exactly_on_the_line_is_enough(regions, line_2024, village_clerk):
    hh = household(regions["village"], per_capita_income=Decimal("7800"), year=2024)
    c = CaseFactory(household=hh, county_approved_on=D(2025, 1, 14))
    measure(c, "产业帮扶", D(2025, 1, 20))
    with at("2025-05-01"):
        assert elimination_verdict(c).possible


def test_missing_line_for_the_year_is_named(regions, village_clerk):
    hh = household(regions["village"], per_capita_income=Decimal("20000"), year=2025)
    c = CaseFactory(household=hh, county_approved_on=D(2025, 1, 14))
    measure(c, "产业帮扶", D(2025, 1, 20))
    with at("2026-05-01"):
        message = refused(s.elimination_start, contains="缺少 2025 年的监测范围", case=c, user=village_clerk)
    assert "rural_income_growth" in message


def test_open_housing_warning_and_missing_measures_block(regions, line_2024, village_clerk):
    hh = household(regions["village"], per_capita_income=Decimal("9000"), year=2024)
    c = CaseFactory(household=hh, county_approved_on=D(2025, 1, 14))
    with at("2025-05-01"):
        refused(s.elimination_start, contains="还没有落实任何帮扶措施", case=c, user=village_clerk)
        measure(c, "住房安全", D(2025, 2, 1))
        Warning.objects.create(rule="HOUSE-UNSAFE", household=hh, region_code=hh.region_code, grade="orange",
                               risk_type="住房安全", first_raised_on=D(2025, 4, 1), last_seen_on=D(2025, 4, 1),
                               deadline=D(2025, 4, 8))
        refused(s.elimination_start, contains="未办结的“三保障”或饮水安全预警：住房安全（HOUSE-UNSAFE）", case=c,
                user=village_clerk)


def test_only_monitored_cases_and_one_procedure_at_a_time(case, village_clerk, township_reviewer):
    with at("2025-05-01"):
        refused(s.elimination_start, contains="您的角色不能办理村级步骤", case=case, user=township_reviewer)
        s.elimination_start(case=case, user=village_clerk)
        refused(s.elimination_start, contains="已有正在办理的风险消除程序", case=case, user=village_clerk)
    pending = CaseFactory(household=household(case.household.village), status=CaseStatus.COUNTY,
                          county_approved_on=None)
    with at("2025-05-01"):
        refused(s.elimination_start, contains="只有已纳入并录入建档", case=pending, user=village_clerk)


def test_full_elimination_walk(case, village_clerk, township_reviewer, county_admin):
    with at("2025-04-14"):
        elim = s.elimination_start(case=case, user=village_clerk)
        refused(s.elimination_verify, contains="饮水安全有保障", watch=case, elimination=elim, user=village_clerk,
                verified_on=D(2025, 4, 14), guarantees={**ALL_SECURE, "water": False}, no_new_risk=True)
        refused(s.elimination_verify, contains="新增返贫致贫风险", watch=case, elimination=elim, user=village_clerk,
                verified_on=D(2025, 4, 14), guarantees=ALL_SECURE, no_new_risk=False)
        s.elimination_verify(elimination=elim, user=village_clerk, verified_on=D(2025, 4, 14), guarantees=ALL_SECURE,
                             no_new_risk=True)
        notice = s.elimination_select(eliminations=[elim], user=village_clerk, notice_start=D(2025, 4, 15),
                                      notice_end=D(2025, 4, 19))
        s.notice_record_posting(notice=notice, user=village_clerk, posted_on=D(2025, 4, 14), place="村务公开栏")
    with at("2025-04-19"):
        refused(s.elimination_township_review, contains="公示期至 2025-04-19 止", watch=case, elimination=elim,
                user=township_reviewer)
    with at("2025-04-20"):
        s.elimination_township_review(elimination=elim, user=township_reviewer)
        refused(s.elimination_county_approve, contains="您的角色不能办理县级审批", watch=case, elimination=elim,
                user=township_reviewer)
        s.elimination_county_approve(elimination=elim, user=county_admin)
        s.elimination_announce(eliminations=[elim], user=township_reviewer, announced_on=D(2025, 4, 20),
                               place="村务公开栏")
        refused(s.elimination_mark, contains="请选择消除方式", watch=case, elimination=elim, user=village_clerk,
                method="", marked_on=D(2025, 4, 20))
        s.elimination_mark(elimination=elim, user=village_clerk, method="稳定消除", marked_on=D(2025, 4, 20))
    case.refresh_from_db()
    elim.refresh_from_db()
    assert elim.status == EliminationStatus.DONE
    assert case.status == CaseStatus.ELIMINATED and case.eliminated_on == D(2025, 4, 20)
    assert case.elimination_method == "稳定消除"
    assert (case.elim_notice_start, case.elim_notice_end) == (D(2025, 4, 15), D(2025, 4, 19))


def test_elimination_return_and_reject(case, village_clerk, township_reviewer, county_admin):
    with at("2025-04-14"):
        elim = s.elimination_start(case=case, user=village_clerk)
        s.elimination_verify(elimination=elim, user=village_clerk, verified_on=D(2025, 4, 14), guarantees=ALL_SECURE,
                             no_new_risk=True)
        notice = s.elimination_select(eliminations=[elim], user=village_clerk, notice_start=D(2025, 4, 14),
                                      notice_end=D(2025, 4, 18))
        s.notice_record_posting(notice=notice, user=village_clerk, posted_on=D(2025, 4, 14), place="公示栏")
    with at("2025-04-19"):
        s.elimination_return(elimination=elim, user=township_reviewer, reason="收入核算缺少务工证明")
        s.elimination_resubmit(elimination=elim, user=village_clerk)
        s.elimination_township_review(elimination=elim, user=township_reviewer)
        s.elimination_reject(elimination=elim, user=county_admin, reason="抽查发现刚性支出仍较大")
    elim.refresh_from_db()
    case.refresh_from_db()
    assert elim.status == EliminationStatus.REJECTED and case.status == CaseStatus.MONITORING
    # A refused attempt does not block a later one.
    with at("2025-06-01"):
        again = s.elimination_start(case=case, user=village_clerk)
    assert again.pk != elim.pk


@pytest.fixture
def no_labour_case(regions):
    hh = household(regions["village"], labour=LabourAbility.LOST, head_birth=D(1948, 2, 1),
                   others=[{"relation": "配偶", "gender": "F", "birth_date": D(1950, 3, 1),
                            "labour_ability": LabourAbility.NONE}])
    return CaseFactory(household=hh, risk_types="缺劳动力")


def test_nolabour_designation_walk(no_labour_case, village_clerk, township_reviewer, county_admin):
    case = no_labour_case
    with at("2025-03-03"):
        refused(s.nolabour_start, contains="您的角色不能办理村级步骤", case=case, user=township_reviewer)
        obj = s.nolabour_start(case=case, user=village_clerk)
        refused(s.nolabour_start, contains="已认定或正在认定", case=case, user=village_clerk)
        refused(s.nolabour_verify, contains="请选择认定依据", watch=case, designation=obj, user=village_clerk,
                verified_on=D(2025, 3, 3), basis="")
        s.nolabour_verify(designation=obj, user=village_clerk, verified_on=D(2025, 3, 3), basis="tekun")
        notice = s.nolabour_select(designations=[obj], user=village_clerk, notice_start=D(2025, 3, 4),
                                   notice_end=D(2025, 3, 8))
        s.notice_record_posting(notice=notice, user=village_clerk, posted_on=D(2025, 3, 3), place="公示栏")
    with at("2025-03-08"):
        refused(s.nolabour_township_determine, contains="公示期至", watch=case, designation=obj,
                user=township_reviewer)
    with at("2025-03-09"):
        s.nolabour_township_determine(designation=obj, user=township_reviewer)
        refused(s.nolabour_county_file, contains="您的角色不能办理县级审批", watch=case, designation=obj,
                user=township_reviewer)
        s.nolabour_county_file(designation=obj, user=county_admin)
        s.nolabour_mark(designation=obj, user=village_clerk, marked_on=D(2025, 3, 9))
    obj.refresh_from_db()
    case.refresh_from_db()
    assert obj.status == NoLabourStatus.DONE and case.nolabour_on == D(2025, 3, 9)
    assert (obj.township_determined_on, obj.county_filed_on) == (D(2025, 3, 9), D(2025, 3, 9))


def test_nolabour_refused_when_someone_can_work(regions, village_clerk):
    hh = household(regions["village"], labour=LabourAbility.WEAK)
    case = CaseFactory(household=hh)
    with at("2025-03-03"):
        refused(s.nolabour_start, contains="有成员具备劳动能力", case=case, user=village_clerk)
    assert not NoLabourDesignation.objects.exists()
