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
import io
import logging
import queue
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, transaction

from gonggu.core.codes import Level

# Every bulk statement and its seconds at DEBUG level (bench/import_registry.py --trace shows them).
log = logging.getLogger("gonggu.import")
_CHUNK = 50_000
# Rows per INSERT statement on SQLite (its limit on bound parameters is far above 100 rows of any table here).
_ROWS_PER_INSERT = 100
REBUILD_MIN_ROWS = 100_000
# PostgreSQL: memory for each index build of a large load (the server's default, 64 MB, sorts on disk).
PG_INDEX_BUILD_MEMORY = "256MB"
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
        while rows := cursor.fetchmany(_CHUNK):
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


def existing_households(counties: list[str]) -> pa.Table:
    if not counties:
        return HOUSEHOLD_SCHEMA.empty_table()
    return _fetch_arrow(
        "SELECT id, county_code, household_no, village_id, region_code, household_type, monitoring_type, "
        f"{_bool('relocated')}, head_name FROM registry_household WHERE county_code IN ({_placeholders(len(counties))})",
        counties, HOUSEHOLD_SCHEMA)


def existing_persons(counties: list[str]) -> pa.Table:
    """Persons registered in the counties of the file (their region code starts with the county code)."""
    if not counties:
        return PERSON_SCHEMA.empty_table()
    ranges = " OR ".join(["region_code BETWEEN %s AND %s"] * len(counties))
    params = [x for c in counties for x in (c.ljust(12, "0"), c.ljust(12, "9"))]
    return _fetch_arrow(
        "SELECT id, id_number, household_id, region_code, name, relation, labour_ability, health, disability_grade, "
        f"school_status, work_months, work_place, {_bool('medical_insured')}, status FROM registry_person "
        f"WHERE {ranges}", params, PERSON_SCHEMA)


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


def _python_columns(batch: pa.RecordBatch) -> list[list]:
    """The batch's columns as Python lists. Columns with few distinct texts (relation, health, the village code …)
    reuse one Python string per distinct value instead of making a million: less to allocate, and SQLite
    binds a string whose UTF-8 form Python has already cached."""
    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type) and len(column) > 64:
            encoded = pc.dictionary_encode(column)
            if len(encoded.dictionary) * 8 < len(column):
                values = encoded.dictionary.to_pylist() + [None]
                codes = pc.fill_null(encoded.indices, len(values) - 1).to_pylist()
                columns.append([values[i] for i in codes])
                continue
        columns.append(column.to_pylist())
    return columns


def _python_rows(batch: pa.RecordBatch) -> list[tuple]:
    """Rows as tuples for executemany."""
    return list(zip(*_python_columns(batch), strict=True))


def _grouped_rows(batch: pa.RecordBatch, per_statement: int) -> tuple[list[tuple], list[tuple]]:
    """The batch as parameters of a statement that inserts `per_statement` rows at a time (the columns of
    row 1, then those of row 2 …), and the rows left over, one tuple each. Built column-wise: slicing each
    column by stride and zipping makes one tuple per statement instead of one per row."""
    columns = _python_columns(batch)
    n = batch.num_rows
    full = n - n % per_statement
    grouped: list[tuple] = []
    if full:
        grouped = list(zip(*[column[i:full:per_statement] for i in range(per_statement) for column in columns],
                           strict=True))
    rest = list(zip(*[column[full:] for column in columns], strict=True)) if full < n else []
    return grouped, rest


