"""Moving registry rows between the database and the import's DuckDB workspace, in bulk.

Reads come back as Arrow tables (one query per table, never one per row). Writes go through the raw
DB-API connection of the current transaction: on SQLite `executemany` of INSERTs of a hundred rows each,
fed column-wise from Arrow; on PostgreSQL `COPY`, streamed as CSV written by Arrow straight from DuckDB's
result (updates through a temporary table and one `UPDATE … FROM`). A load as large as the table it goes
into drops the table's plain indexes and builds them again afterwards (on PostgreSQL also its foreign keys
to tables the import has locked, checked again by one query instead of a trigger per row). Rows written here
bypass the ORM and therefore simple-history: the import batch that wrote them is their audit trail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
from django.db import connection, transaction

from gonggu.core.codes import Level

# Every bulk statement and its seconds at DEBUG level (bench/import_registry.py --trace shows them).
log = logging.getLogger("gonggu.import")
# Rows per Arrow batch read from the database or from DuckDB.
CHUNK_ROWS = 50_000
# SQLite allows 32,766 bound parameters per statement; PostgreSQL takes an array.
_IN_CHUNK = 30_000


@contextlib.contextmanager
def bulk_transaction() -> Iterator[None]:
    """`transaction.atomic()` for a bulk import.

    On SQLite, when this is the outermost transaction, foreign keys are not looked up row by row (a
    million lookups of the household of each new person): every key the import writes was read or
    reserved inside this same write transaction (villages, households, the user), which holds SQLite's
    write lock throughout, so none can be missing. Inside an outer transaction (tests) the checks stay on.
    """
    relaxed = connection.vendor == "sqlite" and not connection.in_atomic_block and connection.disable_constraint_checking()
    try:
        with transaction.atomic():
            yield
    finally:
        if relaxed:
            connection.enable_constraint_checking()


def ranges(ids: Iterable[int]) -> list[list[int]]:
    """[[first, last], …] runs of consecutive ids (the households an import created, compactly)."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _fetch_arrow(sql: str, params: Iterable, schema: pa.Schema) -> pa.Table:
    if is_postgres():
        return _copy_out(sql, list(params), schema)
    batches = []
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(CHUNK_ROWS):
            columns = list(zip(*rows, strict=True))
            batches.append(pa.record_batch([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                                           schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _copy_out(sql: str, params: list, schema: pa.Schema) -> pa.Table:
    """PostgreSQL: the query's rows as CSV through COPY, parsed by Arrow (no Python object per value)."""
    import psycopg
    import pyarrow.csv as pacsv

    connection.ensure_connection()
    raw = connection.connection
    query = psycopg.ClientCursor(raw).mogrify(sql, params)
    with tempfile.TemporaryDirectory(prefix="gonggu-import-") as folder:
        path = Path(folder) / "rows.csv"
        with raw.cursor() as cur, path.open("wb") as out:
            with cur.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    out.write(block)
        if path.stat().st_size == 0:
            return schema.empty_table()
        return pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(column_names=schema.names),
            convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True,
                                                 quoted_strings_can_be_null=False))


def villages_by_code(codes: list[str]) -> dict[str, int]:
    """Village-level regions among `codes`: code -> region id."""
    from gonggu.regions.models import Region

    found: dict[str, int] = {}
    for i in range(0, len(codes), _IN_CHUNK):
        part = codes[i: i + _IN_CHUNK]
        found.update(Region.objects.filter(code__in=part, level=Level.VILLAGE).values_list("code", "id"))
    return found


HOUSEHOLD_SCHEMA = pa.schema([
    ("id", pa.int64()), ("county_code", pa.string()), ("household_no", pa.string()), ("village_id", pa.int64()),
    ("region_code", pa.string()), ("household_type", pa.string()), ("monitoring_type", pa.string()),
    ("relocated", pa.int8()), ("head_name", pa.string()),
])
PERSON_SCHEMA = pa.schema([
    ("id", pa.int64()), ("id_number", pa.string()), ("household_id", pa.int64()), ("region_code", pa.string()),
    ("name", pa.string()), ("relation", pa.string()), ("labour_ability", pa.string()), ("health", pa.string()),
    ("disability_grade", pa.string()), ("school_status", pa.string()), ("work_months", pa.int16()),
    ("work_place", pa.string()), ("medical_insured", pa.int8()), ("status", pa.string()),
])
INCOME_SCHEMA = pa.schema([
    ("id", pa.int64()), ("household_id", pa.int64()), ("year", pa.int32()), ("wage_c", pa.int64()),
    ("business_c", pa.int64()), ("property_c", pa.int64()), ("transfer_c", pa.int64()), ("expense_c", pa.int64()),
    ("household_size", pa.int32()), ("net_c", pa.int64()), ("pc_c", pa.int64()),
])


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def _bool(column: str) -> str:
    # SQLite keeps booleans as 0/1, PostgreSQL as boolean: both read back as 0/1 here.
    return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 1 ELSE 0 END"


def _cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def _extra(with_extra: bool) -> str:
    """The kept columns (`extra`) as JSON text when an export carries them, else an empty object (not read)."""
    if not with_extra:
        return "'{}'"
    return "CAST(extra AS TEXT)" if is_postgres() else "extra"


def existing_households(counties: list[str], *, with_extra: bool = False) -> pa.Table:
    schema = HOUSEHOLD_SCHEMA.append(pa.field("extra", pa.string()))
    if not counties:
        return schema.empty_table()
    return _fetch_arrow(
        "SELECT id, county_code, household_no, village_id, region_code, household_type, monitoring_type, "
        f"{_bool('relocated')}, head_name, {_extra(with_extra)} "
        f"FROM registry_household WHERE county_code IN ({_placeholders(len(counties))})",
        counties, schema)


def existing_persons(counties: list[str], *, with_extra: bool = False) -> pa.Table:
    """Persons registered in the counties of the file (their region code starts with the county code)."""
    schema = PERSON_SCHEMA.append(pa.field("extra", pa.string()))
    if not counties:
        return schema.empty_table()
    ranges = " OR ".join(["region_code BETWEEN %s AND %s"] * len(counties))
    params = [x for c in counties for x in (c.ljust(12, "0"), c.ljust(12, "9"))]
    return _fetch_arrow(
        "SELECT id, id_number, household_id, region_code, name, relation, labour_ability, health, disability_grade, "
        f"school_status, work_months, work_place, {_bool('medical_insured')}, status, {_extra(with_extra)} "
        f"FROM registry_person WHERE {ranges}", params, schema)


def existing_incomes(counties: list[str], years: list[int]) -> pa.Table:
    if not counties or not years:
        return INCOME_SCHEMA.empty_table()
    return _fetch_arrow(
        f"SELECT i.id, i.household_id, i.year, {_cents('i.wage')}, {_cents('i.business')}, {_cents('i.property')}, "
        f"{_cents('i.transfer')}, {_cents('i.business_expense')}, i.household_size, {_cents('i.net_income')}, "
        f"{_cents('i.per_capita')} FROM registry_incomeaccount i JOIN registry_household h ON h.id = i.household_id "
        f"WHERE h.county_code IN ({_placeholders(len(counties))}) AND i.year IN ({_placeholders(len(years))})",
        [*counties, *years], INCOME_SCHEMA)


def persons_outside(counties: list[str], known: int) -> bool:
    """Whether any person is registered outside these counties (if not, no number can clash with one)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_person")
        return cursor.fetchone()[0] > known


def persons_by_number(numbers: list[str]) -> pa.Table:
    """Registered persons among `numbers`, wherever they live: (id_number, region_code)."""
    schema = pa.schema([("id_number", pa.string()), ("region_code", pa.string())])
    tables = []
    for i in range(0, len(numbers), _IN_CHUNK):
        part = numbers[i: i + _IN_CHUNK]
        if is_postgres():
            tables.append(_fetch_arrow("SELECT id_number, region_code FROM registry_person WHERE id_number = ANY(%s)",
                                       [part], schema))
        else:
            tables.append(_fetch_arrow(
                f"SELECT id_number, region_code FROM registry_person WHERE id_number IN ({_placeholders(len(part))})",
                part, schema))
    return pa.concat_tables(tables) if tables else schema.empty_table()


def timestamp_literal(now: dt.datetime) -> str:
    """`now` as the backend stores a DateTimeField (SQLite: naive UTC text; PostgreSQL: ISO with offset)."""
    utc = now.astimezone(dt.UTC)
    if is_postgres():
        return utc.isoformat()
    return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def reserve_ids(table: str, n: int) -> pa.Array:
    """`n` primary keys for rows about to be inserted into `table`, so their ids are known before the insert.

    SQLite: the caller holds the database's write lock (the import's transaction), so the next `n` ids are
    free; AUTOINCREMENT's counter follows the explicit ids. PostgreSQL: taken from the table's sequence,
    which is safe with concurrent inserts (the ids need not be consecutive).
    """
    if n <= 0:
        return pa.array([], pa.int64())
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n])
            return pa.array([r[0] for r in cursor.fetchall()], pa.int64())
        cursor.execute(f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                       f"COALESCE((SELECT MAX(id) FROM {table}), 0))", [table])
        first = cursor.fetchone()[0] + 1
    return pa.array(range(first, first + n), pa.int64())
