import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonggu.core.models import AuditEvent, Job
from gonggu.dataio.models import IntakeBatch
from gonggu.regions.models import Region

CSV = "区划代码,名称,级别,上级代码\n410122102000,新镇,乡,410122000000\n410122102201,新村,村,410122102000\n"


@pytest.mark.django_db(transaction=True)
def test_upload_runs_as_job_with_result(county_admin, login):
    client = login(county_admin)
    response = client.post(reverse("region_upload"), {"file": SimpleUploadedFile("r.csv", CSV.encode())})
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.result["created"] == 2
    assert job.result["by_level"] == {"乡": 1, "村": 1}
    assert Region.objects.get(code="410122102201").parent.code == "410122102000"
    batch = IntakeBatch.objects.get(format="regions")
    assert batch.status == IntakeBatch.Status.APPLIED and batch.created_by == county_admin
    assert job.result["next_url"] == reverse("intake_batch", args=[batch.pk])
    assert AuditEvent.objects.filter(action="import", object_type="intake_batch", object_id=str(batch.pk)).exists()
    page = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "已完成" in page and "hx-trigger" not in page


@pytest.mark.django_db(transaction=True)
def test_bad_upload_fails_job_with_row_message(county_admin, login):
    client = login(county_admin)
    bad = CSV + "4101,坏,村,410122102000\n"
    client.post(reverse("region_upload"), {"file": SimpleUploadedFile("bad.csv", bad.encode())})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "第 4 行" in job.message and "bad.csv" in job.message
    assert not Region.objects.filter(code="410122102000").exists()
    assert not IntakeBatch.objects.exists()  # the refused upload is no batch


@pytest.mark.django_db
def test_regions_is_a_format_of_the_intake_pages(county_admin, village_clerk, login):
    page = login(county_admin).get(reverse("intake_format", args=["regions"]))
    assert page.status_code == 200 and "区划代码" in page.content.decode()
    assert login(village_clerk).get(reverse("intake_format", args=["regions"])).status_code == 403


@pytest.mark.django_db
def test_other_users_cannot_see_job(county_admin, township_reviewer, login):
    job = Job.objects.create(kind="x", title="x", created_by=county_admin)
    assert login(township_reviewer).get(reverse("job_detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_upload_needs_permission(village_clerk, login):
    assert login(village_clerk).get(reverse("region_upload")).status_code == 403


@pytest.mark.django_db
def test_blank_template_downloads(county_admin, login):
    response = login(county_admin).get(reverse("region_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
