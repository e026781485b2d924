"""A project's life through the transition table: each step by whom it belongs to, in order, with its date;
steps out of order, by the wrong role, with a date before the previous step or without the seed's
preconditions are refused with the reason and change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.funds import services
from gonggu.funds.models import Project, ProjectEvent, ProjectStatus

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)


def _propose(user, region, **values):
    data = dict(project_no="2025-DC-001", name="东村食用菌大棚", year=2025, project_type="产业发展", operating=True,
                central_funds=Decimal("500000"), county_funds=Decimal("50000"), proposed_on=dt.date(2025, 1, 10),
                performance_targets="带动脱贫户 40 户，户均增收 1500 元", link_mechanism="务工带动、入股分红")
    data.update(values)
    return services.project_propose(user=user, region_code=region.code, values=data, today=TODAY)


def _refused(match: str, fn, **kwargs):
    with pytest.raises(UserFacingError, match=match):
        fn(today=TODAY, **kwargs)


def test_a_project_goes_from_proposal_to_acceptance(regions, village_clerk, township_reviewer, county_admin):
    p = _propose(village_clerk, regions["village"])
    assert p.status == ProjectStatus.PROPOSED and p.created_by == village_clerk
    p = services.project_review(user=township_reviewer, project=p, on=dt.date(2025, 1, 20), today=TODAY)
    p = services.project_enter(user=county_admin, project=p, on=dt.date(2025, 2, 1), today=TODAY)
    p = services.project_publish(user=county_admin, project=p, on=dt.date(2025, 2, 5), place="村务公开栏",
                                 today=TODAY)
    p = services.project_plan(user=county_admin, project=p, on=dt.date(2025, 3, 1), today=TODAY)
    p = services.project_start(user=village_clerk, project=p, on=dt.date(2025, 3, 10), today=TODAY)
    p = services.project_complete(user=village_clerk, project=p, on=dt.date(2025, 5, 30), today=TODAY)
    p = services.project_accept(user=township_reviewer, project=p, on=dt.date(2025, 6, 5), today=TODAY)
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED and p.published_place == "村务公开栏"
    assert (p.reviewed_on, p.entered_on, p.planned_on, p.accepted_on) == (
        dt.date(2025, 1, 20), dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 6, 5))
    steps = list(ProjectEvent.objects.filter(project=p).values_list("label", "to_status", "actor_name"))
    assert [s[0] for s in steps] == ["项目申报", "审核论证", "纳入项目库", "项目库公告公示", "纳入年度项目计划", "开工",
                                     "竣工", "竣工验收"]
    assert steps[2][1:] == ("library", county_admin.full_name)
    assert p.history.count() == 8   # created, then seven steps


def test_steps_out_of_order_or_by_the_wrong_role_are_refused(regions, village_clerk, township_reviewer,
                                                             county_admin, other_county_user, leader):
    p = _propose(village_clerk, regions["village"])
    _refused("不能办理「纳入项目库」", services.project_enter, user=county_admin, project=p, on=dt.date(2025, 2, 1))
    _refused("不能审核论证", services.project_review, user=village_clerk, project=p, on=dt.date(2025, 1, 20))
    _refused("不在您管辖", services.project_review, user=other_county_user, project=p, on=dt.date(2025, 1, 20))
    _refused("不能审核论证", services.project_review, user=leader, project=p, on=dt.date(2025, 1, 20))
    _refused("早于申报日期", services.project_review, user=township_reviewer, project=p, on=dt.date(2025, 1, 9))
    _refused("不能晚于今天", services.project_review, user=township_reviewer, project=p, on=dt.date(2025, 7, 1))
    p = services.project_review(user=township_reviewer, project=p, on=dt.date(2025, 1, 20), today=TODAY)
    _refused("须由县级用户", services.project_enter, user=township_reviewer, project=p, on=dt.date(2025, 2, 1))
    p = services.project_enter(user=county_admin, project=p, on=dt.date(2025, 2, 1), today=TODAY)
    _refused("不能办理「纳入年度项目计划」", services.project_plan, user=county_admin, project=p, on=dt.date(2025, 3, 1))
    _refused("公告公示的地点", services.project_publish, user=county_admin, project=p, on=dt.date(2025, 2, 5),
             place=" ")
    p.refresh_from_db()
    assert p.status == ProjectStatus.LIBRARY and p.published_on is None
    assert ProjectEvent.objects.filter(project=p).count() == 3


def test_no_library_without_targets_or_a_mechanism_for_an_operating_project(regions, village_clerk,
                                                                             township_reviewer, county_admin):
    p = _propose(village_clerk, regions["village"], link_mechanism="")
    p = services.project_review(user=township_reviewer, project=p, on=dt.date(2025, 1, 20), today=TODAY)
    _refused("经营性项目没有联农带农机制", services.project_enter, user=county_admin, project=p, on=dt.date(2025, 2, 1))
    q = _propose(village_clerk, regions["village"], project_no="2025-DC-002", performance_targets="", operating=False)
    q = services.project_review(user=township_reviewer, project=q, on=dt.date(2025, 1, 20), today=TODAY)
    _refused("没有绩效目标", services.project_enter, user=county_admin, project=q, on=dt.date(2025, 2, 1))
    # A public-welfare road needs targets but no 联农带农 mechanism.
    r = _propose(village_clerk, regions["village"], project_no="2025-DC-003", operating=False, link_mechanism="",
                 project_type="基础设施")
    r = services.project_review(user=township_reviewer, project=r, on=dt.date(2025, 1, 20), today=TODAY)
    assert services.project_enter(user=county_admin, project=r, on=dt.date(2025, 2, 1), today=TODAY).status == "library"


def test_proposal_needs_funds_a_free_number_and_the_proposers_region(regions, village_clerk, township_reviewer):
    with pytest.raises(UserFacingError, match="没有填写计划资金"):
        _propose(village_clerk, regions["village"], central_funds=Decimal(0), county_funds=Decimal(0))
    with pytest.raises(UserFacingError, match="不在您管辖"):
        _propose(village_clerk, regions["village_b"])
    _propose(village_clerk, regions["village"])
    with pytest.raises(UserFacingError, match="已被使用"):
        _propose(village_clerk, regions["village"])
    assert Project.objects.count() == 1


def test_rejection_needs_a_reason_and_ends_the_project(regions, village_clerk, township_reviewer):
    p = _propose(village_clerk, regions["village"])
    _refused("请填写不予通过的理由", services.project_reject, user=township_reviewer, project=p, reason="")
    p = services.project_reject(user=township_reviewer, project=p, reason="与村产业规划不符", today=TODAY)
    assert p.status == ProjectStatus.REJECTED
    _refused("不能办理「审核论证」", services.project_review, user=township_reviewer, project=p, on=dt.date(2025, 1, 20))
