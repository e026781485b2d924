"""Snapshot tables: the registry and the department facts, pulled once per run as Arrow tables.

Pulling is columnar where the database allows it: on PostgreSQL each table is
one `COPY (SELECT …) TO STDOUT` in CSV parsed by Arrow's multi-threaded reader
(about five times faster than fetching Python tuples); elsewhere rows are
fetched in large chunks and turned into Arrow arrays column by column. No
Django model instances are built.

The tables (columns are English snake_case; dates DATE, money DECIMAL(14,2); value-list columns are
Arrow dictionaries, which SQL reads as ordinary text):

- `households`: household_id, household_no, county_code, region_code (village), household_type,
  monitoring_type, relocated
- `persons`: person_id, household_id, id_number, name, relation, labour_ability, health, disability_grade,
  school_status, work_months, work_place, medical_insured, status, region_code, and derived from the
  identity number: birth_date, gender ('M'/'F'), age (whole years at the as-of date)
- `incomes`: household_id, year, household_size, net_income, per_capita
- `dept_<source>`: the latest fact per person (per person and year for yb_expense) among batches with
  as-of date ≤ the run's as-of date: id_number, name, the source's columns (specs.py), batch_id,
  row_number, as_of
- `eliminated_households`: household_id, household_no of 监测户 whose risk is marked eliminated (empty here; the
  monitoring app provides the real one)
"""

from __future__ import annotations

import datetime as dt
import io
import re
import select
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import DatabaseError, connection
from psycopg import pq

from gonggu.core.codes import code_range
from gonggu.sources.specs import SOURCES, SourceDef

from . import scanner
from .catalog import CATALOG, TableProvider, register_table

MONEY = pa.decimal128(14, 2)
# Value-list columns (relation, labour ability, status …) hold a handful of distinct values: read as
# dictionaries, which halves the parse time and the memory; identity numbers and names stay plain strings.
CAT = pa.dictionary(pa.int32(), pa.string())
_DIGITS = re.compile(r"^\d{1,12}$")
_local = threading.local()
_tally_lock = threading.Lock()


