"""A database connection dropped in the middle of a registry import (issue 8 "Scale", faults).

The connection is really dropped: a second connection ends the importing session with
`pg_terminate_backend` right after a chosen statement has run (a `connection.execute_wrapper`), or after the
first bulk COPY (the import's progress callback). What must hold: a one-line Chinese reason, nothing of the
batch in the database, and the same import run again gives what a clean first import gives.

SQLite has no connection to lose (the database is a file opened inside the process); there the atomicity of
the write is shown with a real mid-write failure instead: the database file is not allowed to grow.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from gonggu.core.errors import ImportConnectionLost
from gonggu.core.models import AuditEvent, Job
from gonggu.core.tests.commands import run_command
from gonggu.core.tests.db_faults import (
    LOST,
    database_full_after,
    dropped_after,
    on_postgres,
    on_sqlite,
    terminate,
)
from gonggu.dataio.models import IntakeIssue
from gonggu.registry.importing import registry_import
from gonggu.registry.models import (
    Household,
    IncomeAccount,
    Person,
    RegistryBatch,
    RegistryBatchHousehold,
    RegistryBatchMissing,
)

from .test_import_helpers import head, household, person, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

# Statements of the write phase, in the order they run (the bulk COPYs in between are not seen by Django).
AFTER_IDS_RESERVED = "nextval(pg_get_serial_sequence"            # before the first COPY
AFTER_ROWS_WRITTEN = 'DELETE FROM "dataio_intakeissue"'       # households, persons, incomes written
AFTER_LAST_STATEMENT = 'INSERT INTO "core_auditevent"'           # next comes the COMMIT


def temp_import_tables() -> int:
    """PostgreSQL temporary tables of the bulk updates (`_import_<table>`) left in any session."""
    with connection.cursor() as cursor:
        cursor.execute(r"SELECT COUNT(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE '\_import\_%%'")
        return cursor.fetchone()[0]


# --- what the database holds -------------------------------------------------------------------------------

def database_state() -> dict:
    """Every row of the registry and of the import batches, exactly (ids, timestamps and all)."""
    models = (Household, Person, IncomeAccount, RegistryBatch, IntakeIssue, RegistryBatchMissing,
              RegistryBatchHousehold)
    state = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    state["audit"] = list(AuditEvent.objects.filter(action="import").order_by("pk").values_list("pk", flat=True))
    return state


def registry_content() -> dict:
    """The registry by its natural keys (household number, identity number, year): what an import decides."""
    return {
        "households": list(Household.objects.order_by("county_code", "household_no").values_list(
            "county_code", "household_no", "village__code", "region_code", "household_type", "monitoring_type",
            "relocated", "head_name")),
        "persons": list(Person.objects.order_by("id_number").values_list(
            "id_number", "household__household_no", "region_code", "name", "relation", "gender", "birth_date",
            "labour_ability", "health", "disability_grade", "school_status", "work_months", "work_place",
            "medical_insured", "status")),
        "incomes": list(IncomeAccount.objects.order_by("household__household_no", "year").values_list(
            "household__household_no", "year", "wage", "business", "property", "transfer", "business_expense",
            "household_size", "net_income", "per_capita")),
    }


def kept_copies() -> set[Path]:
    folder = Path(settings.DATA_DIR) / "uploads" / "registry"
    return {p for p in folder.rglob("*") if p.is_file()}


def duckdb_spill_files() -> list[Path]:
    folder = Path(settings.DATA_DIR) / "tmp" / "duckdb"
    return [p for p in folder.rglob("*") if p.is_file()]


def outcome(doc: dict) -> dict:
    """A run's JSON without what differs between runs of the same import (batch id, timings, dry-run flag)."""
    return {k: v for k, v in doc.items() if k not in ("batch", "dry_run", "same_file_as", "file")}


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The import's temporary folders go here, so the test can see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def import_file(tmp_path, sample_registry) -> Path:
    """Two new households and an update of one on record (a changed health and income: the bulk update path)."""
    a_head = sample_registry["a_head"]
    rows = household("N1", 3) + household("N2", 2) + [
        head("1001", id=a_head.id_number, name=a_head.name, 健康状况="患有大病", 工资性收入="30000"),
        person("N2", 姓名=""),  # rejected: the report has an issue row too
    ]
    return write_csv(tmp_path, rows)


def call(*args) -> tuple[int, str, str]:
    return run_command("import_registry", *args)


# --- the command line ----------------------------------------------------------------------------------------

