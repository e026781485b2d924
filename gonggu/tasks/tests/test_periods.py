"""Report periods of recurring deadlines, slot generation per period and reports answering slots."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gonggu.core.errors import UserFacingError
from gonggu.core.tests.files import PNG
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.models import Evidence, ReportSlot, TaskList, UnitKind
from gonggu.tasks.periods import period_of, recurrence_label
from gonggu.tasks.services import report_slots_generate, report_submit, target_add, task_list_update

D = dt.date


@pytest.mark.parametrize("recurrence, on, key, start, end, due", [
    ({"freq": "yearly", "month": 11, "day": 20}, D(2023, 3, 1), "2023", D(2023, 1, 1), D(2023, 12, 31), D(2023, 11, 20)),
    ({"freq": "yearly"}, D(2024, 12, 31), "2024", D(2024, 1, 1), D(2024, 12, 31), D(2024, 12, 31)),
    ({"freq": "half-yearly"}, D(2024, 6, 30), "2024-H1", D(2024, 1, 1), D(2024, 6, 30), D(2024, 6, 30)),
    ({"freq": "half-yearly"}, D(2024, 7, 1), "2024-H2", D(2024, 7, 1), D(2024, 12, 31), D(2024, 12, 31)),
    ({"freq": "quarterly"}, D(2024, 4, 1), "2024-Q2", D(2024, 4, 1), D(2024, 6, 30), D(2024, 6, 30)),
    ({"freq": "monthly"}, D(2024, 2, 10), "2024-02", D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 29)),
    ({"freq": "monthly", "day": 5}, D(2024, 2, 10), "2024-02", D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 5)),
    ({"freq": "weekly"}, D(2024, 1, 3), "2024-W01", D(2024, 1, 1), D(2024, 1, 7), D(2024, 1, 7)),
    ({"freq": "weekly"}, D(2021, 1, 1), "2020-W53", D(2020, 12, 28), D(2021, 1, 3), D(2021, 1, 3)),
])
def test_period_of(recurrence, on, key, start, end, due):
    period = period_of(recurrence, on)
    assert (period.key, period.start, period.end, period.due) == (key, start, end, due)


def test_no_period_without_a_rhythm():
    assert period_of(None, D(2024, 1, 1)) is None
    assert period_of({"freq": "daily"}, D(2024, 1, 1)) is None


def test_recurrence_label():
    assert recurrence_label({"freq": "yearly", "month": 11, "day": 20}) == "每年11月20日前"
    assert recurrence_label({"freq": "quarterly"}) == "每季度"


RHYTHMS = """某县任务清单
序号\t工作任务\t牵头单位\t责任单位\t完成时限
1\t月度调度。每月调度一次。\t县乡村振兴局\t城关镇\t每月
2\t周研判。每周研判。\t\t城关镇\t每周
3\t季度分析。每季度分析一次。\t县乡村振兴局\t城关镇\t每季度
4\t半年总结。每半年总结一次。\t县乡村振兴局\t\t每半年
5\t年度报告。每年报告。\t县乡村振兴局\t\t每年11月20日前
6\t一次性任务。建立制度。\t县乡村振兴局\t\t2024年12月底
"""


@pytest.fixture
def rhythm_list(regions, county_admin, department_user, township_reviewer):
    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    town = make_unit(county_admin, "城关镇", regions["township"], kind=UnitKind.TOWNSHIP, members=[township_reviewer])
    task_list = make_list(county_admin, regions["county"], RHYTHMS)
    return task_list, lead, town


@pytest.mark.django_db
def test_slots_for_every_rhythm_lead_units_report(rhythm_list, time_machine):
    task_list, lead, town = rhythm_list
    ReportSlot.objects.all().delete()
    created = report_slots_generate(on=D(2024, 5, 15))
    slots = {(s.task.no, s.unit.name): (s.period_key, s.due_date) for s in ReportSlot.objects.select_related("task", "unit")}
    assert slots == {
        ("1", "县乡村振兴局"): ("2024-05", D(2024, 5, 31)),
        ("2", "城关镇"): ("2024-W20", D(2024, 5, 19)),  # no lead unit: the responsible unit reports
        ("3", "县乡村振兴局"): ("2024-Q2", D(2024, 6, 30)),
        ("4", "县乡村振兴局"): ("2024-H1", D(2024, 6, 30)),
        ("5", "县乡村振兴局"): ("2024", D(2024, 11, 20)),
    }
    assert created == 5
    # Running again for the same day changes nothing; a new month adds its slots.
    assert report_slots_generate(on=D(2024, 5, 16)) == 0
    assert report_slots_generate(on=D(2024, 6, 3)) == 2  # 2024-06 and 2024-W23
    assert ReportSlot.objects.count() == 7


@pytest.mark.django_db
def test_generation_is_set_based(rhythm_list, django_assert_max_num_queries):
    ReportSlot.objects.all().delete()
    with django_assert_max_num_queries(4):
        report_slots_generate(on=D(2024, 8, 1))


@pytest.mark.django_db
def test_list_rule_gives_lead_units_a_yearly_slot(regions, county_admin, department_user):
    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    task_list = make_list(county_admin, regions["county"])
    assert not ReportSlot.objects.exists()  # 004-like list: no deadlines, no rule yet
    task_list_update(user=county_admin, task_list=task_list, title=task_list.title,
                     report_recurrence={"freq": "yearly", "month": 11, "day": 20}, asks_breakdown=True)
    report_slots_generate(on=D(2024, 2, 1))
    assert set(ReportSlot.objects.filter(period_key="2024").values_list("task__no", "unit_id", "due_date")) == {
        ("1", lead.pk, D(2024, 11, 20)), ("2", lead.pk, D(2024, 11, 20))}


@pytest.mark.django_db
def test_command_generates_slots(rhythm_list, capsys):
    ReportSlot.objects.all().delete()
    call_command("task_report_slots", "--date", "2024-05-15", "--format", "json")
    assert '"created": 5' in capsys.readouterr().out


@pytest.mark.django_db
def test_report_answers_the_oldest_open_slot_that_has_begun(rhythm_list, department_user, time_machine):
    task_list, lead, _town = rhythm_list
    monthly = task_list.tasks.get(no="1")
    ReportSlot.objects.all().delete()
    report_slots_generate(on=D(2024, 4, 10))
    report_slots_generate(on=D(2024, 5, 10))
    time_machine.move_to(dt.datetime(2024, 5, 12, 10, 0))
    first = report_submit(user=department_user, task=monthly, unit=lead, progress="4月已召开调度会")
    second = report_submit(user=department_user, task=monthly, unit=lead, progress="5月已召开调度会")
    assert (first.slot.period_key, second.slot.period_key) == ("2024-04", "2024-05")
    third = report_submit(user=department_user, task=monthly, unit=lead, progress="补充材料")
    assert third.slot is None
    assert not ReportSlot.objects.filter(task=monthly, submitted_at__isnull=True).exists()


@pytest.mark.django_db
def test_report_with_evidence_files(rhythm_list, department_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    task_list, lead, _town = rhythm_list
    task = task_list.tasks.get(no="6")
    files = [(SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4"), "minutes"),
             (SimpleUploadedFile("现场.png", PNG), "photo")]
    report = report_submit(user=department_user, task=task, unit=lead, progress="制度已起草", percent=60, files=files)
    evidence = list(Evidence.objects.filter(report=report).order_by("id"))
    assert [(e.original_name, e.kind) for e in evidence] == [("会议纪要.pdf", "minutes"), ("现场.png", "photo")]
    assert all((tmp_path / e.path).is_file() and e.size > 0 for e in evidence)


@pytest.mark.django_db
def test_report_refusals(rhythm_list, department_user, township_reviewer, county_admin):
    task_list, lead, town = rhythm_list
    task = task_list.tasks.get(no="6")
    with pytest.raises(UserFacingError, match="不是“县乡村振兴局”的经办人员"):
        report_submit(user=township_reviewer, task=task, unit=lead, progress="x")
    with pytest.raises(UserFacingError, match="不是该任务的牵头或责任单位"):
        report_submit(user=township_reviewer, task=task, unit=town, progress="x")
    with pytest.raises(UserFacingError, match="请填写工作进展"):
        report_submit(user=department_user, task=task, unit=lead, progress="  ")
    with pytest.raises(UserFacingError, match="格式不能上传"):
        report_submit(user=department_user, task=task, unit=lead, progress="x",
                      files=[(SimpleUploadedFile("病毒.exe", b"MZ"), "other")])
    assert not task.reports.exists()


@pytest.mark.django_db
def test_yearly_breakdown_by_the_unit(rhythm_list, department_user, township_reviewer):
    task_list, lead, _town = rhythm_list
    task = task_list.tasks.get(no="6")
    target = target_add(user=department_user, task=task, unit=lead, year=2024, target="出台监测制度",
                        time_node=D(2024, 9, 30), leader="王副局长", person="李四")
    assert (target.leader, target.person, target.time_node) == ("王副局长", "李四", D(2024, 9, 30))
    with pytest.raises(UserFacingError):
        target_add(user=township_reviewer, task=task, unit=lead, year=2024, target="x")
    assert TaskList.objects.get(pk=task_list.pk).tasks.get(no="6").targets.count() == 1
