"""The benchmarks' own database: a SQLite file in the run's folder, or a PostgreSQL database made afresh.

Only a PostgreSQL database whose name starts with `gonggu_bench` is dropped and created again, so a
benchmark can never wipe a working database by a mistyped URL.
"""

from __future__ import annotations

import os
from pathlib import Path


def fresh_database(database_url: str | None, folder: Path, sqlite_name: str = "bench.sqlite3") -> dict:
    """Point GONGGU_DATABASE_URL and GONGGU_DATA_DIR at the run's database and folder; return the environment."""
    os.environ["GONGGU_DATA_DIR"] = str(folder / "data")
    os.environ["GONGGU_DATABASE_URL"] = database_url or f"sqlite:///{folder / sqlite_name}"
    if database_url:
        import psycopg

        base, name = database_url.rsplit("/", 1)
        if not name.startswith("gonggu_bench"):
            raise SystemExit(f"--database-url：基准测试会重建数据库，库名须以 gonggu_bench 开头（而不是 {name}）")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    return os.environ.copy()
