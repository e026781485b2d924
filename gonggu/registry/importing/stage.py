"""Validating and planning a registry import as set-based SQL over the whole file (DuckDB).

Stages, each one table in an in-memory DuckDB database:

  raw      the file's text cells and row numbers (`read`)
  s        cleaned and typed cells; identity numbers normalised (formats.md)
  issues   every rejected cell and every warning, with the row number and a Chinese reason
  ok       the rows that can be stored truthfully
  hh       one row per household of the file, with its lead row (the first 户主 row with the income filled in,
           else the first 户主 row, else the first row)
  hp/pp/ip the plan: households, persons and income accounts to create, update or leave as they are
  missing  persons on record in those households or villages whom the file no longer lists

Validation is vectorised: the identity-number fast path (18 clean characters, checksum, birth date)
is SQL; only numbers that need cleaning or are invalid go through `gonggu.core.idnumber.normalize`
one by one, so the reasons are exactly the ones the rest of the system gives.

The methods live in three modules along these stages: cleaning here, rejections and the accepted rows in
`checks`, the plan in `plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from gonggu.core import idnumber

from . import db
from .checks import Checks
from .plan import Planning
from .read import KEY_COLUMNS, RawTable
from .sql import (
    AMOUNTS,
    FULL_DIGITS,
    ID_WEIGHTS,
    MAX_AMOUNT_CENTS,
    MEMORY_LIMIT,
    spill_dir,
)


@dataclass
class Options:
    scope_prefix: str | None
    today: dt.date


@dataclass
class Counts:
    rows: int = 0
    households: int = 0
    persons: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    persons_moved: int = 0
    incomes_created: int = 0
    incomes_updated: int = 0
    rejected_rows: int = 0
    rejected_cells: int = 0
    warnings: int = 0
    missing: int = 0
    years: list[int] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)


class Stage(Checks, Planning):
    """Everything the import knows about one file, as DuckDB tables. `importing._stage` calls the methods
    below in order; each creates the tables the next ones read."""

    def __init__(self, raw: RawTable, options: Options):
        self.raw = raw
        self.options = options
        self.con = duckdb.connect()
        # Two threads: the machine the contract names has two cores, and the web server shares them.
        self.con.execute("SET threads = 2")
        self.con.execute("SET preserve_insertion_order = false")
        # Bounded memory: a 200 MB file must not take the server down; DuckDB spills to disk beyond this.
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute(f"SET temp_directory = '{spill_dir()}'")
        self.con.register("raw_arrow", raw.table)
        self.present = raw.present
        # An export without income columns (the national system's) leaves the income accounts as they are.
        self.incomes = all(k in raw.present for k in (*AMOUNTS, "year")) or raw.dialect is None
        # The file's kept columns (an export's): written to `extra` and compared with the stored ones.
        self.extras = raw.dialect is not None
        # Reasons name the file's own columns (证件号码 rather than 身份证号 in a national export).
        self.labels = {**KEY_COLUMNS, **raw.labels}
        if "village_name" in raw.present and "village" not in raw.present:
            self.labels["village"] = raw.labels.get("village_name", "行政村")
        self.counts = Counts(rows=raw.rows)
        self.timings: dict[str, float] = {}
        self.created_households: list[list[int]] = []

    def sql(self, query: str, params: list | None = None):
        """Run a statement to completion (DuckDB keeps a connection busy until a result is drained)."""
        return self.rows(query, params)

    def rows(self, query: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(query, params or []).fetchall()

    def one(self, query: str, params: list | None = None) -> tuple:
        return self.rows(query, params)[0]

    def scalar(self, query: str, params: list | None = None):
        return self.one(query, params)[0]

    # --- cleaning ---------------------------------------------------------------------------------

    def resolve_names(self) -> None:
        """The village code of rows that name their county, township and village instead (an export of the
        national system): each distinct combination looked up once in the region tree; an unknown or ambiguous
        name is the row's `village_error`."""
        if "village_name" not in self.present:
            self.sql("CREATE VIEW raw_in AS SELECT *, CAST(NULL AS VARCHAR) AS village_error FROM raw_arrow")
            return
        from gonggu.regions.names import villages_by_names

        names = self.rows("SELECT DISTINCT county_name, town_name, village_name FROM raw_arrow WHERE village IS NULL")
        found = villages_by_names(names, scope_prefix=self.options.scope_prefix)
        keys = list(found)
        self.con.register("names_arrow", pa.table({
            "county_name": pa.array([k[0] for k in keys], pa.string()),
            "town_name": pa.array([k[1] for k in keys], pa.string()),
            "village_name": pa.array([k[2] for k in keys], pa.string()),
            "code": pa.array([found[k][0] for k in keys], pa.string()),
            "reason": pa.array([found[k][1] or None for k in keys], pa.string()),
        }))
        self.sql("CREATE TABLE names AS SELECT * FROM names_arrow")
        self.con.unregister("names_arrow")
        self.sql("""
            CREATE VIEW raw_in AS
            SELECT r.* REPLACE (coalesce(r.village, n.code) AS village),
                CASE WHEN r.village IS NULL THEN n.reason END AS village_error
            FROM raw_arrow r LEFT JOIN names n
              ON n.county_name IS NOT DISTINCT FROM r.county_name AND n.town_name IS NOT DISTINCT FROM r.town_name
             AND n.village_name IS NOT DISTINCT FROM r.village_name
        """)

    def clean(self) -> None:
        """Typed columns next to the text ones. Each cleaning step has a fast path for the common, already
        clean value (a plain number, 18 clean characters) and does the expensive work only for the rest."""
        digits = " + ".join(f"(ascii(substr(id_raw, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(ID_WEIGHTS))
        born = "try_strptime(substr(id_raw, 7, 8), '%Y%m%d')"
        today = self.options.today.isoformat()

        def amount(a: str) -> str:
            cleaned = (f"regexp_replace(translate({a}, '{FULL_DIGITS}．－', '0123456789.-'), "
                       r"'[,，\s元¥￥]', '', 'g')")
            return f"""CASE WHEN {a} IS NULL THEN NULL
                     WHEN try_cast({a} AS DECIMAL(18, 2)) IS NOT NULL
                     THEN CAST(try_cast({a} AS DECIMAL(18, 2)) * 100 AS BIGINT)
                     WHEN regexp_full_match({cleaned}, '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)')
                     THEN coalesce(try_cast(CAST({cleaned} AS DECIMAL(38, 2)) * 100 AS BIGINT),
                                   {MAX_AMOUNT_CENTS * 1000})
                END AS {a}_c"""

        def number(col: str, suffix: str) -> str:
            return f"""CASE WHEN {col} IS NULL THEN NULL
                     WHEN try_cast({col} AS DECIMAL(9, 3)) IS NOT NULL THEN try_cast({col} AS DECIMAL(9, 3))
                     ELSE try_cast(regexp_replace({col}, '{suffix}$', '') AS DECIMAL(9, 3)) END"""

        village_slow = f"regexp_replace(translate(village, '{FULL_DIGITS}', '0123456789'), '^''', '')"
        self.sql(f"""
            CREATE TABLE s AS
            SELECT
                row_no, {", ".join(KEY_COLUMNS)}, village_error, extra_p, extra_h,
                CASE WHEN regexp_full_match(village, '\\d{{12}}') THEN village
                     WHEN regexp_full_match({village_slow}, '\\d{{12}}') THEN {village_slow} END AS village_code,
                left(village_code, 6) AS county,
                coalesce(relation = '户主', false) AS is_head,
                {" AND ".join(f"{a} IS NOT NULL" for a in AMOUNTS)} AS income_filled,
                CASE WHEN regexp_full_match(id_raw, '\\d{{17}}[\\dX]') THEN
                    CASE WHEN substr('10X98765432', (({digits}) % 11) + 1, 1) = substr(id_raw, 18, 1) THEN
                        CASE WHEN {born} IS NOT NULL AND year({born}) >= 1880
                                  AND CAST({born} AS DATE) <= DATE '{today}' THEN id_raw END END END AS id_number,
                CAST(NULL AS VARCHAR) AS id_error,
                CAST(NULL AS VARCHAR) AS id_shown,
                CASE disability WHEN '1' THEN '一级' WHEN '2' THEN '二级' WHEN '3' THEN '三级' WHEN '4' THEN '四级'
                     WHEN '1级' THEN '一级' WHEN '2级' THEN '二级' WHEN '3级' THEN '三级' WHEN '4级' THEN '四级'
                     ELSE disability END AS disability_v,
                {number("work_months", "(个月|月)")} AS wm_num,
                {number("year", "年")} AS yr_num,
                CAST(CASE insured WHEN '是' THEN 1 WHEN '否' THEN 0 END AS TINYINT) AS insured_v,
                CAST(CASE relocated WHEN '是' THEN 1 WHEN '否' THEN 0 END AS TINYINT) AS relocated_v,
                {", ".join(amount(a) for a in AMOUNTS)}
            FROM raw_in
        """)
        self.sql("DROP VIEW raw_in")
        self.con.unregister("raw_arrow")
        # The text now lives in DuckDB; the Arrow copy can go.
        self.raw.table = None

    def normalise_slow_ids(self) -> None:
        """Numbers that are not already clean and valid: the contract's own function decides and explains."""
        slow = self.rows("SELECT row_no, id_raw FROM s WHERE id_number IS NULL AND id_raw IS NOT NULL")
        if not slow:
            return
        rows, numbers, errors, shown = [], [], [], []
        for row_no, raw_text in slow:
            try:
                number, error = idnumber.normalize(raw_text, today=self.options.today), None
            except idnumber.InvalidIdNumber as exc:
                number, error = None, str(exc)
            rows.append(row_no)
            numbers.append(number)
            errors.append(error)
            shown.append(idnumber.mask(number) if number else idnumber.mask_raw(raw_text))
        fix = pa.table({"row_no": pa.array(rows, pa.int64()), "id_norm": pa.array(numbers, pa.string()),
                        "id_error": pa.array(errors, pa.string()), "id_shown": pa.array(shown, pa.string())})
        self.con.register("fix_arrow", fix)
        self.sql("UPDATE s SET id_number = f.id_norm, id_error = f.id_error, id_shown = f.id_shown "
                 "FROM fix_arrow f WHERE s.row_no = f.row_no")
        self.con.unregister("fix_arrow")

    def lookup_villages(self) -> None:
        codes = [r[0] for r in self.sql("SELECT DISTINCT village_code FROM s WHERE village_code IS NOT NULL")]
        prefix = self.options.scope_prefix
        if prefix is not None:
            codes = [c for c in codes if c.startswith(prefix)]
        found = db.villages_by_code(codes)
        self.con.register("v_arrow", pa.table({"code": pa.array(list(found), pa.string()),
                                               "region_id": pa.array(list(found.values()), pa.int64())}))
        self.sql("CREATE TABLE villages AS SELECT * FROM v_arrow")
        self.con.unregister("v_arrow")

    def count(self) -> Counts:
        c = self.counts
        c.rejected_rows = self.scalar("SELECT count(*) FROM bad")
        c.rejected_cells = self.scalar("SELECT count(*) FROM rejected")
        c.warnings = self.scalar("SELECT count(*) FROM warned")
        c.persons = self.scalar("SELECT count(*) FROM pp")
        c.households = self.scalar("SELECT count(*) FROM hp")
        c.persons_created, c.persons_updated, c.persons_moved = self.sql(
            "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed), count(*) FILTER (WHERE moved) "
            "FROM pp")[0]
        c.persons_unchanged = c.persons - c.persons_created - c.persons_updated
        c.households_created, c.households_updated, c.households_unchanged = self.sql(
            "SELECT count(*) FILTER (WHERE outcome = 'created'), count(*) FILTER (WHERE outcome = 'updated'), "
            "count(*) FILTER (WHERE outcome = 'unchanged') FROM outcomes")[0]
        c.incomes_created, c.incomes_updated = self.sql(
            "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed) FROM ip")[0]
        c.missing = self.scalar("SELECT count(*) FROM missing")
        c.years = [r[0] for r in self.sql("SELECT DISTINCT year_v FROM hp ORDER BY 1")]
        return c

    # What the writing and the report read: the plan, the outcomes and the issues.
    KEPT = ("hp", "pp", "ip", "outcomes", "issues", "missing")

    def drop_planning_tables(self) -> None:
        """Free DuckDB's memory of the cleaned file and the steps that led to the plan (the largest tables)
        before the database writes begin: those hold their own memory (SQLite's page cache, Python values)."""
        self.sql("DROP VIEW IF EXISTS ok")
        for (name,) in self.rows("SELECT table_name FROM duckdb_tables() WHERE NOT temporary"):
            if name not in self.KEPT:
                self.sql(f"DROP TABLE {name}")

    def close(self) -> None:
        self.con.close()
