"""Writing the plan of a registry import in bulk (`BulkWriter`): on SQLite `executemany` of INSERTs of a hundred
rows each, fed column-wise from Arrow; on PostgreSQL `COPY` of CSV that Arrow writes from DuckDB's result. A load
as large as its table rebuilds the table's plain indexes afterwards (see `db`)."""

from __future__ import annotations

import io
import logging
import queue
import threading
import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection

from .db import CHUNK_ROWS, is_postgres

# Every bulk statement and its seconds at DEBUG level (bench/import_registry.py --trace shows them).
log = logging.getLogger("gonggu.import")
# Rows per INSERT statement on SQLite (its limit on bound parameters is far above 100 rows of any table here).
_ROWS_PER_INSERT = 100
REBUILD_MIN_ROWS = 100_000
# PostgreSQL: memory for each index build of a large load (the server's default, 64 MB, sorts on disk).
PG_INDEX_BUILD_MEMORY = "256MB"


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
        started, cpu = time.perf_counter(), time.process_time()
        if self.pg:
            extra = "".join(f", {value} AS {name}" for name, value in constants.items())
            n = self._copy_in(table, [*columns, *constants], f"SELECT *{extra} FROM ({query})")
        else:
            row = "(" + ", ".join(["?"] * len(columns) + list(constants.values())) + ")"
            insert = f"INSERT INTO {table} ({', '.join([*columns, *constants])}) VALUES "
            n = self._executemany(insert + row, query,
                                  grouped=(insert + ", ".join([row] * _ROWS_PER_INSERT), _ROWS_PER_INSERT))
        log.debug("%.2f s (CPU %.2f s)  %d rows into %s", time.perf_counter() - started, time.process_time() - cpu, n,
                  table)
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
        started, cpu = time.perf_counter(), time.process_time()
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
            # CPU seconds beside wall ones: on a shared machine the wall also counts the wait for a core (the
            # CPU of the process only: on PostgreSQL the server's work is not in it).
            log.debug("%.2f s (CPU %.2f s)  %s", time.perf_counter() - started, time.process_time() - cpu, sql[:120])

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
        chunk_rows = CHUNK_ROWS - CHUNK_ROWS % per_statement if per_statement else CHUNK_ROWS

        def produce(cursor) -> None:
            try:
                for batch in cursor.sql(query).fetch_arrow_reader(chunk_rows):
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
            reader = duck_cursor.sql(query).fetch_arrow_reader(CHUNK_ROWS)
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