@on_postgres
@pytest.mark.parametrize("marker", [AFTER_IDS_RESERVED, AFTER_ROWS_WRITTEN, AFTER_LAST_STATEMENT],
                         ids=["before-first-copy", "after-rows-written", "at-commit"])
def test_command_connection_dropped_writes_nothing_and_can_run_again(marker, tmp_path, sample_registry, private_tmp):
    path = import_file(tmp_path, sample_registry)
    _, dry, _ = call(str(path), "--dry-run", "--format", "json")
    before, copies = database_state(), kept_copies()

    with dropped_after(marker):
        code, out, err = call(str(path), "--format", "json")

    assert code == 1 and out == ""
    assert err.startswith("错误：" + LOST) and err.count("\n") <= 1 and "Traceback" not in err
    assert database_state() == before                  # not a row of the batch, the registry as it was
    assert kept_copies() == copies                     # the copy kept for the batch is gone with it
    assert list(private_tmp.iterdir()) == []           # the COPY files' folders are removed
    assert duckdb_spill_files() == []                  # and DuckDB's workspace closed

    code, out, err = call(str(path), "--format", "json")
    assert code == 0, err
    assert outcome(json.loads(out)) == outcome(json.loads(dry))   # what the clean run was going to do
    assert (json.loads(out)["created"], json.loads(out)["updated"]) == (5, 1)
    assert Person.objects.get(id_number=sample_registry["a_head"].id_number).health == "患有大病"
    assert RegistryBatch.objects.get().status == RegistryBatch.Status.APPLIED
    assert temp_import_tables() == 0


@on_postgres
def test_retry_gives_what_a_clean_first_import_gives(tmp_path, regions):
    path = write_csv(tmp_path, household("H1", 4) + household("H2", 3, 户类型="监测户", 监测对象类型="边缘易致贫户"))
    with dropped_after(AFTER_ROWS_WRITTEN):
        assert call(str(path))[0] == 1
    assert not Household.objects.exists() and not RegistryBatch.objects.exists()
    code, retried, _ = call(str(path), "--format", "json")
    assert code == 0
    after_retry = registry_content()

    # The same file into an empty registry, never interrupted.
    for model in (RegistryBatch, IncomeAccount, Person, Household):
        model.objects.all().delete()
    code, clean, _ = call(str(path), "--format", "json")
    assert code == 0
    assert registry_content() == after_retry and outcome(json.loads(retried)) == outcome(json.loads(clean))


@on_postgres
@pytest.mark.parametrize(("marker", "certain"), [(AFTER_IDS_RESERVED, True), (AFTER_LAST_STATEMENT, False)],
                         ids=["before-commit", "at-commit"])
def test_database_still_away_after_the_drop(marker, certain, tmp_path, sample_registry):
    """The server restarts: the drop is followed by refused connections. Before the commit nothing was
    written for sure; a drop while committing cannot be checked, and the message says so."""
    path = import_file(tmp_path, sample_registry)
    before, copies = database_state(), kept_copies()
    with dropped_after(marker, lock_out=True):
        code, out, err = call(str(path))
    assert code == 1 and "Traceback" not in err and err.count("\n") <= 1
    if certain:
        assert err.startswith("错误：" + LOST) and kept_copies() == copies
    else:
        assert err.startswith("错误：数据库连接在提交时中断，无法确认本次导入是否已写入")
        assert "不会重复写入" in err
        assert len(kept_copies() - copies) >= 1    # it may be the original of a batch: kept
    assert database_state() == before
    assert call(str(path))[0] == 0 and RegistryBatch.objects.get().status == RegistryBatch.Status.APPLIED


@on_postgres
def test_dry_run_connection_dropped_is_one_line(tmp_path, sample_registry):
    path = import_file(tmp_path, sample_registry)
    # The dry run reads the registry with COPY … TO STDOUT; the drop comes after the villages were looked up.
    with dropped_after('FROM "regions_region"'):
        code, out, err = call(str(path), "--dry-run")
    assert code == 1 and err.startswith("错误：" + LOST) and "Traceback" not in err


# --- the service, between two bulk COPYs -----------------------------------------------------------------------

@on_postgres
def test_drop_between_bulk_copies(tmp_path, sample_registry, private_tmp):
    path = import_file(tmp_path, sample_registry)
    before = database_state()
    dropped = []

    def progress(done: int, total: int) -> None:
        # The write phase starts at 55 % (importing.progress.Steps); the first report past it follows the household COPY.
        if done > total * 0.55 and not dropped:
            dropped.append(done)
            terminate(connection.connection.info.backend_pid)

    with pytest.raises(ImportConnectionLost) as caught:
        registry_import(path=path, progress=progress)
    assert caught.value.message.startswith(LOST) and not caught.value.maybe_committed
    assert dropped and database_state() == before
    assert list(private_tmp.iterdir()) == []
    result = registry_import(path=path)
    assert (result.counts.persons_created, result.counts.persons_updated, result.counts.rejected_rows) == (5, 1, 1)


