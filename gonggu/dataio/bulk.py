"""Fast set-based inserts for large row sets (department lists, rule findings).

PostgreSQL gets COPY (an order of magnitude faster than INSERT for a million
rows); other databases get executemany in chunks. Rows are plain tuples in
the order of `columns`; the caller runs this inside its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import islice

from django.db import connection

CHUNK = 5000


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        it = iter(rows)
        while chunk := list(islice(it, CHUNK)):
            cursor.executemany(sql, _plain_rows(chunk))
            count += len(chunk)
    return count


_NATIVE = (str, int, float, bytes, type(None))


def _plain_rows(chunk: list[Sequence[object]]) -> list[tuple]:
    """Convert, column by column, only the columns that hold dates or decimals (most hold text and numbers)."""
    columns = list(zip(*chunk, strict=True))
    for i, column in enumerate(columns):
        if not all(type(v) in _NATIVE for v in column):
            columns[i] = tuple(map(_plain, column))
    return list(zip(*columns, strict=True))


def _plain(value: object) -> object:
    # Dates and decimals as text, as Django itself writes them: exact, and independent of driver adapters.
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def copy_csv(table: str, columns: Sequence[str], data: bytes | memoryview) -> None:
    """PostgreSQL only: load CSV bytes (no header, empty unquoted = NULL) in one COPY."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            view = memoryview(data)
            for start in range(0, len(view), 1 << 20):
                copy.write(view[start:start + (1 << 20)])
