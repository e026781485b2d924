"""The monitoring-history imports on the intake pages: upload → background job → batch page with the 退回表;
templates, the menu's chooser, permissions, scope."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from gonggu.core.models import AuditEvent, Job
from gonggu.core.uploads import stored_path
from gonggu.dataio.intake import intake_run
from gonggu.dataio.models import IntakeBatch, IntakeIssue
from gonggu.dataio.readers import read_sheet
from gonggu.dataio.writers import write_xlsx

from ..intake_formats import CASES_SPEC, HISTORY_FORMATS, MEASURES_SPEC, VISITS_SPEC
from ..models import Measure, MonitoringCase, Visit
from ..workflow import CaseStatus
from .factories import household

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(spec, rows, name=None) -> SimpleUploadedFile:
    """A workbook in the format's canonical columns; each row is a dict of the cells it fills."""
    body = [[row.get(c, "") for c in spec.names] for row in rows]
    data = write_xlsx([(spec.title, spec.names, body)], text_columns={"户编号", "行政区划代码", "受益人身份证号"})
    return SimpleUploadedFile(name or f"{spec.title}.xlsx", data, content_type=XLSX)


def upload(client, kind, file):
    return client.post(reverse("intake_format", args=[f"monitoring.{kind}"]), {"file": file})


def rejected(batch) -> dict[tuple[int, str], str]:
    return {(i.row, i.column): i.reason for i in batch.issues.filter(kind=IntakeIssue.Kind.REJECTED)}


def case_row(hh, **cells):
    row = {"户编号": hh.household_no, "监测对象类型": "边缘易致贫户", "风险类型": "因病、因学", "发现渠道": "基层干部排查",
           "发现日期": "2024-03-01", "公示开始日期": "2024-03-05", "公示结束日期": "2024-03-09",
           "县级审批日期": "2024-03-12", "帮扶责任人": "张三"}
    row.update(cells)
    return row


@pytest.fixture
def hhs(regions):
    """Two households in the county admin's county, one in another county."""
    return {"a": household(regions["village"]), "b": household(regions["village_c"]),
            "outside": household(regions["other_village"])}


