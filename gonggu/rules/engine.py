"""The rule engine: snapshot once, every rule as one set-based query, findings as one Arrow table.

A run
1. builds each snapshot table the selected rules need (`RuleDef.tables`, and the
   views they read) once, as Arrow, and registers it in DuckDB;
2. computes the derived views (active persons, household status …) once;
3. resolves parameters — per-rule overrides, per-year values, the derived
   monitoring line — and skips, with a reason, what cannot be checked;
4. runs each rule's SQL and normalises its rows to the findings schema;
5. stores the findings of the run (`RuleRun`, `Finding`, one bulk write) and
   returns a `RunResult`.

There is no per-person Python anywhere: every step is SQL over whole tables.
The rule SQL is kept to what Spark SQL also runs (CTEs, joins, CASE, window
functions, `||`); the few functions that differ go through `Dialect`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from gonggu.core.errors import UserFacingError

from .catalog import CATALOG, RuleDef
from .params import ParamValues, fmt

log = logging.getLogger("gonggu.rules")

FINDING_SCHEMA = pa.schema([
    ("rule", pa.string()), ("rule_version", pa.int32()), ("kind", pa.string()), ("household_no", pa.string()),
    ("id_number", pa.string()), ("region_code", pa.string()), ("grade", pa.string()), ("risk_type", pa.string()),
    ("detail", pa.string()), ("evidence", pa.string()), ("params", pa.string()), ("household_id", pa.int64()),
])
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Dialect:
    """What differs between SQL engines: literals, the few helper functions rules call, type names."""

    name = "duckdb"

    def setup(self, run) -> None:
        # days_before(d, n): the date n days before d (Spark: date_sub(d, n)).
        run.execute("CREATE OR REPLACE MACRO days_before(d, n) AS CAST(d - CAST(n AS INTEGER) AS DATE)")

    def translate(self, sql: str) -> str:
        """Rule SQL as this engine reads it (rules are written in the shared subset; DuckDB reads it as is)."""
        return sql

    def date(self, value: dt.date) -> str:
        return f"DATE '{value.isoformat()}'"

    def decimal(self, value: Decimal) -> str:
        return f"CAST('{value}' AS DECIMAL(18,4))"

    def string(self, value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    def json_object(self, pairs: list[tuple[str, str]]) -> str:
        if not pairs:
            return "'{}'"
        return "CAST(json_object(" + ", ".join(f"{self.string(k)}, {expr}" for k, expr in pairs) + ") AS VARCHAR)"

    _NARROW_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)", re.IGNORECASE)

    def evidence_value(self, expr: str, sql_type: str) -> str:
        """A value as evidence JSON shows it. Money keeps its scale (7810.00): DuckDB writes decimals of up to
        15 digits through a double (7810.0), so those are widened first, to read as Spark writes them."""
        m = self._NARROW_DECIMAL.fullmatch(sql_type.strip())
        if m and int(m.group(1)) <= 15:
            return f"CAST({expr} AS DECIMAL(18,{m.group(2)}))"
        return expr


class DuckDBRun:
    """One evaluation on an in-process DuckDB over the Arrow snapshot tables (the county engine)."""

    errors: tuple[type[BaseException], ...] = (duckdb.Error,)

    def __init__(self):
        self.dialect = Dialect()
        self.export_method = ""   # how the snapshot was read (recorded on the run)
        self.con = duckdb.connect()
        self.dialect.setup(self)

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def load(self, names: list[str], *, prefix: str | None, as_of: dt.date, snapshot: str | None,
             timings: dict) -> None:
        t0 = time.perf_counter()
        if snapshot:
            from .parquet import snapshot_open

            opened = snapshot_open(snapshot, names, as_of=as_of, prefix=prefix)
            if not opened.local:
                raise UserFacingError(f"DuckDB 引擎只读取本机上的快照，{snapshot} 请用 --engine spark 运行。")
            for name in names:
                files = ", ".join(self.dialect.string(f) for f in opened.files(name))
                columns = ", ".join(opened.columns(name))
                self.con.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM read_parquet([{files}])")
            self.export_method = "parquet"
        else:
            from .snapshot import build_tables, export_method

            # Arrow tables are scanned in place (zero copy): copying them into DuckDB's own storage first
            # costs more than it saves for a dozen queries.
            tally = Counter()
            for name, table in build_tables(names, prefix=prefix, as_of=as_of, tally=tally).items():
                self.con.register(name, table)
            self.export_method = export_method(tally)
        timings["export"] = time.perf_counter() - t0

    def set_params(self, table: pa.Table) -> None:
        try:
            self.con.unregister("params")
        except duckdb.Error:
            pass
        self.con.register("params", table)

    def create(self, name: str, sql: str, *, materialise: bool) -> None:
        self.con.execute(f"CREATE {'TABLE' if materialise else 'VIEW'} {name} AS {sql}")

    def create_rule(self, name: str, sql: str) -> None:
        # Materialised: a rule that fails does so here, alone, and is skipped with its reason.
        self.create(name, sql, materialise=True)

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def columns(self, name: str) -> list[tuple[str, str]]:
        """(name, SQL type) of each column of `name`."""
        return [(d[0], str(d[1])) for d in self.con.execute(f"SELECT * FROM {name} LIMIT 0").description]

    def collect(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


ENGINES = ("duckdb", "spark")


def default_engine() -> str:
    """The engine of runs that name none (web pages, jobs): GONGGU_RULES_ENGINE, duckdb unless set."""
    from django.conf import settings

    return getattr(settings, "RULES_ENGINE", "") or "duckdb"


def open_run(engine: str):
    """The evaluation backend of `engine`: DuckDB in process, or a Spark session (local or a cluster)."""
    if engine == "duckdb":
        return DuckDBRun()
    if engine == "spark":
        from .spark import SparkRun

        return SparkRun()
    raise UserFacingError(f"未知的计算引擎「{engine}」，可选：{'、'.join(ENGINES)}。")


@dataclass
class RunResult:
    as_of: dt.date
    findings: pa.Table
    skipped: list[dict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    counts_by_rule: dict[str, int] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)        # codes evaluated (incl. skipped ones)
    disabled: list[str] = field(default_factory=list)     # switched off in this deployment
    prefix: str | None = None
    runs: dict[str, int] = field(default_factory=dict)    # kind -> stored RuleRun id
    params_by_rule: dict[str, dict] = field(default_factory=dict)  # code -> parameter values used
    export: str = ""   # how the snapshot tables were read: scanner, python (with why), mixed, parquet

    def summary(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.findings.num_rows,
            "by_rule": self.counts_by_rule,
            "skipped": self.skipped,
            "disabled": self.disabled,
        }


def select_rules(*, kinds: Iterable[str] | None, codes: Iterable[str] | None) -> list[RuleDef]:
    rules = list(CATALOG.rules.values())
    if kinds is not None:
        kinds = set(kinds)
        rules = [r for r in rules if r.kind in kinds]
    if codes is not None:
        codes = list(codes)
        unknown = [c for c in codes if c not in CATALOG.rules]
        if unknown:
            raise UserFacingError(f"未知的规则：{'、'.join(unknown)}。")
        rules = [r for r in rules if r.code in set(codes)]
    return sorted(rules, key=lambda r: (r.kind, r.code))


def needed_tables(rules: list[RuleDef]) -> tuple[list[str], list[str]]:
    """Base tables and views (in dependency order) the rules read; `households` is always needed."""
    tables: list[str] = ["households"]
    views: list[str] = []

    def visit(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in trail:
            raise ValueError(f"view cycle: {' -> '.join(trail + (name,))}")
        if name == "params":
            return
        if name in CATALOG.views:
            for dep in CATALOG.views[name].tables:
                visit(dep, trail + (name,))
            if name not in views:
                views.append(name)
        elif name in CATALOG.tables:
            if name not in tables:
                tables.append(name)
        else:
            raise ValueError(f"no snapshot table or view named {name}")

    for rule in rules:
        for name in rule.tables:
            visit(name)
    return tables, views


def _settings() -> dict[str, tuple[bool, dict]]:
    from .models import RuleSetting

    return {s.code: (s.enabled, s.params or {}) for s in RuleSetting.objects.all()}


def _params_table(values: ParamValues, yearly_used: dict[tuple[str, int], Decimal]) -> pa.Table:
    rows: dict[tuple[str, int | None], Decimal] = dict(values.explicit)
    rows.update(yearly_used)
    for name, definition in CATALOG.params.items():
        if not definition.yearly and (name, None) not in rows:
            scalar = values.scalar(name)
            if scalar is not None:
                rows[(name, None)] = scalar
    keys = sorted(rows, key=lambda k: (k[0], -1 if k[1] is None else k[1]))
    return pa.table({
        "name": pa.array([k[0] for k in keys], type=pa.string()),
        "year": pa.array([k[1] for k in keys], type=pa.int32()),
        "value": pa.array([rows[k] for k in keys], type=pa.decimal128(18, 4)),
        "value_text": pa.array([fmt(rows[k]) for k in keys], type=pa.string()),
    })


def run_rules(
    *,
    kinds: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    as_of: dt.date,
    prefix: str | None = None,
    engine: str | None = None,
    store: bool = True,
    user=None,
    snapshot: str | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> RunResult:
    """Evaluate the enabled rules of `kinds` (or exactly `codes`) over the region `prefix` at `as_of`.

    `engine` is "duckdb" (in process) or "spark" (PySpark: local, or the cluster of GONGGU_SPARK_MASTER);
    both run the same rule SQL. None: the deployment's default (`default_engine`). `snapshot` evaluates an existing Parquet snapshot (`gonggu snapshot`)
    instead of pulling the tables from the database now. `on_stage(name)` is called as each stage starts
    ("export", "evaluate", "write"), for benchmarks that measure them.
    """
    mark = on_stage or (lambda name: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    selected = select_rules(kinds=kinds, codes=codes)
    settings = _settings()
    disabled = [r.code for r in selected if not settings.get(r.code, (True, {}))[0]]
    rules = [r for r in selected if r.code not in disabled]
    skipped: list[dict] = []

    tables, views = needed_tables(rules)
    run = open_run(engine or default_engine())
    dialect = run.dialect
    try:
        # 1. Snapshot tables, once per run.
        mark("export")
        run.load(tables, prefix=prefix, as_of=as_of, snapshot=snapshot, timings=timings)
        export = getattr(run, "export_method", "")
        log.info("snapshot of %d tables read in %.2f s (%s)", len(tables), timings["export"], export)

        mark("evaluate")
        t0 = time.perf_counter()
        values = ParamValues.load()
        run.set_params(_params_table(values, {}))
        for name in views:
            view = CATALOG.views[name]
            run.create(name, dialect.translate(view.sql), materialise=view.materialise)
        timings["evaluate_views"] = time.perf_counter() - t0

        # 2. Parameters: scalar values (with this deployment's overrides) and the years each rule needs.
        plans: list[tuple[RuleDef, dict[str, str], dict]] = []
        yearly_used: dict[tuple[str, int], Decimal] = {}
        for rule in rules:
            overrides = settings.get(rule.code, (True, {}))[1]
            literals = {"as_of": dialect.date(as_of)}
            used: dict = {}
            missing = []
            for name in rule.params:
                definition = CATALOG.params.get(name)
                if definition is None or definition.yearly:
                    continue
                value = values.scalar(name, overrides)
                if value is None:
                    missing.append(f"缺少参数 {name}（{definition.title}）")
                    continue
                literals[name] = dialect.decimal(value)
                used[name] = fmt(value)
            if missing:
                skipped.append({"rule": rule.code, "reason": "；".join(missing) + "，本规则未检查"})
                continue
            if rule.param_years:
                try:
                    needed = run.rows(dialect.translate(_substitute(rule.param_years, literals)))
                except run.errors as exc:
                    log.exception("parameter years of rule %s failed", rule.code)
                    skipped.append({"rule": rule.code,
                                    "reason": f"规则参数年度查询出错（{type(exc).__name__}），请联系管理员"})
                    continue
                for name, year in sorted({(n, int(y)) for n, y in needed if y is not None}):
                    value = values.yearly(name, year)
                    if value is None:
                        skipped.append({"rule": rule.code,
                                        "reason": f"{values.reason(name, year)}，涉及该年度的数据未检查"})
                    else:
                        yearly_used[(name, year)] = value
                        used.setdefault(name, {})[str(year)] = fmt(value)
            plans.append((rule, literals, used))
        run.set_params(_params_table(values, yearly_used))
        timings["evaluate_params"] = time.perf_counter() - t0 - timings["evaluate_views"]

        # 3. Each rule's query, normalised to the findings schema.
        parts: list[str] = []
        evaluated: list[str] = []
        for i, (rule, literals, used) in enumerate(plans):
            table = f"r_{i}"
            try:
                run.create_rule(table, dialect.translate(_substitute(rule.sql, literals)))
            except run.errors as exc:
                log.exception("rule %s failed", rule.code)
                skipped.append({"rule": rule.code, "reason": f"规则查询执行出错（{type(exc).__name__}），请联系管理员"})
                continue
            parts.append(_normalise(dialect, rule, table, run.columns(table), used))
            evaluated.append(rule.code)
        t1 = time.perf_counter()
        if parts:
            union = " UNION ALL ".join(f"SELECT * FROM ({p}) q{i}" for i, p in enumerate(parts))
            findings = run.collect(dialect.translate(union)).cast(FINDING_SCHEMA)
        else:
            findings = FINDING_SCHEMA.empty_table()
        timings["evaluate_collect"] = time.perf_counter() - t1
        timings["evaluate"] = time.perf_counter() - t0
    finally:
        run.close()

    counts = dict.fromkeys(evaluated, 0)
    if findings.num_rows:
        for entry in pc.value_counts(findings.column("rule")).to_pylist():
            counts[entry["values"]] = entry["counts"]
    result = RunResult(as_of=as_of, findings=findings, skipped=skipped, timings=timings, counts_by_rule=counts,
                       rules=[r.code for r in rules], disabled=disabled, prefix=prefix,
                       params_by_rule={rule.code: used for rule, _literals, used in plans}, export=export)
    if store:
        mark("write")
        t0 = time.perf_counter()
        from .services import run_store

        result.runs = run_store(result, kinds={r.kind for r in rules}, user=user)
        timings["write"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    return result


def _substitute(sql: str, literals: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: literals.get(m.group(1), m.group(0)), sql)


def _normalise(dialect: Dialect, rule: RuleDef, table: str, typed: list[tuple[str, str]], used: dict) -> str:
    s = dialect.string
    columns = [name for name, _type in typed]
    cols = set(columns)
    if "household_id" in cols:
        join = "JOIN households h ON h.household_id = r.household_id"
        household_no, region = "h.household_no", "h.region_code"
    elif "household_no" in cols:
        match_region = " AND h.region_code = r.region_code" if "region_code" in cols else ""
        join = f"LEFT JOIN households h ON h.household_no = r.household_no{match_region}"
        household_no = "r.household_no"
        region = "COALESCE(r.region_code, h.region_code)" if "region_code" in cols else "h.region_code"
    elif "region_code" in cols:
        # A finding about a village, township or county as a whole (a work duty, a project, a target), not
        # about one household: no household, the region it concerns.
        join = ""
        household_no, region = "CAST('' AS VARCHAR)", "r.region_code"
    else:
        raise ValueError(f"rule {rule.code} returns neither household_id, household_no nor region_code")
    household_id = "h.household_id" if join else "CAST(NULL AS BIGINT)"
    id_number = "CAST(r.id_number AS VARCHAR)" if "id_number" in cols else "CAST(NULL AS VARCHAR)"
    grade = f"COALESCE(r.grade, {s(rule.grade)})" if "grade" in cols else s(rule.grade)
    risk = f"COALESCE(r.risk_type, {s(rule.risk_type)})" if "risk_type" in cols else s(rule.risk_type)
    detail = "COALESCE(CAST(r.detail AS VARCHAR), '')" if "detail" in cols else "''"
    if "evidence" in cols:
        evidence = "CAST(r.evidence AS VARCHAR)"
    else:
        evidence = dialect.json_object([(c[3:], dialect.evidence_value(f"r.{c}", t))
                                        for c, t in typed if c.startswith("ev_")])
    params = s(json.dumps(used, ensure_ascii=False, sort_keys=True))
    select = (f"SELECT {s(rule.code)} AS rule, {int(rule.version)} AS rule_version, {s(rule.kind)} AS kind, "
              f"{household_no} AS household_no, {id_number} AS id_number, {region} AS region_code, "
              f"{grade} AS grade, {risk} AS risk_type, {detail} AS detail, {evidence} AS evidence, "
              f"{params} AS params, {household_id} AS household_id FROM {table} r {join}")
    if rule.kind != "screening":
        return select
    # Screening: one warning per (rule, household); the first person is named, the others counted.
    return (f"SELECT rule, rule_version, kind, household_no, id_number, region_code, grade, risk_type, "
            f"CASE WHEN n > 1 THEN detail || '（本户共 ' || CAST(n AS VARCHAR) || ' 人符合）' ELSE detail END AS detail, "
            f"evidence, params, household_id FROM ("
            f"SELECT *, ROW_NUMBER() OVER (PARTITION BY household_no, region_code ORDER BY id_number NULLS FIRST, detail, evidence) AS rn, "
            f"COUNT(*) OVER (PARTITION BY household_no, region_code) AS n FROM ({select}) x) y WHERE rn = 1")