class BulkWriter:
    """Inserts and updates rows produced by a DuckDB query, without a Python object per row."""

    def __init__(self, duck, *, progress=None):
        self.duck = duck
        self.progress = progress or (lambda n: None)
        self.pg = is_postgres()
        connection.ensure_connection()
        self.raw = connection.connection
        # Tables whose indexes this import dropped: locked by it until it commits (see _drop_indexes).
        self.locked: set[str] = set()
        if not self.pg:
            # A larger page cache for this connection keeps index pages in memory during a bulk load.
            self._execute("PRAGMA cache_size = -262144")
            # Lets SQLite sort in a helper thread when it (re)builds an index.
            self._execute("PRAGMA threads = 2")

    def insert(self, table: str, columns: list[str], query: str, *, constants: dict[str, str] | None = None,
               rows: int | None = None) -> int:
        """Insert the rows of `query` into `columns`, and the SQL literals `constants` (the same on every row).

        `rows`, how many rows there will be, lets a large load rebuild indexes instead of updating them.
        """
        constants = constants or {}
        rebuild = rows and self._worth_rebuilding(table, rows)
        recreate = self._drop_indexes(table, keep=set(constants)) if rebuild else []
        if rebuild and self.pg:
            recreate += self._drop_foreign_keys(table)
        started = time.perf_counter()
        if self.pg:
            extra = "".join(f", {value} AS {name}" for name, value in constants.items())
            n = self._copy_in(table, [*columns, *constants], f"SELECT *{extra} FROM ({query})")
        else:
            row = "(" + ", ".join(["?"] * len(columns) + list(constants.values())) + ")"
            insert = f"INSERT INTO {table} ({', '.join([*columns, *constants])}) VALUES "
            n = self._executemany(insert + row, query,
                                  grouped=(insert + ", ".join([row] * _ROWS_PER_INSERT), _ROWS_PER_INSERT))
        log.debug("%.2f s  %d rows into %s", time.perf_counter() - started, n, table)
        if recreate and self.pg:
            # PostgreSQL will not build an index while deferred foreign-key checks of the same table are pending:
            # run them now (they would run at commit anyway), then go back to deferring.
            self._execute("SET CONSTRAINTS ALL IMMEDIATE")
            previous = self._execute("SELECT current_setting('maintenance_work_mem')")[0][0]
            self._execute("SELECT set_config('maintenance_work_mem', %s, true)", (PG_INDEX_BUILD_MEMORY,))
        for create in recreate:
            self._execute(create)
        if recreate and self.pg:
            self._execute("SELECT set_config('maintenance_work_mem', %s, true)", (previous,))
            self._execute("SET CONSTRAINTS ALL DEFERRED")
        return n

    def _execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        started = time.perf_counter()
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
            log.debug("%.2f s  %s", time.perf_counter() - started, sql[:120])

    def _worth_rebuilding(self, table: str, rows: int) -> bool:
        # Building an index once over sorted keys beats a million scattered insertions into it, but only
        # when the load is large next to what the table already holds (a county's first import).
        if rows < REBUILD_MIN_ROWS:
            return False
        return rows >= self._execute(f"SELECT COUNT(*) FROM {table}")[0][0]

    def _drop_indexes(self, table: str, *, keep: set[str]) -> list[str]:
        """Drop the table's plain (non-unique) indexes; returns the statements that recreate them exactly.

        DDL is transactional on both databases: if the import fails, the rollback brings the indexes back.
        Unique indexes stay, so constraints are enforced row by row as usual. On SQLite so do indexes on
        columns that have the same value on every row of this load (created_by …): new entries only append
        there. (On PostgreSQL dropping an index locks the table until the import commits: readers wait for
        the seconds a first load takes, which is why this happens only for loads as large as the table.)
        """
        if self.pg:
            found = self._execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                  "AND tablename = %s", (table,))
        else:
            found = self._execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                  "AND sql IS NOT NULL", (table,))
        recreate = []
        for name, create in found:
            columns = {c.strip().strip('"') for c in create[create.rindex("(") + 1: create.rindex(")")].split(",")}
            if "UNIQUE" in create.upper().split("INDEX")[0] or (not self.pg and columns <= keep):
                continue
            self._execute(f'DROP INDEX "{name}"')
            self.locked.add(table)
            recreate.append(create)
        return recreate

    def _drop_foreign_keys(self, table: str) -> list[str]:
        """PostgreSQL: drop the table's foreign keys to tables this import has already locked (by dropping their
        indexes); returns the statements that add them again.

        A foreign key is checked by a trigger, row by row (a million lookups of the household of each new person);
        added again after the load, it is checked by one query over the whole table. Dropping a foreign key locks
        the table it refers to, which is why only those already locked by this import qualify (the household
        table, not the users or the regions).
        """
        found = self._execute("SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint "
                              "WHERE conrelid = %s::regclass AND contype = 'f'", (table,))
        found = [(name, definition) for name, definition, target in found if target.strip('"') in self.locked]
        if not found:
            return []
        # No foreign-key check of the referred table may be pending when one of its constraints goes.
        self._execute("SET CONSTRAINTS ALL IMMEDIATE")
        recreate = []
        for name, definition in found:
            self._execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self._execute("SET CONSTRAINTS ALL DEFERRED")
        return recreate

    def update(self, table: str, columns: list[str], query: str, *, constants: dict[str, str] | None = None) -> int:
        """`query` yields the new values of `columns` followed by the row id; `constants` as for insert."""
        constants = constants or {}
        if self.pg:
            tmp = f"_import_{table}"
            with self.raw.cursor() as cur:
                cur.execute(f"CREATE TEMP TABLE {tmp} AS SELECT {', '.join(columns)}, id FROM {table} WITH NO DATA")
            n = self._copy_in(tmp, [*columns, "id"], query)
            with self.raw.cursor() as cur:
                sets = ", ".join([f"{c} = x.{c}" for c in columns] + [f"{c} = {v}" for c, v in constants.items()])
                cur.execute(f"UPDATE {table} t SET {sets} FROM {tmp} x WHERE t.id = x.id")
                cur.execute(f"DROP TABLE {tmp}")
            return n
        sets = ", ".join([f"{c} = ?" for c in columns] + [f"{c} = {v}" for c, v in constants.items()])
        return self._executemany(f"UPDATE {table} SET {sets} WHERE id = ?", query)

    def _executemany(self, sql: str, query: str, *, grouped: tuple[str, int] | None = None) -> int:
        """Rows flow from DuckDB to SQLite in chunks: a second thread has DuckDB compute the next chunk while this
        one turns the current chunk into Python parameters and has SQLite store it. (Converting in that thread
        too would fight over the GIL with the binding of parameters here: slower, not faster.)

        `grouped` is an INSERT of several rows per statement and its number of rows: most of the cost of a
        one-row statement is the statement itself (reset, AUTOINCREMENT bookkeeping, the Python call), so a
        statement of a hundred rows stores them about twice as fast. `sql` then stores the rows left over."""
        chunks: queue.Queue = queue.Queue(maxsize=2)
        per_statement = grouped[1] if grouped else 0
        chunk_rows = _CHUNK - _CHUNK % per_statement if per_statement else _CHUNK

        def produce(cursor) -> None:
            try:
                for batch in cursor.sql(query).to_arrow_reader(chunk_rows):
                    chunks.put(batch)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
                chunks.put(exc)
            finally:
                chunks.put(None)

        duck_cursor = self.duck.cursor()
        producer = threading.Thread(target=produce, args=(duck_cursor,), daemon=True)
        producer.start()
        cursor = self.raw.cursor()
        total = 0
        try:
            while (batch := chunks.get()) is not None:
                if isinstance(batch, BaseException):
                    raise batch
                many, rows = _grouped_rows(batch, per_statement) if per_statement else ([], _python_rows(batch))
                if many:
                    cursor.executemany(grouped[0], many)
                if rows:
                    cursor.executemany(sql, rows)
                n = len(many) * per_statement + len(rows)
                total += n
                self.progress(n)
        finally:
            cursor.close()
            # Drain so the producer can finish if the consumer stopped early.
            while producer.is_alive():
                try:
                    chunks.get(timeout=0.1)
                except queue.Empty:
                    pass
            producer.join()
            duck_cursor.close()
        return total

    def _copy_in(self, table: str, columns: list[str], query: str) -> int:
        """PostgreSQL: the rows of `query` streamed into COPY as CSV, chunk by chunk (Arrow's CSV writer: text
        quoted, so that an empty text stays empty and a missing value, written bare, is NULL)."""
        duck_cursor = self.duck.cursor()
        total = 0
        try:
            reader = duck_cursor.sql(query).to_arrow_reader(_CHUNK)
            options = pacsv.WriteOptions(include_header=False)
            with self.raw.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
                    for batch in reader:
                        block = io.BytesIO()
                        pacsv.write_csv(batch, block, options)
                        copy.write(block.getbuffer())
                        total += batch.num_rows
        finally:
            duck_cursor.close()
        # Not during the COPY: a progress callback may write to the database, on this same connection.
        self.progress(total)
        return total