@pytest.mark.django_db(transaction=True)
def test_cases_upload_imports_good_rows_and_lists_every_rejected_row(county_admin, login, hhs, regions):
    client = login(county_admin)
    rows = [
        case_row(hhs["a"]),                                                  # row 2: good
        case_row(hhs["b"], 风险消除日期="2024-12-20", 消除方式="稳定消除"),       # row 3: good, eliminated
        case_row(hhs["a"], 监测对象类型="边缘户", 发现渠道="电话", 县级审批日期="2024-05-01"),  # row 4: two bad cells
        case_row(hhs["outside"]),                                            # row 5: another county's household
        case_row(hhs["a"], 行政区划代码=regions["other_village"].code, 县级审批日期="2024-06-01"),  # row 6
    ]
    response = upload(client, "cases", xlsx(CASES_SPEC, rows))

    job = Job.objects.get(kind="intake")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    batch = IntakeBatch.objects.get()
    assert job.status == Job.Status.DONE and job.created_by == county_admin
    assert job.result["next_url"] == reverse("intake_batch", args=[batch.pk])
    assert "新增 2" in job.message and "拒收 3 行" in job.message
    assert "查看结果" in client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert (batch.format, batch.rows, batch.created, batch.updated) == ("monitoring.cases", 5, 2, 0)
    assert (batch.status, batch.accepted, batch.rejected_rows) == (IntakeBatch.Status.APPLIED, 2, 3)
    assert batch.created_by == county_admin and batch.file_name == "监测记录.xlsx"
    assert batch.region_code == regions["county"].code
    cases = {c.household_id: c for c in MonitoringCase.objects.all()}
    assert set(cases) == {hhs["a"].pk, hhs["b"].pk}
    assert all(c.imported and c.import_batch_id == batch.pk for c in cases.values())
    assert cases[hhs["b"].pk].status == CaseStatus.ELIMINATED and cases[hhs["a"].pk].risk_types == "因病、因学"

    reasons = rejected(batch)
    assert set(reasons) == {(4, "监测对象类型"), (4, "发现渠道"), (5, "户编号"), (6, "行政区划代码")}
    outside_no = hhs["outside"].household_no
    assert reasons[(5, "户编号")] == f"户编号「{outside_no}」在您管辖范围（中牟县 410122）内的户籍台账中不存在"
    assert reasons[(6, "行政区划代码")] == "行政区划代码 410181100201 不在您的管辖范围（中牟县 410122）内"
    # Each issue carries the row's household number, to find it without the file.
    assert set(batch.issues.values_list("key", flat=True)) == {hhs["a"].household_no, outside_no}

    page = client.get(reverse("intake_batch", args=[batch.pk])).content.decode()
    for (row, column), reason in reasons.items():
        assert f'<td data-label="行号">第 {row} 行' in page and f'<td data-label="列">{column}</td>' in page
        assert reason in page
    assert '<div class="n">3</div><div class="l">拒收行数</div>' in page
    assert '<div class="n">2</div><div class="l">新增</div>' in page
    assert reverse("intake_returns", args=[batch.pk]) in page and reverse("monitoring:case_list") in page

    event = AuditEvent.objects.get(action="import", object_type="intake_batch")
    assert event.user == county_admin and event.object_id == str(batch.pk)
    assert event.region_code == regions["county"].code and event.detail["format"] == "monitoring.cases"
    assert event.detail["checksum"] == batch.checksum and "拒收 3" in event.summary

    # The kept upload is the batch's file (not copied a second time), kept relative to the data directory,
    # and the batch is listed on the chooser.
    assert batch.stored_path.endswith("监测记录.xlsx") and batch.stored_path.startswith("uploads/monitoring/")
    kept = stored_path(batch.stored_path).read_bytes()
    copies = [f for f in (Path(settings.DATA_DIR) / "uploads").rglob("*") if f.is_file() and f.read_bytes() == kept]
    assert copies == [stored_path(batch.stored_path)]
    home = client.get(reverse("monitoring:import_home")).content.decode()
    assert reverse("intake_batch", args=[batch.pk]) in home

    # Uploading the corrected file again updates in place: nothing is duplicated.
    upload(client, "cases", xlsx(CASES_SPEC, rows[:2], name="第二次.xlsx"))
    second = IntakeBatch.objects.latest("pk")
    assert (second.created, second.updated, second.rejected_rows) == (0, 2, 0) and not second.issues.exists()
    assert MonitoringCase.objects.count() == 2
    assert "没有拒收的行" in client.get(reverse("intake_batch", args=[second.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_returns_of_a_cases_file_import_as_they_are_once_corrected(county_admin, login, hhs, tmp_path):
    """退回表: the rejected rows in the file's own columns plus 错误原因; corrected, the file imports as it is."""
    client = login(county_admin)
    rows = [
        case_row(hhs["a"]),                                            # row 2: good
        case_row(hhs["b"], 监测对象类型="边缘户"),                      # row 3: a value not in the list
        case_row(hhs["outside"]),                                      # row 4: another county's household
        case_row(hhs["b"], 县级审批日期="2024-02-01"),                 # row 5: approved before it was found
    ]
    upload(client, "cases", xlsx(CASES_SPEC, rows, name="中牟监测记录.xlsx"))
    batch = IntakeBatch.objects.get()
    assert (batch.created, batch.rejected_rows) == (1, 3)

    response = client.post(reverse("intake_returns", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "%E9%80%80%E5%9B%9E%E8%A1%A8.xlsx" in response["Content-Disposition"]   # …_退回表.xlsx
    returned = tmp_path / "退回表.xlsx"
    returned.write_bytes(response.content)
    sheet = read_sheet(returned)
    assert sheet.header == [*CASES_SPEC.names, "错误原因"]
    households = [hhs["b"].household_no, hhs["outside"].household_no, hhs["b"].household_no]
    assert [cells[0] for _n, cells in sheet.rows] == households
    reasons = [cells[-1] for _n, cells in sheet.rows]
    assert reasons[0].startswith("原第 3 行：") and "「监测对象类型」「边缘户」不是允许的取值" in reasons[0]
    assert reasons[1].startswith("原第 4 行：") and "内的户籍台账中不存在" in reasons[1]
    assert reasons[2] == "原第 5 行：「县级审批日期」县级审批日期早于发现日期"
    assert AuditEvent.objects.filter(action="export_pii", object_id=str(batch.pk), user=county_admin).exists()

    # The village corrects one cell and sends the file back: it imports as it is.
    body = [list(cells) for _n, cells in sheet.rows]
    column = sheet.header.index("监测对象类型")
    assert body[0][column] == "边缘户"
    body[0][column] = "边缘易致贫户"
    data = write_xlsx([("退回表", sheet.header, body)], text_columns=set(sheet.header))
    upload(client, "cases", SimpleUploadedFile("中牟监测记录_退回表.xlsx", data, content_type=XLSX))
    again = IntakeBatch.objects.latest("pk")
    assert again.pk != batch.pk and again.status == IntakeBatch.Status.APPLIED
    assert (again.rows, again.created, again.updated, again.rejected_rows) == (3, 1, 0, 2)
    assert again.unknown_columns == ["错误原因"]
    assert set(rejected(again)) == {(3, "户编号"), (4, "县级审批日期")}
    assert MonitoringCase.objects.get(household=hhs["b"]).monitoring_type == "边缘易致贫户"
    assert MonitoringCase.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_household_number_shared_with_another_county_is_the_uploaders(county_admin, login, hhs, regions):
    """Out of scope does not exist for the uploader: a number also used in another county is not ambiguous."""
    twin = household(regions["other_village"])
    twin.household_no = hhs["a"].household_no
    twin.save()
    row = case_row(hhs["a"])
    upload(login(county_admin), "cases", xlsx(CASES_SPEC, [row]))
    assert IntakeBatch.objects.get().rejected_rows == 0
    assert MonitoringCase.objects.get().household == hhs["a"]
    # The command line, run by no user, sees both and asks for the village code.
    path = stored_path(IntakeBatch.objects.get().stored_path)
    MonitoringCase.objects.all().delete()
    result = intake_run("monitoring.cases", path=path)
    assert "在多个县都有" in result.rejected[0].reason and not MonitoringCase.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_measures_and_visits_upload(county_admin, login, hhs):
    client = login(county_admin)
    head = hhs["a"].members.get()
    upload(client, "measures", xlsx(MEASURES_SPEC, [
        {"户编号": hhs["a"].household_no, "措施类别": "就业帮扶", "开始日期": "2024-04-01",
         "受益人身份证号": head.id_number, "内容": "公益性岗位推荐"},
        {"户编号": hhs["b"].household_no, "措施类别": "理财", "开始日期": "2024-04-01"},
        {"户编号": hhs["outside"].household_no, "措施类别": "健康帮扶", "开始日期": "2024-04-01"},
    ]))
    measures = IntakeBatch.objects.get(format="monitoring.measures")
    assert (measures.rows, measures.created) == (3, 1)
    assert Measure.objects.get().beneficiary == head
    assert sorted(rejected(measures)) == [(3, "措施类别"), (4, "户编号")]
    page = client.get(reverse("intake_batch", args=[measures.pk])).content.decode()
    assert "「理财」不是允许的取值" in page and "帮扶措施</h1>" in page

    upload(client, "visits", xlsx(VISITS_SPEC, [
        {"户编号": hhs["b"].household_no, "走访日期": "2024-04-10", "走访人": "李四", "内容": "了解就业情况"},
        {"户编号": hhs["b"].household_no, "走访日期": "2024-04-11"},
    ]))
    visits = IntakeBatch.objects.get(format="monitoring.visits")
    assert visits.created == 1 and Visit.objects.get().visitor_name == "李四"
    assert rejected(visits) == {(3, "走访人"): "「走访人」为空"}
    assert Job.objects.filter(kind="intake", status=Job.Status.DONE, result__batch=visits.pk).exists()
    assert AuditEvent.objects.filter(action="import", object_type="intake_batch", detail__format="monitoring.visits",
                                     object_id=str(visits.pk), user=county_admin).exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_that_cannot_be_read_fails_the_job_with_the_reason(county_admin, login, hhs):
    client = login(county_admin)
    bad = SimpleUploadedFile("坏.xlsx", write_xlsx([("s", ["户编号", "风险类型"], [["H1", "因病"]])]))
    upload(client, "cases", bad)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "坏.xlsx" in job.message and "缺少必需的列" in job.message
    assert not IntakeBatch.objects.exists() and not MonitoringCase.objects.exists()
    assert "缺少必需的列" in client.get(reverse("job_detail", args=[job.pk])).content.decode()


@pytest.mark.django_db
def test_upload_without_a_file_is_refused_with_a_message(county_admin, login):
    client = login(county_admin)
    response = client.post(reverse("intake_format", args=["monitoring.cases"]), follow=True)
    assert "请选择要上传的文件。" in response.content.decode() and not Job.objects.exists()


@pytest.mark.django_db
def test_blank_templates_and_home(county_admin, login, tmp_path):
    client = login(county_admin)
    for kind, fmt in HISTORY_FORMATS.items():
        response = client.get(reverse("intake_template", args=[fmt.key]))
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(response.content)
        assert read_sheet(path).header == fmt.spec.names
        # The old address of the template leads to the new one.
        old = client.get(reverse("monitoring:import_template", args=[kind]))
        assert old.status_code == 302 and old["Location"] == reverse("intake_template", args=[fmt.key])
        page = client.get(reverse("intake_format", args=[fmt.key])).content.decode()
        assert f"导入{fmt.spec.title}" in page and all(c.name in page for c in fmt.spec.columns)
    assert client.get(reverse("monitoring:import_template", args=["nonsense"])).status_code == 404
    assert client.get(reverse("intake_template", args=["monitoring.nonsense"])).status_code == 404
    assert client.post(reverse("intake_format", args=["monitoring.nonsense"])).status_code == 404
    home = client.get(reverse("monitoring:import_home")).content.decode()
    for fmt in HISTORY_FORMATS.values():
        assert reverse("intake_format", args=[fmt.key]) in home
        assert reverse("intake_template", args=[fmt.key]) in home
    # The three are one group of the intake home page.
    assert "监测历史" in client.get(reverse("intake_home")).content.decode()
    # The main menu leads here for county staff.
    assert f'href="{reverse("monitoring:import_home")}"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_village_and_township_users_are_refused(village_clerk, township_reviewer, county_admin, login):
    batch = IntakeBatch.objects.create(format="monitoring.cases", file_name="a.xlsx", checksum="0" * 64,
                                       status=IntakeBatch.Status.APPLIED, created_by=county_admin,
                                       region_code=county_admin.region.code)
    for user in (village_clerk, township_reviewer):
        client = login(user)
        assert client.get(reverse("monitoring:import_home")).status_code == 403
        assert client.get(reverse("monitoring:import_template", args=["cases"])).status_code == 403
        assert client.get(reverse("intake_format", args=["monitoring.cases"])).status_code == 403
        assert client.get(reverse("intake_template", args=["monitoring.cases"])).status_code == 403
        # Batches of formats the user may not import are not there for them.
        assert client.get(reverse("intake_batch", args=[batch.pk])).status_code == 404
        assert client.post(reverse("intake_returns", args=[batch.pk])).status_code == 404
        file = xlsx(CASES_SPEC, [])
        assert upload(client, "cases", file).status_code == 403
        assert reverse("monitoring:import_home") not in client.get(reverse("home")).content.decode()
    assert not Job.objects.exists() and IntakeBatch.objects.count() == 1


@pytest.mark.django_db
def test_batches_of_another_county_are_not_found(county_admin, other_county_user, login):
    batch = IntakeBatch.objects.create(format="monitoring.cases", file_name="中牟.xlsx", checksum="0" * 64,
                                       status=IntakeBatch.Status.APPLIED, created_by=county_admin,
                                       region_code=county_admin.region.code)
    client = login(other_county_user)
    assert client.get(reverse("intake_batch", args=[batch.pk])).status_code == 404
    assert "中牟.xlsx" not in client.get(reverse("monitoring:import_home")).content.decode()
    assert "中牟.xlsx" in login(county_admin).get(reverse("monitoring:import_home")).content.decode()
    assert login(county_admin).get(reverse("intake_batch", args=[batch.pk])).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_and_read_the_result_on_a_phone(phone_page, live_server, county_admin, hhs, tmp_path):
    path = tmp_path / "走访.xlsx"
    path.write_bytes(xlsx(VISITS_SPEC, [
        {"户编号": hhs["a"].household_no, "走访日期": "2024-04-10", "走访人": "李四"},
        {"户编号": hhs["outside"].household_no, "走访日期": "2024-04-10", "走访人": "李四"},
    ]).read())
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "county_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + reverse("monitoring:import_home"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("a:has-text('导入走访记录')")
    page.wait_for_selector("h1:has-text('导入走访记录')")
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("button").click()
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.wait_for_selector("h1:has-text('走访记录')")
    cell = page.locator("td[data-label='原因']").first
    assert cell.is_visible() and "管辖范围" in cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert Visit.objects.get().household == hhs["a"]
