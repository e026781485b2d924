import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent, Job
from gonggu.registry import export, importing
from gonggu.registry.export import registry_export
from gonggu.registry.factories import HouseholdFactory, IncomeAccountFactory, PersonFactory
from gonggu.registry.selectors import HouseholdFilters
from gonggu.registry.services import person_record_death
from gonggu.registry.spec import REGISTRY_SPEC

pytestmark = pytest.mark.django_db


def sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def records(content: bytes) -> list[dict]:
    rows = next(iter(sheets(content).values()))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_masked_export_in_registry_format(village_clerk, sample_registry, login):
    response = login(village_clerk).post(reverse("household_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = sheets(response.content)
    rows = book["农户台账"]
    assert rows[0] == REGISTRY_SPEC.names
    data = records(response.content)
    assert [(r["户编号"], r["与户主关系"]) for r in data] == [
        ("1001", "户主"), ("1001", "配偶"), ("1001", "子"), ("1002", "户主"), ("1002", "配偶")]
    head = data[0]
    number = sample_registry["a_head"].id_number
    assert head["身份证号"] == number[:6] + "********" + number[-4:]
    assert number.encode() not in response.content
    # Codes and numbers are text cells (a number cell would lose digits or leading zeros in Excel).
    assert head["行政区划代码"] == "410122100201" and isinstance(head["户编号"], str)
    # Latest income year on the head's row; 收入年度 on every row; others' income cells empty.
    assert head["收入年度"] == 2024 and head["工资性收入"] == 24000 and head["生产经营性支出"] == 1800
    assert all(r["收入年度"] == 2024 for r in data)
    assert data[1]["工资性收入"] == "" and data[1]["转移性收入"] == ""
    assert head["户类型"] == "脱贫户" and data[3]["监测对象类型"] == "边缘易致贫户"
    assert data[4]["健康状况"] == "残疾" and data[4]["残疾等级"] == "二级"
    assert data[2]["在校情况"] == "初中" and head["是否参加基本医疗保险"] == "是" and head["是否易地搬迁"] == "否"
    event = AuditEvent.objects.get(action="export")
    assert event.user == village_clerk and event.detail["persons"] == 5 and not event.detail["unmasked"]


def test_unmasked_export_needs_right_and_is_audited(village_clerk, county_admin, sample_registry, login):
    assert login(village_clerk).post(reverse("household_export"), {"full": "1"}).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["export", "export_pii"]).exists()
    response = login(county_admin).post(reverse("household_export"), {"full": "1"})
    data = records(response.content)
    assert {r["身份证号"] for r in data} >= {sample_registry["a_head"].id_number, sample_registry["d_head"].id_number}
    assert sample_registry["e_head"].id_number not in {r["身份证号"] for r in data}  # other county
    event = AuditEvent.objects.get(action="export_pii")
    assert event.user == county_admin and event.detail["unmasked"] and event.detail["persons"] == 7


def test_export_needs_export_right(leader, sample_registry, login):
    assert login(leader).post(reverse("household_export")).status_code == 403


def test_filtered_export_and_chosen_year(county_admin, sample_registry):
    result = registry_export(user=county_admin, filters=HouseholdFilters(household_type="脱贫户"), year=2023)
    data = records(result.content)
    assert {r["户编号"] for r in data} == {"1001", "2001"} and result.households == 2
    by_no = {(r["户编号"], r["与户主关系"]): r for r in data}
    assert by_no[("1001", "户主")]["工资性收入"] == 21000 and by_no[("1001", "户主")]["收入年度"] == 2023
    # A household without an account for the year: the year is filled, the amounts stay empty.
    assert by_no[("2001", "户主")]["收入年度"] == 2023 and by_no[("2001", "户主")]["工资性收入"] == ""


def test_export_leaves_out_persons_no_longer_registered(village_clerk, sample_registry):
    person_record_death(actor=village_clerk, person=sample_registry["a_head"], date=dt.date(2024, 5, 1))
    data = records(registry_export(user=village_clerk).content)
    rows_1001 = [r for r in data if r["户编号"] == "1001"]
    assert [r["姓名"] for r in rows_1001] == ["李小花", "张小明"]
    # Without an active head the income goes on the household's first row, so nothing is lost.
    assert rows_1001[0]["工资性收入"] == 24000 and rows_1001[1]["工资性收入"] == ""


def test_large_export_split_by_township(county_admin, sample_registry):
    result = registry_export(user=county_admin, split_rows=3)
    book = sheets(result.content)
    assert list(book) == ["城关镇100", "白沙镇101"]
    assert len(book["城关镇100"]) == 1 + 6 and len(book["白沙镇101"]) == 1 + 1


def test_large_export_runs_as_job_with_download(county_admin, sample_registry, login, monkeypatch,
                                                django_capture_on_commit_callbacks):
    monkeypatch.setattr(export, "INLINE_LIMIT", 2)
    client = login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("household_export"), {"household_type": "脱贫户"})
    job = Job.objects.get(kind="registry_export")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.result["persons"] == 4
    download = client.get(job.result["next_url"])
    assert download.status_code == 200
    assert {r["户编号"] for r in records(b"".join(download.streaming_content))} == {"1001", "2001"}
    assert AuditEvent.objects.filter(action="export", user=county_admin).count() == 1


