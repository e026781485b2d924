"""The rectification ledger (问题整改, W-31): transitions, guards with reasons, overdue flags, events, pages."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonggu.assessment import services, workflow
from gonggu.assessment.models import Problem, ProblemEvent
from gonggu.assessment.selectors import problem_summary, problems_due_soon, problems_overdue
from gonggu.assessment.workflow import ProblemStatus
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.tests.files import PNG

TODAY = dt.date(2025, 11, 3)


def make(user, region, *, deadline=dt.date(2025, 11, 30), measures="逐户核查参保并动员补缴", source="省级考核",
         title="部分监测户未参保"):
    return services.problem_create(user=user, source=source, title=title, region_code=region.code,
                                   owner_unit="城关镇党委政府", deadline=deadline, measures=measures, today=TODAY)


def evidence(user, problem, name="台账.xlsx"):
    return services.problem_evidence_add(user=user, problem=problem,
                                         uploaded=SimpleUploadedFile(name, b"PK\x03\x04 evidence"))


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 11, 3, 10, tzinfo=dt.UTC), tick=False)
def test_full_cycle_open_rectified_verified(county_admin, township_reviewer, regions):
    p = make(county_admin, regions["township"])
    assert p.status == ProblemStatus.OPEN and p.year == 2025
    evidence(township_reviewer, p)
    p = services.problem_rectify(user=township_reviewer, problem=p, note="已补缴 3 人，举一反三排查全镇")
    assert p.status == ProblemStatus.RECTIFIED and p.rectified_by == township_reviewer
    p = services.problem_verify(user=county_admin, problem=p, note="入户核实 3 户，群众认可")
    assert p.status == ProblemStatus.VERIFIED and p.verified_by == county_admin
    actions = list(ProblemEvent.objects.filter(problem=p).values_list("action", "from_status", "to_status"))
    assert actions == [("register", "", "整改中"), ("evidence", "", ""), ("rectify", "整改中", "已整改"),
                       ("verify", "已整改", "已核实")]
    assert AuditEvent.objects.filter(object_type="problem", object_id=str(p.pk)).count() == 3


@pytest.mark.django_db
def test_rectify_guards_give_every_reason(county_admin, regions):
    p = make(county_admin, regions["village"], measures="")
    with pytest.raises(UserFacingError) as exc:
        services.problem_rectify(user=county_admin, problem=p, note="", today=TODAY)
    assert "整改措施" in exc.value.message and "完成情况说明" in exc.value.message and "佐证材料" in exc.value.message
    p.refresh_from_db()
    assert p.status == ProblemStatus.OPEN


@pytest.mark.django_db
def test_verifier_must_not_be_the_rectifier(county_admin, regions):
    p = make(county_admin, regions["village"])
    evidence(county_admin, p)
    services.problem_rectify(user=county_admin, problem=p, note="已整改", today=TODAY)
    with pytest.raises(UserFacingError, match="报整改人以外"):
        services.problem_verify(user=county_admin, problem=p, note="核实", today=TODAY)


@pytest.mark.django_db
def test_wrong_status_and_role_are_refused_with_reasons(county_admin, village_clerk, township_reviewer, regions):
    p = make(county_admin, regions["village"])
    with pytest.raises(UserFacingError, match="只有已整改的问题可以回头看核实"):
        services.problem_verify(user=township_reviewer, problem=p, note="x", today=TODAY)
    evidence(village_clerk, p)
    services.problem_rectify(user=village_clerk, problem=p, note="已整改", today=TODAY)
    with pytest.raises(UserFacingError, match="您的角色不能回头看核实"):
        services.problem_verify(user=village_clerk, problem=p, note="x", today=TODAY)


@pytest.mark.django_db
def test_reopen_needs_reason_and_future_deadline_then_cycles_again(county_admin, township_reviewer, regions):
    p = make(county_admin, regions["village"])
    evidence(township_reviewer, p)
    services.problem_rectify(user=township_reviewer, problem=p, note="已整改", today=TODAY)
    services.problem_verify(user=county_admin, problem=p, note="核实", today=TODAY)
    with pytest.raises(UserFacingError) as exc:
        services.problem_reopen(user=county_admin, problem=p, reason="随便", note="", new_deadline=None, today=TODAY)
    assert "回炉原因" in exc.value.message and "重新确定整改时限" in exc.value.message
    with pytest.raises(UserFacingError, match="早于今天"):
        services.problem_reopen(user=county_admin, problem=p, reason="成效不明显", note="",
                                new_deadline=dt.date(2025, 11, 1), today=TODAY)
    with pytest.raises(UserFacingError, match="写明原因"):
        services.problem_reopen(user=county_admin, problem=p, reason="其他", note=" ",
                                new_deadline=dt.date(2025, 12, 15), today=TODAY)
    p = services.problem_reopen(user=county_admin, problem=p, reason="举一反三不到位", note="邻村同类问题未排查",
                                new_deadline=dt.date(2025, 12, 15), today=TODAY)
    assert p.status == ProblemStatus.REOPENED and p.reopen_count == 1 and p.deadline == dt.date(2025, 12, 15)
    assert p.verified_at is None
    p = services.problem_rectify(user=township_reviewer, problem=p, note="邻村已排查", today=TODAY)
    assert p.status == ProblemStatus.RECTIFIED


@pytest.mark.django_db
def test_creation_refuses_past_deadline_and_unknown_source(county_admin, regions):
    with pytest.raises(UserFacingError) as exc:
        services.problem_create(user=county_admin, source="小道消息", title="", region_code=regions["village"].code,
                                owner_unit="", deadline=dt.date(2025, 10, 1), today=TODAY)
    for part in ("问题来源", "请填写问题", "责任单位", "早于今天"):
        assert part in exc.value.message
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_creation_outside_scope_looks_like_missing(township_reviewer, regions):
    from gonggu.core.errors import NotFoundInScope

    with pytest.raises(NotFoundInScope):
        services.problem_create(user=township_reviewer, source="自评", title="x", region_code=regions["village_c"].code,
                                owner_unit="u", deadline=dt.date(2025, 12, 1), today=TODAY)


@pytest.mark.django_db
def test_overdue_flags_follow_the_clock(county_admin, regions):
    p = make(county_admin, regions["village"], deadline=dt.date(2025, 11, 20))
    for day, flag in [(dt.date(2025, 11, 12), ""), (dt.date(2025, 11, 13), "amber"), (dt.date(2025, 11, 20), "amber"),
                      (dt.date(2025, 11, 21), "red")]:
        assert workflow.overdue_flag(p, day) == flag, day
    prefix = regions["county"].prefix
    assert list(problems_overdue(prefix, today=dt.date(2025, 11, 21))) == [p]
    assert list(problems_due_soon(prefix, today=dt.date(2025, 11, 15))) == [p]
    assert problem_summary(prefix, today=dt.date(2025, 11, 21))["overdue"] == 1
    # Rectified late: no longer flagged, and the event says how late.
    evidence(county_admin, p)
    p = services.problem_rectify(user=county_admin, problem=p, note="已整改", today=dt.date(2025, 11, 25))
    assert workflow.overdue_flag(p, dt.date(2025, 11, 25)) == ""
    assert "逾期 5 天完成" in ProblemEvent.objects.filter(problem=p, action=ProblemEvent.Action.RECTIFY).get().note


@pytest.mark.django_db
def test_deadline_change_is_an_event(county_admin, regions):
    p = make(county_admin, regions["village"])
    services.problem_update(user=county_admin, problem=p, owner_unit="东村两委", owner_person="张三", cause="排查不细",
                            measures="再排查", deadline=dt.date(2025, 12, 20), today=TODAY)
    assert ProblemEvent.objects.filter(problem=p, action=ProblemEvent.Action.DEADLINE, note="2025-11-30 → 2025-12-20").exists()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 11, 3, 10, tzinfo=dt.UTC), tick=False)
def test_pages_work_end_to_end(login, county_admin, township_reviewer, regions):
    client = login(county_admin)
    response = client.post(reverse("assessment_problem_new"), {
        "source": "国家考核", "kind": "共性问题", "year": "2025", "title": "帮扶措施针对性不强",
        "region_code": regions["township"].code, "owner_unit": "城关镇", "deadline": "2025-12-31",
        "measures": "逐户梳理措施"})
    p = Problem.objects.get()
    assert response["Location"] == reverse("assessment_problem", args=[p.pk])
    reviewer = login(township_reviewer)
    reviewer.post(reverse("assessment_problem_evidence", args=[p.pk]),
                  {"file": SimpleUploadedFile("照片.png", PNG)})
    reviewer.post(reverse("assessment_problem_transition", args=[p.pk, "rectify"]), {"note": "已完成"})
    p.refresh_from_db()
    assert p.status == ProblemStatus.RECTIFIED
    ev = p.evidence.get()
    download = reviewer.get(reverse("assessment_problem_evidence_file", args=[p.pk, ev.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    # Guard failure on a page: message, nothing changes.
    page = reviewer.post(reverse("assessment_problem_transition", args=[p.pk, "verify"]), {"note": "x"}, follow=True)
    assert "报整改人以外" in page.content.decode()
    client = login(county_admin)
    client.post(reverse("assessment_problem_transition", args=[p.pk, "verify"]), {"note": "实地查看"})
    p.refresh_from_db()
    assert p.status == ProblemStatus.VERIFIED
    listing = client.get(reverse("assessment_problems") + "?status=已核实").content.decode()
    assert "帮扶措施针对性不强" in listing and "回头看已核实" in listing


@pytest.mark.django_db
def test_page_permissions_and_scope(login, county_admin, village_clerk, leader, other_county_user, regions):
    p = make(county_admin, regions["village_c"])
    # The village clerk of another village, and a user of another county: 404 like a missing problem.
    assert login(village_clerk).get(reverse("assessment_problem", args=[p.pk])).status_code == 404
    assert login(other_county_user).get(reverse("assessment_problem", args=[p.pk])).status_code == 404
    assert "部分监测户未参保" not in login(other_county_user).get(reverse("assessment_problems")).content.decode()
    # A leader reads but cannot create or verify.
    assert login(leader).get(reverse("assessment_problem", args=[p.pk])).status_code == 200
    assert login(leader).get(reverse("assessment_problem_new")).status_code == 403
    assert login(leader).post(reverse("assessment_problem_transition", args=[p.pk, "verify"])).status_code == 403
    # A village clerk may report progress on its own village's problem but not create one.
    own = make(county_admin, regions["village"])
    clerk = login(village_clerk)
    assert clerk.get(reverse("assessment_problem_new")).status_code == 403
    assert clerk.post(reverse("assessment_problem_progress", args=[own.pk]), {"note": "已入户 5 户"}).status_code == 302
    own.refresh_from_db()
    assert own.progress == "已入户 5 户"
    assert clerk.post(reverse("assessment_problem_transition", args=[own.pk, "reopen"])).status_code == 403
    assert clerk.get(reverse("assessment_problem_edit", args=[own.pk])).status_code == 403


@pytest.mark.django_db
def test_ledger_page_flags_follow_the_frozen_clock(login, county_admin, regions):
    make(county_admin, regions["village"], deadline=dt.date(2025, 11, 20), title="逾期问题甲")
    client = login(county_admin)
    with time_machine.travel(dt.datetime(2025, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("assessment_problems")).content.decode()
        assert "逾期问题甲" in page and "将到期" not in page and "badge red\">逾期" not in page
    with time_machine.travel(dt.datetime(2025, 11, 15, 9, tzinfo=dt.UTC), tick=False):
        assert "将到期" in client.get(reverse("assessment_problems")).content.decode()
    with time_machine.travel(dt.datetime(2025, 11, 21, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("assessment_problems") + "?overdue=1").content.decode()
        assert "逾期问题甲" in page and "flag-red" in page
