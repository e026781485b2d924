"""危房改造 from the application to 销号, step by step through its pages, with the right people; steps out of
order, dates out of order and a house below standard refused with the reason; history kept per step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from gonggu.core.errors import UserFacingError
from gonggu.guarantees import services
from gonggu.guarantees.models import HousingRenovation
from gonggu.registry.factories import HouseholdFactory, PersonFactory

from .factories import renovation

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 9, 1, 10, 0)


@pytest.fixture
def head(regions):
    return PersonFactory(household=HouseholdFactory(village=regions["village"]))


def _step(client, row, step, **data):
    prefixed = {f"{step}-{k}": v for k, v in data.items()}
    return client.post(reverse("guarantee_step", args=["renovation", row.pk, step]), prefixed, follow=True)


@time_machine.travel(TODAY, tick=False)
def test_a_d_grade_house_from_application_to_closing(head, village_clerk, township_reviewer, county_admin, login):
    clerk = login(village_clerk)
    response = clerk.post(reverse("ledger_new", args=["renovation"]), {
        "id_number_input": head.id_number, "plan_year": "2025", "grade": "D级", "renovation_type": "选址新建",
        "household_size": "3", "applied_on": "2025-03-01", "status": "已销号"})   # a locked field is ignored
    row = HousingRenovation.objects.get()
    assert response.status_code == 302 and row.status == "已申请" and row.household_id == head.household_id
    page = clerk.get(reverse("renovation_procedure", args=[row.pk])).content.decode()
    assert "办理「村级评议」" in page and "办理「乡镇审核」" not in page

    # Out of order: the county cannot approve what the village has not deliberated.
    county = login(county_admin)
    refused = _step(county, row, "county_approve", county_approved_on="2025-03-20", subsidy="40000")
    assert "当前为「已申请（待村级评议）」，不能办理「县级审批」" in refused.content.decode()
    row.refresh_from_db()
    assert row.status == "已申请" and row.county_approved_on is None

    clerk = login(village_clerk)
    early = _step(clerk, row, "village_review", village_reviewed_on="2025-02-28")
    assert "村级评议日期（2025-02-28）不能早于申请日期（2025-03-01）" in early.content.decode()
    _step(clerk, row, "village_review", village_reviewed_on="2025-03-05")
    # The clerk may not do the township's review.
    assert "您的角色不能办理乡镇审核" in _step(clerk, row, "township_review", township_reviewed_on="2025-03-10").content.decode()
    _step(login(township_reviewer), row, "township_review", township_reviewed_on="2025-03-10")
    county = login(county_admin)
    _step(county, row, "county_approve", county_approved_on="2025-03-20", subsidy="40000")
    _step(county, row, "start", started_on="2025-04-01")
    _step(county, row, "complete", completed_on="2025-07-01", floor_area="39.5")
    row.refresh_from_db()
    assert row.status == "已竣工" and row.floor_area == Decimal("39.50")

    # Acceptance dated before completion, then a house below the area standard: both refused.
    before = _step(county, row, "accept", accepted_on="2025-06-30")
    assert "竣工验收日期（2025-06-30）不能早于竣工日期（2025-07-01）" in before.content.decode()
    small = _step(county, row, "accept", accepted_on="2025-07-10")
    assert "3人户选址新建的建筑面积 39.50㎡ 低于 40㎡" in small.content.decode()
    _step(county, row, "accept_fail", reason="面积不足，扩建厨房")
    row.refresh_from_db()
    assert row.status == "整改复验中" and "面积不足" in row.note
    row.floor_area = Decimal("46")   # the rectification, as the ledger's edit form records it
    row.save()
    _step(county, row, "accept", accepted_on="2025-07-20")
    over = _step(county, row, "pay", paid_on="2025-08-01", paid_amount="45000", paid_to_card="on")
    assert "超过批准的补助金额 40000.00 元" in over.content.decode()
    _step(county, row, "pay", paid_on="2025-08-01", paid_amount="40000", paid_to_card="on")

    # 建新拆旧: not closed while the old house stands; closed once it is demolished.
    standing = _step(county, row, "close", closed_on="2025-08-10")
    assert "原危房尚未拆除（建新拆旧）" in standing.content.decode()
    done = _step(county, row, "close", closed_on="2025-08-10", old_house_demolished="on")
    assert "已办理「销号」" in done.content.decode()
    row.refresh_from_db()
    assert row.status == "已销号" and row.old_house_demolished and row.closed_on == dt.date(2025, 8, 10)
    reasons = list(row.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-1] == "销号" and "县级审批" in reasons and "村级评议" in reasons
    page = county.get(reverse("renovation_procedure", args=[row.pk])).content.decode()
    assert "已销号" in page and "当前没有您可以办理的步骤" in page
    assert reverse("renovation_procedure", args=[row.pk]) in county.get(
        reverse("ledger_row", args=["renovation", row.pk])).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_refused_steps_change_nothing_and_scope_holds(head, village_clerk, other_county_user, login):
    row = renovation(head, status="已申请", applied=dt.date(2025, 3, 1))
    with pytest.raises(UserFacingError, match="不能晚于今天"):
        services.renovation_village_review(row=row, user=village_clerk,
                                           data={"village_reviewed_on": dt.date(2025, 9, 2)})
    with pytest.raises(UserFacingError, match="请填写理由"):
        services.renovation_reject(row=row, user=village_clerk, data={"reason": " "})
    row.refresh_from_db()
    assert row.status == "已申请" and row.history.count() == 1
    services.renovation_reject(row=row, user=village_clerk, data={"reason": "已有安全住房"})
    row.refresh_from_db()
    assert row.status == "不予列入" and "已有安全住房" in row.note
    outsider = login(other_county_user)
    assert outsider.get(reverse("renovation_procedure", args=[row.pk])).status_code == 404
    assert outsider.post(reverse("guarantee_step", args=["renovation", row.pk, "start"])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_pages_by_role(head, leader, village_clerk, login):
    row = renovation(head, status="已申请", applied=dt.date(2025, 3, 1))
    page = login(leader).get(reverse("renovation_procedure", args=[row.pk])).content.decode()
    assert "当前没有您可以办理的步骤" in page and "已申请" in page
    refused = login(leader).post(reverse("guarantee_step", args=["renovation", row.pk, "village_review"]),
                                 {"village_review-village_reviewed_on": "2025-03-05"}, follow=True).content.decode()
    assert "您的角色不能办理村级步骤" in refused
    row.refresh_from_db()
    assert row.status == "已申请"
    index = login(village_clerk).get(reverse("ledger_index")).content.decode()
    for title in ("危房改造台账", "控辍保学台账", "送教上门服务台账", "村饮水安全台账", "饮水安全问题台账", "家庭医生签约和慢病管理台账",
                  "村卫生室台账", "废弃危旧房台账"):
        assert title in index
    assert login(village_clerk).get(reverse("guarantee_step", args=["renovation", row.pk, "start"])).status_code == 405
    assert login(village_clerk).post(reverse("guarantee_step", args=["renovation", row.pk, "nope"])).status_code == 404
