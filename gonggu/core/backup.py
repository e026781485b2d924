"""Backup and restore of the embedded deployment: the SQLite database and the data directory in one archive.

The database is copied with SQLite's online backup API in one step, that is inside one read transaction:
a consistent snapshot while the web server and the job worker keep writing (in WAL mode they are not
blocked meanwhile). Files under the data directory are stored by their
path relative to it, and the database keeps file locations relative to it too, so an archive restores to
any path on any machine. On PostgreSQL the archive holds the files only: dump the database with pg_dump
(docs/operations.md).

Archive layout (.tar.gz): manifest.json; db/<name>.sqlite3 (SQLite only); files/<path relative to the data
directory>. Left out: the live database files themselves (copied consistently instead), static files
(`gonggu collectstatic` rebuilds them), logs and earlier backups.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .errors import UserFacingError

FORMAT = 1
SKIPPED_DIRS = {"static", "logs", "backups"}


@dataclass
class BackupResult:
    path: Path
    files: int
    databases: list[str]
    bytes: int


def _sqlite_files() -> dict[str, Path]:
    """The SQLite databases to copy consistently: the main database and the embedded job queue."""
    found = {}
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        found["database"] = Path(db["NAME"]).resolve()
    queue = settings.HUEY.get("filename") if isinstance(settings.HUEY, dict) else None
    if queue and Path(queue).exists():
        found["queue"] = Path(queue).resolve()
    return found


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(target)
    try:
        # In one step: the copy is read inside one read transaction, a snapshot that writers (WAL) do not block.
        src.backup(dst, pages=-1)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise UserFacingError(f"数据库副本校验未通过：{check}")
    finally:
        dst.close()
        src.close()


def _data_files(data_dir: Path, skip: set[Path]) -> list[Path]:
    out = []
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir)
        if rel.parts and rel.parts[0] in SKIPPED_DIRS:
            continue
        if not path.is_file() or path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        if path.resolve() in skip:
            continue
        out.append(path)
    return out


def backup_create(*, out: Path | None = None) -> BackupResult:
    """Write the archive (default: <data dir>/backups/gonggu-<time>.tar.gz) and return what it holds."""
    data_dir = Path(settings.DATA_DIR).resolve()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if out is None:
        out = data_dir / "backups" / f"gonggu-{stamp}.tar.gz"
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    dbs = _sqlite_files()
    # The database files of another location (a database outside the data directory) are skipped as files too.
    skip = set(dbs.values()) | {out}
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "data_dir": str(data_dir),
        "engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], "databases": {}, "files": 0,
    }
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(prefix="gonggu-backup-") as tmp, tarfile.open(partial, "w:gz") as tar:
        for role, source in dbs.items():
            copy = Path(tmp) / f"{role}.sqlite3"
            _copy_sqlite(source, copy)
            tar.add(copy, arcname=f"db/{role}.sqlite3")
            manifest["databases"][role] = source.name
        files = _data_files(data_dir, skip)
        for path in files:
            tar.add(path, arcname=f"files/{path.relative_to(data_dir).as_posix()}", recursive=False)
        manifest["files"] = len(files)
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size, info.mtime = len(body), int(dt.datetime.now().timestamp())
        tar.addfile(info, io.BytesIO(body))
    partial.replace(out)
    return BackupResult(path=out, files=manifest["files"], databases=sorted(manifest["databases"]),
                        bytes=out.stat().st_size)


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError, TypeError):
        raise UserFacingError(f"{archive.name} 不是巩固的备份文件（缺少 manifest.json）。") from None
    if manifest.get("format") != FORMAT:
        raise UserFacingError(f"{archive.name} 的备份格式（{manifest.get('format')}）本版本不能恢复。")
    return manifest


def _database_has_data() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT COUNT(*) FROM accounts_user")
        except Exception:  # noqa: BLE001 - no tables yet: an empty database
            return False
        return cursor.fetchone()[0] > 0


def backup_restore(*, archive: Path, force: bool = False) -> dict:
    """Restore an archive into this deployment's data directory and SQLite database.

    Refuses to overwrite a database that already has users unless `force`; stop the web server and the job
    worker first (the database file is replaced).
    """
    archive = Path(archive).resolve()
    if not archive.is_file():
        raise UserFacingError(f"找不到备份文件 {archive}。")
    data_dir = Path(settings.DATA_DIR).resolve()
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise UserFacingError(f"{archive.name} 无法读取：{exc}") from None
    with tar:
        manifest = _manifest(tar, archive)
        dbs = _sqlite_files()
        if "database" in manifest["databases"] and "database" not in dbs:
            raise UserFacingError("备份中的数据库是 SQLite，而当前配置的是 PostgreSQL：请在 SQLite 配置下恢复，"
                                  "或按 docs/operations.md 迁移数据。")
        if not force and _database_has_data():
            raise UserFacingError("当前数据库已有数据。恢复会覆盖全部数据：确认无误后加 --force 再运行。")
        members = tar.getmembers()
        for member in members:
            name = Path(member.name)
            if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
                raise UserFacingError(f"备份文件中有不安全的路径 {member.name}，已停止恢复。")
        for conn in connections.all():
            conn.close()
        files = 0
        for member in members:
            if not member.isfile() or not member.name.startswith("files/"):
                continue
            target = data_dir / member.name[len("files/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            files += 1
        for role in manifest["databases"]:
            if role not in dbs:
                continue
            target = dbs[role]
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            partial = target.with_name(target.name + ".restoring")
            with tar.extractfile(f"db/{role}.sqlite3") as src, partial.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            partial.replace(target)
    return {"archive": str(archive), "files": files, "databases": sorted(r for r in manifest["databases"] if r in dbs),
            "created_at": manifest["created_at"], "from_data_dir": manifest["data_dir"], "data_dir": str(data_dir)}
