"""The identification procedure, step by step, with every guard: role, level, notice window, preconditions."""

import datetime as dt

import pytest
import time_machine

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.errors import UserFacingError
from gonggu.registry.choices import HouseholdType

from .. import services as s
from ..models import CaseEvent, Clue, MonitoringCase, Notice, Objection
from ..workflow import IDENTIFICATION, TABLES, CaseStatus, Procedure
from .factories import ClueFactory, household, png

pytestmark = pytest.mark.django_db

D = dt.date


def at(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(day + "T10:00:00+08:00"), tick=False)


@pytest.fixture
def hh(regions):
    return household(regions["village"])


@pytest.fixture
def clue(hh):
    return ClueFactory(household=hh, discovered_on=D(2025, 3, 3))


def refused(fn, *, contains: str, watch=None, **kwargs):
    """Call a service expecting a refusal; nothing about the case (`watch`, or the `case` argument) may change."""
    case = watch or kwargs.get("case")
    before = None
    if case is not None:
        case.refresh_from_db()
        before = (case.status, CaseEvent.objects.filter(case=case).count(), case.updated_at)
    with pytest.raises(UserFacingError) as exc:
        fn(**kwargs)
    assert contains in exc.value.message, exc.value.message
    if case is not None:
        case.refresh_from_db()
        assert (case.status, CaseEvent.objects.filter(case=case).count(), case.updated_at) == before
    return exc.value.message


def open_and_verify(clue, clerk):
    with at("2025-03-03"):
        case = s.case_open(clue=clue, user=clerk)
        s.case_verify(case=case, user=clerk, verified_on=D(2025, 3, 3), findings="因病住院，自付 3 万元",
                      monitoring_type="突发严重困难户", risk_types=["因病"], commitment_signed_on=D(2025, 3, 3),
                      commitment_scan=png())
        s.case_compare(case=case, user=clerk)
    case.refresh_from_db()
    return case


def select_and_post(case, clerk):
    """Village notice 03-04 … 03-08 (5 days), posted on the board the day before it starts."""
    with at("2025-03-03"):
        notice = s.case_select(cases=[case], user=clerk, notice_start=D(2025, 3, 4), notice_end=D(2025, 3, 8),
                               contact="12345")
        s.notice_record_posting(notice=notice, user=clerk, posted_on=D(2025, 3, 3), place="村委会公示栏",
                                photo=png("board.png"))
    case.refresh_from_db()
    return notice


def test_every_transition_has_exactly_one_service():
    for procedure, table in TABLES.items():
        assert set(table.services) == set(table), procedure
    with pytest.raises(ValueError):  # a second service for a step is refused when registered
        IDENTIFICATION.service("verify")(lambda **kwargs: None)


def test_full_identification_walk(regions, clue, village_clerk, township_reviewer, county_admin):
    case = open_and_verify(clue, village_clerk)
    assert case.status == CaseStatus.SELECTING
    assert case.discovered_on == D(2025, 3, 3) and case.channel == clue.channel
    assert case.commitment_scan and case.verification_form["findings"]
    assert "warnings" in case.comparison_results
    assert Clue.objects.get(pk=clue.pk).status == Clue.Status.ACCEPTED
    notice = select_and_post(case, village_clerk)
    assert case.status == CaseStatus.NOTICE and case.notice_id == notice.pk
    assert (case.notice_start, case.notice_end) == (D(2025, 3, 4), D(2025, 3, 8))
    with at("2025-03-09"):
        s.case_township_review(case=case, user=township_reviewer)
    with at("2025-03-10"):
        s.case_county_approve(case=case, user=county_admin)
    with at("2025-03-11"):
        announcement = s.case_announce(cases=[case], user=township_reviewer, announced_on=D(2025, 3, 11),
                                       place="村委会公示栏")
    with at("2025-03-12"):
        s.case_enter(case=case, user=village_clerk, entered_on=D(2025, 3, 12))
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORING
    assert (case.township_reviewed_on, case.county_approved_on, case.announced_on, case.entered_on) == (
        D(2025, 3, 9), D(2025, 3, 10), D(2025, 3, 11), D(2025, 3, 12))
    assert announcement.kind == Notice.Kind.IDENT_ANNOUNCE and "人民政府" in announcement.issuer
    # The registry now lists the household as a 监测户 of the approved type.
    case.household.refresh_from_db()
    assert case.household.household_type == HouseholdType.MONITORED
    assert case.household.monitoring_type == "突发严重困难户"
    events = list(CaseEvent.objects.filter(case=case).values_list("action", "actor__username"))
    actions = [a for a, _ in events]
    for name in ("open", "verify", "compare", "select", "township_review", "county_approve", "announce", "enter"):
        assert name in actions
    assert ("county_approve", "county_admin") in events
    first = CaseEvent.objects.filter(case=case, action="township_review").get()
    assert first.from_status == "村内公示/待乡级审核" and first.to_status == "待县级审批"