def test_export_download_only_for_its_owner(county_admin, township_reviewer, sample_registry, login):
    job = Job.objects.create(kind="registry_export", title="x", created_by=county_admin, status=Job.Status.DONE,
                             result={"filename": "x.xlsx"})
    path = export.export_path(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")
    assert login(township_reviewer).get(reverse("household_export_download", args=[job.pk])).status_code == 404


def test_export_is_set_based(county_admin, regions, django_assert_max_num_queries):
    for i in range(20):
        h = HouseholdFactory(village=regions["village_c"], household_no=f"S{i:03d}")
        PersonFactory(household=h, relation="户主")
        PersonFactory(household=h, relation="配偶", gender="F")
        IncomeAccountFactory(household=h, year=2024, wage=Decimal(1000 + i))
    with django_assert_max_num_queries(8):
        result = registry_export(user=county_admin)
    assert result.persons == 40


def test_export_round_trip_through_import_changes_nothing(county_admin, sample_registry, tmp_path):
    from gonggu.registry.models import Household, IncomeAccount, Person

    def snapshot():
        households = sorted(Household.objects.values_list(
            "household_no", "county_code", "region_code", "household_type", "monitoring_type", "relocated",
            "head_name"))
        persons = sorted(Person.objects.values_list(
            "id_number", "household__household_no", "region_code", "name", "relation", "gender", "birth_date",
            "labour_ability", "health", "disability_grade", "school_status", "work_months", "work_place",
            "medical_insured", "status"))
        incomes = sorted(IncomeAccount.objects.values_list(
            "household__household_no", "year", "wage", "business", "property", "transfer", "business_expense",
            "household_size", "net_income", "per_capita"))
        return households, persons, incomes

    # Every household with an account for the exported year, so that every 户主 row carries its amounts.
    for key in ("c", "d"):
        IncomeAccountFactory(household=sample_registry[key], year=2024, wage=Decimal("15000.5"))
    before = snapshot()
    path = tmp_path / "registry.xlsx"
    path.write_bytes(registry_export(user=county_admin, unmasked=True).content)
    result = importing.registry_import(path=path, user=county_admin, file_label=path.name)
    assert result.rejected == []
    assert snapshot() == before
    counts = result.as_json()
    assert counts["created"] == 0 and counts["updated"] == 0 and counts["households_created"] == 0


def test_export_is_post_only(village_clerk, sample_registry, login):
    assert login(village_clerk).get(reverse("household_export")).status_code == 405
    assert not AuditEvent.objects.filter(action__in=["export", "export_pii"]).exists()


def test_unmasked_export_download_is_audited_and_expires(county_admin, sample_registry, login, monkeypatch, settings,
                                                         django_capture_on_commit_callbacks):
    import time_machine
    from django.utils import timezone

    monkeypatch.setattr(export, "INLINE_LIMIT", 2)
    settings.GONGGU_UNMASKED_EXPORT_HOURS = 24
    client = login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("household_export"), {"full": "1"})
    job = Job.objects.get(kind="registry_export")
    assert job.result["unmasked"] and "自动删除" in job.message
    download = client.get(job.result["next_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content)
    event = AuditEvent.objects.filter(action="export_pii", object_type="registry_export").get()
    assert event.user == county_admin and event.object_id == str(job.pk)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        client.force_login(county_admin)
        assert client.get(job.result["next_url"]).status_code == 404
    assert not export.export_path(job.pk).exists()


def test_expired_unmasked_exports_are_purged(county_admin, sample_registry, monkeypatch, settings,
                                             django_capture_on_commit_callbacks, login):
    import time_machine
    from django.utils import timezone

    monkeypatch.setattr(export, "INLINE_LIMIT", 2)
    client = login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("household_export"), {"full": "1"})
        client.post(reverse("household_export"), {})
    masked, unmasked = (Job.objects.get(kind="registry_export", result__unmasked=flag) for flag in (False, True))
    assert export.export_purge_expired() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert export.export_purge_expired() == 1
    assert not export.export_path(unmasked.pk).exists() and export.export_path(masked.pk).exists()
