"""控辍保学: a dropout from the file to return to school with three persuasion records entered on the phone form;
the report to the joint group refused before three attempts; deferral only after three joint persuasions and
approval; 送教上门 visits refused for a child outside 6–15."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gonggu.core.errors import UserFacingError
from gonggu.guarantees import services
from gonggu.guarantees.models import DropoutFile, HomeTeachingVisit, Persuasion
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory

from .factories import dropout, persuasion

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 6, 30, 10, 0)


@pytest.fixture
def child(regions):
    h = HouseholdFactory(village=regions["village"])
    born = dt.date(2011, 9, 1)
    return PersonFactory(household=h, birth_date=born, id_number=make_id_number("410122", born, 13))


@time_machine.travel(TODAY, tick=False)
def test_dropout_returns_to_school_after_three_persuasions(child, village_clerk, login):
    client = login(village_clerk)
    client.post(reverse("ledger_new", args=["dropout"]), {
        "id_number_input": child.id_number, "found_on": "2025-05-06", "kind": "疑似辍学", "school": "城关一中"})
    file = DropoutFile.objects.get()
    assert file.status == "劝返中" and file.person == child
    page = client.get(reverse("dropout_procedure", args=[file.pk])).content.decode()
    assert "登记劝返" in page and "还没有劝返记录" in page

    # Reporting to the joint group before three attempts is refused.
    early = client.post(reverse("guarantee_step", args=["dropout", file.pk, "report"]),
                        {"report-reported_on": "2025-05-20"}, follow=True).content.decode()
    assert "已劝返 0 次，劝返不少于 3 次仍不复学的才报县联合劝返工作组" in early
    before = client.post(reverse("guarantee_persuasion", args=[file.pk]), {
        "persuaded_on": "2025-05-01", "persuaders": "班主任", "outcome": "未复学"}).content.decode()
    assert "劝返日期不能早于发现辍学的日期（2025-05-06）" in before and Persuasion.objects.count() == 0

    for on, outcome in (("2025-05-08", "未复学"), ("2025-05-15", "未复学"), ("2025-05-22", "已复学")):
        response = client.post(reverse("guarantee_persuasion", args=[file.pk]), {
            "persuaded_on": on, "persuaders": "班主任、村支书", "outcome": outcome, "content": "入户做家长工作"})
        assert response.status_code == 302
    file.refresh_from_db()
    assert file.status == "已复学" and file.returned_on == dt.date(2025, 5, 22)
    assert Persuasion.objects.filter(person=child).count() == 3
    page = client.get(reverse("dropout_procedure", args=[file.pk])).content.decode()
    assert "劝返记录（3 次）" in page and "登记一次劝返" not in page


@time_machine.travel(TODAY, tick=False)
def test_deferral_needs_three_joint_persuasions_and_an_approver(child, county_admin):
    file = dropout(child, found=dt.date(2025, 3, 3))
    for day in (5, 12, 19):
        persuasion(child, dt.date(2025, 3, day))
    services.dropout_report(row=file, user=county_admin, data={"reported_on": dt.date(2025, 3, 25)})
    persuasion(child, dt.date(2025, 4, 2), joint=True)
    persuasion(child, dt.date(2025, 4, 9), joint=True)
    file.refresh_from_db()
    with pytest.raises(UserFacingError, match="联合劝返 2 次"):
        services.dropout_defer(row=file, user=county_admin,
                               data={"approved_on": dt.date(2025, 4, 20), "approved_by": "县人民政府"})
    persuasion(child, dt.date(2025, 4, 16), joint=True)
    with pytest.raises(UserFacingError, match="请填写批准机关"):
        services.dropout_defer(row=file, user=county_admin, data={"approved_on": dt.date(2025, 4, 20)})
    services.dropout_defer(row=file, user=county_admin,
                           data={"approved_on": dt.date(2025, 4, 20), "approved_by": "县人民政府"})
    file.refresh_from_db()
    assert file.status == "已批准延缓入学或休学"
    # Closing the file waits for the child to pass compulsory-education age.
    with pytest.raises(UserFacingError, match="13 周岁，尚在义务教育年龄内"):
        services.dropout_close(row=file, user=county_admin, data={"closed_on": dt.date(2025, 6, 1)})


@time_machine.travel(TODAY, tick=False)
def test_home_teaching_visit_for_a_child_outside_6_to_15_is_refused(regions, village_clerk, login):
    h = HouseholdFactory(village=regions["village"])
    young = PersonFactory(household=h, birth_date=dt.date(2020, 3, 1),
                          id_number=make_id_number("410122", dt.date(2020, 3, 1), 15))
    pupil = PersonFactory(household=h, birth_date=dt.date(2014, 3, 1),
                          id_number=make_id_number("410122", dt.date(2014, 3, 1), 17))
    client = login(village_clerk)
    data = {"visited_on": "2025-06-10", "class_hours": "3", "teacher": "王老师", "content": "识字"}
    refused = client.post(reverse("ledger_new", args=["home_teaching"]), {**data, "id_number_input": young.id_number})
    assert "送教上门的对象为6-15周岁的义务教育阶段儿童少年，该生在送教日（2025-06-10）为 5 周岁" in \
        refused.content.decode()
    assert HomeTeachingVisit.objects.count() == 0
    ok = client.post(reverse("ledger_new", args=["home_teaching"]), {**data, "id_number_input": pupil.id_number})
    assert ok.status_code == 302 and HomeTeachingVisit.objects.get().person == pupil