# --- the web upload -----------------------------------------------------------------------------------------------

def upload(client, path: Path):
    return client.post(reverse("registry_import"), {"file": SimpleUploadedFile("台账.csv", path.read_bytes())})


@on_postgres
def test_web_apply_connection_dropped_fails_the_job_and_the_batch(tmp_path, sample_registry, county_admin, login):
    client = login(county_admin)
    path = import_file(tmp_path, sample_registry)
    upload(client, path)
    batch = RegistryBatch.objects.get()
    assert batch.status == RegistryBatch.Status.VALIDATED
    before = database_state()

    with dropped_after(AFTER_ROWS_WRITTEN):
        response = client.post(reverse("registry_import_confirm", args=[batch.pk]))

    job = Job.objects.get(kind="registry_apply")
    assert job.status == Job.Status.FAILED and job.message.startswith(LOST)
    batch.refresh_from_db()
    assert batch.status == RegistryBatch.Status.FAILED and batch.message == job.message
    after = database_state()
    # The registry as it was; the batch is only marked failed (its validation report stays as it was).
    assert {k: v for k, v in after.items() if k != "RegistryBatch"} == {
        k: v for k, v in before.items() if k != "RegistryBatch"}
    assert LOST in client.get(response["Location"]).content.decode()        # the job page
    page = client.get(reverse("registry_import_batch", args=[batch.pk])).content.decode()
    assert LOST in page and "确认导入（" not in page

    # The same file again: a new batch, validated and applied like a first import.
    upload(client, path)
    again = RegistryBatch.objects.latest("pk")
    assert again.status == RegistryBatch.Status.VALIDATED and "same_file_as" not in again.report
    client.post(reverse("registry_import_confirm", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == RegistryBatch.Status.APPLIED
    assert (again.persons_created, again.persons_updated, again.rejected_rows) == (
        batch.persons_created, batch.persons_updated, batch.rejected_rows) == (5, 1, 1)
    assert Person.objects.get(id_number=sample_registry["a_head"].id_number).health == "患有大病"
    assert temp_import_tables() == 0


@on_postgres
def test_web_validation_connection_dropped_fails_the_job_and_the_batch(tmp_path, sample_registry, county_admin, login):
    client = login(county_admin)
    path = import_file(tmp_path, sample_registry)
    before = database_state()
    with dropped_after('DELETE FROM "dataio_intakeissue"'):   # validation writes its report
        upload(client, path)
    job = Job.objects.get(kind="registry_validate")
    batch = RegistryBatch.objects.get()
    assert job.status == Job.Status.FAILED and job.message.startswith(LOST)
    assert batch.status == RegistryBatch.Status.FAILED and batch.message == job.message
    assert not batch.issues.exists() and not batch.missing.exists()
    assert {k: v for k, v in database_state().items() if k != "RegistryBatch"} == {
        k: v for k, v in before.items() if k != "RegistryBatch"}
    upload(client, path)
    assert RegistryBatch.objects.latest("pk").status == RegistryBatch.Status.VALIDATED


# --- SQLite: a real failure in the middle of the write ------------------------------------------------------------

@on_sqlite
def test_sqlite_write_failure_leaves_nothing_and_can_run_again(tmp_path, sample_registry, private_tmp):
    rows = [r for n in range(300) for r in household(f"F{n:03d}", 4)]   # needs many new pages
    path = write_csv(tmp_path, rows + [head("1001", id=sample_registry["a_head"].id_number, 健康状况="患有大病")])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")   # no free pages: the import has to grow the file
    before, copies = database_state(), kept_copies()
    # The bulk writes use the driver's connection directly: its error is sqlite3's own, not Django's wrapper.
    with database_full_after('INSERT INTO "dataio_intakebatch"'):
        with pytest.raises((OperationalError, sqlite3.OperationalError), match="full"):
            registry_import(path=path)
    assert database_state() == before and kept_copies() == copies
    assert list(private_tmp.iterdir()) == []
    result = registry_import(path=path)
    assert (result.counts.persons_created, result.counts.persons_updated) == (1200, 1)
    assert Person.objects.count() == 1200 + 8 and RegistryBatch.objects.get().status == RegistryBatch.Status.APPLIED

