"""A database connection dropped in the middle of a department list import (issue 8 "Scale", faults).

As for the registry (gonggu/registry/tests/test_import_faults.py; gonggu/core/tests/db_faults.py drops the
connection for real with pg_terminate_backend): a one-line Chinese reason, no batch, fact or rejected row left, and the
same file imported again is a first import — not taken for a duplicate of a batch that never was.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from gonggu.core.errors import ImportConnectionLost
from gonggu.core.models import AuditEvent, Job
from gonggu.core.tests.commands import run_command
from gonggu.core.tests.db_faults import LOST, database_full_after, dropped_after, on_postgres, on_sqlite
from gonggu.dataio.models import IntakeIssue as RejectedRow
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.sources.models import Batch, Fact
from gonggu.sources.services import batch_import

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN = make_id_number("410122", dt.date(1988, 8, 8), 21)   # valid, not in the registry
HEADER = "身份证号,姓名,救助类型,状态,起始日期"
# The write phase, in order (the COPY of the facts, between the first two, is not seen by Django).
AFTER_BATCH_ROW = 'INSERT INTO "dataio_intakebatch"'              # next: the facts
AFTER_FACTS = 'INSERT INTO "dataio_intakeissue"'            # facts and rejected rows written
AFTER_LAST_STATEMENT = 'INSERT INTO "core_auditevent"'       # next comes the COMMIT


@pytest.fixture
def member(regions):
    return PersonFactory(household=HouseholdFactory(village=regions["village"]), name="张三",
                         birth_date=dt.date(1980, 2, 3))


@pytest.fixture
def list_file(tmp_path, member) -> Path:
    """Three rows: one of a registry member, one of a person not registered, one rejected (bad number)."""
    path = tmp_path / "低保名单.csv"
    path.write_text(f"{HEADER}\n{member.id_number},张三,低保,在保,2024/3/1\n{UNKNOWN},李四,特困,在保,2024/5/1\n"
                    "410122198001011234,王五,低保,在保,2024/6/1\n", encoding="utf-8")
    return path


def database_state() -> dict:
    state = {m.__name__: list(m.objects.order_by("pk").values()) for m in (Batch, Fact, RejectedRow)}
    state["audit"] = list(AuditEvent.objects.filter(action="import").order_by("pk").values_list("pk", flat=True))
    return state


def kept_copies() -> set[Path]:
    folder = Path(settings.DATA_DIR) / "uploads" / "dept"
    return {p for p in folder.rglob("*") if p.is_file()}


def call(*args) -> tuple[int, str, str]:
    return run_command("import_dept", *args)


def assert_first_import(doc: dict, member) -> None:
    """What a clean first import of `list_file` gives."""
    batch = Batch.objects.get()
    assert doc["batch"] == batch.pk and doc["duplicate_of"] is None
    assert (doc["rows"], doc["matched"], doc["unmatched"], len(doc["rejected"])) == (3, 1, 1, 1)
    assert (batch.rows, batch.matched, batch.unmatched, batch.rejected_rows) == (3, 1, 1, 1)
    assert sorted(Fact.objects.filter(batch=batch).values_list("id_number", "category")) == sorted(
        [(member.id_number, "低保"), (UNKNOWN, "特困")])
    assert RejectedRow.objects.filter(batch=batch, row=4, column="身份证号").exists()


@on_postgres
@pytest.mark.parametrize("marker", [AFTER_BATCH_ROW, AFTER_FACTS, AFTER_LAST_STATEMENT],
                         ids=["before-facts", "after-facts", "at-commit"])
def test_command_connection_dropped_writes_nothing_and_can_run_again(marker, list_file, member):
    before, copies = database_state(), kept_copies()
    with dropped_after(marker):
        code, out, err = call("mz_assistance", str(list_file), "--format", "json")
    assert code == 1 and out == ""
    assert err.startswith("错误：" + LOST) and err.count("\n") <= 1 and "Traceback" not in err
    assert database_state() == before and kept_copies() == copies

    code, out, err = call("mz_assistance", str(list_file), "--format", "json")
    assert code == 0, err
    assert_first_import(json.loads(out), member)


@on_postgres
@pytest.mark.parametrize(("marker", "certain"), [(AFTER_FACTS, True), (AFTER_LAST_STATEMENT, False)],
                         ids=["before-commit", "at-commit"])
def test_database_still_away_after_the_drop(marker, certain, list_file, member):
    before, copies = database_state(), kept_copies()
    with dropped_after(marker, lock_out=True):
        code, _, err = call("mz_assistance", str(list_file))
    assert code == 1 and "Traceback" not in err and err.count("\n") <= 1
    if certain:
        assert err.startswith("错误：" + LOST) and kept_copies() == copies
    else:
        assert err.startswith("错误：数据库连接在提交时中断，无法确认本次导入是否已写入")
        assert len(kept_copies() - copies) == 1     # it may be the original of a batch: kept
    assert database_state() == before
    code, out, _ = call("mz_assistance", str(list_file), "--format", "json")
    assert code == 0
    assert_first_import(json.loads(out), member)


@on_postgres
def test_service_raises_the_connection_error(list_file, member):
    with dropped_after(AFTER_FACTS), pytest.raises(ImportConnectionLost) as caught:
        batch_import(source="mz_assistance", path=list_file)
    assert caught.value.message.startswith(LOST) and not caught.value.maybe_committed
    assert not Batch.objects.exists() and not Fact.objects.exists()


@on_postgres
def test_web_job_connection_dropped_fails_the_job(list_file, member, county_admin, login):
    client = login(county_admin)

    def upload():
        return client.post(reverse("intake_format", args=["dept.mz_assistance"]), {"file": SimpleUploadedFile(list_file.name, list_file.read_bytes())})

    copies = kept_copies()
    with dropped_after(AFTER_FACTS):
        response = upload()
    job = Job.objects.get(kind="intake")
    assert job.status == Job.Status.FAILED and job.message.startswith(LOST)
    assert database_state() == {"Batch": [], "Fact": [], "IntakeIssue": [], "audit": []}
    assert kept_copies() == copies                   # the upload is not the original of any batch
    assert LOST in client.get(response["Location"]).content.decode()

    upload()
    again = Job.objects.latest("pk")
    assert again.status == Job.Status.DONE and again.result["duplicate_of"] is None
    assert again.result["batch"] == Batch.objects.get().pk and len(kept_copies() - copies) == 1


@on_sqlite
def test_sqlite_write_failure_leaves_nothing_and_is_no_duplicate_after(tmp_path, member):
    path = tmp_path / "大名单.csv"
    numbers = [make_id_number("410122", dt.date(1960, 1, 1) + dt.timedelta(days=i), i % 500) for i in range(6000)]
    path.write_text(HEADER + "\n" + "".join(f"{n},某人{i},低保,在保,2024/3/1\n" for i, n in enumerate(numbers)),
                    encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")   # no free pages: the facts have to grow the file
    before, copies = database_state(), kept_copies()
    with database_full_after(AFTER_BATCH_ROW), pytest.raises(OperationalError, match="full"):
        batch_import(source="mz_assistance", path=path)
    assert database_state() == before and kept_copies() == copies
    result = batch_import(source="mz_assistance", path=path)
    assert result.duplicate_of is None and result.rows == 6000 and Fact.objects.count() == 6000
