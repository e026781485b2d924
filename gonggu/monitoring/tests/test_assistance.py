"""Assistance: 帮扶责任人, plan, measures with their live checks, visits, and the 绿色通道."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry.choices import LabourAbility, SchoolStatus

from .. import services as s
from ..eligibility import plan_checks
from ..models import Measure, Visit
from ..workflow import CaseStatus
from .factories import CaseFactory, household, measure, png
from .test_workflow import D, at, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(regions):
    hh = household(regions["village"], others=[
        {"relation": "子", "birth_date": D(2012, 5, 1), "labour_ability": LabourAbility.NONE,
         "school_status": SchoolStatus.PRIMARY},
    ])
    return CaseFactory(household=hh, risk_types="因病、因学", plan_on=None, officer_name="",
                       county_approved_on=D(2025, 1, 14))


@pytest.fixture
def officer(regions):
    return make_user("bangfu", Role.ASSISTANCE_OFFICER, regions["village"], organisation="县农业农村局")


def test_officer_by_township_named_or_user(case, officer, regions, village_clerk, township_reviewer):
    with at("2025-01-20"):
        refused(s.case_assign_officer, contains="由该户所在乡镇或县级明确", case=case, user=village_clerk,
                name="张三", unit="县医保局")
        refused(s.case_assign_officer, contains="姓名和工作单位", case=case, user=township_reviewer, name="张三")
        s.case_assign_officer(case=case, user=township_reviewer, name="张三", unit="县医保局", phone="13800000000")
        case.refresh_from_db()
        assert (case.officer_name, case.officer_unit, case.officer_assigned_on) == ("张三", "县医保局", D(2025, 1, 20))
        far = make_user("far_officer", Role.ASSISTANCE_OFFICER, regions["village_c"])
        refused(s.case_assign_officer, contains="不负责该户", case=case, user=township_reviewer, officer=far)
        refused(s.case_assign_officer, contains="不是帮扶责任人", case=case, user=township_reviewer,
                officer=village_clerk)
        s.case_assign_officer(case=case, user=township_reviewer, officer=officer)
    case.refresh_from_db()
    assert case.officer == officer and case.officer_unit == "县农业农村局"


def test_plan_and_measures_with_live_checks(case, officer, village_clerk, township_reviewer):
    with at("2025-01-20"):
        s.case_assign_officer(case=case, user=township_reviewer, officer=officer)
        s.case_set_plan(case=case, user=officer, plan_on=D(2025, 1, 20), summary="就业帮扶为主，落实医疗救助和教育资助")
        checks = {c.title: c.ok for c in plan_checks(case)}
        assert checks == {"开发式帮扶措施": False, "风险类型「因病」的对应措施": False, "风险类型「因学」的对应措施": False}
        job = s.measure_add(case=case, user=officer, category="就业帮扶", start_on=D(2025, 1, 20), department="人社",
                            content="推荐到县城务工")
        assert job.department == "rs" and job.get_department_display() == "人社"   # the label is taken as its code
        s.measure_add(case=case, user=village_clerk, category="健康帮扶", start_on=D(2025, 1, 20), department="医保")
        child = case.household.members.get(relation="子")
        s.measure_add(case=case, user=village_clerk, category="教育帮扶", start_on=D(2025, 1, 21), beneficiary=child)
        assert all(c.ok for c in plan_checks(case))


def test_public_post_for_someone_without_labour_is_refused(regions, village_clerk):
    hh = household(regions["village"], labour=LabourAbility.LOST)
    case = CaseFactory(household=hh)
    head = hh.members.get()
    with at("2025-02-01"):
        refused(s.measure_add, contains="不得安排公益岗位", case=case, user=village_clerk, category="公益岗位",
                start_on=D(2025, 2, 1), beneficiary=head)
        refused(s.measure_add, contains="须指明上岗的家庭成员", case=case, user=village_clerk, category="公益岗位",
                start_on=D(2025, 2, 1))
        other = household(regions["village"])
        refused(s.measure_add, contains="受益人不是该户成员", case=case, user=village_clerk, category="健康帮扶",
                start_on=D(2025, 2, 1), beneficiary=other.members.get())
        refused(s.measure_add, contains="结束日期早于开始日期", case=case, user=village_clerk, category="健康帮扶",
                start_on=D(2025, 2, 1), end_on=D(2025, 1, 1))
    assert not Measure.objects.exists()
    # An imported public-welfare post for such a person shows on the plan as a failed check.
    measure(case, "公益岗位", D(2025, 1, 1), beneficiary=head)
    with at("2025-02-01"):
        assert any(c.title == "公益岗位安置" and not c.ok for c in plan_checks(case))


def test_assistance_before_approval_needs_the_green_channel(regions, village_clerk, county_admin):
    hh = household(regions["village"])
    case = CaseFactory(household=hh, status=CaseStatus.VERIFYING, county_approved_on=None, entered_on=None,
                       plan_on=None, notice_start=None, notice_end=None)
    with at("2025-01-05"):
        refused(s.measure_add, contains="须先启用绿色通道", case=case, user=village_clerk, category="综合保障",
                start_on=D(2025, 1, 5))
        refused(s.case_set_green_channel, contains="请说明", case=case, user=village_clerk, reason="")
        s.case_set_green_channel(case=case, user=county_admin, reason="房屋失火，家中财物全部损毁")
        s.measure_add(case=case, user=village_clerk, category="综合保障", start_on=D(2025, 1, 5), content="临时救助 3000 元")
        s.case_set_plan(case=case, user=village_clerk, plan_on=D(2025, 1, 5), summary="先行临时救助，再落实就业")
    case.refresh_from_db()
    # The procedure stays open: the case is still waiting for its home visit.
    assert case.status == CaseStatus.VERIFYING and case.green_channel and case.procedure_open
    assert case.measures.count() == 1 and case.plan_on == D(2025, 1, 5)


def test_visits_by_officer_or_village(case, officer, regions, village_clerk, township_reviewer):
    with at("2025-01-20"):
        s.case_assign_officer(case=case, user=township_reviewer, officer=officer)
    other_officer = make_user("other_officer", Role.ASSISTANCE_OFFICER, regions["village"])
    with at("2025-02-20"):
        v = s.visit_record(case=case, user=officer, visited_on=D(2025, 2, 20), content="措施落实，收入稳定",
                           photos=[png("a.png"), png("b.png")])
        assert v.visitor_name == "bangfu" and len(v.photos) == 2
        s.visit_record(case=case, user=village_clerk, visited_on=D(2025, 2, 19), content="村干部走访")
        refused(s.visit_record, contains="帮扶责任人或所在村", case=case, user=other_officer,
                visited_on=D(2025, 2, 20), content="x")
        refused(s.visit_record, contains="您的角色不能登记走访", case=case, user=township_reviewer,
                visited_on=D(2025, 2, 20), content="x")
        refused(s.visit_record, contains="不能晚于今天", case=case, user=officer, visited_on=D(2025, 2, 21), content="x")
        refused(s.visit_record, contains="不是图片", case=case, user=officer, visited_on=D(2025, 2, 20), content="x",
                photos=[SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")])
    assert Visit.objects.count() == 2
