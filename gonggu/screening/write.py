"""Writing the screening findings of a run as warnings — set-based and idempotent.

`warnings_write` stages the findings in a temporary table and decides every
warning with a handful of SQL statements over whole tables (no query per row),
so a run with hundreds of thousands of findings is written in seconds on SQLite
and PostgreSQL alike.

What happens to each (rule, household) of the findings:

* An open warning exists (待核实): it is *seen again* — evidence, detail, grade,
  fact date and `last_seen_on` are refreshed; the deadline only moves closer
  (a grade that became more severe starts its shorter clock at the run's date).
  Rows with nothing new are not rewritten: running twice on the same facts and
  date writes nothing, a later date only moves `last_seen_on`.
* No open warning, and a warning of the same (rule, household) was ended by
  verification (纳入监测, 不予纳入, 已是监测对象, 数据有误): the finding is raised
  again only when it brings a **newer fact** than that verification saw:
    - a dated finding (its evidence names department batches) is newer when its
      fact date — the latest batch as-of date in its evidence, see
      `evidence.fact_date` — is *after* the day the warning was ended
      (`ended_on`); a batch of the same day or earlier was there to be seen;
    - an undated finding (registry facts only, e.g. incomes) is newer when its
      evidence differs from the evidence of every warning so ended (fingerprint
      `fact_key`): a new income year or changed amounts are new facts, the same
      numbers are not.
  rules.md only requires this for 不予纳入; it applies to every verified outcome
  because a village that has verified a warning should not get the same one back
  on the same facts. Otherwise the finding is *suppressed* and reported as such.
* Otherwise a new warning is raised, with the deadline of its grade counted from
  the run's as-of date (ScreeningSetting).

Open warnings whose condition no longer holds — their rule was evaluated in full
for a region containing them (listed in `evaluated`, none of its years skipped)
and did not fire for their household — are ended as 条件已消失 (LAPSED): the
village has nothing left to verify, they drop out of inboxes and overdue counts,
and they do not block a later warning (a condition that comes back is a new
warning at once). Ended warnings are never touched by a run. When `evaluated`
is not given, nothing lapses.

Several findings of one rule for one household (e.g. two children out of school)
make one warning whose evidence lists every finding's items; the first person
(by identity number) is named.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, transaction
from django.utils import timezone

from gonggu.core.codes import code_range

from .evidence import DEPARTMENT_CODES, FACT_DATE_KEYS, REGISTRY_DEPARTMENT, SOURCE_KEYS, rule_department
from .models import ScreeningSetting, Warning, WarningEvent, WarningStatus

STAGE_IN = "screening_stage_in"    # the prepared findings as they arrive
STAGE = "screening_stage"          # … with household, open warning and outcome decided
STAGE_LAPSE = "screening_stage_lapse"
PENDING = WarningStatus.PENDING.value
LAPSED = WarningStatus.LAPSED.value
VERIFIED = tuple(s.value for s in (WarningStatus.INCLUDED, WarningStatus.REJECTED,
                                   WarningStatus.ALREADY_MONITORED, WarningStatus.DATA_ERROR))


@dataclass
class WriteResult:
    findings: int = 0         # finding rows read (screening kind)
    warnings: int = 0         # distinct (rule, household) among them
    created: int = 0          # new warnings, first time for this (rule, household)
    reraised: int = 0         # new warnings after an earlier one was verified (newer fact)
    updated: int = 0          # open warnings seen again
    suppressed: int = 0       # verified before, no newer fact: no warning
    lapsed: int = 0           # open warnings whose condition no longer holds
    unmatched: int = 0        # findings whose household is not in the registry (or outside the run's region)
    seconds: float = 0.0
    rows: list[dict] = field(default_factory=list)  # one per (rule, household) with its resulting status

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("findings", "warnings", "created", "reraised", "updated",
                                               "suppressed", "lapsed", "unmatched", "seconds")}


def _fact_date_pattern() -> str:
    keys = "|".join(sorted(FACT_DATE_KEYS))
    return r'"(?:' + keys + r')"\s*:\s*"(\d{4}-\d{2}-\d{2})'


def _prepare(findings) -> pa.Table:
    """One row per (rule, county, household_no) with its evidence list, fact date, fingerprint and department.

    Computed by DuckDB over the whole findings table (no Python per finding). Several rows of one rule for
    one household (hand-made findings; the engine already gives one) are merged: first person by identity
    number, most severe grade, every evidence item (ordered by person), every distinct detail.
    """
    names = set(findings.column_names)

    def col(name: str, cast: str = "VARCHAR") -> str:
        return f"CAST({name} AS {cast})" if name in names else f"CAST(NULL AS {cast})"

    rules = sorted(set(findings.column("rule").to_pylist())) if "rule" in names else []
    rule_departments = pa.table({"rule": pa.array(rules, type=pa.string()),
                                 "department": pa.array([rule_department(r) for r in rules], type=pa.string())})
    source_departments = pa.table({"prefix": pa.array(DEPARTMENT_CODES, type=pa.string())})
    con = duckdb.connect()
    try:
        con.register("findings", findings)
        con.register("rule_departments", rule_departments)
        con.register("source_departments", source_departments)
        return con.sql(rf"""
            WITH f AS (
              SELECT {col('rule')} AS rule, COALESCE({col('rule_version', 'INTEGER')}, 1) AS rule_version,
                     substr(COALESCE({col('region_code')}, ''), 1, 6) AS county_code,
                     {col('household_no')} AS household_no, NULLIF(trim({col('id_number')}), '') AS id_number,
                     COALESCE({col('grade')}, '') AS grade, COALESCE({col('risk_type')}, '') AS risk_type,
                     COALESCE({col('detail')}, '') AS detail, NULLIF(trim({col('evidence')}), '') AS ev,
                     COALESCE(NULLIF(trim({col('params')}), ''), '{{}}') AS params,
                     COALESCE({col('kind')}, '') AS kind
              FROM findings),
            items AS (
              SELECT rule, rule_version, county_code, household_no, id_number, grade, risk_type, detail,
                CASE WHEN ev IS NULL THEN NULL
                     WHEN NOT json_valid(ev) THEN CAST(json_object('说明', ev) AS VARCHAR)
                     WHEN left(ev, 1) = '[' THEN NULLIF(trim(substr(ev, 2, length(ev) - 2)), '')
                     ELSE ev END AS item,
                CASE WHEN json_valid(params) AND left(params, 1) = '{{' THEN params
                     ELSE CAST(json_object('说明', params) AS VARCHAR) END AS params
              FROM f
              WHERE kind IN ('', 'screening') AND rule IS NOT NULL AND household_no IS NOT NULL),
            dups AS (
              SELECT rule, county_code, household_no FROM items GROUP BY rule, county_code, household_no
              HAVING count(*) > 1),
            -- The usual case (the engine already gives one row per rule and household): no aggregation.
            single AS (
              SELECT i.rule, i.county_code, i.household_no, i.rule_version, i.id_number, i.grade, i.risk_type,
                     i.detail, '[' || COALESCE(i.item, '') || ']' AS evidence, i.params
              FROM items i ANTI JOIN dups d
                ON d.rule = i.rule AND d.county_code = i.county_code AND d.household_no = i.household_no),
            merged AS (
              SELECT i.rule, i.county_code, i.household_no, max(i.rule_version) AS rule_version,
                     min(i.id_number) AS id_number,
                     arg_min(i.grade, CASE i.grade WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2
                                                   WHEN 'info' THEN 3 ELSE 4 END) AS grade,
                     min(i.risk_type) AS risk_type,
                     COALESCE(string_agg(DISTINCT i.detail, '；' ORDER BY i.detail) FILTER (WHERE i.detail <> ''), '')
                       AS detail,
                     '[' || COALESCE(string_agg(i.item, ',' ORDER BY i.id_number NULLS LAST, i.item), '') || ']'
                       AS evidence,
                     min(i.params) AS params
              FROM items i SEMI JOIN dups d
                ON d.rule = i.rule AND d.county_code = i.county_code AND d.household_no = i.household_no
              GROUP BY i.rule, i.county_code, i.household_no),
            g AS (SELECT * FROM single UNION ALL BY NAME SELECT * FROM merged)
            SELECT g.rule, g.rule_version, g.county_code, g.household_no, g.id_number, g.grade, g.risk_type,
                   COALESCE(sd.prefix, rd.department, '{REGISTRY_DEPARTMENT}') AS department,
                   g.evidence, g.params, g.detail,
                   TRY_CAST(list_max(regexp_extract_all(g.evidence, '{_fact_date_pattern()}', 1)) AS DATE)
                     AS fact_date,
                   md5(g.evidence) AS fact_key
            FROM g
            LEFT JOIN rule_departments rd ON rd.rule = g.rule
            LEFT JOIN source_departments sd
              ON sd.prefix = regexp_extract(g.evidence, '"(?:{'|'.join(SOURCE_KEYS)})"\s*:\s*"([a-z]+)_', 1)
        """).to_arrow_table()
    finally:
        con.close()


STAGE_COLUMNS = ("rule", "rule_version", "county_code", "household_no", "id_number", "grade", "risk_type",
                 "department", "evidence", "params", "detail", "fact_date", "fact_key")


def _create_stage(cursor, pg: bool) -> None:
    json_type = "jsonb" if pg else "text"
    for table in (STAGE_IN, STAGE, STAGE_LAPSE):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE_IN} (rule varchar(40) NOT NULL, rule_version integer NOT NULL, "
        f"county_code varchar(6) NOT NULL, household_no varchar(40) NOT NULL, id_number varchar(18), "
        f"grade varchar(10) NOT NULL, risk_type varchar(20) NOT NULL, department varchar(10) NOT NULL, "
        f"evidence {json_type} NOT NULL, params {json_type} NOT NULL, detail text NOT NULL, fact_date date, "
        f"fact_key varchar(40) NOT NULL)"
    )


def _fill_stage(cursor, pg: bool, rows: pa.Table) -> None:
    rows = rows.select(list(STAGE_COLUMNS))
    if pg:
        # COPY of a CSV rendering is the fast path into PostgreSQL; quoted values vs bare NULLs keep '' apart.
        buffer = io.BytesIO()
        pacsv.write_csv(rows, buffer, write_options=pacsv.WriteOptions(include_header=False,
                                                                       quoting_style="all_valid"))
        with cursor.cursor.copy(f"COPY {STAGE_IN} ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        return
    columns = [rows.column(c).to_pylist() for c in STAGE_COLUMNS]
    fact_dates = STAGE_COLUMNS.index("fact_date")
    columns[fact_dates] = [d.isoformat() if d is not None else None for d in columns[fact_dates]]
    placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
    cursor.executemany(f"INSERT INTO {STAGE_IN} ({', '.join(STAGE_COLUMNS)}) VALUES ({placeholders})",
                       list(zip(*columns, strict=True)))


def _distinct(a: str, b: str, pg: bool) -> str:
    """Null-safe "differs" in both dialects (SQLite's IS NOT compares NULLs as values)."""
    return f"{a} IS DISTINCT FROM {b}" if pg else f"{a} IS NOT {b}"


def _in(values: Iterable[str]) -> tuple[str, list[str]]:
    values = list(values)
    return ", ".join(["%s"] * len(values)) or "NULL", values


def warnings_write(findings, *, as_of: dt.date, run=None, evaluated: Iterable[str] | None = None,
                   prefix: str | None = None, user=None, collect: bool = True) -> WriteResult:
    """Write the screening findings (pyarrow.Table of the engine's columns) as warnings. See the module text.

    `run` is the ScreeningRun the findings came from (or None); `evaluated` the rule codes evaluated in full
    for the region `prefix` (None: the whole database) — only those can lapse. With `collect`, the result
    lists every (rule, household) of the findings with its resulting status (`rows`, for the CLI's JSON).
    """
    started = time.monotonic()
    result = WriteResult(findings=findings.num_rows)
    rows = _prepare(findings)
    result.warnings = rows.num_rows
    pg = connection.vendor == "postgresql"
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    as_of_value = ops.adapt_datefield_value(as_of)
    settings_row = ScreeningSetting.current()
    deadlines = {g: ops.adapt_datefield_value(d) for g, d in settings_row.deadlines(as_of).items()}
    default_deadline = ops.adapt_datefield_value(as_of + dt.timedelta(days=settings_row.days_for("")))
    run_id = getattr(run, "pk", None)
    user_id = getattr(user, "pk", None) or getattr(run, "created_by_id", None)
    w = Warning._meta.db_table
    e = WarningEvent._meta.db_table   # event rows written set-based: the columns `core.events.Event.build` fills
    h = Warning._meta.get_field("household").related_model._meta.db_table
    verified_in, verified_params = _in(VERIFIED)
    deadline_case = ("CASE s.grade WHEN 'red' THEN %s WHEN 'orange' THEN %s WHEN 'yellow' THEN %s "
                     "WHEN 'info' THEN %s ELSE %s END")
    deadline_params = [deadlines["red"], deadlines["orange"], deadlines["yellow"], deadlines["info"],
                       default_deadline]
    json_empty = "CAST('{}' AS jsonb)" if pg else "'{}'"

    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            # One writer at a time: two runs racing would both try to raise the same warning.
            cursor.execute("SELECT pg_advisory_xact_lock(4242001)")
        _create_stage(cursor, pg)
        _fill_stage(cursor, pg, rows)
        if pg:
            cursor.execute(f"ANALYZE {STAGE_IN} (county_code, household_no, rule)")
        lo, hi = code_range(prefix or "")
        # One pass decides every finding: its household (outside the run's region counts as unmatched), its
        # open warning if any, else whether a verification suppresses it (see the module text).
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} AS SELECT i.*, hh.id AS household_id, hh.region_code AS region_code, "
            f"w.id AS warning_id, CASE "
            f"WHEN hh.id IS NULL OR hh.region_code NOT BETWEEN %s AND %s THEN 'unmatched' "
            f"WHEN w.id IS NOT NULL THEN 'open' "
            f"WHEN EXISTS (SELECT 1 FROM {w} AS v WHERE v.household_id = hh.id AND v.rule = i.rule "
            f"AND v.status IN ({verified_in}) AND ((i.fact_date IS NOT NULL AND v.ended_on >= i.fact_date) "
            f"OR (i.fact_date IS NULL AND v.fact_key = i.fact_key))) THEN 'suppressed' "
            f"WHEN EXISTS (SELECT 1 FROM {w} AS v WHERE v.household_id = hh.id AND v.rule = i.rule "
            f"AND v.status IN ({verified_in})) THEN 'reraised' "
            f"ELSE 'new' END AS outcome "
            f"FROM {STAGE_IN} AS i "
            f"LEFT JOIN {h} AS hh ON hh.county_code = i.county_code AND hh.household_no = i.household_no "
            f"LEFT JOIN {w} AS w ON w.household_id = hh.id AND w.rule = i.rule AND w.status = %s",
            [lo, hi, *verified_params, *verified_params, PENDING],
        )
        cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} (household_id, rule)")
        cursor.execute(f"CREATE INDEX {STAGE}_warning ON {STAGE} (warning_id)")
        if pg:
            cursor.execute(f"ANALYZE {STAGE} (household_id, rule, outcome, warning_id)")

        # Lapse first (it must not see this run's new warnings): open warnings of fully evaluated rules in the
        # run's region that did not fire this time.
        evaluated = sorted(set(evaluated or ()))
        if evaluated:
            rules_in, rules_params = _in(evaluated)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_LAPSE} AS SELECT w.id FROM {w} AS w "
                f"WHERE w.status = %s AND w.rule IN ({rules_in}) AND w.region_code BETWEEN %s AND %s "
                f"AND NOT EXISTS (SELECT 1 FROM {STAGE} AS s WHERE s.household_id = w.household_id "
                f"AND s.rule = w.rule)",
                [PENDING, *rules_params, lo, hi],
            )
            cursor.execute(
                f"INSERT INTO {e} (warning_id, action, at, actor_id, run_id, from_status, to_status, note, payload) "
                f"SELECT l.id, %s, %s, NULL, %s, %s, %s, %s, {json_empty} FROM {STAGE_LAPSE} AS l",
                [WarningEvent.Action.LAPSED.value, now, run_id, PENDING, LAPSED, f"{as_of} 的筛查未再命中"],
            )
            result.lapsed = cursor.rowcount
            cursor.execute(
                f"UPDATE {w} SET status = %s, ended_on = %s, updated_at = %s "
                f"WHERE id IN (SELECT l.id FROM {STAGE_LAPSE} AS l)",
                [LAPSED, ops.adapt_datefield_value(timezone.localdate()), now],
            )
            cursor.execute(f"DROP TABLE {STAGE_LAPSE}")

        # Seen again: a grade change is an event; the deadline may only come closer.
        cursor.execute(
            f"INSERT INTO {e} (warning_id, action, at, actor_id, run_id, from_status, to_status, note, payload) "
            f"SELECT w.id, %s, %s, NULL, %s, w.status, w.status, "
            f"'等级 ' || w.grade || ' → ' || s.grade, {json_empty} "
            f"FROM {w} AS w JOIN {STAGE} AS s ON s.warning_id = w.id "
            f"WHERE s.outcome = 'open' AND w.grade <> s.grade",
            [WarningEvent.Action.GRADE_CHANGED.value, now, run_id],
        )
        # Only rows with something new are rewritten: a rerun on the same day and facts writes nothing.
        changed = " OR ".join([
            *(f"{_distinct(f'{w}.{c}', f's.{c}', pg)}" for c in
              ("rule_version", "id_number", "region_code", "grade", "risk_type", "department", "detail",
               "fact_date", "fact_key")),
            f"{w}.last_seen_on < %s", f"{deadline_case} < {w}.deadline",
        ])
        cursor.execute(
            f"UPDATE {w} SET rule_version = s.rule_version, id_number = s.id_number, region_code = s.region_code, "
            f"grade = s.grade, risk_type = s.risk_type, department = s.department, evidence = s.evidence, "
            f"params = s.params, detail = s.detail, fact_date = s.fact_date, fact_key = s.fact_key, "
            f"last_seen_on = CASE WHEN {w}.last_seen_on < %s THEN %s ELSE {w}.last_seen_on END, updated_at = %s, "
            f"deadline = CASE WHEN {deadline_case} < {w}.deadline THEN {deadline_case} ELSE {w}.deadline END "
            f"FROM {STAGE} AS s WHERE s.outcome = 'open' AND s.warning_id = {w}.id AND ({changed})",
            [as_of_value, as_of_value, now, *deadline_params, *deadline_params, as_of_value, *deadline_params],
        )
        # New and re-raised warnings. Their creation is not an event row: the warning itself records when and
        # by which run it was raised (first_raised_on, first_run); events record what changes afterwards.
        cursor.execute(
            f"INSERT INTO {w} (created_at, updated_at, created_by_id, updated_by_id, rule, rule_version, "
            f"household_id, id_number, region_code, grade, risk_type, department, evidence, params, detail, "
            f"fact_date, fact_key, first_raised_on, last_seen_on, first_run_id, deadline, status, "
            f"ended_on, verified_by_id, verified_at, verification_note) "
            f"SELECT %s, %s, %s, %s, s.rule, s.rule_version, s.household_id, s.id_number, s.region_code, s.grade, "
            f"s.risk_type, s.department, s.evidence, s.params, s.detail, s.fact_date, s.fact_key, %s, %s, %s, "
            f"{deadline_case}, %s, NULL, NULL, NULL, '' FROM {STAGE} AS s WHERE s.outcome IN ('new', 'reraised')",
            [now, now, user_id, user_id, as_of_value, as_of_value, run_id, *deadline_params, PENDING],
        )

        cursor.execute(f"SELECT outcome, COUNT(*) FROM {STAGE} GROUP BY outcome")
        counts = dict(cursor.fetchall())
        result.created = counts.get("new", 0)
        result.reraised = counts.get("reraised", 0)
        result.updated = counts.get("open", 0)
        result.suppressed = counts.get("suppressed", 0)
        result.unmatched = counts.get("unmatched", 0)

        if collect:
            # The resulting status of every (rule, household) of the run: open, or the verified outcome that
            # suppressed it (the latest one).
            cursor.execute(
                f"SELECT s.rule, s.household_id, w.status FROM {STAGE} AS s JOIN {w} AS w "
                f"ON w.household_id = s.household_id AND w.rule = s.rule "
                f"WHERE s.outcome = 'suppressed' AND w.status IN ({verified_in}) ORDER BY w.ended_on, w.id",
                verified_params,
            )
            suppressed_status = {(rule, hh): status for rule, hh, status in cursor.fetchall()}
            cursor.execute(
                f"SELECT s.rule, s.household_no, s.id_number, s.grade, s.risk_type, s.region_code, s.department, "
                f"s.household_id, s.outcome FROM {STAGE} AS s WHERE s.outcome <> 'unmatched' "
                f"ORDER BY s.region_code, s.household_no, s.rule"
            )
            result.rows = [
                {"rule": rule, "household_no": household_no, "id_number": id_number, "grade": grade,
                 "risk_type": risk_type, "village_code": region_code, "department": department,
                 "status": suppressed_status.get((rule, household_id), WarningStatus.REJECTED.value)
                 if outcome == "suppressed" else PENDING}
                for rule, household_no, id_number, grade, risk_type, region_code, department, household_id, outcome
                in cursor.fetchall()
            ]
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute(f"DROP TABLE {STAGE_IN}")
        if pg:
            # Fresh statistics after a bulk change: the next run's joins are planned on real row counts
            # (a plan made for an empty table turns a hash join into a nested loop over every warning).
            cursor.execute(f"ANALYZE {w} (household_id, rule, status, region_code)")
    result.seconds = round(time.monotonic() - started, 3)
    return result


def findings_table(rows: list[dict[str, Any]]):
    """A findings table in the engine's column layout from dicts (hand-made findings, demo, tests)."""
    import pyarrow as pa

    names = ("rule", "rule_version", "kind", "household_no", "id_number", "region_code", "grade", "risk_type",
             "detail", "evidence", "params")
    types = {"rule_version": pa.int64()}
    data = {}
    for name in names:
        values = []
        for row in rows:
            value = row.get(name)
            if name in ("evidence", "params") and value is not None and not isinstance(value, str):
                value = json.dumps(value, ensure_ascii=False, default=str)
            if name == "kind" and value is None:
                value = "screening"
            if name == "rule_version" and value is None:
                value = 1
            values.append(value)
        data[name] = pa.array(values, type=types.get(name, pa.string()))
    return pa.table(data)
