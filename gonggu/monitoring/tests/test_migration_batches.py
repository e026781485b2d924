"""Migration 0002: the monitoring-history batches become intake batches, and every record (and its change
history) points to its batch's copy."""

import datetime as dt

import pytest
from django.urls import reverse

from gonggu.core.tests.migrating import migrate_to
from gonggu.dataio.models import IntakeBatch, IntakeIssue

from ..models import Measure, MonitoringCase
from .factories import CaseFactory, household, measure

BEFORE = [("monitoring", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_old_batches_are_copied_with_their_rejected_rows_and_records_follow(regions, county_admin, login):
    hh = household(regions["village"])
    case = CaseFactory(household=hh, imported=True)
    kept = measure(case, "就业帮扶", dt.date(2025, 2, 1))
    # A batch another app moved first: the copies must not collide with it.
    earlier = IntakeBatch.objects.create(format="dept.jy_student", file_name="学生.xlsx", checksum="1" * 64,
                                         status=IntakeBatch.Status.APPLIED)
    try:
        old = migrate_to(BEFORE)
        ImportBatch = old.get_model("monitoring", "ImportBatch")
        cases = ImportBatch.objects.create(
            kind="cases", file_name="监测记录.xlsx", file_path="/data/uploads/a.xlsx", sha256="a" * 64, rows=3,
            created=1, updated=0, created_by_id=county_admin.pk, updated_by_id=county_admin.pk,
            rejected=[{"row": 3, "column": "监测对象类型", "reason": "监测对象类型「边缘户」不是有效的取值"},
                      {"row": 3, "column": "发现渠道", "reason": "发现渠道为空"},
                      {"row": 4, "column": "户编号", "reason": "户编号「H9」在户籍台账中不存在"}])
        measures = ImportBatch.objects.create(kind="measures", file_name="措施.csv", sha256="b" * 64, rows=1,
                                              created=0, updated=1)
        ImportBatch.objects.filter(pk=cases.pk).update(created_at=dt.datetime(2024, 5, 6, 8, 0, tzinfo=dt.UTC))
        old.get_model("monitoring", "MonitoringCase").objects.filter(pk=case.pk).update(import_batch_id=cases.pk)
        old.get_model("monitoring", "HistoricalMonitoringCase").objects.filter(id=case.pk).update(
            import_batch_id=cases.pk)
        old.get_model("monitoring", "Measure").objects.filter(pk=kept.pk).update(import_batch_id=measures.pk)
        old_ids = (cases.pk, measures.pk)
    finally:
        migrate_to()

    copied = IntakeBatch.objects.filter(format__startswith="monitoring.").order_by("id")
    assert [b.pk for b in copied] == [pk + earlier.pk for pk in old_ids]
    first, second = copied
    assert (first.format, first.file_name, first.stored_path, first.checksum) == (
        "monitoring.cases", "监测记录.xlsx", "/data/uploads/a.xlsx", "a" * 64)
    assert (first.status, first.rows, first.accepted, first.created, first.updated, first.rejected_rows) == (
        IntakeBatch.Status.APPLIED, 3, 1, 1, 0, 2)
    # The importer's region scoped the batch before: it is now the batch's own.
    assert first.created_by == county_admin and first.region_code == county_admin.region.code
    assert first.created_at == dt.datetime(2024, 5, 6, 8, 0, tzinfo=dt.UTC)
    assert list(first.issues.values_list("kind", "row", "column")) == [
        (IntakeIssue.Kind.REJECTED, 3, "监测对象类型"), (IntakeIssue.Kind.REJECTED, 3, "发现渠道"),
        (IntakeIssue.Kind.REJECTED, 4, "户编号")]
    assert (second.format, second.region_code, second.updated) == ("monitoring.measures", "", 1)

    case.refresh_from_db()
    assert case.import_batch == first and Measure.objects.get().import_batch == second
    assert set(MonitoringCase.history.filter(id=case.pk).values_list("import_batch_id", flat=True)) == {first.pk}
    # A new batch gets a number after the copies.
    assert IntakeBatch.objects.create(format="monitoring.visits", file_name="x", checksum="c" * 64).pk > second.pk

    # The old address of a batch leads to its copy.
    client = login(county_admin)
    response = client.get(reverse("monitoring:import_batch", args=[old_ids[0]]))
    assert response.status_code == 302 and response["Location"] == reverse("intake_batch", args=[first.pk])
    assert client.get(reverse("intake_batch", args=[first.pk])).status_code == 200
    assert client.get(reverse("monitoring:import_batch", args=[999])).status_code == 404
