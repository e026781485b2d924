"""Errors that carry a message for people, in Chinese."""

from __future__ import annotations

import sys
from collections.abc import Callable


class UserFacingError(Exception):
    """Bad input or a refused action: the message is shown as is; no traceback."""

    def __init__(self, message: str, *, field: str | None = None, link: tuple[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # (label, url) of the record that explains the refusal, e.g. the open case a clue would duplicate.
        self.link = link

    def __str__(self) -> str:
        return self.message


class NotFoundInScope(UserFacingError):
    """Missing, or outside the user's region: both look the same to the user."""

    def __init__(self, what: str = "记录"):
        super().__init__(f"{what}不存在。")


class ImportConnectionLost(UserFacingError):
    """The database connection dropped during an import.

    The server rolls back the open transaction of a connection that drops, so nothing was written — unless
    the drop came while the transaction was being committed and the database could not be asked afterwards
    (`maybe_committed`). Imports are keyed (the registry by household number and identity number, department
    lists by file checksum), so running one again never writes anything twice.
    """

    def __init__(self, reason: str, *, maybe_committed: bool = False):
        if maybe_committed:
            message = ("数据库连接在提交时中断，无法确认本次导入是否已写入：数据库恢复后请查看导入批次，没有的再导入一次"
                       f"（同一文件再次导入不会重复写入）。原因：{reason}")
        else:
            message = f"数据库连接中断，本次导入未写入任何数据，可重新导入：{reason}"
        super().__init__(message)
        self.maybe_committed = maybe_committed


# SQLSTATE class 08 is a connection exception; 57P01–57P03 are the server ending the session (an
# administrator's pg_terminate_backend, a crash, a shutdown).
_CONNECTION_LOST_STATES = ("08", "57P01", "57P02", "57P03")


def connection_lost(exc: BaseException) -> str | None:
    """The driver's one-line reason when `exc`, or an error behind it, is a lost database connection; else None.

    When it is, the broken connection is also let go of, so that the next query opens a new one. Only a
    PostgreSQL connection can be lost: an SQLite database is a file opened inside this process.
    """
    psycopg = sys.modules.get("psycopg")  # not imported: no PostgreSQL connection was ever opened
    if psycopg is None:
        return None
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        # Without an SQLSTATE the error is the client's own: the socket closed, or a new connection failed.
        if isinstance(error, psycopg.OperationalError) and (
                error.sqlstate is None or error.sqlstate.startswith(_CONNECTION_LOST_STATES)):
            _connection_forget()
            lines = str(error).strip().splitlines()
            return lines[0].strip() if lines else type(error).__name__
        error = error.__cause__ or error.__context__
    return None


def _connection_forget() -> None:
    from django.db import connection

    # Inside an atomic block Django itself closes the connection when the block's rollback fails.
    if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
        connection.close()


def committed_after_loss(check: Callable[[], bool]) -> bool | None:
    """After a connection dropped while committing: whether the work was committed after all (`check`, run on
    a new connection), or None when the database still cannot be reached."""
    try:
        return bool(check())
    except Exception as exc:
        if connection_lost(exc) is None:
            raise
        return None
