"""Fixed data: a run freezes every figure and its drill-down; later edits leave it alone; two runs compare
household by household; the pages, the export and the scope."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.assessment.figures import FIGURES
from gonggu.assessment.models import AssessmentRun, FrozenDrillRow, FrozenResult
from gonggu.assessment.runs.compare import runs_compare
from gonggu.assessment.runs.freeze import run_create, run_freeze
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent, Job

NOW = dt.datetime(2025, 11, 3, 2, tzinfo=dt.UTC)   # 10:00 in Asia/Shanghai
AS_OF = dt.date(2025, 11, 3)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _freeze(regions, name="首次", user=None):
    return run_freeze(run_create(name=name, as_of=AS_OF, region=regions["county"], user=user))


def _med(run, code):
    return FrozenResult.objects.get(run=run, figure_code="MED-ENROLMENT", region_code=code)


def test_a_run_freezes_every_figure_per_region_and_survives_edits(county_data, regions):
    run = _freeze(regions)
    assert run.status == AssessmentRun.Status.DONE and run.figure_count == len(FIGURES)
    # county + 2 townships + 4 villages, each with every figure
    assert FrozenResult.objects.filter(run=run).count() == 7 * len(FIGURES)
    county = _med(run, regions["county"].code)
    assert (county.display, county.numerator_value, county.denominator_value) == ("75.00%", "6", "8")
    assert county.target_text == "≥ 99%" and county.status == "fail" and county.data_date is not None
    assert _med(run, regions["village_b"].code).display == "100.00%"
    rows = FrozenDrillRow.objects.filter(run=run, figure_code="MED-ENROLMENT")
    assert {(r.person_name, r.detail) for r in rows} == {
        ("李一", "户籍台账：未参保"), ("赵二", "参保情况不详（台账未填，医保名单中也没有）")}
    li = rows.get(person_name="李一")
    assert "*" in li.id_masked and li.head_name == "张一" and li.household_no == "H1"

    # 李一 is insured after all; 赵二's status is now known to be uninsured.
    h1, h2 = county_data["H1"], county_data["H2"]
    h1.members.filter(name="李一").update(medical_insured=True)
    h2.members.filter(name="赵二").update(medical_insured=False)
    assert _med(run, regions["county"].code).display == "75.00%"          # the frozen run is unchanged
    assert FrozenDrillRow.objects.filter(run=run, figure_code="MED-ENROLMENT").count() == 2

    again = _freeze(regions, "复核")
    assert (_med(again, regions["county"].code).display, _med(again, regions["county"].code).numerator_value) \
        == ("87.50%", "7")
    changes = {c.code: c for c in runs_compare(run, again, regions["county"].code, regions["county"].prefix)}
    med = changes["MED-ENROLMENT"]
    assert med.differs and med.delta == "+12.50 个百分点"
    assert [(r["person_name"], r["detail"]) for r in med.left] == [("李一", "户籍台账：未参保")]
    assert med.entered == []
    assert [(r["person_name"], r["before"], r["detail"]) for r in med.changed] == [
        ("赵二", "参保情况不详（台账未填，医保名单中也没有）", "户籍台账：未参保")]
    # Compared within one township only the households there count.
    changes_t2 = {c.code: c for c in runs_compare(run, again, regions["township2"].code, regions["township2"].prefix)}
    assert not changes_t2["MED-ENROLMENT"].left


def test_refreezing_replaces_and_bad_input_is_refused(county_data, regions):
    run = _freeze(regions)
    n = FrozenResult.objects.filter(run=run).count()
    run_freeze(run)
    assert FrozenResult.objects.filter(run=run).count() == n
    with pytest.raises(UserFacingError, match="批次名称"):
        run_create(name=" ", as_of=AS_OF, region=regions["county"], user=None)
    with pytest.raises(UserFacingError, match="晚于今天"):
        run_create(name="x", as_of=AS_OF + dt.timedelta(days=1), region=regions["county"], user=None)


def test_freeze_from_the_page_runs_a_job_then_view_compare_export(login, county_admin, county_data, regions,
                                                                  django_capture_on_commit_callbacks):
    client = login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment_run_new"), {"name": "2025 年度自评", "as_of": "2025-11-03"})
    job = Job.objects.get(kind="assessment_run")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.total == job.done > 0
    run = AssessmentRun.objects.get()
    assert run.status == "done" and run.created_by == county_admin and run.job == job
    assert job.result["next_url"] == reverse("assessment_run", args=[run.pk])

    page = client.get(reverse("assessment_run", args=[run.pk])).content.decode()
    assert "固定于 2025-11-03 10:00" in page and "中牟县自评" in page and "75.00%" in page and "城关镇" in page
    drill = client.get(reverse("assessment_run_drill", args=[run.pk, regions["village"].code, "MED-ENROLMENT"]))
    assert "李一" in drill.content.decode() and "共 2 条" in drill.content.decode()
    listing = client.get(reverse("assessment_runs")).content.decode()
    assert "2025 年度自评" in listing and "已固定" in listing

    county_data["H1"].members.filter(name="李一").update(medical_insured=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment_run_new"), {"name": "复核", "as_of": "2025-11-03"})
    second = AssessmentRun.objects.get(name="复核")
    assert "75.00%" in client.get(reverse("assessment_run", args=[run.pk])).content.decode()
    compare = client.get(reverse("assessment_run_compare"), {"a": run.pk, "b": second.pk}).content.decode()
    assert "基本医保参保率" in compare and "退出" in compare and "李一" in compare and "户籍台账：未参保" in compare
    assert "+12.50 个百分点" in compare

    assert client.get(reverse("assessment_run_export", args=[run.pk])).status_code == 405
    response = client.post(reverse("assessment_run_export", args=[run.pk]), {"code": regions["county"].code})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["测算结果", "明细"]
    details = book.get_sheet_by_name("明细").to_python()
    li_yi = county_data["H1"].members.get(name="李一")
    assert any("李一" in row for row in details) and li_yi.id_number not in str(details)
    assert len(book.get_sheet_by_name("测算结果").to_python()) == 1 + 7 * len(FIGURES)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="assessment_run").exists()


def test_run_new_bad_date_gives_a_message(login, county_admin, regions):
    response = login(county_admin).post(reverse("assessment_run_new"), {"name": "x", "as_of": "2025/13/01"},
                                        follow=True)
    assert "数据截至日期格式不对" in response.content.decode() and not AssessmentRun.objects.exists()


def test_run_scope_and_permissions(login, county_admin, township_reviewer, other_county_user, leader, county_data,
                                   regions):
    run = _freeze(regions, user=county_admin)
    # A township reviewer sees the county run, but only their township's part.
    client = login(township_reviewer)
    assert client.get(reverse("assessment_run", args=[run.pk])).status_code == 200
    page = client.get(reverse("assessment_run", args=[run.pk])).content.decode()
    assert "城关镇自评" in page
    assert client.get(reverse("assessment_run_region", args=[run.pk, regions["township2"].code])).status_code == 404
    assert client.post(reverse("assessment_run_new"), {"name": "x", "as_of": "2025-11-03"}).status_code in (302, 403)
    # Another county sees nothing of it.
    other = login(other_county_user)
    assert other.get(reverse("assessment_run", args=[run.pk])).status_code == 404
    assert "首次" not in other.get(reverse("assessment_runs")).content.decode()
    # A leader reads but does not freeze.
    assert login(leader).post(reverse("assessment_run_new"), {"name": "x", "as_of": "2025-11-03"}).status_code == 403
