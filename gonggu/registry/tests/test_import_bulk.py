"""The bulk paths: index rebuild for large loads, and the database left exactly as it was structured."""

import pytest
from django.db import connection

from gonggu.registry.importing import bulk as importing_bulk
from gonggu.registry.importing import registry_import
from gonggu.registry.models import Household, IncomeAccount, Person

from .test_import_helpers import household, write_csv

pytestmark = pytest.mark.django_db


def indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                           [table])
        return {r[0] for r in cursor.fetchall()}


def test_large_load_rebuilds_indexes_exactly(tmp_path, regions, monkeypatch):
    monkeypatch.setattr(importing_bulk, "REBUILD_MIN_ROWS", 1)  # every load counts as large here
    tables = [Person._meta.db_table, Household._meta.db_table, IncomeAccount._meta.db_table]
    before = {t: indexes(t) for t in tables}
    rows = [r for n in range(30) for r in household(f"H{n:02d}", 3)]
    result = registry_import(path=write_csv(tmp_path, rows))
    assert result.counts.persons_created == 90
    assert {t: indexes(t) for t in tables} == before
    assert Person.objects.filter(household__household_no="H07").count() == 3
    # The indexes serve queries as before (the planner can use them; the rows are all found).
    assert Person.objects.filter(region_code="410122100201").count() == 90


def test_household_ids_are_reserved_before_the_insert(tmp_path, regions):
    registry_import(path=write_csv(tmp_path, household("H1", 2), name="a.csv"))
    first = Household.objects.get().pk
    registry_import(path=write_csv(tmp_path, household("H2", 2), name="b.csv"))
    second = Household.objects.get(household_no="H2")
    assert second.pk > first and second.members.count() == 2 and second.incomes.get().household_size == 2
    # The ordinary ORM insert after an import gets a fresh id (the sequence/counter moved on).
    third = Household.objects.create(household_no="H3", county_code="410122", village=regions["village"],
                                     region_code="410122100201", household_type="一般农户")
    assert third.pk > second.pk
