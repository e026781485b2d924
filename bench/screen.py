"""Screening benchmark: a synthetic county of N persons, screened by the rule engine, stage by stage.

    GONGGU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonggu_bench \\
        .venv/bin/python bench/screen.py --persons 1000000 [--engine duckdb|spark] [--keep] [--reuse]

Writes a synthetic county (code 419901, about N/3 households of three, two income years, the nine
department lists at realistic rates, some rows about people of other counties) straight into the
database with set-based SQL (INSERT … SELECT over a generated series), then measures these stages:

- generate: writing the county (absent when --reuse finds one of the same size),
- export, evaluate, write: the screening rules — snapshot tables pulled from the database as Arrow,
  every rule evaluated (derived views, parameters, rule queries, findings collected), findings stored
  (RuleRun + Finding, one bulk write),
- quality: the data-quality rules (their own export, evaluate and write),
- bare_join: for comparison, a bare DuckDB join of the same persons with six department lists (the
  same Arrow tables, pulled again beforehand through Python in the stage bare_join_pull, which is not
  part of the total); skipped with --engine spark,
- screening_run: `screening_run` end to end as the background job calls it (engine run, then the
  warnings written), when the screening app is installed; with --engine passed through.
- with --ledgers: the county's 稳岗就业, 易地搬迁, 兜底保障 and 小额信贷 ledgers written set-based
  (generate_ledgers, bench/ledger_county.py), their rules run group by group (ledgers.<group>.*), then
  the screening rules alone again (screening_alone.*, warm like the next) and once together with the
  ledger rules (screening_with_ledgers.*): the difference is what the ledger rules add to a screening
  run (`ledgers_added`). --only-ledgers skips quality, the bare join and screening_run.

Every stage reports wall seconds, CPU seconds of this process (all threads; the database server's
own CPU is not included) and its peak resident memory. On Linux the peak is reset at each stage
start (`5` written to /proc/self/clear_refs) and read from VmHWM in /proc/self/status, so each stage
has its own peak; the resident size at the stage start is reported beside it (what earlier stages
still hold). Where that is not possible the process's ru_maxrss is used, which never goes down.
With --engine spark, processes started by this one (the JVM) are reported apart: their CPU and the
sum of their peaks.

Prints one JSON document on standard output (progress on standard error). Use a database of its
own: the bench county is removed at the start (unless --reuse finds one of the requested size) and,
unless --keep, at the end. bench/growth.py runs this for several N and prints the growth table.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import gc
import json
import os
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ledger_county  # noqa: E402

COUNTY = "419901"
CITY = "419900000000"
PROVINCE = "410000000000"
AS_OF = dt.date(2026, 6, 30)
YEAR = 2025          # latest income year
TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 20
PER_HOUSEHOLD = 3
BLOCK = 9000         # birth dates cycle over 9000 days; the sequence digits tell people of one date apart
PER_AREA = BLOCK * 499
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SIX_LISTS = ("mz_assistance", "yb_enrolment", "cl_disability", "jy_student", "rs_employment", "ga_deregistration")
# The tables the bench county fills; vacuumed after it is removed or written, so that every run scans
# tables without dead rows and with hint bits set (the first scan after a bulk write would set them).
BENCH_TABLES = ("registry_household", "registry_person", "registry_incomeaccount", "dataio_intakebatch", "sources_fact",
                "rules_rulerun", "rules_finding", "screening_screeningrun", "screening_warning",
                "screening_warningevent", *ledger_county.TABLES)
# The bench county's department-list batches (intake batches of a `dept.` format).
DEPT_BATCH = "format LIKE 'dept.%%' AND region_code BETWEEN %s AND %s"
STAGE_LINE = "stage {name} begins"   # bench/growth.py reads these lines to tell where a run stopped


class Meter:
    """Wall time, CPU time and peak resident memory of consecutive stages of this process.

    `begin(name)` ends the current stage and starts the next one, so the engine's own stages (which
    follow each other inside one `run_rules` call) can be marked from hooks without a gap.
    """

    def __init__(self):
        self.stages: dict[str, dict] = {}
        self.current: str | None = None
        self.resettable = self._reset_peak()
        self.method = ("VmHWM, reset per stage (/proc/self/clear_refs)" if self.resettable
                       else "ru_maxrss (process peak so far, not reset)")
        self._start: dict = {}

    @staticmethod
    def _status_kb() -> dict[str, int]:
        try:
            text = Path("/proc/self/status").read_text()
        except OSError:
            return {}
        return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M)}

    @staticmethod
    def _reset_peak() -> bool:
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
        except OSError:
            return False
        return "VmHWM" in Meter._status_kb()

    def rss_mb(self) -> float:
        status = self._status_kb()
        if "VmRSS" in status:
            return status["VmRSS"] / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def peak_mb(self) -> float:
        status = self._status_kb() if self.resettable else {}
        if "VmHWM" in status:
            return status["VmHWM"] / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    @staticmethod
    def _cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def begin(self, name: str) -> None:
        self.end()
        note(STAGE_LINE.format(name=name))
        if self.resettable:
            self._reset_peak()
        children = _children()
        for pid in children:
            _reset_child_peak(pid)
        self.current = name
        self._start = {"wall": time.perf_counter(), "cpu": self._cpu(), "rss": self.rss_mb(),
                       "children_cpu": _children_cpu(children) + _reaped_cpu()}

    def end(self, error: str | None = None) -> None:
        if self.current is None:
            return
        children = _children()
        record = {
            "wall_s": round(time.perf_counter() - self._start["wall"], 3),
            "cpu_s": round(self._cpu() - self._start["cpu"], 2),
            "peak_mb": round(self.peak_mb()),
            "rss_start_mb": round(self._start["rss"]),
            "rss_end_mb": round(self.rss_mb()),
            "load_1m_at_end": round(os.getloadavg()[0], 2),
        }
        child_cpu = _children_cpu(children) + _reaped_cpu() - self._start["children_cpu"]
        if children or child_cpu > 0.005:
            record["children_cpu_s"] = round(child_cpu, 2)
            record["children_peak_mb"] = round(sum(_child_peak_kb(pid) for pid in children) / 1024)
        if error:
            record["error"] = error
        self.stages[self.current] = record
        note(f"stage {self.current}: {record}")
        self.current = None

    @contextlib.contextmanager
    def stage(self, name: str):
        self.begin(name)
        try:
            yield
        except Exception as exc:
            self.end(error=f"{type(exc).__name__}: {exc}")
            raise
        self.end()

    def summary(self, group: str) -> dict | None:
        """One stage, or the stages named `group.*` added up (wall and CPU summed, the highest peak)."""
        if group in self.stages:
            return self.stages[group]
        parts = [v for k, v in self.stages.items() if k.startswith(group + ".")]
        if not parts:
            return None
        merged = {"wall_s": round(sum(p["wall_s"] for p in parts), 3), "cpu_s": round(sum(p["cpu_s"] for p in parts), 2),
                  "peak_mb": max(p["peak_mb"] for p in parts), "rss_start_mb": parts[0]["rss_start_mb"]}
        if any("children_cpu_s" in p for p in parts):
            merged["children_cpu_s"] = round(sum(p.get("children_cpu_s", 0) for p in parts), 2)
            merged["children_peak_mb"] = max(p.get("children_peak_mb", 0) for p in parts)
        errors = [p["error"] for p in parts if "error" in p]
        if errors:
            merged["error"] = errors[0]
        return merged


def _children() -> list[int]:
    """Live processes started by this one, at any depth (the Spark JVM and its helpers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    found, frontier = [], [os.getpid()]
    while frontier:
        parent = frontier.pop()
        kids = [pid for pid, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def _children_cpu(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])    # utime, stime
    return total / ticks


def _reaped_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reset_child_peak(pid: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def _child_peak_kb(pid: int) -> int:
    try:
        match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


def settle() -> None:
    """Hand freed memory back to the system between stages, so that the next stage's start is its own."""
    gc.collect()
    with contextlib.suppress(ImportError):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def engine_stages(meter: Meter, group: str):
    """Mark the engine's stages as `group.<name>` through its `on_stage` hook: export, evaluate, write
    (findings stored) and, inside screening_run, the warnings. Yields the callback to pass as `on_stage=`.

    Export begins on entry, so choosing the rules and opening the backend (a Spark session) count in it.
    """
    def on_stage(name: str) -> None:
        stage = f"{group}.{'warnings' if name == 'write_warnings' else name}"
        if stage != meter.current:  # export is already running; beginning it again would lose its start
            meter.begin(stage)

    with meter.stage(f"{group}.export"):
        yield on_stage


class Sql:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"

    def series(self, n: int) -> str:
        if self.pg:
            return f"SELECT g::bigint AS i FROM generate_series(1, {n}) g"
        return f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"

    def add_days(self, base: str, days: str) -> str:
        return f"(DATE '{base}' + CAST({days} AS INTEGER))" if self.pg else f"date('{base}', ({days}) || ' days')"

    def ymd(self, date_expr: str) -> str:
        return f"to_char({date_expr}, 'YYYYMMDD')" if self.pg else f"strftime('%Y%m%d', {date_expr})"

    def now(self) -> str:
        return "now()" if self.pg else "datetime('now')"

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def pad(self, expr: str, width: int) -> str:
        if self.pg:
            return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
        return f"substr('{'0' * width}' || ({expr}), -{width}, {width})"

    def bool(self, expr: str) -> str:
        return f"({expr})" if self.pg else f"(CASE WHEN {expr} THEN 1 ELSE 0 END)"


def rnd(i: str, salt: int, mod: int = 100) -> str:
    """A deterministic pseudo-random number 0..mod-1 from a row number and a salt (64-bit integer arithmetic).

    The square breaks the additive relation between salts (with a linear hash, `rnd(i, 25) < 5` would
    decide `rnd(i, 26)` too)."""
    h = f"((({i}) * 2654435761 + {salt * 40503 + 17}) % 1000003)"
    return f"((({h} * {h}) + {salt * 7919}) % 999983 % {mod})"


def check_digit(first17: str) -> str:
    total = " + ".join(f"CAST(substr({first17}, {k + 1}, 1) AS INTEGER) * {w}" for k, w in enumerate(WEIGHTS))
    return f"substr('10X98765432', (({total}) % 11) + 1, 1)"


def note(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount



def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def clear_results() -> None:
    """Remove the findings, warnings and runs of the bench county (a reused county starts without them)."""
    low, high = f"{COUNTY}000000", f"{COUNTY}999999"
    present = _tables()
    with transaction.atomic():
        execute("DELETE FROM rules_finding WHERE region_code BETWEEN %s AND %s", [low, high])
        if {"screening_warning", "screening_warningevent", "screening_screeningrun"} <= present:
            # Set-based: the ORM would load every warning to cascade to its events.
            execute("DELETE FROM screening_warningevent WHERE warning_id IN "
                    "(SELECT id FROM screening_warning WHERE region_code BETWEEN %s AND %s)", [low, high])
            execute("DELETE FROM screening_warning WHERE region_code BETWEEN %s AND %s", [low, high])
            from gonggu.screening.models import ScreeningRun

            ScreeningRun.objects.filter(prefix__startswith=COUNTY).delete()
        from gonggu.rules.models import RuleRun

        RuleRun.objects.filter(prefix__startswith=COUNTY).delete()


def clear_bench() -> None:
    low, high = f"{COUNTY}000000", f"{COUNTY}999999"
    clear_results()
    statements = [
        f"DELETE FROM sources_fact WHERE batch_id IN (SELECT id FROM dataio_intakebatch WHERE {DEPT_BATCH})",
        f"DELETE FROM dataio_intakeissue WHERE batch_id IN (SELECT id FROM dataio_intakebatch WHERE {DEPT_BATCH})",
        f"DELETE FROM dataio_intakebatch WHERE {DEPT_BATCH}",
        "DELETE FROM registry_incomeaccount WHERE household_id IN "
        "(SELECT id FROM registry_household WHERE region_code BETWEEN %s AND %s)",
        "DELETE FROM registry_person WHERE region_code BETWEEN %s AND %s",
        "DELETE FROM registry_household WHERE region_code BETWEEN %s AND %s",
    ]
    with transaction.atomic():
        ledger_county.clear(execute, COUNTY)   # first: the ledgers' rows point at households and persons
        for sql in statements:
            execute(sql, [low, high])
        from gonggu.regions.models import Region

        for level in ("village", "township", "county"):
            Region.objects.filter(code__startswith=COUNTY, level=level).delete()


def vacuum(analyze: bool) -> None:
    """VACUUM the bench tables (PostgreSQL; outside any transaction): dead rows gone, hint bits set."""
    if connection.vendor != "postgresql":
        return
    present = _tables()
    tables = ", ".join(t for t in BENCH_TABLES if t in present)
    execute(f"VACUUM {'(ANALYZE) ' if analyze else ''}{tables}")


def build_regions():
    from gonggu.core.codes import PREFIX_LENGTH, Level
    from gonggu.regions.models import Region

    def get(code, name, level, parent):
        region = Region.objects.filter(code=code).first()
        return region or Region.objects.create(code=code, name=name, level=level, parent=parent,
                                               prefix=code[:PREFIX_LENGTH[level]])

    province = get(PROVINCE, "河南省", Level.PROVINCE, None)
    city = get(CITY, "基准市", Level.CITY, province)
    county = get(f"{COUNTY}000000", "基准县", Level.COUNTY, city)
    villages = []
    for t in range(TOWNSHIPS):
        town = get(f"{COUNTY}{100 + t:03d}000", f"基准{t + 1}镇", Level.TOWNSHIP, county)
        for v in range(VILLAGES_PER_TOWNSHIP):
            villages.append(get(f"{COUNTY}{100 + t:03d}{201 + v:03d}", f"基准{t + 1}-{v + 1}村", Level.VILLAGE, town))
    return county, villages


def generate(n_persons: int) -> dict:
    """The synthetic county, written with set-based SQL; returns row counts."""
    sql = Sql()
    county, villages = build_regions()
    n_villages = len(villages)
    v_ids = [v.pk for v in villages]
    execute("CREATE TEMPORARY TABLE bench_village (k INTEGER PRIMARY KEY, region_id BIGINT, code VARCHAR(12))")
    execute("INSERT INTO bench_village (k, region_id, code) VALUES " +
            ", ".join(f"({k}, {pk}, '{v.code}')" for k, (pk, v) in enumerate(zip(v_ids, villages, strict=True))))
    n_households = -(-n_persons // PER_HOUSEHOLD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM registry_household")
        hh_base = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM registry_person")
        p_base = cursor.fetchone()[0]
    now = sql.now()

    # Households: 10 % 脱贫户, 1.5 % 监测户, the rest 一般农户.
    kind = (f"CASE WHEN {rnd('i', 1, 1000)} < 100 THEN '脱贫户' WHEN {rnd('i', 1, 1000)} < 115 THEN '监测户' "
            "ELSE '一般农户' END")
    mtype = f"CASE WHEN {rnd('i', 1, 1000)} BETWEEN 100 AND 114 THEN '边缘易致贫户' ELSE '' END"
    execute(f"""
        INSERT INTO registry_household (id, created_at, updated_at, household_no, county_code, region_code,
            household_type, monitoring_type, relocated, head_name, village_id)
        SELECT {hh_base} + s.i, {now}, {now}, 'B' || {sql.pad('s.i', 8)}, '{COUNTY}', v.code, {kind}, {mtype},
               {sql.bool('1 = 0')}, '', v.region_id
        FROM ({sql.series(n_households)}) s JOIN bench_village v ON v.k = s.i % {n_villages}
    """)

    note(f"{n_households} households")
    # Persons: three per household (户主, 配偶, 子/女); birth dates cycle over BLOCK days per relation,
    # the sequence digits (parity = gender) keep numbers unique; the check digit is computed in SQL.
    rel = "((s.i - 1) % 3)"
    birth = (f"CASE WHEN {rel} = 0 THEN {sql.add_days('1950-01-01', f'(s.i % {BLOCK})')} "
             f"WHEN {rel} = 1 THEN {sql.add_days('1952-01-01', f'(s.i % {BLOCK})')} "
             f"ELSE {sql.add_days('2001-07-01', f'(s.i % {BLOCK})')} END")
    male = f"(CASE WHEN {rel} = 0 THEN 1 WHEN {rel} = 1 THEN 0 ELSE (s.i / 3) % 2 END)"
    area = f"{sql.text(f'419901 + s.i / {PER_AREA}')}"
    seq = sql.pad(f"2 * ((s.i / {BLOCK}) % 499) + 2 - {male}", 3)
    execute(f"""
        CREATE TEMPORARY TABLE bench_people AS
        SELECT s.i, {area} || {sql.ymd(birth)} || {seq} AS first17, {birth} AS birth, {male} AS male, {rel} AS rel
        FROM ({sql.series(n_persons)}) s
    """)
    age = f"({AS_OF.year} - CAST(substr(b.first17, 7, 4) AS INTEGER))"
    labour = (f"CASE WHEN {age} < 16 THEN '无劳动力' WHEN {age} >= 65 THEN '弱劳动力或半劳动力' "
              f"WHEN {rnd('b.i', 3)} < 80 THEN '普通劳动力' WHEN {rnd('b.i', 3)} < 90 THEN '技能劳动力' "
              "ELSE '弱劳动力或半劳动力' END")
    health = (f"CASE WHEN {rnd('b.i', 4)} < 3 THEN '残疾' WHEN {rnd('b.i', 4)} < 8 THEN '长期慢性病' "
              f"WHEN {rnd('b.i', 4)} < 10 THEN '患有大病' ELSE '健康' END")
    grade = (f"CASE WHEN {rnd('b.i', 4)} < 3 THEN "
             f"(CASE {rnd('b.i', 5, 4)} WHEN 0 THEN '一级' WHEN 1 THEN '二级' WHEN 2 THEN '三级' ELSE '四级' END) "
             "ELSE '' END")
    school = (f"CASE WHEN {age} BETWEEN 6 AND 11 THEN '小学' WHEN {age} BETWEEN 12 AND 14 THEN '初中' "
              f"WHEN {age} BETWEEN 15 AND 17 THEN '高中' ELSE '非在校生' END")
    months = f"CASE WHEN {age} BETWEEN 18 AND 59 AND {rnd('b.i', 6)} < 62 THEN 6 + {rnd('b.i', 7, 7)} ELSE 0 END"
    execute(f"""
        INSERT INTO registry_person (id, created_at, updated_at, region_code, id_number, name, relation, gender,
            birth_date, labour_ability, health, disability_grade, school_status, work_months, work_place,
            medical_insured, status, household_id)
        SELECT {p_base} + b.i, {now}, {now}, h.region_code, b.first17 || {check_digit('b.first17')},
               '基准' || {sql.text('b.i')},
               CASE WHEN b.rel = 0 THEN '户主' WHEN b.rel = 1 THEN '配偶' WHEN b.male = 1 THEN '子' ELSE '女' END,
               CASE WHEN b.male = 1 THEN 'M' ELSE 'F' END, b.birth, {labour}, {health}, {grade}, {school}, {months},
               '', {sql.bool(f"{rnd('b.i', 8)} < 98")}, '在册', {hh_base} + (b.i - 1) / 3 + 1
        FROM bench_people b JOIN registry_household h ON h.id = {hh_base} + (b.i - 1) / 3 + 1
    """)

    note(f"{n_persons} persons")
    # Incomes of the two latest years: per capita spread so that some 8 % fall under the line, a few drop.
    pc = f"(4000 + {rnd('s.i', 9, 30000)})"
    prev = f"(CASE WHEN {rnd('s.i', 10)} < 3 THEN {pc} * 2 ELSE {pc} * 0.95 END)"
    for year, value in ((YEAR - 1, prev), (YEAR, pc)):
        execute(f"""
            INSERT INTO registry_incomeaccount (created_at, updated_at, year, wage, business, property, transfer,
                business_expense, household_size, net_income, per_capita, household_id)
            SELECT {now}, {now}, {year}, ROUND({value} * 3, 2), 0, 0, 0, 0, 3, ROUND({value} * 3, 2),
                   ROUND({value}, 2), {hh_base} + s.i
            FROM ({sql.series(n_households)}) s
        """)
    counts = {"households": n_households, "persons": n_persons, "incomes": 2 * n_households}
    counts["facts"] = generate_facts(sql, p_base)
    if sql.pg:
        from django.core.management.color import no_style

        from gonggu.registry.models import Household, IncomeAccount, Person

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Household, Person, IncomeAccount]):
                cursor.execute(statement)
    execute("DROP TABLE bench_people")
    execute("DROP TABLE bench_village")
    return counts


def generate_facts(sql: Sql, p_base: int) -> dict:
    """The nine lists at realistic rates, one batch each (住建 two rounds), with rows of other counties."""
    from gonggu.sources.models import Batch
    from gonggu.sources.specs import DEPT_PREFIX

    as_of = AS_OF - dt.timedelta(days=20)
    counts = {}
    age = f"({AS_OF.year} - CAST(substr(p.id_number, 7, 4) AS INTEGER))"
    i = f"(p.id - {p_base})"
    lists = {
        # source: (filter, category, status, grade, fact_date days-before, year, amount, amount2, months)
        "mz_assistance": (f"{rnd(i, 11)} < 5",
                          f"CASE {rnd(i, 12, 10)} WHEN 0 THEN '特困' WHEN 1 THEN '低保边缘' WHEN 2 THEN '临时救助' "
                          "ELSE '低保' END", f"CASE WHEN {rnd(i, 13)} < 90 THEN '在保' ELSE '停保' END", "''",
                          f"400 + {rnd(i, 14, 2000)}", "NULL", "NULL", "NULL", "NULL"),
        "yb_enrolment": ("1 = 1", "''",
                         f"CASE WHEN {rnd(i, 15, 1000)} < 8 THEN '未参保' WHEN {rnd(i, 15, 1000)} < 13 THEN '中断' "
                         f"WHEN {rnd(i, 15, 1000)} < 40 THEN '异地参保' ELSE '已参保' END", "''", "NULL",
                         str(AS_OF.year), "NULL", "NULL", "NULL"),
        "yb_expense": (f"{rnd(i, 16)} < 10", "''", "''", "''", "NULL", str(YEAR),
                       f"1000 + {rnd(i, 17, 60000)}", f"300 + {rnd(i, 18, 20000)}", "NULL"),
        "cl_disability": ("p.health = '残疾'", "'肢体'", "''", "p.disability_grade",
                          f"CASE WHEN {rnd(i, 19)} < 10 THEN 1 + {rnd(i, 20, 300)} ELSE 400 + {rnd(i, 20, 3000)} END",
                          "NULL", "NULL", "NULL", "NULL"),
        "jy_student": (f"{age} BETWEEN 6 AND 17", "p.school_status",
                       f"CASE WHEN {rnd(i, 21, 1000)} < 4 THEN '辍学' WHEN {rnd(i, 21, 1000)} < 12 THEN '疑似辍学' "
                       "ELSE '在校' END", "''", "NULL", "NULL", "NULL", "NULL", "NULL"),
        "rs_employment": (f"{age} BETWEEN 16 AND 59 AND {rnd(i, 22)} < 40", "''",
                          f"CASE WHEN {rnd(i, 23)} < 6 THEN '失业' WHEN {rnd(i, 23)} < 15 THEN '返乡未就业' "
                          "ELSE '已就业' END", "''", "NULL", "NULL", "NULL", "NULL", f"{rnd(i, 24, 13)}"),
        "ga_deregistration": (f"{rnd(i, 25, 1000)} < 5", "''",
                              f"CASE WHEN {rnd(i, 26)} < 70 THEN '死亡' ELSE '迁出' END", "''",
                              f"1 + {rnd(i, 27, 90)}", "NULL", "NULL", "NULL", "NULL"),
        "zj_housing_old": (f"p.relation = '户主' AND {rnd(i, 28)} < 3", "''", "''",
                           f"CASE {rnd(i, 29, 10)} WHEN 0 THEN 'D' WHEN 1 THEN 'C' WHEN 2 THEN 'C' ELSE 'B' END",
                           f"300 + {rnd(i, 30, 200)}", "NULL", "NULL", "NULL", "NULL"),
        "zj_housing": (f"p.relation = '户主' AND {rnd(i, 28)} < 1", "''", "''",
                       f"CASE {rnd(i, 31, 4)} WHEN 0 THEN 'C' ELSE 'A' END", f"1 + {rnd(i, 30, 60)}",
                       "NULL", "NULL", "NULL", "NULL"),
        "yj_disaster": (f"p.relation = '户主' AND {rnd(i, 32)} < 2", "'洪涝'", "''", "''", f"1 + {rnd(i, 33, 360)}",
                        "NULL", f"500 + {rnd(i, 34, 40000)}", "NULL", "NULL"),
    }
    for key, (where, category, status, grade, days, year, amount, amount2, months) in lists.items():
        source = "zj_housing" if key.startswith("zj_housing") else key
        batch_as_of = as_of - dt.timedelta(days=200) if key == "zj_housing_old" else as_of
        batch = Batch.objects.create(format=f"{DEPT_PREFIX}{source}", region_code=f"{COUNTY}000000",
                                     file_name=f"{key}.xlsx", checksum=f"bench-{key}-{time.time_ns()}",
                                     as_of=batch_as_of, status=Batch.Status.APPLIED)
        fact_date = "NULL" if days == "NULL" else sql.add_days(AS_OF.isoformat(), f"-({days})")
        select = (f"SELECT {batch.pk}, '{source}', '{batch_as_of.isoformat()}', ROW_NUMBER() OVER (ORDER BY p.id) + 1, "
                  f"{{id}}, CASE WHEN {rnd(i, 36, 1000)} < 3 THEN p.name || '甲' ELSE p.name END, {category}, {status}, {grade}, {fact_date}, {year}, {amount}, {amount2}, "
                  f"{months}, '' FROM registry_person p WHERE p.region_code BETWEEN '{COUNTY}000000' "
                  f"AND '{COUNTY}999999' AND {where}")
        columns = ("INSERT INTO sources_fact (batch_id, source, as_of, row_number, id_number, name, category, status, "
                   "grade, fact_date, year, amount, amount2, months, place) ")
        n = execute(columns + select.format(id="p.id_number"))
        # About 1 % of every list is about people registered elsewhere (unmatched rows).
        stranger = "'419999' || substr(p.id_number, 7, 11)"
        stranger = f"{stranger} || {check_digit(stranger)}"
        n += execute(columns + select.format(id=stranger) + f" AND {rnd(i, 35)} < 1")
        Batch.objects.filter(pk=batch.pk).update(rows=n, accepted=n, unmatched=0)
        counts[key] = n
        note(f"{key}: {n} rows")
    return counts



def bare_join(tables: dict) -> int:
    """Persons joined with six department lists in DuckDB and materialised: the comparison figure."""
    import duckdb

    con = duckdb.connect()
    con.register("persons", tables["persons"])
    joins, cols = [], ["p.*"]
    for k, source in enumerate(SIX_LISTS):
        con.register(f"d{k}", tables[f"dept_{source}"])
        joins.append(f"LEFT JOIN d{k} ON d{k}.id_number = p.id_number")
        cols.append(f"d{k}.* EXCLUDE (id_number)")
    joined = con.sql(f"SELECT {', '.join(cols)} FROM persons p {' '.join(joins)}").to_arrow_table()
    con.close()
    assert joined.num_rows == tables["persons"].num_rows
    return joined.num_rows


def rule_report(result) -> dict:
    t = result.timings
    return {
        "engine_timings": {k: round(v, 3) for k, v in t.items()},
        "export": getattr(result, "export", ""),   # how the snapshot was read: scanner or python (why)
        "findings": result.findings.num_rows,
        "by_rule": result.counts_by_rule,
        "skipped": result.skipped,
    }


class _Skipped(Exception):
    """A stage left out by an option."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"),
                        help="evaluation engine passed to run_rules (default duckdb); spark skips the bare join")
    parser.add_argument("--keep", action="store_true", help="leave the bench county in the database")
    parser.add_argument("--no-screening-app", action="store_true", help="skip screening_run (warnings) timing")
    parser.add_argument("--reuse", action="store_true",
                        help="time again on a bench county of the same size kept by an earlier --keep run")
    parser.add_argument("--clear", action="store_true", help="only remove the bench county, measure nothing")
    parser.add_argument("--ledgers", action="store_true",
                        help="also the work-area ledgers and their rules, by group and added to the screening rules")
    parser.add_argument("--only-ledgers", action="store_true",
                        help="with --ledgers: skip quality, the bare join and screening_run")
    args = parser.parse_args()
    if args.persons > 20 * PER_AREA:
        parser.error("at most 89 million persons")

    call_command("migrate", verbosity=0)
    if args.clear:
        clear_bench()
        vacuum(analyze=True)
        note("bench county removed")
        return
    from gonggu.registry.models import Person
    from gonggu.rules.catalog import CATALOG
    from gonggu.rules.engine import run_rules
    from gonggu.rules.services import param_set

    settle()
    meter = Meter()
    baseline_mb = round(meter.rss_mb())
    started = time.perf_counter()
    load_samples = [os.getloadavg()]
    failures: list[str] = []

    existing = Person.objects.filter(region_code__startswith=COUNTY).count() if args.reuse else -1
    if existing == args.persons:
        note("reusing the kept bench county; clearing its earlier findings and warnings")
        clear_results()
        vacuum(analyze=False)
        counts = {"persons": existing, "reused": True}
    else:
        note("clearing an earlier bench county")
        clear_bench()
        vacuum(analyze=False)
        with meter.stage("generate"):
            with transaction.atomic():
                counts = generate(args.persons)
            vacuum(analyze=True)
    if args.ledgers and not ledger_county.present(COUNTY):
        with meter.stage("generate_ledgers"):
            with transaction.atomic():
                villages = [f"{COUNTY}{100 + t:03d}{201 + v:03d}" for t in range(TOWNSHIPS)
                            for v in range(VILLAGES_PER_TOWNSHIP)]
                counts["ledgers"] = ledger_county.generate(Sql(), execute, rnd, COUNTY, TOWNSHIPS, villages, YEAR,
                                                           note)
            vacuum(analyze=True)
    settle()
    if args.ledgers:
        # The ledger rules' parameters without a default: the local minimum wage, the 低保 standard of the years of
        # 临时救助, the county's overdue standard, the rural incomes of the two income years.
        param_set(name="min_wage_monthly", value="2000")
        param_set(name="loan_overdue_rate", value="0.05")
        for year in (YEAR - 1, YEAR, YEAR + 1):
            param_set(name="dibao_urban_monthly", value="750", year=year)
        for year, province, nation in ((YEAR - 1, "19500", "20100"), (YEAR, "20600", "21300")):
            param_set(name="rural_income_province", value=province, year=year)
            param_set(name="rural_income_national", value=nation, year=year)
    for year, growth in ((2023, "0.066"), (2024, "0.062")):
        param_set(name="rural_income_growth", value=growth, year=year)
    param_set(name="disposable_income", value="32400", year=YEAR - 1)

    prefix = COUNTY
    report: dict = {"persons": args.persons, "engine": args.engine, "database": connection.vendor,
                    "memory_method": meter.method, "baseline_rss_mb": baseline_mb, "generated": counts}

    # Screening rules: export, evaluate, write as three stages of one run_rules call.
    try:
        with engine_stages(meter, "rules") as on_stage:
            result = run_rules(kinds=["screening"], as_of=AS_OF, prefix=prefix, engine=args.engine,
                               on_stage=on_stage)
        report["screening_rules"] = rule_report(result)
        del result
    except Exception as exc:  # a failing engine (e.g. spark not ready) is reported, the other stages still run
        failures.append(f"screening rules: {type(exc).__name__}: {exc}")
    settle()
    load_samples.append(os.getloadavg())

    if args.ledgers:
        ledger_county.run_groups(meter, report, failures, engine=args.engine, prefix=prefix, as_of=AS_OF,
                                 stages=engine_stages, settle=settle, report_of=rule_report)
        load_samples.append(os.getloadavg())
    quick = args.ledgers and args.only_ledgers
    try:
        if quick:
            raise _Skipped
        with engine_stages(meter, "quality") as on_stage:
            quality = run_rules(kinds=["quality"], as_of=AS_OF, prefix=prefix, engine=args.engine,
                                on_stage=on_stage)
        report["quality_rules"] = rule_report(quality)
        del quality
    except _Skipped:
        pass
    except Exception as exc:
        failures.append(f"quality rules: {type(exc).__name__}: {exc}")
    settle()
    load_samples.append(os.getloadavg())

    if args.engine == "duckdb" and not quick:
        # The bare join reads the very tables the engine exported (pulled again, a stage of its own that
        # is not part of the total); its peak therefore includes those tables, as evaluate's does.
        # Pulled inside a transaction, hence through Python (DuckDB's scanner would not see uncommitted rows):
        # beside rules.export, which the scanner reads when installed, this is what the Python pull costs.
        with meter.stage("bare_join_pull"), transaction.atomic():
            tables = {name: CATALOG.tables[name].build(prefix=prefix, as_of=AS_OF)
                      for name in ("persons", *(f"dept_{s}" for s in SIX_LISTS))}
        with meter.stage("bare_join"):
            bare_join(tables)
        del tables
        settle()
        load_samples.append(os.getloadavg())

    if not args.no_screening_app and not quick:
        try:
            from gonggu.screening.services import screening_run
        except ImportError:
            screening_run = None
        if screening_run is not None:
            try:
                with engine_stages(meter, "screening_run") as on_stage:
                    # As the background job runs it (no per-warning rows collected for a page).
                    outcome = screening_run(as_of=AS_OF, prefix=prefix, engine=args.engine, collect=False,
                                            on_stage=on_stage)
                report["screening_run"] = {"written": outcome.written.as_dict()}
                del outcome
            except Exception as exc:
                failures.append(f"screening_run: {type(exc).__name__}: {exc}")
            settle()
            load_samples.append(os.getloadavg())

    groups = ("generate", "generate_ledgers", "rules.export", "rules.evaluate", "rules.write", "quality", "bare_join",
              "screening_run", *ledger_county.SUMMARY_GROUPS)
    summary = {g: s for g in groups if (s := meter.summary(g)) is not None}
    if args.ledgers:
        report["ledgers_added"] = ledger_county.added(meter.summary)
    # The total is what this run measured apart from writing the county: the rules, quality, the bare
    # join and screening_run (bare_join_pull only feeds the comparison); a group's sum is not counted twice.
    counted = [s for g, s in summary.items()
               if g not in ("generate", "generate_ledgers", *ledger_county.SUMMARY_TOTALS)]
    evaluate = summary.get("rules.evaluate", {}).get("wall_s")
    bare = summary.get("bare_join", {}).get("wall_s")
    report |= {
        "stages": meter.stages,
        "summary": summary,
        "total": {"wall_s": round(sum(s["wall_s"] for s in counted), 3),
                  "cpu_s": round(sum(s["cpu_s"] for s in counted), 2),
                  "peak_mb": max((s["peak_mb"] for s in counted), default=0)},
        "evaluate_vs_bare_join": round(evaluate / bare, 2) if evaluate and bare else None,
        "failures": failures,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "cpus": os.cpu_count(),
        # Other work on the machine while this ran (the figures above are wall-clock seconds).
        "load_average": [[round(x, 2) for x in sample] for sample in load_samples],
    }
    if not args.keep:
        clear_bench()
        vacuum(analyze=False)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
