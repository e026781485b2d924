"""The pages: upload → preview → correct → save, unit confirmation, reports, 催办, 销号, export,
and a permission test and an out-of-scope test for every page."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.models import AuditEvent
from gonggu.core.tests.files import jpeg
from gonggu.tasks.factories import SMALL_LIST, make_list, make_unit
from gonggu.tasks.models import (
    ConcernCheck,
    Evidence,
    ImportDraft,
    ProgressReport,
    Reminder,
    Task,
    TaskConcern,
    TaskList,
    TaskStatus,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitKind,
    YearTarget,
)
from gonggu.tasks.parsing import parse_text
from gonggu.tasks.services import concerns_attach, draft_create, reminder_send, report_submit

HX = {"HTTP_HX_REQUEST": "true"}

NOTICE = """关于近期工作的通知
1.及时调度部署。各乡镇10月31日前报县农业农村局。（县农业农村局）
2.开展自查。对照清单逐项自查，时间另行通知。（县乡村振兴局）
3.报送总结。2025年2月30日前报送总结材料。（县乡村振兴局）
中共某县县委农村工作领导小组办公室      2025年10月28日印发
"""


def upload(client, name: str, data: bytes, **extra):
    return client.post(reverse("task_import"), {"file": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def world(regions, county_admin, department_user, township_reviewer, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    county = regions["county"]
    lead = make_unit(county_admin, "县乡村振兴局", county, members=[department_user])
    town = make_unit(county_admin, "城关镇", regions["township"], kind=UnitKind.TOWNSHIP, members=[township_reviewer])
    task_list = make_list(county_admin, county)
    task = task_list.tasks.get(no="1")
    other_task = task_list.tasks.get(no="3")  # 县农业农村局: neither persona acts for it
    report = report_submit(user=department_user, task=task, unit=lead, progress="已建队伍",
                           files=[(SimpleUploadedFile("台账.xlsx", b"PK\x03\x04"), "ledger")])
    concerns_attach(user=county_admin, task=task, area_key="工作落实方面 / 防止返贫动态监测和帮扶")
    reminder = reminder_send(user=county_admin, task=task, unit=lead)
    draft = draft_create(user=county_admin, region=county, parsed=parse_text(SMALL_LIST, document="清单.txt"))
    target = YearTarget.objects.create(task=task, unit=lead, year=2025, target="全覆盖")
    return {"list": task_list, "task": task, "other_task": other_task, "lead": lead, "town": town, "report": report,
            "evidence": report.evidence.get(), "reminder": reminder, "draft": draft, "target": target,
            "concern": task.concerns.first(), "link": task.assignments.first()}


# --------------------------------------------------------------------------- every page: permission and scope

MANAGER_GET = [
    ("task_list_index", None), ("task_import", None), ("task_draft", "draft"), ("task_list_detail", "list"),
    ("task_list_units", "list"), ("task_units", None), ("task_unit_new", None),
    ("task_unit_edit", "lead"), ("task_settings", None),
]
MANAGER_POST = [
    ("task_draft_save", "draft"), ("task_draft_discard", "draft"), ("task_list_settings", "list"),
    ("task_list_slots", "list"), ("task_list_concerns", "list"), ("task_list_delete", "list"), ("task_list_export", "list"),
    ("task_concerns", "task"), ("task_assign", "task"), ("task_deadline", "task"), ("task_remind", "task"),
    ("task_close", "task"), ("task_reopen", "task"),
]
REPORTER_GET = [("task_mine", None), ("task_inbox", None)]
REPORTER_POST = [("task_report", "task"), ("task_target", "task"), ("task_target_delete", "target"),
                 ("task_concern_check", "concern"), ("task_inbox_read", "reminder")]
SHARED_GET = [("task_home", None), ("task_board", None), ("task_detail", "task"), ("task_evidence", "evidence")]


def url(world, name, key):
    return reverse(name, args=[world[key].pk]) if key else reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", MANAGER_GET)
def test_manager_pages_open_for_the_county(world, county_admin, login, name, key):
    assert login(county_admin).get(url(world, name, key)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", MANAGER_GET + MANAGER_POST)
def test_manager_pages_refuse_unit_staff_and_leaders(world, department_user, leader, login, name, key):
    method = "get" if (name, key) in MANAGER_GET else "post"
    assert getattr(login(department_user), method)(url(world, name, key)).status_code == 403
    assert getattr(login(leader), method)(url(world, name, key)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", [(n, k) for n, k in MANAGER_GET + MANAGER_POST if k])
def test_manager_pages_are_404_for_another_county(world, other_county_user, login, name, key):
    method = "get" if (name, key) in MANAGER_GET else "post"
    assert getattr(login(other_county_user), method)(url(world, name, key)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", SHARED_GET + REPORTER_GET)
def test_unit_pages_open_for_the_unit(world, department_user, login, name, key):
    response = login(department_user).get(url(world, name, key))
    assert response.status_code in (200, 302)


# Leaders read the supervision (督办): the board and each task, read only.
LEADER_GET = [("task_home", None), ("task_board", None), ("task_detail", "task")]


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", [p for p in SHARED_GET + REPORTER_GET if p not in LEADER_GET])
def test_unit_pages_refuse_leaders(world, leader, login, name, key):
    assert login(leader).get(url(world, name, key)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", LEADER_GET)
def test_leaders_read_the_board_and_tasks(world, leader, login, name, key):
    response = login(leader).get(url(world, name, key), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain in ([], [(reverse("task_board"), 302)])
    page = response.content.decode()
    assert "<b>办结销号</b>" not in page and "<b>催办</b>" not in page and "<b>报送进展</b>" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", REPORTER_POST)
def test_unit_actions_refuse_leaders(world, leader, login, name, key):
    assert login(leader).post(url(world, name, key)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name, key", [("task_detail", "task"), ("task_evidence", "evidence")] + REPORTER_POST)
def test_unit_pages_are_404_for_another_unit_and_another_county(world, township_reviewer, other_county_user,
                                                               regions, login, name, key):
    # The township's unit is not on task 1 (its lead unit is 县乡村振兴局).
    method = "get" if name in ("task_detail", "task_evidence") else "post"
    assert getattr(login(township_reviewer), method)(url(world, name, key)).status_code == 404
    assert getattr(login(other_county_user), method)(url(world, name, key)).status_code == 404


@pytest.mark.django_db
def test_task_of_an_unassigned_unit_is_404(world, department_user, login):
    assert login(department_user).get(reverse("task_detail", args=[world["other_task"].pk])).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("task_board"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------- import: preview, correct, save


@pytest.mark.django_db
def test_upload_preview_correct_and_save(regions, county_admin, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_unit(county_admin, "县乡村振兴局", regions["county"])
    client = login(county_admin)
    response = upload(client, "通知.txt", NOTICE.encode("gb18030"))
    draft = ImportDraft.objects.get()
    assert response["Location"] == reverse("task_draft", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    assert "及时调度部署" in page and "2025-10-31" in page
    # An impossible date (a scan slip) is kept as written and flagged, never guessed.
    assert "待人工确定时限" in page and "2025年2月30日前" in page
    # Correct row 2 in place (htmx): a real date for the flagged deadline and a second lead unit.
    edit = client.get(reverse("task_draft_row_edit", args=[draft.pk, 1]), **HX)
    assert edit.status_code == 200 and 'name="deadline_text"' in edit.content.decode()
    saved = client.post(reverse("task_draft_row", args=[draft.pk, 1]), {
        "no": "2", "title": "开展全面自查", "lead": "县乡村振兴局、县民政局", "responsible": "",
        "deadline_text": "11月5日前", "due_date": ""}, **HX)
    row = saved.content.decode()
    assert saved.status_code == 200 and "开展全面自查" in row and "2025-11-05" in row and "待人工确定" not in row
    # Drop rows 1 and 3, then save.
    client.post(reverse("task_draft_row_exclude", args=[draft.pk, 0]), {"excluded": "1"}, **HX)
    client.post(reverse("task_draft_row_exclude", args=[draft.pk, 2]), {"excluded": "1"})
    response = client.post(reverse("task_draft_save", args=[draft.pk]), {"title": "近期重点工作"})
    task_list = TaskList.objects.get()
    assert task_list.title == "近期重点工作" and task_list.tasks.count() == 1
    task = task_list.tasks.get()
    assert (task.title, task.due_date, task.deadline_unparsed) == ("开展全面自查", dt.date(2025, 11, 5), False)
    names = dict(task.assignments.values_list("name", "unit__name"))
    assert names == {"县乡村振兴局": "县乡村振兴局", "县民政局": None}
    # 县民政局 is new: the save leads to the confirmation page.
    assert response["Location"] == reverse("task_list_units", args=[task_list.pk])
    assert ImportDraft.objects.get().status == ImportDraft.Status.SAVED
    assert client.post(reverse("task_draft_save", args=[draft.pk])).status_code == 302
    assert TaskList.objects.count() == 1  # saving twice does not make a second list


@pytest.mark.django_db
def test_row_correction_without_htmx_and_with_errors(regions, county_admin, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = login(county_admin)
    upload(client, "通知.txt", NOTICE.encode())
    draft = ImportDraft.objects.get()
    page = client.get(reverse("task_draft", args=[draft.pk]) + "?edit=0").content.decode()
    assert 'name="title"' in page
    bad = client.post(reverse("task_draft_row", args=[draft.pk, 0]), {"title": "", "deadline_text": ""})
    assert bad.status_code == 422 and "这个字段是必填项" in bad.content.decode()
    good = client.post(reverse("task_draft_row", args=[draft.pk, 0]),
                       {"title": "部署", "deadline_text": "视情况", "due_date": "2025-11-30"})
    assert good.status_code == 302
    draft.refresh_from_db()
    assert draft.rows[0]["due_date"] == "2025-11-30" and draft.rows[0]["deadline_text"] == "视情况"


@pytest.mark.django_db
@pytest.mark.parametrize("name, data, phrase", [
    ("清单.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "另存为 .docx"),
    ("扫描件.pdf", b"%PDF-1.4\n%scan", "扫描件"),
    ("坏.docx", b"not a zip", "已损坏"),
])
def test_bad_uploads_say_which_formats_are_read(regions, county_admin, login, settings, tmp_path, name, data, phrase):
    settings.DATA_DIR = tmp_path
    response = upload(login(county_admin), name, data)
    page = response.content.decode()
    assert response.status_code == 200 and name in page and phrase in page
    if name != "坏.docx":
        assert ".docx、.xlsx、.txt" in page
    assert not ImportDraft.objects.exists() and not TaskList.objects.exists()


@pytest.mark.django_db
def test_document_without_tasks_gives_an_empty_preview_and_saves_nothing(regions, county_admin, login, settings,
                                                                       tmp_path):
    settings.DATA_DIR = tmp_path
    client = login(county_admin)
    response = upload(client, "会议通知.txt", "会议通知\n请各单位准时参会。\n".encode())
    page = client.get(response["Location"]).content.decode()
    assert "没有识别到任务" in page and "保存任务清单" not in page
    draft = ImportDraft.objects.get()
    response = client.post(reverse("task_draft_save", args=[draft.pk]))
    assert not TaskList.objects.exists()
    assert "没有可保存的任务" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_empty_docx_and_xlsx(regions, county_admin, login, settings, tmp_path):
    import docx
    import xlsxwriter

    settings.DATA_DIR = tmp_path
    client = login(county_admin)
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    upload(client, "空白.docx", buffer.getvalue())
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("Sheet1").write(0, 0, "备注")
    book.close()
    upload(client, "空白.xlsx", buffer.getvalue())
    assert [d.rows for d in ImportDraft.objects.all()] == [[], []]
    assert not TaskList.objects.exists()


@pytest.mark.django_db
def test_xlsx_table_upload(regions, county_admin, login, settings, tmp_path):
    import xlsxwriter

    settings.DATA_DIR = tmp_path
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    ws = book.add_worksheet()
    for r, row in enumerate([["某县任务清单"], ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"],
                             ["一、稳岗就业"], ["1", "开发公益岗位。按需设岗。", "县人社局", "各乡镇", "2024年12月底"]]):
        ws.write_row(r, 0, row)
    book.close()
    client = login(county_admin)
    response = upload(client, "清单.xlsx", buffer.getvalue())
    draft = ImportDraft.objects.get()
    assert response["Location"].endswith(f"/import/{draft.pk}/")
    assert draft.rows[0]["lead_units"] == ["县人社局"] and draft.rows[0]["due_date"] == "2024-12-31"
    assert draft.rows[0]["path"] == ["稳岗就业"]


# --------------------------------------------------------------------------- unit confirmation


@pytest.mark.django_db
def test_confirm_unit_names_on_the_import_page(regions, county_admin, login):
    bank = make_unit(county_admin, "中国人民银行某县支行", regions["county"])
    task_list = make_list(county_admin, regions["county"])
    client = login(county_admin)
    page = client.get(reverse("task_list_units", args=[task_list.pk])).content.decode()
    assert "县人行" in page and "县民政局" in page
    client.post(reverse("task_list_units", args=[task_list.pk]), {"name": "县人行", "action": "alias", "unit": bank.pk})
    client.post(reverse("task_list_units", args=[task_list.pk]), {"name": "县民政局", "action": "create",
                                                                  "kind": "department"})
    assert UnitAlias.objects.get(unit=bank).name == "县人行"
    assert Unit.objects.filter(name="县民政局", region=regions["county"]).exists()
    assert not TaskUnit.objects.filter(task__task_list=task_list, name__in=["县人行", "县民政局"],
                                       unit__isnull=True).exists()
    response = client.post(reverse("task_list_units", args=[task_list.pk]), {"name": "县农业农村局", "action": "alias"})
    assert "选择对应的已有单位" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_create_all_names_from_the_confirmation_page(regions, county_admin, login):
    task_list = make_list(county_admin, regions["county"])
    client = login(county_admin)
    response = client.post(reverse("task_list_units", args=[task_list.pk]), {"action": "create_all"})
    assert "已新建单位 4 个" in client.get(response["Location"]).content.decode()
    assert not TaskUnit.objects.filter(task__task_list=task_list, unit__isnull=True).exists()


@pytest.mark.django_db
def test_township_name_becomes_a_unit_of_its_township(regions, county_admin, login):
    task_list = make_list(county_admin, regions["county"], "清单\n一、治理\n1.乡村治理。推进积分制。（城关镇党委政府）\n")
    login(county_admin).post(reverse("task_list_units", args=[task_list.pk]),
                             {"name": "城关镇党委政府", "action": "create", "kind": "township"})
    assert Unit.objects.get(name="城关镇党委政府").region == regions["township"]


@pytest.mark.django_db
def test_unit_directory_pages(regions, county_admin, department_user, login):
    client = login(county_admin)
    response = client.post(reverse("task_unit_new"), {"name": "县医保局", "kind": "department",
                                                       "region": regions["county"].pk, "aliases": "医保局\n县医疗保障局",
                                                       "members": [department_user.pk], "is_active": "on"})
    assert response.status_code == 302
    unit = Unit.objects.get(name="县医保局")
    assert sorted(unit.aliases.values_list("name", flat=True)) == ["医保局", "县医疗保障局"]
    assert list(unit.members.all()) == [department_user]
    page = client.get(reverse("task_units") + "?q=医疗保障").content.decode()
    assert "县医保局" in page
    response = client.post(reverse("task_unit_edit", args=[unit.pk]), {"name": "县医保局", "kind": "department",
                                                                        "aliases": "", "members": []})
    assert response.status_code == 302 and not unit.aliases.exists() and not unit.members.exists()
    response = client.post(reverse("task_unit_new"), {"name": "县医保局", "kind": "department",
                                                       "region": regions["county"].pk})
    assert response.status_code == 200 and "已被单位" in response.content.decode()


# --------------------------------------------------------------------------- a unit at work


@pytest.mark.django_db
def test_unit_files_a_report_with_evidence(world, department_user, login):
    client = login(department_user)
    task = world["task"]
    response = client.post(reverse("task_report", args=[task.pk]), {
        "unit": world["lead"].pk, "progress": "6月完成全员培训", "percent": "80", "kind": "auto",
        "files": [SimpleUploadedFile("培训签到.jpg", jpeg()), SimpleUploadedFile("纪要.docx", b"PK\x03\x04")]})
    assert response.status_code == 302
    report = ProgressReport.objects.filter(task=task).order_by("-id").first()
    assert report.progress == "6月完成全员培训" and report.percent == 80
    assert sorted(report.evidence.values_list("kind", flat=True)) == ["document", "photo"]
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "6月完成全员培训" in page and "培训签到.jpg" in page
    download = client.get(reverse("task_evidence", args=[report.evidence.get(kind="photo").pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == jpeg()
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_evidence_that_is_a_web_page_is_refused_by_content(world, department_user, login):
    client = login(department_user)
    before = ProgressReport.objects.count()
    response = client.post(reverse("task_report", args=[world["task"].pk]), {
        "unit": world["lead"].pk, "progress": "x",
        "files": [SimpleUploadedFile("纪要.txt", b"<html><script>alert(1)</script></html>")]})
    assert response.status_code == 422 and "文件 纪要.txt 的内容不是" in response.content.decode()
    assert ProgressReport.objects.count() == before


@pytest.mark.django_db
def test_report_errors_are_shown_on_the_page(world, department_user, login):
    client = login(department_user)
    response = client.post(reverse("task_report", args=[world["task"].pk]), {
        "unit": world["lead"].pk, "progress": "x", "files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert response.status_code == 422 and "格式不能上传" in response.content.decode()
    # A unit the user does not act for is not a valid choice.
    response = client.post(reverse("task_report", args=[world["task"].pk]), {"unit": world["town"].pk,
                                                                             "progress": "x"})
    assert response.status_code == 422
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_unit_adds_a_yearly_target_and_ticks_a_concern(world, department_user, login):
    client = login(department_user)
    task, lead = world["task"], world["lead"]
    client.post(reverse("task_target", args=[task.pk]), {"unit": lead.pk, "year": "2026", "target": "监测员全覆盖",
                                                         "leader": "张局长", "person": "王五",
                                                         "time_node": "2026-06-30"})
    assert YearTarget.objects.filter(task=task, year=2026, leader="张局长", person="王五").exists()
    response = client.post(reverse("task_concern_check", args=[world["concern"].pk]),
                           {"unit": lead.pk, "checked": "1"}, **HX)
    assert response.status_code == 200 and "已自查" in response.content.decode()
    assert ConcernCheck.objects.get(unit=lead).checked


@pytest.mark.django_db
def test_reminder_from_the_county_appears_in_the_unit_inbox(world, county_admin, department_user, login):
    task, lead = world["task"], world["lead"]
    login(county_admin).post(reverse("task_remind", args=[task.pk]), {"unit": lead.pk, "message": "请周五前报送"})
    reminder = Reminder.objects.get(message="请周五前报送")
    client = login(department_user)
    assert "请周五前报送" in client.get(reverse("task_inbox")).content.decode()
    assert "催办消息 <span class=\"badge red\">2</span>" in client.get(reverse("task_mine")).content.decode()
    response = client.post(reverse("task_inbox_read", args=[reminder.pk]), **HX)
    assert "已读" in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.read_by == department_user


@pytest.mark.django_db
def test_close_only_by_the_county(world, county_admin, department_user, login):
    task = world["task"]
    assert login(department_user).post(reverse("task_close", args=[task.pk]), {"note": "完成"}).status_code == 403
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
    login(county_admin).post(reverse("task_close", args=[task.pk]), {"note": "已印发制度"})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.close_note == "已印发制度"
    page = login(department_user).get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "已办结" in page and reverse("task_report", args=[task.pk]) not in page


@pytest.mark.django_db
def test_assign_and_set_deadline_on_the_task_page(world, county_admin, login):
    client = login(county_admin)
    task = world["other_task"]
    client.post(reverse("task_assign", args=[task.pk]), {"unit": world["town"].pk, "role": "responsible"})
    assert task.assignments.filter(unit=world["town"], role="responsible").exists()
    client.post(reverse("task_deadline", args=[task.pk]), {"due_date": "2026-03-31"})
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 3, 31)


@pytest.mark.django_db
def test_board_pages(world, county_admin, department_user, login):
    page = login(county_admin).get(reverse("task_board")).content.decode()
    assert "督办看板" in page and world["task"].title in page
    page = login(county_admin).get(reverse("task_board") + "?view=unit").content.decode()
    assert "县乡村振兴局" in page and "城关镇" not in page.split("<tbody>")[1]  # 城关镇 has no task on this list
    page = login(department_user).get(reverse("task_board")).content.decode()
    assert world["task"].title in page and world["other_task"].title not in page
    page = login(county_admin).get(reverse("task_board") + "?unparsed=1&light=red&list=x&unit=y").content.decode()
    assert "没有符合条件的任务" in page


@pytest.mark.django_db
def test_export_download_is_audited(world, county_admin, login):
    assert login(county_admin).get(reverse("task_list_export", args=[world["list"].pk])).status_code == 405
    response = login(county_admin).post(reverse("task_list_export", args=[world["list"].pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("任务清单").to_python()
    assert rows[1][:3] == ["序号", "工作任务", "牵头单位"]
    assert AuditEvent.objects.filter(action="export", object_type="task_list").exists()


@pytest.mark.django_db
def test_list_pages_show_flags_and_settings(world, county_admin, login):
    client = login(county_admin)
    task_list = world["list"]
    client.post(reverse("task_list_settings", args=[task_list.pk]), {
        "title": "新名称", "freq": "yearly", "month": "11", "day": "20", "asks_breakdown": "on"})
    task_list.refresh_from_db()
    assert task_list.title == "新名称" and task_list.report_recurrence == {"freq": "yearly", "month": 11, "day": 20}
    page = client.get(reverse("task_list_detail", args=[task_list.pk])).content.decode()
    assert "每年11月20日前" in page and "一、加强动态监测帮扶" in page and "二、稳步增收" in page
    assert "待确认" in client.get(reverse("task_list_index")).content.decode()


@pytest.mark.django_db
def test_settings_page(world, county_admin, login):
    client = login(county_admin)
    client.post(reverse("task_settings"), {"amber_days": "10"})
    assert "10" in client.get(reverse("task_settings")).content.decode()


@pytest.mark.django_db
def test_unit_user_without_a_unit_sees_how_to_get_one(regions, login):
    clerk = make_user("clerk2", Role.VILLAGE_CLERK, regions["village"])
    page = login(clerk).get(reverse("task_mine")).content.decode()
    assert "还没有被设为任何责任单位的经办人员" in page


@pytest.mark.django_db
def test_concern_attach_from_the_task_page(world, county_admin, login):
    client = login(county_admin)
    task = world["other_task"]
    client.post(reverse("task_concerns", args=[task.pk]), {"area": "工作落实方面 / 帮扶产业发展及资金项目管理"})
    assert TaskConcern.objects.filter(task=task).count() == 8
    client.post(reverse("task_concerns", args=[task.pk]), {"area": "工作落实方面 / 帮扶产业发展及资金项目管理",
                                                            "detach": "1"})
    assert not TaskConcern.objects.filter(task=task).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["task", "unit"])
def test_board_queries_do_not_grow_with_the_list(regions, county_admin, department_user, login, view):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    make_unit(county_admin, "县民政局", regions["county"])
    client = login(county_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("task_board") + f"?view={view}").status_code == 200
        return len(ctx.captured_queries)

    make_list(county_admin, regions["county"])
    small = count()
    for _ in range(5):
        task = make_list(county_admin, regions["county"]).tasks.get(no="1")
        report_submit(user=department_user, task=task, unit=lead, progress="进展")
    assert count() == small
