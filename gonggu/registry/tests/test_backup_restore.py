"""`gonggu backup` while the database is being written, `gonggu restore` into another data directory: the
restored database is consistent and its stored file paths open the restored files."""

import importlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from gonggu.core.uploads import stored_path, upload_save
from gonggu.registry.models import RegistryBatch

ROOT = Path(__file__).resolve().parents[3]

CREATE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from gonggu.core.uploads import stored_name, upload_save
from gonggu.registry.models import RegistryBatch
path, sha = upload_save(SimpleUploadedFile("台账.csv", "户编号,姓名\\n1001,张三\\n".encode()), kind="registry")
batch = RegistryBatch.objects.create(file_name="台账.csv", sha256=sha, stored_path=stored_name(path))
print(batch.pk, batch.stored_path)
"""

CHECK = """
import hashlib, json
from django.db import connection
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import stored_path
from gonggu.registry.models import RegistryBatch
batch = RegistryBatch.objects.get()
data = stored_path(batch.stored_path).read_bytes()
with connection.cursor() as c:
    c.execute("PRAGMA integrity_check")
    integrity = c.fetchone()[0]
seq = sorted(int(s) for s in AuditEvent.objects.filter(object_type="writer").values_list("object_id", flat=True))
print(json.dumps({"ok": hashlib.sha256(data).hexdigest() == batch.sha256, "integrity": integrity, "seq": seq,
                  "path": batch.stored_path}))
"""


def _gonggu(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGGU_", "DJANGO_"))}
    env.update(GONGGU_DATA_DIR=str(data_dir), GONGGU_DATABASE_URL="")
    if args[0] == "shell":
        args = ("shell", "--no-imports", *args[1:])
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def _writer(db: Path, stop: threading.Event, written: list[int]) -> None:
    """Another process's writes during the backup: numbered audit rows, one transaction each."""
    conn = sqlite3.connect(db, timeout=30)
    n = 0
    while not stop.is_set():
        n += 1
        with conn:
            conn.execute("INSERT INTO core_auditevent (at, username, action, object_type, object_id, region_code, "
                         "summary, detail, ip_address) VALUES (datetime('now'), 'w', 'job', 'writer', ?, '', '', '{}', "
                         "NULL)", (str(n),))
        written.append(n)
    conn.close()


def test_backup_during_writes_and_restore_elsewhere(tmp_path):
    origin, elsewhere = tmp_path / "county-server" / "data", tmp_path / "new-machine" / "gonggu-data"
    assert _gonggu(origin, "migrate", "--no-input").returncode == 0
    created = _gonggu(origin, "shell", "-c", CREATE)
    assert created.returncode == 0, created.stderr
    assert not created.stdout.strip().splitlines()[-1].split()[1].startswith("/")          # kept relative to the data directory
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(origin / "gonggu.sqlite3", stop, written))
    writer.start()
    try:
        while len(written) < 50:
            time.sleep(0.01)
        done = _gonggu(origin, "backup", "--out", str(tmp_path / "backup.tar.gz"), "--format", "json")
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["databases"] == ["database", "queue"] or report["databases"] == ["database"]
    assert report["files"] >= 1

    restored = _gonggu(elsewhere, "restore", str(tmp_path / "backup.tar.gz"))
    assert restored.returncode == 0, restored.stderr
    check = _gonggu(elsewhere, "shell", "-c", CHECK)
    assert check.returncode == 0, check.stderr
    state = json.loads(check.stdout.strip().splitlines()[-1])
    assert state["ok"] and state["integrity"] == "ok"
    # A consistent snapshot: writes 1..n, no gaps, taken while writing went on.
    assert state["seq"] == list(range(1, len(state["seq"]) + 1)) and len(state["seq"]) >= 50
    # Restoring over a database that has users needs --force.
    user = _gonggu(elsewhere, "shell", "-c", "from gonggu.accounts.models import User; User.objects.create(username='u')")
    assert user.returncode == 0, user.stderr
    again = _gonggu(elsewhere, "restore", str(tmp_path / "backup.tar.gz"))
    assert again.returncode == 1 and "已有数据" in again.stderr
    assert _gonggu(elsewhere, "restore", str(tmp_path / "backup.tar.gz"), "--force").returncode == 0


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not an archive")
    done = _gonggu(tmp_path / "d", "restore", str(bogus))
    assert done.returncode == 1 and "无法读取" in done.stderr


@pytest.mark.django_db
def test_migration_makes_kept_paths_relative(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    path, sha = upload_save(SimpleUploadedFile("a.csv", b"x"), kind="registry")
    inside = RegistryBatch.objects.create(file_name="a.csv", checksum=sha, stored_path=str(path))
    outside = RegistryBatch.objects.create(file_name="b.csv", checksum=sha, stored_path="/srv/elsewhere/b.csv")
    importlib.import_module("gonggu.dataio.migrations.0002_relative_file_paths").forwards(apps, None)
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.stored_path == path.relative_to(tmp_path).as_posix()
    assert stored_path(inside.stored_path).read_bytes() == b"x"
    assert outside.stored_path == "/srv/elsewhere/b.csv"