def _reshape(raw: pa.Table, sql: str) -> pa.Table:
    """Run `sql` over the Arrow table `raw` in DuckDB (a connection kept per thread: opening one costs ~50 ms)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
    con.register("raw", raw)
    try:
        # Row order is kept (DuckDB preserves insertion order for projections), so columns can be appended.
        return con.sql(sql).to_arrow_table()
    finally:
        con.unregister("raw")


def scope_sql(column: str, prefix: str | None) -> str:
    """A WHERE condition on a 12-digit code column; literals inlined (digits only, checked)."""
    if prefix is None:
        return "1=1"
    if not _DIGITS.match(prefix):
        raise ValueError(f"bad region prefix {prefix!r}")
    if len(prefix) == 12:
        return f"{column} = '{prefix}'"
    low, high = code_range(prefix)
    return f"{column} BETWEEN '{low}' AND '{high}'"


def pull(sql: str, schema: list[tuple[str, pa.DataType]]) -> pa.Table:
    """Run `sql` (no parameters) and return its rows as an Arrow table with the given column types.

    DuckDB's scanner reads them when it can (scanner.py); otherwise they come through Python.
    """
    tally = getattr(_local, "tally", None)
    table = scanner.scan(sql, schema)
    if tally is not None:
        with _tally_lock:
            tally["scanner" if table is not None else "python"] += 1
            if table is None:
                tally.setdefault("reason", scanner.unavailable_reason() or "scan failed")
    if table is not None:
        return table
    if connection.vendor == "postgresql":
        return _pull_copy(sql, schema)
    return _pull_fetch(sql, schema)


def _pull_copy(sql: str, schema: list[tuple[str, pa.DataType]]) -> pa.Table:
    buffer = _copy_out(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)")
    names = [n for n, _ in schema]
    if buffer.tell() == 0:
        return pa.table({n: pa.array([], type=t) for n, t in schema})
    buffer.seek(0)
    return pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 20),
        convert_options=pacsv.ConvertOptions(
            column_types=dict(schema), true_values=["t"], false_values=["f"],
            # PostgreSQL writes NULL unquoted and the empty string as "": keep the difference.
            strings_can_be_null=True, quoted_strings_can_be_null=False,
        ),
    )


def _copy_out(statement: str) -> io.BytesIO:
    """The output of a COPY … TO STDOUT, collected in one buffer.

    PostgreSQL sends one protocol message per row. psycopg's Copy iterator spends about 0.7 µs of Python per
    message in its generator layers; this loop asks libpq for the rows already received and only waits
    on the socket (select, which releases the GIL for the other snapshot thread) when there are none —
    half the client time for a million rows.
    """
    connection.ensure_connection()
    conn = connection.connection
    buffer = io.BytesIO()
    write = buffer.write
    with conn.lock:
        pgconn = conn.pgconn
        pgconn.send_query(statement.encode())
        result = pgconn.get_result()
        if result is None or result.status != pq.ExecStatus.COPY_OUT:
            message = result.error_message.decode(errors="replace") if result is not None else ""
            while pgconn.get_result() is not None:
                pass
            raise DatabaseError(f"COPY failed: {message}")
        get = pgconn.get_copy_data
        fileno = pgconn.socket
        while True:
            n, data = get(1)
            if n > 0:
                write(data)
            elif n == 0:
                select.select([fileno], [], [])
                pgconn.consume_input()
            elif n == -1:
                break
            else:
                raise DatabaseError(pgconn.error_message.decode(errors="replace"))
        failure = ""
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                failure = result.error_message.decode(errors="replace")
        if failure:
            raise DatabaseError(f"COPY failed: {failure}")
    buffer.seek(0, io.SEEK_END)
    return buffer


def _pull_fetch(sql: str, schema: list[tuple[str, pa.DataType]]) -> pa.Table:
    columns: list[list] = [[] for _ in schema]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(100_000):
            for i, col in enumerate(zip(*rows, strict=True)):
                columns[i].extend(col)
    arrays = []
    for (_name, typ), values in zip(schema, columns, strict=True):
        arrays.append(_to_array(values, typ))
    return pa.table(arrays, names=[n for n, _ in schema])


def _to_array(values: list, typ: pa.DataType) -> pa.Array:
    """Driver values to an Arrow array: SQLite hands back dates and booleans converted, decimals as doubles."""
    if pa.types.is_decimal(typ):
        # Every stored amount has ≤ 15 significant digits: rounding the double to the scale gives it back exactly.
        return pa.array(values, type=pa.float64()).cast(typ)
    try:
        return pa.array(values, type=typ)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass
    if pa.types.is_date(typ):
        return pa.array(values, type=pa.string()).cast(typ)
    if pa.types.is_boolean(typ):
        return pa.array(values, type=pa.int8()).cast(typ)
    raise TypeError(f"cannot convert column to {typ}")


def build_tables(names: list[str], *, prefix: str | None, as_of: dt.date,
                 tally: Counter | None = None) -> dict[str, pa.Table]:
    """Build the snapshot tables; on PostgreSQL outside a transaction, two at a time.

    Each table is one query (binary COPY read by DuckDB's scanner, or a COPY parsed by Arrow) that a
    PostgreSQL backend produces while the other thread converts the previous one, so two threads keep
    both cores busy. Inside a transaction (tests, callers holding one) other connections would not see
    its rows, so the tables are built one after the other on the caller's connection. `tally` counts
    the queries read by the scanner and through Python ("scanner", "python", and the first "reason").
    """
    from django.db import connections

    tally = Counter() if tally is None else tally
    providers = [CATALOG.tables[n] for n in names]
    parallel = len(providers) >= 2 and not connection.in_atomic_block and connection.vendor == "postgresql"

    def build(provider, *, own_connection: bool):
        _local.tally = tally
        try:
            return provider.name, provider.build(prefix=prefix, as_of=as_of)
        finally:
            _local.tally = None
            if own_connection:
                connections.close_all()  # this thread's own connection

    try:
        if not parallel:
            return dict(build(p, own_connection=False) for p in providers)
        # Largest first, so the two workers finish at about the same time.
        order = sorted(providers, key=lambda p: _EXPORT_WEIGHT.get(p.name, 0), reverse=True)
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="snapshot") as pool:
            return dict(pool.map(lambda p: build(p, own_connection=True), order))
    finally:
        scanner.release()


def export_method(tally: Counter) -> str:
    """How a run's snapshot was read, as its record keeps it: scanner, python or mixed (with Python's reason)."""
    if tally["scanner"] and not tally["python"]:
        return "scanner"
    method = "mixed" if tally["scanner"] else "python"
    return f"{method}: {tally.get('reason', '')}"[:100] if tally["python"] else method


_EXPORT_WEIGHT = {"persons": 10, "dept_yb_enrolment": 9, "incomes": 6, "households": 4}


# --- registry -------------------------------------------------------------------------------------------

def build_households(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    return pull(
        "SELECT id, household_no, county_code, region_code, household_type, monitoring_type, relocated "
        f"FROM registry_household WHERE {scope_sql('region_code', prefix)}",
        [("household_id", pa.int64()), ("household_no", pa.string()), ("county_code", CAT),
         ("region_code", CAT), ("household_type", CAT), ("monitoring_type", CAT), ("relocated", pa.bool_())],
    )


def build_persons(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    raw = pull(
        "SELECT id, household_id, id_number, name, relation, labour_ability, health, disability_grade, "
        "school_status, work_months, work_place, medical_insured, status, region_code "
        f"FROM registry_person WHERE {scope_sql('region_code', prefix)}",
        [("person_id", pa.int64()), ("household_id", pa.int64()), ("id_number", pa.string()),
         ("name", pa.string()), ("relation", CAT), ("labour_ability", CAT), ("health", CAT),
         ("disability_grade", CAT), ("school_status", CAT), ("work_months", pa.int16()), ("work_place", CAT),
         ("medical_insured", pa.bool_()), ("status", CAT), ("region_code", CAT)],
    )
    # Birth date, gender and age come from the identity number itself (formats.md), computed set-wise;
    # only the three new columns are produced and appended (the rest is not copied).
    derived = _reshape(raw.select(["id_number"]), f"""
        WITH b AS (
          SELECT id_number, make_date(CAST(substr(id_number, 7, 4) AS INTEGER),
                                      CAST(substr(id_number, 11, 2) AS INTEGER),
                                      CAST(substr(id_number, 13, 2) AS INTEGER)) AS birth_date
          FROM raw)
        SELECT id_number, birth_date,
          CASE WHEN CAST(substr(id_number, 17, 1) AS INTEGER) % 2 = 1 THEN 'M' ELSE 'F' END AS gender,
          CAST({as_of.year} - year(birth_date)
            - CASE WHEN month(birth_date) > {as_of.month}
                     OR (month(birth_date) = {as_of.month} AND day(birth_date) > {as_of.day}) THEN 1 ELSE 0 END
            AS INTEGER) AS age
        FROM b""")
    if not derived.column("id_number").equals(raw.column("id_number")):
        raise RuntimeError("row order changed while deriving birth dates")  # DuckDB keeps insertion order
    for column in ("birth_date", "gender", "age"):
        raw = raw.append_column(column, derived.column(column))
    return raw


def build_incomes(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    # The income components stay in the registry: rules read the totals the registry computed from them.
    cols = "i.household_id, i.year, i.household_size, i.net_income, i.per_capita"
    if not _registry_outside(prefix, "registry_household"):
        sql = f"SELECT {cols} FROM registry_incomeaccount i"
    else:
        sql = (f"SELECT {cols} FROM registry_incomeaccount i JOIN registry_household h ON h.id = i.household_id "
               f"WHERE {scope_sql('h.region_code', prefix)}")
    return pull(sql, [("household_id", pa.int64()), ("year", pa.int32()), ("household_size", pa.int32()),
                      ("net_income", MONEY), ("per_capita", MONEY)])


# --- department facts -----------------------------------------------------------------------------------

_STORE_TYPES = {"category": CAT, "status": CAT, "grade": CAT, "fact_date": pa.date32(),
                "year": pa.int32(), "amount": MONEY, "amount2": MONEY, "months": pa.int16(), "place": CAT}


def _registry_outside(prefix: str | None, table: str = "registry_person") -> bool:
    """Whether the registry holds rows outside `prefix` (two index probes: the lowest and highest code)."""
    if prefix is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(region_code), MAX(region_code) FROM {table}")
        low, high = cursor.fetchone()
    if low is None:
        return False
    return not (low.startswith(prefix) and high.startswith(prefix))


def build_dept(source: SourceDef, *, prefix: str | None, as_of: dt.date) -> pa.Table:
    stores = [f.store for f in source.fields]
    select = ", ".join(["f.id_number", "f.name", "f.batch_id", "f.row_number", "f.as_of"]
                       + [f"f.{s}" for s in stores])
    where = f"f.source = '{source.key}' AND f.as_of <= '{as_of.isoformat()}'"
    if _registry_outside(prefix):
        # Only facts about persons of the region; otherwise every fact (unmatched rows simply join nothing).
        sql = (f"SELECT {select} FROM sources_fact f JOIN registry_person p ON p.id_number = f.id_number "
               f"WHERE {where} AND {scope_sql('p.region_code', prefix)}")
    else:
        sql = f"SELECT {select} FROM sources_fact f WHERE {where}"
    raw = pull(sql, [("id_number", pa.string()), ("name", pa.string()), ("batch_id", pa.int64()),
                     ("row_number", pa.int32()), ("as_of", pa.date32())]
               + [(s, _STORE_TYPES[s]) for s in stores])
    partition = "id_number, year" if source.per_year else "id_number"
    renamed = ", ".join(f"{f.store} AS {f.name}" for f in source.fields)
    # The latest batch that speaks of the person wins (as-of date, then import order); an older
    # batch's row stays in force until then.
    return _reshape(raw, f"""
        SELECT id_number, name, {renamed}, batch_id, row_number, as_of FROM (
          SELECT *, row_number() OVER (PARTITION BY {partition}
                                       ORDER BY as_of DESC, batch_id DESC, row_number DESC) AS rn
          FROM raw) t
        WHERE rn = 1""")


def _dept_provider(source: SourceDef) -> TableProvider:
    cols = ", ".join(["id_number", "name", *(f.name for f in source.fields), "batch_id", "row_number", "as_of"])
    per = "每人每年度" if source.per_year else "每人"
    return TableProvider(
        name=f"dept_{source.key}",
        build=lambda *, prefix, as_of: build_dept(source, prefix=prefix, as_of=as_of),
        description=f"{source.label}：{per}取最新一批中的该行（按截至日期、再按导入顺序）。列：{cols}",
    )


def build_eliminated_households(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    return pa.table({"household_id": pa.array([], type=pa.int64()), "household_no": pa.array([], type=pa.string())})


def register_base_tables() -> None:
    register_table(TableProvider("households", build_households,
                                 "农户：household_id, household_no, county_code, region_code（村代码）, household_type, "
                                 "monitoring_type, relocated"))
    register_table(TableProvider("persons", build_persons,
                                 "家庭成员：person_id, household_id, id_number, name, relation, labour_ability, health, "
                                 "disability_grade, school_status, work_months, work_place, medical_insured, status, "
                                 "region_code, birth_date, gender, age（检查基准日的周岁）"))
    register_table(TableProvider("incomes", build_incomes,
                                 "收入账户：household_id, year, household_size, net_income（家庭纯收入）, "
                                 "per_capita（人均纯收入）"))
    for source in SOURCES.values():
        register_table(_dept_provider(source))
    if "eliminated_households" not in CATALOG.tables:
        # A default with no rows: every 监测户 counts as monitored until the monitoring app registers its own.
        register_table(TableProvider("eliminated_households", build_eliminated_households,
                                     "风险已标注消除的监测户：household_id, household_no"))
