"""Real database faults for tests: a PostgreSQL session ended by the server mid-statement, an SQLite file that
may not grow. Used by the import fault tests of several apps (registry, sources).

The connection is really dropped: a second connection ends the session with `pg_terminate_backend` right
after a chosen statement has run (a `connection.execute_wrapper`).
"""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="只有 PostgreSQL 的连接会在导入中途被服务器断开；SQLite 是进程内打开的文件，没有可断开的连接")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="用 SQLite 的 max_page_count 让写入中途失败")

LOST = "数据库连接中断，本次导入未写入任何数据，可重新导入："


# --- dropping the connection -------------------------------------------------------------------------------

def _admin():
    """A second connection, to the maintenance database so that it works while the test database refuses."""
    import psycopg

    s = connection.settings_dict
    params = {"dbname": "postgres", "user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"],
              "port": s["PORT"]}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def terminate(pid: int, *, lock_out: bool = False) -> None:
    """End the session `pid` as a server restart or a cut network would, and wait until it is gone.
    `lock_out`: the database also refuses new connections (until `let_in`), as while the server restarts."""
    with _admin() as admin:
        if lock_out:
            admin.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" WITH ALLOW_CONNECTIONS false')
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()[0]


def let_in() -> None:
    with _admin() as admin:
        admin.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" WITH ALLOW_CONNECTIONS true')


class DropAfter:
    """An execute wrapper: right after the first statement containing `marker` has run, the session ends."""

    def __init__(self, marker: str, *, lock_out: bool = False):
        self.marker, self.lock_out, self.fired = marker, lock_out, False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not self.fired and self.marker in sql:
            self.fired = True
            terminate(context["connection"].connection.info.backend_pid, lock_out=self.lock_out)
        return result


@contextlib.contextmanager
def dropped_after(marker: str, *, lock_out: bool = False):
    drop = DropAfter(marker, lock_out=lock_out)
    try:
        with connection.execute_wrapper(drop):
            yield drop
    finally:
        if lock_out:
            let_in()
    assert drop.fired, f"no statement contained {marker!r}"


@contextlib.contextmanager
def database_full_after(marker: str):
    """After the statement containing `marker`, the SQLite file may grow by 40 pages only — room for the
    households of the test's file, not for its persons: that insert fails with "database or disk is full"."""
    raw = connection.connection

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if marker in sql:
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
            raw.execute(f"PRAGMA max_page_count = {pages + 40}")
        return result

    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        raw.execute("PRAGMA max_page_count = 4294967294")


