"""Traffic lights at their boundaries, the board by task and by unit, 催办 and 办结销号."""

import datetime as dt

import pytest
from django.core import mail

from gonggu.core.errors import UserFacingError
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.models import Reminder, ReportSlot, TaskSetting, TaskStatus, UnitKind
from gonggu.tasks.notify import _DEFAULT_GATEWAY
from gonggu.tasks.selectors import (
    BoardFilter,
    board_counts,
    board_tasks,
    board_units,
    inbox_for_user,
    tasks_with_light,
    unread_count,
)
from gonggu.tasks.services import (
    reminder_mark_read,
    reminder_send,
    report_submit,
    task_close,
    task_deadline_set,
    task_reopen,
    task_settings_update,
)

TODAY = dt.date(2024, 6, 10)

LIST = """某县任务清单
序号\t工作任务\t牵头单位\t责任单位\t完成时限
1\t甲任务。内容甲。\t县乡村振兴局\t城关镇\t2024年6月17日
2\t乙任务。内容乙。\t县乡村振兴局\t城关镇\t2024年6月18日
3\t丙任务。内容丙。\t县乡村振兴局\t城关镇\t2024年6月10日
4\t丁任务。内容丁。\t县乡村振兴局\t城关镇\t2024年6月9日
5\t戊任务。内容戊。\t县民政局\t城关镇\t尽快
"""


@pytest.fixture
def board(regions, county_admin, department_user, township_reviewer, time_machine):
    time_machine.move_to(dt.datetime(2024, 6, 10, 9, 0))
    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    civil = make_unit(county_admin, "县民政局", regions["county"])
    town = make_unit(county_admin, "城关镇", regions["township"], kind=UnitKind.TOWNSHIP, members=[township_reviewer])
    task_list = make_list(county_admin, regions["county"], LIST)
    return task_list, lead, civil, town


def lights(qs) -> dict[str, str]:
    return dict(qs.values_list("no", "light"))


@pytest.mark.django_db
def test_lights_at_the_boundaries(board):
    task_list, *_ = board
    # Default N = 7: due in 7 days is amber, in 8 days green, today amber, yesterday red.
    assert lights(tasks_with_light(task_list.tasks.all(), today=TODAY)) == {
        "1": "amber", "2": "green", "3": "amber", "4": "red", "5": "green"}


@pytest.mark.django_db
def test_amber_window_is_a_setting(board, county_admin):
    task_list, *_ = board
    task_settings_update(user=county_admin, amber_days=8)
    assert TaskSetting.current().amber_days == 8
    assert lights(tasks_with_light(task_list.tasks.all(), today=TODAY))["2"] == "amber"
    with pytest.raises(UserFacingError):
        task_settings_update(user=county_admin, amber_days=-1)


@pytest.mark.django_db
def test_done_is_grey_even_when_overdue(board, county_admin):
    task_list, *_ = board
    overdue = task_list.tasks.get(no="4")
    task_close(user=county_admin, task=overdue, note="已完成，见会议纪要")
    assert lights(tasks_with_light(task_list.tasks.all(), today=TODAY))["4"] == "grey"


@pytest.mark.django_db
def test_overdue_report_slot_turns_red_and_a_report_clears_it(board, department_user):
    task_list, lead, *_ = board
    task = task_list.tasks.get(no="2")  # due 2024-06-18: green by its due date
    ReportSlot.objects.create(task=task, unit=lead, period_key="2024-05", period_start=dt.date(2024, 5, 1),
                              period_end=dt.date(2024, 5, 31), due_date=dt.date(2024, 5, 31))
    assert lights(tasks_with_light(task_list.tasks.all(), today=TODAY))["2"] == "red"
    report_submit(user=department_user, task=task, unit=lead, progress="5月已完成摸排")
    assert lights(tasks_with_light(task_list.tasks.all(), today=TODAY))["2"] == "green"


@pytest.mark.django_db
def test_unparsed_deadline_is_flagged_until_a_person_sets_it(board, county_admin):
    task_list, *_ = board
    flagged = board_tasks(county_admin, BoardFilter(unparsed=True), today=TODAY)
    assert [t.no for t in flagged] == ["5"]
    assert flagged[0].deadline_text == "尽快" and flagged[0].due_date is None
    assert board_counts(county_admin, BoardFilter(), today=TODAY)["unparsed"] == 1
    task_deadline_set(user=county_admin, task=task_list.tasks.get(no="5"), due_date=dt.date(2024, 6, 12))
    task = task_list.tasks.get(no="5")
    assert task.deadline_text == "尽快" and not task.deadline_unparsed
    assert not board_tasks(county_admin, BoardFilter(unparsed=True), today=TODAY).exists()
    assert lights(tasks_with_light(task_list.tasks.all(), today=TODAY))["5"] == "amber"


