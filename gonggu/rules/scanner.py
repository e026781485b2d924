"""Snapshot queries read by DuckDB straight from PostgreSQL, with its postgres scanner.

Pulling a million rows through Python costs a second or more per table (COPY text parsed by Arrow, or
driver tuples); DuckDB's postgres scanner reads the same rows as binary COPY in C++. The scanner is a
DuckDB extension shipped as a pip package for one DuckDB version (`duckdb-ext-postgres`, pinned with
`duckdb` in pyproject.toml), loaded from site-packages, never downloaded at run time.

Each query is handed to PostgreSQL verbatim (`postgres_query` over the database attached read-only), so
it means exactly what it means to the Python pull; DuckDB then casts every column to the snapshot's
type. `scan` answers None — and the caller pulls through Python as before — when the scanner cannot
serve the query:

- the caller is inside a transaction: another connection would not see its uncommitted rows;
- the database is SQLite. DuckDB's sqlite scanner carries its own copy of the SQLite library, and two
  copies of SQLite using one database file in one process break each other's POSIX locks and the WAL
  index (SQLite's "how to corrupt" 2.2): measured here, the run died with SIGBUS when the scanner
  detached while Django's connection read the file. Reading SQLite this way needs a process of its own;
- the extension is not installed or does not match the installed DuckDB;
- the scan itself fails (a reason is logged).

One DuckDB instance per process holds the loaded extension and the attached database (loading checks
the extension's signature, about half a second); every scan uses a cursor of its own, so the two
snapshot threads scan at once.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
from django.db import connection

log = logging.getLogger("gonggu.rules")

_EXTENSIONS = {"postgresql": ("duckdb-ext-postgres", "postgres_scanner", "postgres_query")}
_lock = threading.Lock()
_state: dict = {"con": None, "vendor": None, "aliases": {}, "refused": {}}


@functools.cache
def extension_path(vendor: str) -> Path | None:
    """The installed scanner extension file for `vendor`, built for the running DuckDB; None if there is none."""
    if vendor not in _EXTENSIONS:
        return None
    dist_name, ext_name, _function = _EXTENSIONS[vendor]
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        return None
    wanted = f"/v{duckdb.__version__}/"
    for entry in dist.files or ():
        text = "/" + str(entry).replace("\\", "/")
        if text.endswith(f"/{ext_name}.duckdb_extension") and wanted in text:
            path = Path(dist.locate_file(entry))
            return path if path.is_file() else None
    return None


def unavailable_reason() -> str | None:
    """Why queries on the default connection cannot be scanned now (None: they can)."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return "SQLite is read through Python (the scanner's own SQLite library must not share the file)"
    if vendor not in _EXTENSIONS:
        return f"no scanner for {vendor}"
    if connection.in_atomic_block:
        return "inside a transaction"
    if extension_path(vendor) is None:
        return f"{_EXTENSIONS[vendor][0]} for DuckDB {duckdb.__version__} not installed"
    refused = _state["refused"].get(vendor)
    return f"extension failed to load: {refused}" if refused else None


def _pg_dsn() -> str:
    """A libpq keyword/value string for the default database (values quoted as libpq reads them)."""
    s = connection.settings_dict
    parts = {"dbname": s.get("NAME"), "user": s.get("USER"), "password": s.get("PASSWORD"),
             "host": s.get("HOST"), "port": s.get("PORT")}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name"):
        if (s.get("OPTIONS") or {}).get(key):
            parts[key] = s["OPTIONS"][key]
    quoted = []
    for key, value in parts.items():
        if value in (None, ""):
            continue
        text = str(value).replace("\\", "\\\\").replace("'", "\\'")
        quoted.append(f"{key}='{text}'")
    return " ".join(quoted)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _connect(vendor: str):
    """The process's DuckDB instance with the scanner loaded, and the alias of the attached default database."""
    with _lock:
        con = _state["con"]
        if con is None or _state["vendor"] != vendor:
            if con is not None:
                con.close()
            _state.update(con=None, vendor=None, aliases={})
            con = duckdb.connect()
            try:
                # Timestamps read as UTC whatever the machine's zone (Django stores them in UTC).
                con.execute("SET TimeZone = 'UTC'")
                con.execute(f"LOAD {_sql_string(str(extension_path(vendor)))}")
            except duckdb.Error as exc:
                con.close()
                _state["refused"][vendor] = str(exc).splitlines()[0][:200]
                raise
            _state.update(con=con, vendor=vendor)
        target = _pg_dsn()
        alias = _state["aliases"].get(target)
        if alias is None:
            # A new alias per database (tests switch to a test database): nothing attached is ever reused wrongly.
            alias = f"gonggu_db{len(_state['aliases'])}"
            con.execute(f"ATTACH {_sql_string(target)} AS {alias} (TYPE postgres, READ_ONLY)")
            _state["aliases"][target] = alias
        return con, alias


def duckdb_type(typ: pa.DataType) -> str:
    """The DuckDB type a snapshot column of Arrow type `typ` is cast to (dictionaries: their values)."""
    if pa.types.is_dictionary(typ):
        return duckdb_type(typ.value_type)
    if pa.types.is_decimal(typ):
        return f"DECIMAL({typ.precision},{typ.scale})"
    if pa.types.is_timestamp(typ):
        return "TIMESTAMPTZ" if typ.tz else "TIMESTAMP"
    simple = {pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.int16(): "SMALLINT", pa.int8(): "TINYINT",
              pa.string(): "VARCHAR", pa.large_string(): "VARCHAR", pa.bool_(): "BOOLEAN", pa.date32(): "DATE",
              pa.float64(): "DOUBLE", pa.float32(): "FLOAT"}
    if typ in simple:
        return simple[typ]
    raise TypeError(f"no DuckDB type for {typ}")


def scan(sql: str, schema: list[tuple[str, pa.DataType]]) -> pa.Table | None:
    """Rows of `sql` (the database's own dialect, no parameters) as an Arrow table of `schema`, read by DuckDB.

    None when the scanner cannot serve it (see the module text); the caller then pulls through Python.
    """
    if unavailable_reason() is not None:
        return None
    vendor = connection.vendor
    _dist, _ext, function = _EXTENSIONS[vendor]
    try:
        con, alias = _connect(vendor)
        names = [f"c{i}" for i in range(len(schema))]
        columns = ", ".join(f'CAST({c} AS {duckdb_type(t)}) AS "{n}"' for c, (n, t) in zip(names, schema, strict=True))
        query = f"SELECT {columns} FROM {function}('{alias}', {_sql_string(sql)}) AS q({', '.join(names)})"
        cursor = con.cursor()
        try:
            table = cursor.sql(query).to_arrow_table()
        finally:
            cursor.close()
        return table.cast(pa.schema(schema))
    except (duckdb.Error, pa.ArrowException, TypeError, OSError) as exc:
        log.warning("snapshot query read through Python: DuckDB's %s scanner failed (%s)", vendor,
                    str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
        return None


def release() -> None:
    """Detach the attached databases (their connections close): at the end of each snapshot export, so that no
    idle PostgreSQL session outlives the run (a test database could not be dropped while one is open)."""
    with _lock:
        con = _state["con"]
        if con is None:
            return
        for alias in _state["aliases"].values():
            try:
                con.execute(f"DETACH {alias}")
            except duckdb.Error:
                log.warning("could not detach %s", alias)
        _state["aliases"] = {}