def test_verify_requires_commitment_scan_and_form(clue, village_clerk):
    with at("2025-03-03"):
        case = s.case_open(clue=clue, user=village_clerk)
        refused(s.case_verify, contains="承诺授权书扫描件", case=case, user=village_clerk, verified_on=D(2025, 3, 3),
                findings="情况", monitoring_type="边缘易致贫户", risk_types=["因病"],
                commitment_signed_on=D(2025, 3, 3), commitment_scan=None)
        refused(s.case_verify, contains="核查表", case=case, user=village_clerk, verified_on=D(2025, 3, 3),
                findings="", monitoring_type="边缘易致贫户", risk_types=["因病"],
                commitment_signed_on=D(2025, 3, 3), commitment_scan=png())
        refused(s.case_verify, contains="签订日期", case=case, user=village_clerk, verified_on=D(2025, 3, 3),
                findings="情况", monitoring_type="边缘易致贫户", risk_types=["因病"], commitment_signed_on=None,
                commitment_scan=png())


def test_village_step_by_wrong_level_or_village(regions, clue, village_clerk, township_reviewer, county_admin):
    other_clerk = make_user("west_clerk", Role.VILLAGE_CLERK, regions["village_b"])
    with at("2025-03-03"):
        refused(s.case_open, contains="您的角色不能办理村级步骤", clue=clue, user=township_reviewer)
        refused(s.case_open, contains="村级步骤须由该户所在村", clue=clue, user=county_admin)
        refused(s.case_open, contains="村级步骤须由该户所在村", clue=clue, user=other_clerk)
        assert not MonitoringCase.objects.exists()
        case = s.case_open(clue=clue, user=village_clerk)
        refused(s.case_verify, contains="村级步骤须由该户所在村", case=case, user=other_clerk,
                verified_on=D(2025, 3, 3), findings="x", monitoring_type="边缘易致贫户", risk_types=["因病"],
                commitment_signed_on=D(2025, 3, 3), commitment_scan=png())


def test_township_and_county_steps_by_wrong_level(regions, clue, village_clerk, township_reviewer, county_admin,
                                                  other_county_user):
    case = open_and_verify(clue, village_clerk)
    select_and_post(case, village_clerk)
    other_township = make_user("baisha", Role.TOWNSHIP_REVIEWER, regions["township2"])
    with at("2025-03-10"):
        refused(s.case_township_review, contains="您的角色不能办理乡级审核", case=case, user=village_clerk)
        refused(s.case_township_review, contains="乡级步骤须由该户所在乡镇", case=case, user=county_admin)
        refused(s.case_township_review, contains="乡级步骤须由该户所在乡镇", case=case, user=other_township)
        # County approval while the case still waits for the township: the status refuses it.
        refused(s.case_county_approve, contains="不能办理「县级审批」", case=case, user=county_admin)
        s.case_township_review(case=case, user=township_reviewer)
        refused(s.case_county_approve, contains="您的角色不能办理县级审批", case=case, user=township_reviewer)
        refused(s.case_county_approve, contains="县级步骤须由该户所在县", case=case, user=other_county_user)


def test_notice_shorter_than_five_days_is_refused(clue, village_clerk):
    case = open_and_verify(clue, village_clerk)
    with at("2025-03-03"):
        refused(s.case_select, contains="公示期只有 4 天", watch=case, cases=[case], user=village_clerk,
                notice_start=D(2025, 3, 4), notice_end=D(2025, 3, 7))
        refused(s.case_select, contains="不能早于今天", watch=case, cases=[case], user=village_clerk,
                notice_start=D(2025, 2, 28), notice_end=D(2025, 3, 6))
        assert not Notice.objects.exists()
        s.case_select(cases=[case], user=village_clerk, notice_start=D(2025, 3, 4), notice_end=D(2025, 3, 8))
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTICE


