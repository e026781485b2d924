"""Importing task lists through the service and the `gonggu import_tasks` command."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import seed_file
from gonggu.core.models import AuditEvent
from gonggu.tasks.factories import SMALL_LIST, TABLE_LIST, make_list, make_unit
from gonggu.tasks.models import ReportSlot, Task, TaskEvent, TaskList, TaskUnit, UnitRole
from gonggu.tasks.parsing import parse_file
from gonggu.tasks.services import task_list_import

SEED_COUNTS = {
    "000_43a5464a2cf5361e.txt": 65,
    "002_5ee456953034f603.txt": 19,
    "003_30a29f2321ea6e96.txt": 82,
    "004_8cc0dceb5c524eb9.txt": 50,
}


def seed(name: str) -> Path:
    return seed_file(name)


def run_cli(*args) -> tuple[int, dict | None, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_tasks", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    text = out.getvalue().strip()
    return code, (json.loads(text) if text.startswith("{") else None), err.getvalue()


# --------------------------------------------------------------------------- service


@pytest.mark.django_db
@pytest.mark.parametrize("name, count", SEED_COUNTS.items())
def test_seed_documents_import_with_their_counts(name, count, regions, county_admin):
    path = seed(name)
    task_list = task_list_import(user=county_admin, region=regions["county"], parsed=parse_file(path))
    assert task_list.tasks.count() == count
    assert task_list.region_code == regions["county"].code
    assert TaskEvent.objects.filter(task__task_list=task_list, action="imported").count() == count
    assert AuditEvent.objects.filter(action="import", object_type="task_list", object_id=str(task_list.pk)).exists()


@pytest.mark.django_db
def test_longxian_fields_and_units_as_written(regions, county_admin):
    task_list = task_list_import(user=county_admin, region=regions["county"],
                                 parsed=parse_file(seed("004_8cc0dceb5c524eb9.txt")))
    assert task_list.title == "巩固拓展脱贫攻坚成果工作任务清单"
    assert task_list.year == 2021
    first = task_list.tasks.get(seq=1)
    assert (first.no, first.title, first.path) == ("1", "动态识别监测对象", ["加强动态监测帮扶防返贫"])
    assert first.due_date is None and not first.deadline_unparsed  # 004 prints no deadlines
    eight = task_list.tasks.get(no="8")
    assert list(eight.assignments.order_by("position").values_list("role", "name")) == [
        (UnitRole.LEAD, "县农业农村局"), (UnitRole.LEAD, "县乡村振兴局")]
    # Nothing is in the directory yet: every name waits for confirmation.
    assert not TaskUnit.objects.filter(task__task_list=task_list, unit__isnull=False).exists()


@pytest.mark.django_db
def test_beian_deadlines_report_rule_and_breakdown(regions, county_admin):
    task_list = task_list_import(user=county_admin, region=regions["county"],
                                 parsed=parse_file(seed("003_30a29f2321ea6e96.txt")))
    assert task_list.report_recurrence == {"freq": "yearly", "month": 11, "day": 20}
    assert "11月20日前" in task_list.report_text
    assert task_list.asks_breakdown is True
    assert task_list.title.startswith("北安市“十四五”巩固拓展脱贫攻坚成果")
    sixteen = task_list.tasks.get(no="16")
    assert sixteen.deadline_text.replace(" ", "") == "2023年10月底" and sixteen.due_date == dt.date(2023, 10, 31)
    one = task_list.tasks.get(no="1")
    assert "乡村振兴局" in one.assignments.filter(role=UnitRole.LEAD).values_list("name", flat=True)
    # Deadlines that name no date are kept as text and flagged; none is guessed.
    flagged = task_list.tasks.filter(deadline_unparsed=True)
    assert flagged.exists() and not flagged.filter(due_date__isnull=False).exists()
    assert all(t.deadline_text for t in flagged)


@pytest.mark.django_db
def test_notice_dates_take_the_notice_year(regions, county_admin):
    task_list = task_list_import(user=county_admin, region=regions["county"],
                                 parsed=parse_file(seed("002_5ee456953034f603.txt")))
    first = task_list.tasks.get(seq=1)
    assert first.due_date == dt.date(2025, 10, 31)
    assert "10 月 31 日前" in first.deadline_text or "10月31日前" in first.deadline_text


@pytest.mark.django_db
def test_henan_evaluation_methods_and_key_concern_flag(regions, county_admin):
    task_list = task_list_import(user=county_admin, region=regions["county"],
                                 parsed=parse_file(seed("000_43a5464a2cf5361e.txt")))
    first = task_list.tasks.get(seq=1)
    assert first.path == ["责任落实方面", "党委和政府主体责任"]
    assert first.evaluation_method.startswith("1、")
    assert first.assignments.filter(role=UnitRole.RESPONSIBLE).exists()
    assert task_list.tasks.filter(key_concern=True).exists() == Task.objects.filter(
        task_list=task_list, content__contains="重点关注").exists()


@pytest.mark.django_db
def test_known_names_are_mapped_on_import_exactly_or_by_alias(regions, county_admin):
    county = regions["county"]
    rural = make_unit(county_admin, "县乡村振兴局", county)
    bank = make_unit(county_admin, "中国人民银行某县支行", county, aliases=["县人行"])
    task_list = make_list(county_admin, county)
    links = {link.name: link.unit_id for link in TaskUnit.objects.filter(task__task_list=task_list)}
    assert links["县乡村振兴局"] == rural.pk
    assert links["县人行"] == bank.pk  # kept as written, mapped through the alias
    assert links["县民政局"] is None and links["县农业农村局"] is None


@pytest.mark.django_db
def test_recurring_deadline_gets_a_slot_for_the_current_period(regions, county_admin, time_machine):
    time_machine.move_to(dt.datetime(2024, 5, 10, 9, 0))
    make_unit(county_admin, "县乡村振兴局", regions["county"])
    task_list = make_list(county_admin, regions["county"], TABLE_LIST)
    slot = ReportSlot.objects.get(task__task_list=task_list)
    assert (slot.period_key, slot.due_date, slot.unit.name) == ("2024-Q2", dt.date(2024, 6, 30), "县乡村振兴局")


# --------------------------------------------------------------------------- command line


@pytest.mark.django_db
@pytest.mark.parametrize("name, count", SEED_COUNTS.items())
def test_cli_json_for_each_seed(name, count, regions):
    code, data, _err = run_cli(str(seed(name)), "--format", "json", "--region", regions["county"].code)
    assert code == 0
    assert data["document"] == name
    assert len(data["tasks"]) == count
    assert set(data["tasks"][0]) >= {"no", "path", "title", "content", "lead_units", "responsible_units",
                                      "deadline_text", "due_date", "recurrence", "evaluation_method"}
    assert TaskList.objects.get(pk=data["task_list"]).tasks.count() == count


@pytest.mark.django_db
def test_cli_sample_fields_of_003(regions):
    _code, data, _err = run_cli(str(seed("003_30a29f2321ea6e96.txt")), "--format", "json", "--dry-run")
    by_no = {t["no"]: t for t in data["tasks"] if t["no"]}
    assert by_no["16"]["due_date"] == "2023-10-31"
    assert by_no["1"]["path"][0] == "健全完善防止返贫监测和帮扶机制"
    assert data["task_list"] is None and not TaskList.objects.exists()


@pytest.mark.django_db
def test_cli_dry_run_saves_nothing_and_year_option(regions, tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text("关于近期工作的通知\n1.及时部署。10月31日前报县农业农村局。\n2.总结。11月5日前报送总结材料。\n",
                    encoding="utf-8")
    code, data, _err = run_cli(str(path), "--format", "json", "--dry-run", "--year", "2024")
    assert code == 0 and data["tasks"][0]["due_date"] == "2024-10-31"
    assert not TaskList.objects.exists()


@pytest.mark.django_db
def test_cli_month_day_without_a_year_is_flagged_not_guessed(regions, tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text("关于近期工作的通知\n1.及时部署。10月31日前报县农业农村局。\n2.总结。11月5日前报送总结材料。\n",
                    encoding="utf-8")
    _code, data, err = run_cli(str(path), "--format", "json", "--dry-run")
    assert data["tasks"][0]["due_date"] is None and data["tasks"][0]["deadline_unparsed"] is True
    assert "读不出日期" in err


@pytest.mark.django_db
@pytest.mark.parametrize("name, phrase", [("清单.doc", ".docx"), ("扫描件.pdf", "扫描件"), ("表.xls", ".xlsx")])
def test_cli_refuses_unreadable_formats_naming_the_formats_read(regions, tmp_path, name, phrase):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    code, data, err = run_cli(str(path), "--format", "json")
    assert code == 1 and data is None
    assert name in err and ".docx、.xlsx、.txt" in err and phrase in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_cli_damaged_docx_and_missing_file(regions, tmp_path):
    path = tmp_path / "坏.docx"
    path.write_bytes(b"not a zip")
    code, _data, err = run_cli(str(path))
    assert code == 1 and "坏.docx" in err and "损坏" in err
    code, _data, err = run_cli(str(tmp_path / "没有.txt"))
    assert code == 1 and "找不到文件" in err


@pytest.mark.django_db
def test_cli_document_without_tasks_saves_nothing(regions, tmp_path):
    path = tmp_path / "说明.txt"
    path.write_text("会议通知\n请各单位准时参加会议。\n", encoding="utf-8")
    code, data, err = run_cli(str(path), "--format", "json", "--region", regions["county"].code)
    assert code == 0 and data["tasks"] == [] and data["task_list"] is None
    assert "未识别到任务" in err
    assert not TaskList.objects.exists()


@pytest.mark.django_db
def test_cli_needs_a_region_when_several_counties(regions, tmp_path):
    path = tmp_path / "清单.txt"
    path.write_text(SMALL_LIST, encoding="utf-8")
    code, _data, err = run_cli(str(path))
    assert code == 1 and "--region" in err
    code, _data, err = run_cli(str(path), "--region", "999999999999")
    assert code == 1 and "999999999999" in err
    code, data, _err = run_cli(str(path), "--format", "json", "--region", regions["county"].code)
    assert code == 0 and sorted(data["unmapped_units"]) == sorted( ["县人行", "县农业农村局", "县民政局", "县乡村振兴局"])


@pytest.mark.django_db
def test_cli_text_summary(regions, tmp_path):
    path = tmp_path / "清单.txt"
    path.write_text(SMALL_LIST, encoding="utf-8")
    code, _data, _err = run_cli(str(path), "--dry-run")
    assert code == 0


@pytest.mark.django_db
def test_cli_reports_the_recognised_layout(regions, tmp_path):
    path = tmp_path / "清单.txt"
    path.write_text("某县任务清单\n一、监测帮扶\n1.开展集中排查。（牵头单位：县乡村振兴局；责任单位：各乡镇）\n",
                    encoding="utf-8")
    code, data, _err = run_cli(str(path), "--format", "json", "--dry-run")
    assert code == 0 and data["layout"].startswith("多级编号正文")
    assert data["tasks"][0]["responsible_units"] == ["各乡镇"]
