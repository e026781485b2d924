"""The import pages: upload → validation report → confirm; permissions and scope."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonggu.core.models import AuditEvent, Job
from gonggu.registry.choices import PersonStatus
from gonggu.registry.models import Household, IncomeAccount, Person, RegistryBatch, RegistryBatchMissing

from .test_import_helpers import VILLAGE, VILLAGE_B, csv_text, household, person


def upload(client, rows, name="台账.csv"):
    return client.post(reverse("registry_import"), {"file": SimpleUploadedFile(name, csv_text(rows).encode())})


def batch_url(batch, **query):
    url = reverse("registry_import_batch", args=[batch.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.django_db(transaction=True)
def test_upload_validate_report_confirm(county_admin, login):
    client = login(county_admin)
    rows = household("H1", 3) + household("H2", 2) + [person("H2", 健康状况="很好")]
    response = upload(client, rows)
    job = Job.objects.get(kind="registry_validate")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    batch = RegistryBatch.objects.get()
    assert job.status == Job.Status.DONE and job.result["next_url"] == batch_url(batch)
    assert batch.status == RegistryBatch.Status.VALIDATED and batch.region_code == "410122000000"
    assert (batch.persons, batch.rejected_rows) == (5, 1)
    assert not Person.objects.exists()                     # validation writes nothing to the registry
    page = client.get(batch_url(batch)).content.decode()
    assert "确认导入" in page and "很好" in page and "第" not in page.split("拒绝的行")[0][-5:]
    assert rows[-1]["身份证号"] not in page and rows[-1]["身份证号"][:6] + "********" in page

    response = client.post(reverse("registry_import_confirm", args=[batch.pk]))
    apply_job = Job.objects.get(kind="registry_apply")
    assert response["Location"] == reverse("job_detail", args=[apply_job.pk]) and apply_job.status == Job.Status.DONE
    batch.refresh_from_db()
    assert batch.status == RegistryBatch.Status.APPLIED and batch.persons_created == 5
    assert Person.objects.count() == 5 and Household.objects.count() == 2 and IncomeAccount.objects.count() == 2
    assert AuditEvent.objects.filter(action="import", object_id=str(batch.pk)).exists()
    page = client.get(batch_url(batch, tab="created")).content.decode()
    assert "H1" in page and "H2" in page and reverse("household_detail", args=[Household.objects.get(household_no="H1").pk]) in page
    # Confirming twice is refused.
    client.post(reverse("registry_import_confirm", args=[batch.pk]))
    assert Job.objects.filter(kind="registry_apply").count() == 1


@pytest.mark.django_db(transaction=True)
def test_per_file_error_fails_the_job_and_the_batch(county_admin, login):
    client = login(county_admin)
    client.post(reverse("registry_import"), {"file": SimpleUploadedFile("坏.csv", "姓名\n张三\n".encode())})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "坏.csv" in job.message and "缺少必需的列" in job.message
    batch = RegistryBatch.objects.get()
    assert batch.status == RegistryBatch.Status.FAILED
    page = client.get(batch_url(batch)).content.decode()
    assert "缺少必需的列" in page and "确认导入（" not in page
    assert "失败" in client.get(reverse("registry_import")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_missing_persons_decided_on_the_page(county_admin, login):
    client = login(county_admin)
    rows = household("H1", 3)
    upload(client, rows)
    client.post(reverse("registry_import_confirm", args=[RegistryBatch.objects.get().pk]))
    upload(client, rows[:2], name="第二次.csv")
    second = RegistryBatch.objects.latest("pk")
    client.post(reverse("registry_import_confirm", args=[second.pk]))
    second.refresh_from_db()
    assert second.missing_count == 1
    item = RegistryBatchMissing.objects.get(batch=second)
    page = client.get(batch_url(second, tab="missing")).content.decode()
    assert f'name="d_{item.pk}"' in page and "户在文件中，缺此成员" in page
    response = client.post(reverse("registry_import_missing", args=[second.pk]), {f"d_{item.pk}": "moved_out"})
    assert response.status_code == 302
    assert Person.objects.get(pk=item.person_id).status == PersonStatus.MOVED_OUT
    second.refresh_from_db()
    assert second.missing_count == 0


@pytest.mark.django_db
def test_template_download_and_home(county_admin, login):
    client = login(county_admin)
    response = client.get(reverse("registry_import_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    page = client.get(reverse("registry_import")).content.decode()
    assert "下载空白模板" in page and "身份证号" in page


@pytest.mark.django_db
def test_pages_need_the_import_permission(village_clerk, township_reviewer, county_admin, login):
    batch = RegistryBatch.objects.create(file_name="a.csv", sha256="x", stored_path="/nonexistent",
                                         region_code="410122000000", status="validated", created_by=county_admin)
    for user in (village_clerk, township_reviewer):
        client = login(user)
        assert client.get(reverse("registry_import")).status_code == 403
        assert client.get(reverse("registry_import_template")).status_code == 403
        assert client.get(batch_url(batch)).status_code == 403
        assert client.post(reverse("registry_import_confirm", args=[batch.pk])).status_code == 403
        assert client.post(reverse("registry_import_missing", args=[batch.pk])).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_batches_of_another_county_are_not_found(county_admin, other_county_user, login):
    batch = RegistryBatch.objects.create(file_name="a.csv", sha256="x", stored_path="/nonexistent",
                                         region_code="410122000000", status="validated", created_by=county_admin)
    client = login(other_county_user)
    assert client.get(batch_url(batch)).status_code == 404
    assert client.post(reverse("registry_import_confirm", args=[batch.pk])).status_code == 404
    assert client.post(reverse("registry_import_missing", args=[batch.pk])).status_code == 404
    assert "a.csv" not in client.get(reverse("registry_import")).content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rows_outside_the_importers_county_are_rejected(other_county_user, login):
    upload(login(other_county_user), household("H1", 2))
    batch = RegistryBatch.objects.get()
    assert batch.persons == 0 and batch.rejected_rows == 2
    assert set(batch.issues.values_list("reason", flat=True)) == {"区划代码 410122100201 不在您的管辖范围（410181）内"}


@pytest.mark.django_db(transaction=True)
def test_thousand_households_with_a_dozen_errors_fix_and_reimport(county_admin, login):
    """The done-when journey: upload, read the report, fix the file, re-import, households correct."""
    rng = random.Random(3)
    rows = []
    for n in range(1000):
        rows += household(f"H{n:04d}", rng.randint(1, 5), 行政区划代码=rng.choice([VILLAGE, VILLAGE_B]))
    bad = {
        2: ("身份证号", "41012219800101123"),       # 17 characters
        40: ("身份证号", "110105194912310021"),     # wrong check digit
        77: ("行政区划代码", "410122199999"),         # unknown village
        120: ("劳动能力", "半劳力"),
        150: ("健康状况", ""),
        200: ("务工月数", "15"),
        333: ("工资性收入", "三万"),
        404: ("收入年度", "二〇二四"),
        500: ("是否参加基本医疗保险", "不知道"),
        611: ("户类型", "贫困户"),
        700: ("姓名", ""),
    }
    original = {i: rows[i][col] if col in rows[i] else "" for i, (col, _) in bad.items()}
    for i, (col, value) in bad.items():
        rows[i][col] = value
    duplicate_of = rows[10]["身份证号"]
    original[900] = rows[900]["身份证号"]
    rows[900]["身份证号"] = duplicate_of        # the same person in a second household
    client = login(county_admin)
    upload(client, rows)
    batch = RegistryBatch.objects.get()
    rejected = {(i.row, i.column) for i in batch.issues.filter(kind="rejected")}
    expected = {(i + 2, col) for i, (col, _) in bad.items()} | {(902, "身份证号")}
    assert rejected == expected
    assert batch.rejected_rows == 12 and batch.persons == len(rows) - 12
    page = client.get(batch_url(batch)).content.decode()
    assert "校验位错误" in page and "半劳力" in page and "第 12 行" in page
    client.post(reverse("registry_import_confirm", args=[batch.pk]))
    assert Person.objects.count() == len(rows) - 12

    for i, value in original.items():
        col = bad[i][0] if i in bad else "身份证号"
        rows[i][col] = value
    upload(client, rows, name="改正后.csv")
    fixed = RegistryBatch.objects.latest("pk")
    assert fixed.rejected_rows == 0 and fixed.persons_created == 12
    client.post(reverse("registry_import_confirm", args=[fixed.pk]))
    fixed.refresh_from_db()
    assert fixed.status == "applied" and fixed.missing_count == 0
    assert Person.objects.count() == len(rows) and Household.objects.count() == 1000
    assert IncomeAccount.objects.filter(year=2024).count() == 1000
    sizes = dict(Household.objects.values_list("household_no", "incomes__household_size"))
    counted = {}
    for r in rows:
        counted[r["户编号"]] = counted.get(r["户编号"], 0) + 1
    assert sizes == counted