def test_review_during_notice_window_is_refused(clue, village_clerk, township_reviewer, county_admin):
    case = open_and_verify(clue, village_clerk)
    with at("2025-03-03"):
        notice = s.case_select(cases=[case], user=village_clerk, notice_start=D(2025, 3, 4), notice_end=D(2025, 3, 8))
    with at("2025-03-09"):
        refused(s.case_township_review, contains="张贴情况", case=case, user=township_reviewer)
    with at("2025-03-04"):
        s.notice_record_posting(notice=notice, user=village_clerk, posted_on=D(2025, 3, 4), place="公示栏")
    with at("2025-03-08"):
        refused(s.case_township_review, contains="公示期至 2025-03-08 止", case=case, user=township_reviewer)
        # Approval attempted during the notice window: the case has not left the village notice.
        refused(s.case_county_approve, contains="当前状态为「村内公示/待乡级审核」，不能办理「县级审批」", case=case,
                user=county_admin)
    with at("2025-03-09"):
        s.case_township_review(case=case, user=township_reviewer)
    case.refresh_from_db()
    assert case.status == CaseStatus.COUNTY


def test_late_posting_shortens_the_window(clue, village_clerk, township_reviewer):
    case = open_and_verify(clue, village_clerk)
    with at("2025-03-03"):
        notice = s.case_select(cases=[case], user=village_clerk, notice_start=D(2025, 3, 4), notice_end=D(2025, 3, 8))
    with at("2025-03-06"):
        s.notice_record_posting(notice=notice, user=village_clerk, posted_on=D(2025, 3, 6), place="公示栏")
    with at("2025-03-10"):
        refused(s.case_township_review, contains="实际张贴 3 天", case=case, user=township_reviewer)


def test_objection_blocks_until_handled(clue, village_clerk, township_reviewer, county_admin):
    case = open_and_verify(clue, village_clerk)
    notice = select_and_post(case, village_clerk)
    with at("2025-03-06"):
        objection = s.objection_register(notice=notice, user=village_clerk, received_on=D(2025, 3, 6),
                                         content="该户有小轿车一辆", raised_by="村民", case=case)
    with at("2025-03-09"):
        refused(s.case_township_review, contains="异议还有 1 件未处理", case=case, user=township_reviewer)
        s.objection_resolve(objection=objection, user=township_reviewer, upheld=False,
                            handling="经核实车辆已于 2024 年卖出")
        s.case_township_review(case=case, user=township_reviewer)
    # An objection that arrives after the township review still stops county approval until it is handled.
    with at("2025-03-10"):
        late = s.objection_register(notice=notice, user=township_reviewer, received_on=D(2025, 3, 10),
                                    content="该户家庭成员在外地有房", case=case)
        refused(s.case_county_approve, contains="未处理完毕", case=case, user=county_admin)
        s.objection_resolve(objection=late, user=township_reviewer, upheld=True, handling="核实属实")
        refused(s.case_county_approve, contains="异议经核实成立", case=case, user=county_admin)
        s.case_return(case=case, user=county_admin, reason="异议成立，请村里重新研判")
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and case.returned_reason.startswith("异议成立")
    assert Objection.objects.get(pk=late.pk).status == Objection.Status.UPHELD


def test_return_then_reselect_with_a_new_notice(clue, village_clerk, township_reviewer):
    case = open_and_verify(clue, village_clerk)
    select_and_post(case, village_clerk)
    with at("2025-03-09"):
        refused(s.case_return, contains="请填写理由", case=case, user=township_reviewer, reason=" ")
        s.case_return(case=case, user=township_reviewer, reason="核查表收入口径不对")
        case.refresh_from_db()
        assert case.status == CaseStatus.RETURNED
        # Resubmitting keeps the old notice, which closed cleanly.
        s.case_resubmit(case=case, user=village_clerk, note="已补正")
        case.refresh_from_db()
        assert case.status == CaseStatus.NOTICE
        s.case_return(case=case, user=township_reviewer, reason="名单需重新研判")
        s.case_reselect(case=case, user=village_clerk)
        case.refresh_from_db()
        assert case.status == CaseStatus.SELECTING
        s.case_select(cases=[case], user=village_clerk, notice_start=D(2025, 3, 10), notice_end=D(2025, 3, 14))
    case.refresh_from_db()
    assert case.notice_start == D(2025, 3, 10) and case.notices.count() == 2