@pytest.mark.django_db
def test_board_by_task_filters_by_light(board, county_admin):
    assert [t.no for t in board_tasks(county_admin, BoardFilter(light="red"), today=TODAY)] == ["4"]
    counts = board_counts(county_admin, BoardFilter(), today=TODAY)
    assert (counts["red"], counts["amber"], counts["green"], counts["grey"]) == (1, 2, 2, 0)


@pytest.mark.django_db
def test_board_by_unit(board, county_admin, django_assert_max_num_queries):
    _task_list, lead, civil, town = board
    with django_assert_max_num_queries(6):
        rows = {r["name"]: r for r in board_units(county_admin, BoardFilter(), today=TODAY)}
    assert (rows["县乡村振兴局"]["total"], rows["县乡村振兴局"]["lead"], rows["县乡村振兴局"]["red"]) == (4, 4, 1)
    assert rows["城关镇"]["total"] == 5 and rows["城关镇"]["lead"] == 0
    assert rows["县民政局"]["green"] == 1
    assert rows["县乡村振兴局"]["worst"] == "red"


@pytest.mark.django_db
def test_units_see_only_their_own_on_the_board(board, department_user, township_reviewer, other_county_user):
    _task_list, lead, civil, town = board
    assert {r["name"] for r in board_units(department_user, BoardFilter(), today=TODAY)} == {"县乡村振兴局"}
    assert {t.no for t in board_tasks(department_user, BoardFilter(), today=TODAY)} == {"1", "2", "3", "4"}
    assert {t.no for t in board_tasks(township_reviewer, BoardFilter(), today=TODAY)} == {"1", "2", "3", "4", "5"}
    assert not board_tasks(other_county_user, BoardFilter(), today=TODAY).exists()
    assert board_units(other_county_user, BoardFilter(), today=TODAY) == []


@pytest.mark.django_db
def test_reminder_reaches_the_unit_inbox(board, county_admin, department_user, township_reviewer):
    task_list, lead, *_ = board
    task = task_list.tasks.get(no="4")
    reminder = reminder_send(user=county_admin, task=task, unit=lead, message="请于本周内报送整改进展")
    assert reminder.deliveries == [{"channel": "inapp", "status": "delivered", "recipients": 1, "detail": ""}]
    assert list(inbox_for_user(department_user)) == [reminder]
    assert unread_count(department_user) == 1
    assert not inbox_for_user(township_reviewer).exists()  # another unit's staff see nothing
    reminder_mark_read(user=department_user, reminder=reminder)
    assert unread_count(department_user) == 0
    assert task.events.filter(action="reminded").exists()
    with pytest.raises(UserFacingError):
        reminder_mark_read(user=township_reviewer, reminder=reminder)


@pytest.mark.django_db
def test_reminder_other_channels_after_commit(board, county_admin, department_user, settings,
                                              django_capture_on_commit_callbacks):
    settings.GONGGU_TASK_REMINDER_CHANNELS = ["email", "sms"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    department_user.email = "mz@example.org"
    department_user.phone = "13800000000"
    department_user.save()
    task_list, lead, *_ = board
    _DEFAULT_GATEWAY.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminder_send(user=county_admin, task=task_list.tasks.get(no="1"), unit=lead)
    reminder.refresh_from_db()
    assert [d["channel"] for d in reminder.deliveries] == ["inapp", "email", "sms"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mz@example.org"]
    assert _DEFAULT_GATEWAY.outbox[0][0] == "13800000000"


@pytest.mark.django_db
def test_reminder_only_by_managers_and_to_assigned_units(board, county_admin, department_user, regions):
    task_list, lead, civil, _town = board
    task = task_list.tasks.get(no="1")
    with pytest.raises(UserFacingError):
        reminder_send(user=department_user, task=task, unit=lead)
    with pytest.raises(UserFacingError, match="不是该任务"):
        reminder_send(user=county_admin, task=task, unit=civil)
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_close_only_by_the_county_with_a_note(board, county_admin, department_user):
    task_list, *_ = board
    task = task_list.tasks.get(no="1")
    with pytest.raises(UserFacingError, match="县级"):
        task_close(user=department_user, task=task, note="完成")
    with pytest.raises(UserFacingError, match="销号说明"):
        task_close(user=county_admin, task=task, note=" ")
    task_close(user=county_admin, task=task, note="制度已印发")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.close_note == "制度已印发" and task.closed_by == county_admin
    with pytest.raises(UserFacingError, match="已办结"):
        report_submit(user=department_user, task=task, unit=task.assignments.first().unit, progress="x")
    task_reopen(user=county_admin, task=task, note="材料不全")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
