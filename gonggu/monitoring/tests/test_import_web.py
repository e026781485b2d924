"""The monitoring-history import pages: upload → background job → result page; templates, permissions, scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from gonggu.core.models import AuditEvent, Job
from gonggu.core.uploads import stored_path
from gonggu.dataio.readers import read_sheet
from gonggu.dataio.writers import write_xlsx

from ..imports import CASES_SPEC, IMPORTERS, MEASURES_SPEC, VISITS_SPEC, import_cases
from ..models import ImportBatch, Measure, MonitoringCase, Visit
from ..workflow import CaseStatus
from .factories import household

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(spec, rows, name=None) -> SimpleUploadedFile:
    """A workbook in the format's canonical columns; each row is a dict of the cells it fills."""
    body = [[row.get(c, "") for c in spec.names] for row in rows]
    data = write_xlsx([(spec.title, spec.names, body)], text_columns={"户编号", "行政区划代码", "受益人身份证号"})
    return SimpleUploadedFile(name or f"{spec.title}.xlsx", data, content_type=XLSX)


def upload(client, kind, file):
    return client.post(reverse("monitoring:import_upload", args=[kind]), {"file": file})


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

    job = Job.objects.get(kind="monitoring_import_cases")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    batch = ImportBatch.objects.get()
    assert job.status == Job.Status.DONE and job.created_by == county_admin
    assert job.result["next_url"] == reverse("monitoring:import_batch", args=[batch.pk])
    assert "新增 2" in job.message and "拒收 3 行" in job.message
    assert "查看结果" in client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert (batch.kind, batch.rows, batch.created, batch.updated) == ("cases", 5, 2, 0)
    assert batch.created_by == county_admin and batch.file_name == "监测记录.xlsx"
    cases = {c.household_id: c for c in MonitoringCase.objects.all()}
    assert set(cases) == {hhs["a"].pk, hhs["b"].pk}
    assert all(c.imported and c.import_batch_id == batch.pk for c in cases.values())
    assert cases[hhs["b"].pk].status == CaseStatus.ELIMINATED and cases[hhs["a"].pk].risk_types == "因病、因学"

    rejected = {(r["row"], r["column"]): r["reason"] for r in batch.rejected}
    assert set(rejected) == {(4, "监测对象类型"), (4, "发现渠道"), (5, "户编号"), (6, "行政区划代码")}
    outside_no = hhs["outside"].household_no
    assert rejected[(5, "户编号")] == f"户编号「{outside_no}」在您管辖范围（中牟县 410122）内的户籍台账中不存在"
    assert rejected[(6, "行政区划代码")] == "行政区划代码 410181100201 不在您的管辖范围（中牟县 410122）内"

    page = client.get(reverse("monitoring:import_batch", args=[batch.pk])).content.decode()
    for (row, column), reason in rejected.items():
        assert f'<td data-label="行号" class="num">{row}</td><td data-label="列">{column}</td>' in page
        assert reason in page
    assert '<div class="n">3</div><div class="l">拒收的行</div>' in page
    assert '<div class="n">2</div><div class="l">新增</div>' in page

    event = AuditEvent.objects.get(action="import", object_type="monitoring.cases")
    assert event.user == county_admin and event.object_id == str(batch.pk)
    assert event.region_code == regions["county"].code and event.detail["rejected"] == 4
    assert event.detail["sha256"] == batch.sha256

    # The kept upload is the batch's file (not copied a second time), and the batch is listed on the home page.
    assert batch.file_path.endswith("监测记录.xlsx") and batch.file_path.startswith("uploads/monitoring_cases/")
    home = client.get(reverse("monitoring:import_home")).content.decode()
    assert reverse("monitoring:import_batch", args=[batch.pk]) in home

    # Uploading the corrected file again updates in place: nothing is duplicated.
    upload(client, "cases", xlsx(CASES_SPEC, rows[:2], name="第二次.xlsx"))
    second = ImportBatch.objects.latest("pk")
    assert (second.created, second.updated, second.rejected) == (0, 2, [])
    assert MonitoringCase.objects.count() == 2
    assert "没有拒收的行" in client.get(reverse("monitoring:import_batch", args=[second.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_household_number_shared_with_another_county_is_the_uploaders(county_admin, login, hhs, regions):
    """Out of scope does not exist for the uploader: a number also used in another county is not ambiguous."""
    twin = household(regions["other_village"])
    twin.household_no = hhs["a"].household_no
    twin.save()
    row = case_row(hhs["a"])
    upload(login(county_admin), "cases", xlsx(CASES_SPEC, [row]))
    assert ImportBatch.objects.get().rejected == []
    assert MonitoringCase.objects.get().household == hhs["a"]
    # The command line, run by no user, sees both and asks for the village code.
    path = stored_path(ImportBatch.objects.get().file_path)
    MonitoringCase.objects.all().delete()
    assert "在多个县都有" in import_cases(path).rejected[0]["reason"]


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
    measures = ImportBatch.objects.get(kind="measures")
    assert (measures.rows, measures.created) == (3, 1)
    assert Measure.objects.get().beneficiary == head
    assert [(r["row"], r["column"]) for r in measures.rejected] == [(3, "措施类别"), (4, "户编号")]
    page = client.get(reverse("monitoring:import_batch", args=[measures.pk])).content.decode()
    assert "措施类别「理财」不是有效的取值" in page and "导入帮扶措施" in page

    upload(client, "visits", xlsx(VISITS_SPEC, [
        {"户编号": hhs["b"].household_no, "走访日期": "2024-04-10", "走访人": "李四", "内容": "了解就业情况"},
        {"户编号": hhs["b"].household_no, "走访日期": "2024-04-11"},
    ]))
    visits = ImportBatch.objects.get(kind="visits")
    assert visits.created == 1 and Visit.objects.get().visitor_name == "李四"
    assert visits.rejected == [{"row": 3, "column": "走访人", "reason": "走访人为空"}]
    assert Job.objects.filter(kind="monitoring_import_visits", status=Job.Status.DONE).exists()
    assert AuditEvent.objects.filter(action="import", object_type="monitoring.visits",
                                     object_id=str(visits.pk), user=county_admin).exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_that_cannot_be_read_fails_the_job_with_the_reason(county_admin, login, hhs):
    client = login(county_admin)
    bad = SimpleUploadedFile("坏.xlsx", write_xlsx([("s", ["户编号", "风险类型"], [["H1", "因病"]])]))
    upload(client, "cases", bad)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "坏.xlsx" in job.message and "缺少必需的列" in job.message
    assert not ImportBatch.objects.exists() and not MonitoringCase.objects.exists()
    assert "缺少必需的列" in client.get(reverse("job_detail", args=[job.pk])).content.decode()


@pytest.mark.django_db
def test_upload_without_a_file_is_refused_with_a_message(county_admin, login):
    client = login(county_admin)
    response = client.post(reverse("monitoring:import_upload", args=["cases"]), follow=True)
    assert "请选择要上传的文件。" in response.content.decode() and not Job.objects.exists()


@pytest.mark.django_db
def test_blank_templates_and_home(county_admin, login, tmp_path):
    client = login(county_admin)
    for kind, (spec, _importer) in IMPORTERS.items():
        response = client.get(reverse("monitoring:import_template", args=[kind]))
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(response.content)
        assert read_sheet(path).header == spec.names
    assert client.get(reverse("monitoring:import_template", args=["nonsense"])).status_code == 404
    assert client.post(reverse("monitoring:import_upload", args=["nonsense"])).status_code == 404
    home = client.get(reverse("monitoring:import_home")).content.decode()
    for kind in IMPORTERS:
        assert reverse("monitoring:import_upload", args=[kind]) in home
        assert reverse("monitoring:import_template", args=[kind]) in home
    # The main menu leads here for county staff.
    assert f'href="{reverse("monitoring:import_home")}"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_village_and_township_users_are_refused(village_clerk, township_reviewer, county_admin, login):
    batch = ImportBatch.objects.create(kind="cases", file_name="a.xlsx", created_by=county_admin)
    for user in (village_clerk, township_reviewer):
        client = login(user)
        assert client.get(reverse("monitoring:import_home")).status_code == 403
        assert client.get(reverse("monitoring:import_template", args=["cases"])).status_code == 403
        assert client.get(reverse("monitoring:import_batch", args=[batch.pk])).status_code == 403
        file = xlsx(CASES_SPEC, [])
        assert upload(client, "cases", file).status_code == 403
        assert reverse("monitoring:import_home") not in client.get(reverse("home")).content.decode()
    assert not Job.objects.exists() and ImportBatch.objects.count() == 1


@pytest.mark.django_db
def test_batches_of_another_county_are_not_found(county_admin, other_county_user, login):
    batch = ImportBatch.objects.create(kind="cases", file_name="中牟.xlsx", created_by=county_admin)
    client = login(other_county_user)
    assert client.get(reverse("monitoring:import_batch", args=[batch.pk])).status_code == 404
    assert "中牟.xlsx" not in client.get(reverse("monitoring:import_home")).content.decode()
    assert login(county_admin).get(reverse("monitoring:import_batch", args=[batch.pk])).status_code == 200


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
    form = page.locator(f"form[action='{reverse('monitoring:import_upload', args=['visits'])}']")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("button").click()
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.wait_for_selector("h1:has-text('导入走访记录')")
    cell = page.locator("td[data-label='原因']").first
    assert cell.is_visible() and "管辖范围" in cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert Visit.objects.get().household == hhs["a"]