def test_rejection_with_reason_by_the_step_owner(clue, village_clerk, township_reviewer):
    case = open_and_verify(clue, village_clerk)
    select_and_post(case, village_clerk)
    with at("2025-03-09"):
        refused(s.case_reject, contains="您的角色不能办理乡级审核", case=case, user=village_clerk, reason="不符合")
        refused(s.case_reject, contains="请填写理由", case=case, user=township_reviewer, reason="")
        s.case_reject(case=case, user=township_reviewer, reason="人均纯收入明显高于监测范围，且无刚性支出")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and "监测范围" in case.rejected_reason
    with at("2025-03-10"):
        refused(s.case_township_review, contains="当前状态为「不予纳入」", case=case, user=township_reviewer)


def test_entry_date_checks(clue, village_clerk, township_reviewer, county_admin):
    case = open_and_verify(clue, village_clerk)
    select_and_post(case, village_clerk)
    with at("2025-03-09"):
        s.case_township_review(case=case, user=township_reviewer)
        s.case_county_approve(case=case, user=county_admin)
        refused(s.case_enter, contains="不能办理「录入建档」", case=case, user=village_clerk, entered_on=D(2025, 3, 9))
        s.case_announce(cases=[case], user=township_reviewer, announced_on=D(2025, 3, 9), place="公示栏")
        refused(s.case_enter, contains="不能早于县级审批日期", case=case, user=village_clerk, entered_on=D(2025, 3, 8))
        refused(s.case_enter, contains="不能晚于今天", case=case, user=village_clerk, entered_on=D(2025, 3, 10))


def test_second_case_for_same_household_is_refused(hh, village_clerk):
    first = ClueFactory(household=hh, discovered_on=D(2025, 3, 1))
    with at("2025-03-03"):
        s.case_open(clue=first, user=village_clerk)
        second = ClueFactory(household=hh, discovered_on=D(2025, 3, 2))
        refused(s.case_open, contains="该户已有监测记录", clue=second, user=village_clerk)
    assert MonitoringCase.objects.count() == 1


def test_transition_table_is_explicit():
    t = IDENTIFICATION["township_review"]
    assert t.sources == {CaseStatus.NOTICE} and t.target == CaseStatus.COUNTY
    assert [g.__name__ for g in t.guards] == ["township_user", "notice_closed_cleanly"]
    assert Procedure.IDENTIFICATION in TABLES


def test_comparison_attaches_open_warnings_and_findings(clue, hh, village_clerk):
    from gonggu.rules.models import Finding, RuleRun
    from gonggu.screening.models import Warning

    Warning.objects.create(rule="MED-HIGH-EXPENSE", household=hh, region_code=hh.region_code, grade="red",
                           risk_type="因病", detail="自付 4.5 万元", first_raised_on=D(2025, 3, 1),
                           last_seen_on=D(2025, 3, 1), deadline=D(2025, 3, 4))
    run = RuleRun.objects.create(kind="quality", as_of=D(2025, 3, 1))
    Finding.objects.create(run=run, rule="Q-LABOR-AGE", kind="quality", household_no=hh.household_no,
                           region_code=hh.region_code, detail="未满 16 周岁登记为普通劳动力")
    case = open_and_verify(clue, village_clerk)
    results = case.comparison_results
    assert [w["rule"] for w in results["warnings"]] == ["MED-HIGH-EXPENSE"]
    assert [f["rule"] for f in results["findings"]] == ["Q-LABOR-AGE"]
    assert CaseEvent.objects.get(case=case, action="compare").note.startswith("附比对结果 2 条")


def test_clue_without_a_registry_household_needs_one(regions, village_clerk):
    clue = ClueFactory(household=None, village=regions["village"], discovered_on=D(2025, 3, 3))
    with at("2025-03-03"):
        refused(s.case_open, contains="请先确定农户", clue=clue, user=village_clerk)
        elsewhere = household(regions["village_b"])
        refused(s.case_open, contains="不在线索所在的村", clue=clue, user=village_clerk, household=elsewhere)
        here = household(regions["village"])
        case = s.case_open(clue=clue, user=village_clerk, household=here)
    assert case.household == here and Clue.objects.get(pk=clue.pk).household == here
