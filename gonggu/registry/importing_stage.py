"""Validating and planning a registry import as set-based SQL over the whole file (DuckDB).

Stages, each one table in an in-memory DuckDB database:

  raw      the file's text cells and row numbers (importing_read)
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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from gonggu.core import idnumber

from . import importing_db as db
from .choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    PersonStatus,
    Relation,
    SchoolStatus,
    WorkPlace,
)
from .importing_read import KEY_COLUMNS, RawTable

_FULL_DIGITS = "０１２３４５６７８９"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
MAX_AMOUNT_CENTS = 10**14  # DecimalField(max_digits=14, decimal_places=2)
FIRST_YEAR = 2000
AMOUNTS = ("wage", "business", "property", "transfer", "expense")
COLUMN_ORDER = {key: i for i, key in enumerate(KEY_COLUMNS)}
MEMORY_LIMIT = "1GB"


def _spill_dir() -> str:
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "tmp" / "duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_q(v) for v in values) + ")"


def _shown(col: str) -> str:
    """A cell value quoted in a reason, cut to 20 characters."""
    return f"'「' || left({col}, 20) || CASE WHEN length({col}) > 20 THEN '…' ELSE '' END || '」'"


def _mask_sql(col: str) -> str:
    return (f"CASE WHEN {col} IS NULL THEN '' WHEN length({col}) > 10 THEN left({col}, 6) || "
            f"repeat('*', length({col}) - 10) || right({col}, 4) ELSE repeat('*', length({col})) END")


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


class Stage:
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
        self.con.execute(f"SET temp_directory = '{_spill_dir()}'")
        self.con.register("raw_arrow", raw.table)
        self.present = raw.present
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

    def clean(self) -> None:
        """Typed columns next to the text ones. Each cleaning step has a fast path for the common, already
        clean value (a plain number, 18 clean characters) and does the expensive work only for the rest."""
        digits = " + ".join(f"(ascii(substr(id_raw, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(_ID_WEIGHTS))
        born = "try_strptime(substr(id_raw, 7, 8), '%Y%m%d')"
        today = self.options.today.isoformat()

        def amount(a: str) -> str:
            cleaned = (f"regexp_replace(translate({a}, '{_FULL_DIGITS}．－', '0123456789.-'), "
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

        village_slow = f"regexp_replace(translate(village, '{_FULL_DIGITS}', '0123456789'), '^''', '')"
        self.sql(f"""
            CREATE TABLE s AS
            SELECT
                row_no, {", ".join(KEY_COLUMNS)},
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
            FROM raw_arrow
        """)
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

    # --- rejections -------------------------------------------------------------------------------

    def _enum(self, key: str, values, *, required: bool, column: str | None = None) -> list[tuple[str, str, str]]:
        col = column or key
        allowed = "、".join(values)
        checks = []
        if required:
            checks.append((key, f"{key} IS NULL", "'必填，不能为空'"))
        checks.append((key, f"{key} IS NOT NULL AND {col} NOT IN {_in(values)}",
                       f"{_shown(key)} || '不是规定的取值（{allowed}）'"))
        return checks

    def reject(self) -> None:
        prefix = self.options.scope_prefix
        year_max = self.options.today.year
        checks: list[tuple[str, str, str]] = [
            ("village", "village IS NULL", "'必填，不能为空'"),
            ("village", "village IS NOT NULL AND village_code IS NULL",
             f"'应为 12 位数字的村级区划代码，实际为' || {_shown('village')}"),
        ]
        if prefix is not None:
            checks.append(("village", f"village_code IS NOT NULL AND NOT starts_with(village_code, {_q(prefix)})",
                           f"'区划代码 ' || village_code || ' 不在您的管辖范围（{prefix}）内'"))
        checks += [
            ("village", "village_code IS NOT NULL AND " + (f"starts_with(village_code, {_q(prefix)}) AND " if prefix else "")
             + "village_code NOT IN (SELECT code FROM villages)",
             "'系统中没有村级区划 ' || village_code || '（请核对代码，或先导入行政区划）'"),
            ("hh_no", "hh_no IS NULL", "'必填，不能为空'"),
            ("hh_no", "regexp_full_match(hh_no, '\\d(\\.\\d+)?[eE]\\+?\\d+')",
             "'户编号被 Excel 存成了数字（科学计数法），后几位已丢失，请把该列设为文本后重新导出'"),
            ("hh_no", "length(hh_no) > 40", "'户编号超过 40 个字符'"),
            *self._enum("hh_type", HouseholdType.values, required=True),
            *self._enum("mon_type", MonitoringType.values, required=False),
            *self._enum("relation", Relation.values, required=True),
            ("name", "name IS NULL", "'必填，不能为空'"),
            ("name", "length(name) > 50", "'姓名超过 50 个字'"),
            ("id_raw", "id_raw IS NULL", "'必填，不能为空'"),
            ("id_raw", "id_error IS NOT NULL", "id_error"),
            *self._enum("labour", LabourAbility.values, required=True),
            *self._enum("health", Health.values, required=True),
            *self._enum("disability", DisabilityGrade.values, required=False, column="disability_v"),
            *self._enum("school", SchoolStatus.values, required=False),
            ("work_months", "work_months IS NOT NULL AND wm_num IS NULL", f"{_shown('work_months')} || '不是数字'"),
            ("work_months", "wm_num IS NOT NULL AND (wm_num <> floor(wm_num) OR wm_num < 0 OR wm_num > 12)",
             f"'应为 0–12 的整数，实际为' || {_shown('work_months')}"),
            *self._enum("work_place", WorkPlace.values, required=False),
            ("insured", "insured IS NOT NULL AND insured_v IS NULL", f"'应填「是」或「否」，实际为' || {_shown('insured')}"),
            ("relocated", "relocated IS NOT NULL AND relocated_v IS NULL",
             f"'应填「是」或「否」，实际为' || {_shown('relocated')}"),
            ("year", "year IS NULL", "'必填，不能为空'"),
            ("year", "year IS NOT NULL AND (yr_num IS NULL OR yr_num <> floor(yr_num))",
             f"{_shown('year')} || '不是有效的年度（如 2024）'"),
            ("year", f"yr_num = floor(yr_num) AND (yr_num < {FIRST_YEAR} OR yr_num > {year_max})",
             f"'收入年度 ' || CAST(CAST(yr_num AS INTEGER) AS VARCHAR) || ' 不在 {FIRST_YEAR}–{year_max} 之间'"),
        ]
        # The income cells are required on the 户主 row; a household listing a second 户主 (formats.md: imported and
        # reported) needs them on one of them only: the other heads' rows are stored, the income is the filled row's.
        self.sql("""
            CREATE TABLE head_blank AS
            SELECT b.row_no FROM s b
            WHERE b.is_head AND NOT b.income_filled AND NOT EXISTS (
                SELECT 1 FROM s f WHERE f.is_head AND f.income_filled
                AND f.county IS NOT DISTINCT FROM b.county AND f.hh_no IS NOT DISTINCT FROM b.hh_no)
        """)
        for a in AMOUNTS:
            checks += [
                (a, f"is_head AND {a} IS NULL AND row_no IN (SELECT row_no FROM head_blank)",
                 "'户主行必须填写（没有这项收入或支出请填 0）'"),
                (a, f"{a} IS NOT NULL AND {a}_c IS NULL", f"{_shown(a)} || '不是金额（应为数字，如 1234.5）'"),
                (a, f"abs({a}_c) >= {MAX_AMOUNT_CENTS}", f"{_shown(a)} || '金额过大'"),
            ]
        union = "\nUNION ALL\n".join(
            f"SELECT row_no, {_q(KEY_COLUMNS[key])} AS col, {COLUMN_ORDER[key]} AS col_order, {reason} AS reason "
            f"FROM s WHERE {cond}" for key, cond, reason in checks)
        self.sql(f"CREATE TABLE rejected AS {union}")
        # One identity number, one person, one household (formats.md): later rows of the same number go.
        # Grouping first keeps this cheap: only numbers that occur more than once are looked at row by row.
        self.sql("""
            CREATE TABLE dup_ids AS
            SELECT id_number, min(row_no) AS first_row FROM s WHERE id_number IS NOT NULL
            GROUP BY id_number HAVING count(*) > 1
        """)
        self.sql("""
            CREATE TABLE dup_rows AS
            SELECT s.row_no, s.county, s.hh_no, d.first_row, f.county AS first_county, f.hh_no AS first_hh
            FROM s JOIN dup_ids d USING (id_number) JOIN s f ON f.row_no = d.first_row
            WHERE s.row_no <> d.first_row
        """)
        self.sql(f"""
            INSERT INTO rejected
            SELECT row_no, '身份证号', {COLUMN_ORDER['id_raw']},
                CASE WHEN first_county IS NOT DISTINCT FROM county AND first_hh = hh_no
                     THEN '与第 ' || first_row || ' 行是同一人（同一户内重复登记），本行未导入'
                     ELSE '同一身份证号已在第 ' || first_row || ' 行（户 ' || coalesce(first_hh, '空') || '）出现，'
                          || '一人只能属于一户，本行（户 ' || coalesce(hh_no, '空') || '）未导入' END
            FROM dup_rows
        """)

    def load_existing(self) -> None:
        counties = [r[0] for r in self.sql(
            "SELECT DISTINCT county FROM s WHERE village_code IN (SELECT code FROM villages) ORDER BY 1")]
        years = [r[0] for r in self.sql(
            f"SELECT DISTINCT CAST(yr_num AS INTEGER) FROM s WHERE yr_num = floor(yr_num) "
            f"AND yr_num BETWEEN {FIRST_YEAR} AND {self.options.today.year} ORDER BY 1")]
        self.counts.counties = counties
        for name, table in (("ex_h", db.existing_households(counties)), ("ex_p", db.existing_persons(counties)),
                            ("ex_i", db.existing_incomes(counties, years))):
            self.con.register(f"{name}_arrow", table)
            self.sql(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
            self.con.unregister(f"{name}_arrow")
        known = self.scalar("SELECT count(*) FROM ex_p")
        # A number registered in a county outside the file belongs to a household the importer does not manage.
        if db.persons_outside(counties, known):
            numbers = [r[0] for r in self.sql("""
                SELECT DISTINCT id_number FROM s WHERE id_number IS NOT NULL
                AND id_number NOT IN (SELECT id_number FROM ex_p)""")]
            elsewhere = db.persons_by_number(numbers)
        else:
            elsewhere = pa.table({"id_number": pa.array([], pa.string()), "region_code": pa.array([], pa.string())})
        self.con.register("else_arrow", elsewhere)
        self.sql(f"""
            INSERT INTO rejected
            SELECT s.row_no, '身份证号', {COLUMN_ORDER['id_raw']},
                '此人已登记在其他县（区划代码 ' || left(e.region_code, 6) || '）的农户中，一人只能属于一户，本行未导入；'
                || '跨县迁移请由两县管理员核实后处理'
            FROM s JOIN else_arrow e USING (id_number)
            WHERE s.row_no NOT IN (SELECT row_no FROM dup_rows)
        """)
        self.con.unregister("else_arrow")

    # --- accepted rows and households ------------------------------------------------------------

    def accept(self) -> None:
        self.sql("CREATE TABLE warned (row_no BIGINT, col VARCHAR, col_order INTEGER, reason VARCHAR)")
        self.sql("CREATE TABLE bad AS SELECT DISTINCT row_no FROM rejected")
        # The rows that can be stored; a view, scanned twice below (households, then rows with their lead).
        self.sql("CREATE VIEW ok AS SELECT * FROM s WHERE row_no NOT IN (SELECT row_no FROM bad)")
        self.sql("""
            CREATE TABLE hh AS
            WITH a AS (
                SELECT county, hh_no, count(*) AS n_ok, count(*) FILTER (WHERE is_head) AS heads_ok,
                    count(*) FILTER (WHERE is_head AND income_filled) AS filled_ok,
                    min(row_no) FILTER (WHERE is_head AND income_filled) AS first_filled,
                    min(row_no) FILTER (WHERE is_head) AS first_head, min(row_no) AS first_row
                FROM ok GROUP BY county, hh_no
            ), b AS (
                SELECT county, hh_no, count(*) AS size_all, count(*) FILTER (WHERE is_head) AS heads_all,
                    min(row_no) FILTER (WHERE is_head) AS first_head_all,
                    min(row_no) FILTER (WHERE is_head AND income_filled) AS first_filled_all
                FROM s WHERE county IS NOT NULL AND hh_no IS NOT NULL AND row_no NOT IN (SELECT row_no FROM dup_rows)
                GROUP BY county, hh_no
            )
            -- The lead row (household cells and income): the first 户主 row with its income filled in, else the
            -- first 户主 row, else the first row. Without a stored 户主 row that has the income, none is taken.
            SELECT a.*, b.size_all, b.heads_all, b.first_head_all, b.first_filled_all,
                coalesce(a.first_filled, a.first_head, a.first_row) AS lead_row,
                (a.filled_ok > 0 OR b.heads_all = 0) AS income_ok,
                -- An integer key for the household, so that later joins do not compare text.
                row_number() OVER (ORDER BY county, hh_no) AS hh_key
            FROM a JOIN b USING (county, hh_no)
        """)
        self.sql("""
            CREATE TABLE hl AS
            SELECT hh.*, v.region_id, s.village_code, s.hh_type, s.mon_type, s.relocated_v,
                CAST(s.yr_num AS INTEGER) AS year_v, s.is_head AS lead_is_head, s.name AS lead_name,
                coalesce(s.wage_c, 0) AS wage_c, coalesce(s.business_c, 0) AS business_c,
                coalesce(s.property_c, 0) AS property_c, coalesce(s.transfer_c, 0) AS transfer_c,
                coalesce(s.expense_c, 0) AS expense_c
            FROM hh JOIN s ON s.row_no = hh.lead_row JOIN villages v ON v.code = s.village_code
        """)

    def warn(self) -> None:
        parts = [
            # Household-level findings: the data is stored; the data-quality rules list them too.
            f"""SELECT coalesce(first_filled_all, first_head_all), '与户主关系', {COLUMN_ORDER['relation']},
                '本户的户主行未能导入（原因见拒绝清单），本户收入账户本次未更新'
                FROM hh WHERE filled_ok = 0 AND heads_all > 0""",
            f"""SELECT lead_row, '与户主关系', {COLUMN_ORDER['relation']},
                '本户没有户主（与户主关系无「户主」），已导入；收入按本行填写的数计'
                FROM hh WHERE heads_all = 0""",
            f"""SELECT pp.row_no, '与户主关系', {COLUMN_ORDER['relation']},
                '本户有 ' || hh.heads_ok || ' 名户主，户信息和收入按第 ' || hh.lead_row || ' 行导入'
                FROM pp JOIN hh USING (hh_key) WHERE pp.is_head AND hh.heads_ok > 1 AND pp.row_no <> hh.lead_row""",
        ]
        flags = [("hh_type", "d_hh_type", "hh_type"), ("village", "d_village", "village_code"), ("year", "d_year", "year_v")]
        if "mon_type" in self.present:
            flags.append(("mon_type", "d_mon_type", "mon_type"))
        if "relocated" in self.present:
            flags.append(("relocated", "d_relocated", "relocated_v"))
        for key, flag, lead_col in flags:
            if key == "relocated":
                shown = "CASE hl.relocated_v WHEN 1 THEN '是' WHEN 0 THEN '否' ELSE '空' END"
            else:
                shown = f"coalesce(CAST(hl.{lead_col} AS VARCHAR), '空')"
            parts.append(f"""
                SELECT pp.row_no, {_q(KEY_COLUMNS[key])}, {COLUMN_ORDER[key]},
                    coalesce({_shown('s.' + key)}, '空白') || '与本户第 ' || pp.lead_row || ' 行不一致，按「'
                    || {shown} || '」导入'
                FROM pp JOIN hl USING (hh_key) JOIN s ON s.row_no = pp.row_no WHERE pp.{flag}""")
        parts.append(f"""
            SELECT row_no, '工资性收入', {COLUMN_ORDER['wage']},
                '非户主行填写的收入不计入：收入以户主行（第 ' || lead_row || ' 行）为准'
            FROM pp WHERE d_amounts""")
        for a in AMOUNTS:
            word = "支出" if a == "expense" else "收入"
            parts.append(f"""
                SELECT lead_row, {_q(KEY_COLUMNS[a])}, {COLUMN_ORDER[a]},
                    '{word}为负数（' || money({a}_c) || ' 元），已按原值导入，请核实'
                FROM hl WHERE income_ok AND {a}_c < 0""")
        self.sql("""CREATE MACRO money(c) AS (CASE WHEN c < 0 THEN '-' ELSE '' END) || CAST(abs(c) // 100 AS VARCHAR)
                    || '.' || lpad(CAST(abs(c) % 100 AS VARCHAR), 2, '0')""")
        self.sql("INSERT INTO warned " + "\nUNION ALL\n".join(parts))

    # --- the plan ---------------------------------------------------------------------------------

    def plan_households(self) -> None:
        mon = "coalesce(hl.mon_type, '')" if "mon_type" in self.present else "coalesce(e.monitoring_type, '')"
        reloc = "hl.relocated_v" if "relocated" in self.present else "e.relocated"
        self.sql(f"""
            CREATE TABLE hp AS
            SELECT hl.hh_key, hl.county, hl.hh_no, hl.lead_row, hl.size_all, hl.income_ok, hl.year_v,
                hl.lead_is_head, hl.mon_type AS lead_mon_type, hl.relocated_v AS lead_relocated,
                hl.wage_c, hl.business_c, hl.property_c, hl.transfer_c, hl.expense_c,
                e.id AS hh_id, e.id IS NULL AS is_new,
                hl.region_id AS village_id, hl.village_code AS region_code, hl.hh_type AS household_type,
                {mon} AS monitoring_type, CAST({reloc} AS TINYINT) AS relocated,
                CASE WHEN hl.lead_is_head THEN hl.lead_name ELSE coalesce(e.head_name, '') END AS head_name,
                e.id IS NOT NULL AND (
                    e.village_id IS DISTINCT FROM hl.region_id OR e.region_code IS DISTINCT FROM hl.village_code
                    OR e.household_type IS DISTINCT FROM hl.hh_type OR e.monitoring_type IS DISTINCT FROM {mon}
                    OR e.relocated IS DISTINCT FROM {reloc}
                    OR e.head_name IS DISTINCT FROM (CASE WHEN hl.lead_is_head THEN hl.lead_name ELSE e.head_name END)
                ) AS changed
            FROM hl LEFT JOIN ex_h e ON e.county_code = hl.county AND e.household_no = hl.hh_no
        """)

    def plan_persons(self) -> None:
        def opt(key: str, file_value: str, existing: str, default: str) -> str:
            # A column missing from the file leaves the stored value alone; a blank cell clears it.
            return f"coalesce({file_value}, {default})" if key in self.present else f"coalesce({existing}, {default})"

        values = {
            "disability_grade": opt("disability", "o.disability_v", "p.disability_grade", "''"),
            "school_status": opt("school", "o.school", "p.school_status", "''"),
            "work_months": ("CAST(o.wm_num AS SMALLINT)" if "work_months" in self.present else "p.work_months"),
            "work_place": opt("work_place", "o.work_place", "p.work_place", "''"),
            "medical_insured": ("o.insured_v" if "insured" in self.present else "p.medical_insured"),
        }
        amount_differs = " OR ".join(f"(o.{a} IS NOT NULL AND o.{a}_c IS DISTINCT FROM hp.{a}_c)" for a in AMOUNTS)
        # One row per stored person: the values to write, how they compare with the registry, and flags where
        # the row disagrees with its household's lead row (the warnings are filters over these flags).
        self.sql(f"""
            CREATE TABLE pp AS
            SELECT o.row_no, hp.hh_key, o.county, o.hh_no, o.id_number, hp.hh_id, hp.region_code,
                o.name, o.relation, o.labour AS labour_ability, o.health,
                substr(o.id_number, 7, 4) || '-' || substr(o.id_number, 11, 2) || '-' || substr(o.id_number, 13, 2)
                    AS birth_date,
                CASE WHEN ascii(substr(o.id_number, 17, 1)) % 2 = 1 THEN 'M' ELSE 'F' END AS gender,
                {values['disability_grade']} AS disability_grade, {values['school_status']} AS school_status,
                CAST({values['work_months']} AS SMALLINT) AS work_months, {values['work_place']} AS work_place,
                CAST({values['medical_insured']} AS TINYINT) AS medical_insured,
                p.id AS person_id, p.id IS NULL AS is_new, p.status AS old_status,
                p.id IS NOT NULL AND p.household_id IS DISTINCT FROM hp.hh_id AS moved,
                p.household_id AS old_household_id,
                p.id IS NOT NULL AND (
                    p.household_id IS DISTINCT FROM hp.hh_id OR p.region_code IS DISTINCT FROM hp.region_code
                    OR p.name IS DISTINCT FROM o.name OR p.relation IS DISTINCT FROM o.relation
                    OR p.labour_ability IS DISTINCT FROM o.labour OR p.health IS DISTINCT FROM o.health
                    OR p.disability_grade IS DISTINCT FROM {values['disability_grade']}
                    OR p.school_status IS DISTINCT FROM {values['school_status']}
                    OR p.work_months IS DISTINCT FROM {values['work_months']}
                    OR p.work_place IS DISTINCT FROM {values['work_place']}
                    OR p.medical_insured IS DISTINCT FROM {values['medical_insured']}
                ) AS changed,
                o.is_head, hp.lead_row,
                o.hh_type IS DISTINCT FROM hp.household_type AS d_hh_type,
                o.village_code IS DISTINCT FROM hp.region_code AS d_village,
                CAST(o.yr_num AS INTEGER) IS DISTINCT FROM hp.year_v AS d_year,
                o.mon_type IS DISTINCT FROM hp.lead_mon_type AS d_mon_type,
                o.relocated_v IS DISTINCT FROM hp.lead_relocated AS d_relocated,
                (NOT o.is_head AND hp.lead_is_head AND ({amount_differs})) AS d_amounts
            FROM ok o JOIN hp USING (county, hh_no) LEFT JOIN ex_p p ON p.id_number = o.id_number
        """)
        self.sql(f"""
            INSERT INTO warned
            SELECT pp.row_no, '户编号', {COLUMN_ORDER['hh_no']},
                '此人原登记在户 ' || coalesce(h.household_no, '?') || '，本次导入转入户 ' || pp.hh_no
            FROM pp LEFT JOIN ex_h h ON h.id = pp.old_household_id WHERE pp.moved
            UNION ALL
            SELECT row_no, '身份证号', {COLUMN_ORDER['id_raw']},
                '此人在系统中的状态为「' || old_status || '」，本次导入未改变其状态'
            FROM pp WHERE old_status IS NOT NULL AND old_status <> {_q(PersonStatus.ACTIVE)}
        """)

    def plan_incomes(self) -> None:
        # Per-capita net income, rounded half up (away from zero) to the cent in integer cents: the same result
        # as gonggu.registry.incomes.per_capita (a test holds the two together).
        self.sql("""
            CREATE TABLE ip AS
            WITH n AS (
                SELECT hh_key, county, hh_no, hh_id, year_v AS year, wage_c, business_c, property_c, transfer_c, expense_c,
                    CAST(size_all AS INTEGER) AS household_size,
                    wage_c + business_c + property_c + transfer_c - expense_c AS net_c
                FROM hp WHERE income_ok
            ), m AS (
                SELECT *,
                    CASE WHEN household_size <= 0 THEN 0
                         WHEN net_c >= 0 THEN (2 * net_c + household_size) // (2 * household_size)
                         ELSE -((2 * (-net_c) + household_size) // (2 * household_size)) END AS pc_c
                FROM n
            )
            SELECT m.*, i.id AS income_id, i.id IS NULL AS is_new,
                i.id IS NOT NULL AND (i.wage_c <> m.wage_c OR i.business_c <> m.business_c
                    OR i.property_c <> m.property_c OR i.transfer_c <> m.transfer_c OR i.expense_c <> m.expense_c
                    OR i.household_size <> m.household_size OR i.net_c <> m.net_c OR i.pc_c <> m.pc_c) AS changed
            FROM m LEFT JOIN ex_i i ON i.household_id = m.hh_id AND i.year = m.year
        """)

    def plan_outcomes(self) -> None:
        self.sql("""
            CREATE TABLE outcomes AS
            WITH p AS (
                SELECT hh_key, count(*) FILTER (WHERE is_new) AS created,
                    count(*) FILTER (WHERE changed) AS updated FROM pp GROUP BY hh_key
            )
            SELECT hp.hh_key, hp.county, hp.hh_no, hp.hh_id, hp.region_code, hp.is_new,
                coalesce(p.created, 0) AS persons_created, coalesce(p.updated, 0) AS persons_updated,
                coalesce(ip.is_new OR ip.changed, false) AS income_changed,
                CASE WHEN hp.is_new THEN 'created'
                     WHEN hp.changed OR coalesce(p.created, 0) + coalesce(p.updated, 0) > 0
                          OR coalesce(ip.is_new OR ip.changed, false) THEN 'updated'
                     ELSE 'unchanged' END AS outcome
            FROM hp LEFT JOIN p USING (hh_key) LEFT JOIN ip USING (hh_key)
        """)

    def plan_missing(self) -> None:
        self.sql(f"""
            CREATE TABLE missing AS
            SELECT p.id AS person_id, h.household_no, p.region_code,
                p.household_id NOT IN (SELECT hh_id FROM hp WHERE hh_id IS NOT NULL) AS household_absent
            FROM ex_p p LEFT JOIN ex_h h ON h.id = p.household_id
            WHERE p.status = {_q(PersonStatus.ACTIVE)}
              AND (p.household_id IN (SELECT hh_id FROM hp WHERE hh_id IS NOT NULL)
                   OR p.region_code IN (SELECT DISTINCT region_code FROM hp))
              AND p.id_number NOT IN (SELECT id_number FROM s WHERE id_number IS NOT NULL)
        """)

    def collect_issues(self) -> None:
        mask = f"coalesce(s.id_shown, {_mask_sql('s.id_number')})"
        self.sql(f"""
            CREATE TABLE issues AS
            SELECT x.kind, x.row_no, x.col, x.col_order, x.reason, coalesce(s.hh_no, '') AS hh_no,
                {mask} AS id_masked
            FROM (
                SELECT 'rejected' AS kind, row_no, col, col_order, reason FROM rejected
                UNION ALL
                SELECT 'warning', row_no, col, col_order, reason FROM warned
            ) x JOIN s USING (row_no)
        """)

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
