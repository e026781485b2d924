"""Migration 0004: registry batches become intake batches; their issues become intake issues, and the
per-household outcomes and missing persons point to the batch's copy."""

import datetime as dt

import pytest
from django.urls import reverse

from gonggu.core.tests.migrating import migrate_to
from gonggu.dataio.models import IntakeBatch, IntakeIssue

from ..models import RegistryBatch, RegistryBatchHousehold, RegistryBatchMissing

BEFORE = [("registry", "0003_list_indexes")]


@pytest.mark.django_db(transaction=True)
def test_old_batches_are_copied_with_their_issues_and_outcomes_follow(sample_registry, county_admin, login):
    # A batch another app moved first: the copies must not collide with it.
    earlier = IntakeBatch.objects.create(format="dept.jy_student", file_name="学生.xlsx", checksum="1" * 64,
                                         status=IntakeBatch.Status.APPLIED)
    try:
        old = migrate_to(BEFORE)
        Batch = old.get_model("registry", "RegistryBatch")
        applied = Batch.objects.create(
            file_name="台账.xlsx", sha256="a" * 64, stored_path="/data/uploads/registry/a.xlsx",
            region_code="410122000000", years=[2024], status="applied", rows=12, households=3, persons=10,
            households_created=2, households_updated=1, persons_created=8, persons_updated=1, persons_unchanged=1,
            rejected_rows=2, warning_count=1, missing_count=1, created_by_id=county_admin.pk,
            applied_at=dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC),
            report={"unknown_columns": ["备注"], "created_households": [[1, 2]], "timings": {"read": 0.1}})
        validated = Batch.objects.create(file_name="第二次.csv", sha256="b" * 64, stored_path="/x.csv",
                                         status="validated", rows=1, persons=1)
        Batch.objects.filter(pk=applied.pk).update(created_at=dt.datetime(2024, 5, 6, 8, 0, tzinfo=dt.UTC))
        Issue = old.get_model("registry", "RegistryBatchIssue")
        Issue.objects.create(batch_id=applied.pk, kind="rejected", row=3, column="身份证号", reason="校验位错误",
                             household_no="H1", id_masked="410122********1234")
        Issue.objects.create(batch_id=applied.pk, kind="rejected", row=5, column="劳动能力", reason="「不详」不是规定的取值",
                             household_no="H2")
        Issue.objects.create(batch_id=applied.pk, kind="warning", row=7, column="与户主关系", reason="没有户主",
                             household_no="H3")
        old.get_model("registry", "RegistryBatchHousehold").objects.create(
            batch_id=applied.pk, household_id=sample_registry["a"].pk, region_code="410122100201", outcome="updated",
            persons_updated=1)
        old.get_model("registry", "RegistryBatchMissing").objects.create(
            batch_id=applied.pk, person_id=sample_registry["a_son"].pk, household_no="1001",
            region_code="410122100201")
        old_ids = (applied.pk, validated.pk)
    finally:
        migrate_to()

    copied = RegistryBatch.objects.order_by("id")
    assert [b.pk for b in copied] == [pk + earlier.pk for pk in old_ids]
    first, second = copied
    assert (first.format, first.file_name, first.stored_path, first.checksum, first.sha256) == (
        "registry", "台账.xlsx", "/data/uploads/registry/a.xlsx", "a" * 64, "a" * 64)
    assert (first.status, first.rows, first.accepted, first.created, first.updated, first.unchanged) == (
        IntakeBatch.Status.APPLIED, 12, 10, 8, 1, 1)
    # Read with the registry's words, as before.
    assert (first.persons, first.persons_created, first.persons_updated, first.persons_unchanged) == (10, 8, 1, 1)
    assert (first.households, first.households_created, first.households_updated, first.households_unchanged) == (
        3, 2, 1, 0)
    assert (first.rejected_rows, first.warning_count, first.missing_count, first.years) == (2, 1, 1, [2024])
    assert first.unknown_columns == ["备注"] and first.report["created_households"] == [[1, 2]]
    assert first.created_by == county_admin and first.region_code == "410122000000"
    assert first.created_at == dt.datetime(2024, 5, 6, 8, 0, tzinfo=dt.UTC)
    assert list(first.issues.values_list("kind", "row", "column", "key", "value")) == [
        (IntakeIssue.Kind.REJECTED, 3, "身份证号", "H1", "410122********1234"),
        (IntakeIssue.Kind.REJECTED, 5, "劳动能力", "H2", ""),
        (IntakeIssue.Kind.WARNING, 7, "与户主关系", "H3", "")]
    assert (second.status, second.persons, second.format) == (IntakeBatch.Status.VALIDATED, 1, "registry")
    assert RegistryBatchHousehold.objects.get().batch == first and RegistryBatchMissing.objects.get().batch == first
    # A new batch gets a number after the copies.
    assert IntakeBatch.objects.create(format="registry", file_name="x", checksum="c" * 64).pk > second.pk

    client = login(county_admin)
    page = client.get(reverse("registry_import_batch", args=[first.pk])).content.decode()
    assert "台账.xlsx" in page and "校验位错误" in page and reverse("intake_returns", args=[first.pk]) in page
    assert client.get(reverse("intake_batch", args=[first.pk])).status_code == 200
