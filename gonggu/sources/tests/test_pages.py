import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonggu.core.models import AuditEvent, Job
from gonggu.dataio.models import IntakeIssue as RejectedRow
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.sources.factories import add_fact, make_batch
from gonggu.sources.models import Batch


@pytest.fixture
def member(regions):
    return PersonFactory(household=HouseholdFactory(village=regions["village"]), name="张三")


def _csv(text: str, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


@pytest.mark.django_db(transaction=True)
def test_department_user_uploads_own_list_as_a_job(department_user, member, login):
    client = login(department_user)
    page = client.get(reverse("intake_home")).content.decode()
    assert "低保特困等救助名单" in page and "学生就学名单" not in page   # 民政 user: 民政 lists only
    response = client.post(reverse("intake_format", args=["dept.mz_assistance"]), {"as_of": "2025-05-01",
        "file": _csv(f"身份证号,姓名,救助类别,状态\n{member.id_number},张三,低保,在保\n4.10122E+17,李四,低保,在保\n"),
    })
    job = Job.objects.get(kind="intake")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.message
    batch = Batch.objects.get()
    assert batch.region_code == department_user.region.code and batch.imported_by == department_user
    assert (batch.matched, batch.rejected_rows, batch.as_of) == (1, 1, dt.date(2025, 5, 1))
    assert job.result["next_url"] == reverse("intake_batch", args=[batch.pk])


@pytest.mark.django_db
def test_department_user_cannot_upload_another_departments_list(department_user, member, login):
    client = login(department_user)
    response = client.post(reverse("intake_format", args=["dept.jy_student"]),
                           {"file": _csv(f"身份证号,姓名,就学状态\n{member.id_number},张三,辍学\n")})
    assert response.status_code == 403
    assert not Job.objects.exists() and not Batch.objects.exists()


@pytest.mark.django_db
def test_batch_pages_are_scoped_to_the_county_and_department(regions, department_user, county_admin,
                                                             other_county_user, member, login):
    mine = make_batch("mz_assistance", as_of=dt.date(2025, 5, 1), region_code=regions["county"].code)
    add_fact(mine, member.id_number, name="张山", category="低保", status="在保")
    RejectedRow.objects.create(batch=mine, row=3, column="身份证号", value="410122****0011", reason="校验位错误")
    education = make_batch("jy_student", as_of=dt.date(2025, 5, 1), region_code=regions["county"].code)
    theirs = make_batch("mz_assistance", as_of=dt.date(2025, 5, 1), region_code=regions["other_county"].code)

    page = login(department_user).get(reverse("batch_list")).content.decode()
    assert reverse("batch_detail", args=[mine.pk]) in page
    assert reverse("batch_detail", args=[education.pk]) not in page   # another department's list
    assert reverse("batch_detail", args=[theirs.pk]) not in page      # another county
    page = login(county_admin).get(reverse("batch_list")).content.decode()
    assert reverse("batch_detail", args=[education.pk]) in page and reverse("batch_detail", args=[theirs.pk]) not in page

    client = login(department_user)
    assert client.get(reverse("batch_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("batch_detail", args=[education.pk])).status_code == 404
    rejected = client.get(reverse("batch_detail", args=[mine.pk]), {"tab": "rejected"}).content.decode()
    assert "校验位错误" in rejected and "第 3 行" in rejected
    rows = client.get(reverse("batch_detail", args=[mine.pk]), {"tab": "rows"}).content.decode()
    assert member.id_number not in rows and member.id_number[-4:] in rows
    assert "台账姓名：张三" in rows   # the name differs from the registry's
    assert login(other_county_user).get(reverse("batch_detail", args=[mine.pk])).status_code == 404


@pytest.mark.django_db
def test_batch_pages_need_the_import_permission(village_clerk, leader, login):
    for user in (village_clerk, leader):
        client = login(user)
        assert client.get(reverse("batch_list")).status_code == 403
        assert client.get(reverse("batch_new")).status_code == 403
        assert client.get(reverse("source_template", args=["mz_assistance"])).status_code == 403


@pytest.mark.django_db
def test_original_file_download_is_for_unmasked_exports_and_audited(regions, county_admin, department_user, member,
                                                                   login, tmp_path):
    from gonggu.sources.services import batch_import

    path = tmp_path / "mz.csv"
    path.write_text(f"身份证号,姓名,救助类别,状态\n{member.id_number},张三,低保,在保\n")
    batch = batch_import(source="mz_assistance", path=path, region_code=regions["county"].code).batch
    assert login(department_user).post(reverse("batch_file", args=[batch.pk])).status_code == 403
    assert login(county_admin).get(reverse("batch_file", args=[batch.pk])).status_code == 405
    response = login(county_admin).post(reverse("batch_file", args=[batch.pk]))
    assert response.status_code == 200 and member.id_number.encode() in b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(action="export_pii", object_type="dept_batch").exists()


@pytest.mark.django_db
def test_blank_template_per_source(department_user, login):
    client = login(department_user)
    response = client.get(reverse("source_template", args=["mz_assistance"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(reverse("source_template", args=["no_such"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_failed_upload_job_says_why_and_keeps_nothing(county_admin, member, login):
    client = login(county_admin)
    client.post(reverse("intake_format", args=["dept.mz_assistance"]), {"file": _csv(f"身份证号,姓名,参保状态\n{member.id_number},张三,已参保\n")})
    job = Job.objects.get(kind="intake")
    assert job.status == Job.Status.FAILED and "缺少必需的列" in job.message and "yb_enrolment" in job.message
    assert not Batch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_uploading_the_same_file_again_points_to_the_first_batch(county_admin, member, login):
    client = login(county_admin)
    text = f"身份证号,姓名,救助类别,状态\n{member.id_number},张三,低保,在保\n"
    client.post(reverse("intake_format", args=["dept.mz_assistance"]), {"file": _csv(text)})
    client.post(reverse("intake_format", args=["dept.mz_assistance"]), {"file": _csv(text, name="again.csv")})
    first, second = Job.objects.order_by("id")
    batch = Batch.objects.get()
    assert second.status == Job.Status.DONE and second.result["duplicate_of"] == batch.pk
    assert "内容完全相同" in second.message and second.result["next_url"] == reverse("intake_batch", args=[batch.pk])


@pytest.mark.django_db
def test_blank_template_has_the_canonical_headers(county_admin, login):
    from python_calamine import CalamineWorkbook

    content = login(county_admin).get(reverse("source_template", args=["yb_expense"])).content
    rows = CalamineWorkbook.from_filelike(__import__("io").BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["身份证号", "姓名", "年度", "医疗总费用", "政策范围内自付费用"]
