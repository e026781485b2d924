"""Screening benchmark: a synthetic county of N persons, screened by the rule engine.

    GONGGU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonggu_bench .venv/bin/python bench/screen.py --persons 1000000

Writes a synthetic county (code 419901, about N/3 households of three, two income years, the nine
department lists at realistic rates, some rows about people of other counties) straight into the
database with set-based SQL (INSERT … SELECT over a generated series), then times:

- export: the snapshot tables pulled from the database as Arrow (the engine's own stage),
- evaluate: every screening rule (derived views, parameters, all rule queries, findings collected),
- write: the findings stored (RuleRun + Finding, one bulk write),
- and, for comparison, a bare DuckDB join of the same persons with six department lists (the same
  Arrow tables, materialised), plus the data-quality rules and, when the screening app is installed,
  `screening_run` end to end (warnings written).

Prints one JSON document. Use a database of its own: the bench county is removed at the start and,
unless --keep, at the end. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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


def clear_bench() -> None:
    low, high = f"{COUNTY}000000", f"{COUNTY}999999"
    statements = [
        "DELETE FROM rules_finding WHERE region_code BETWEEN %s AND %s",
        "DELETE FROM sources_fact WHERE batch_id IN (SELECT id FROM sources_batch WHERE region_code BETWEEN %s AND %s)",
        "DELETE FROM sources_rejectedrow WHERE batch_id IN (SELECT id FROM sources_batch WHERE region_code BETWEEN %s AND %s)",
        "DELETE FROM sources_batch WHERE region_code BETWEEN %s AND %s",
        "DELETE FROM registry_incomeaccount WHERE household_id IN "
        "(SELECT id FROM registry_household WHERE region_code BETWEEN %s AND %s)",
        "DELETE FROM registry_person WHERE region_code BETWEEN %s AND %s",
        "DELETE FROM registry_household WHERE region_code BETWEEN %s AND %s",
    ]
    with transaction.atomic():
        for sql in statements:
            execute(sql, [low, high])
        try:
            from gonggu.screening.models import ScreeningRun, Warning

            Warning.objects.filter(region_code__range=(low, high)).delete()
            ScreeningRun.objects.filter(prefix__startswith=COUNTY).delete()
        except ImportError:
            pass
        from gonggu.rules.models import RuleRun

        RuleRun.objects.filter(prefix__startswith=COUNTY).delete()
        from gonggu.regions.models import Region

        for level in ("village", "township", "county"):
            Region.objects.filter(code__startswith=COUNTY, level=level).delete()


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
            cursor.execute("ANALYZE")
    execute("DROP TABLE bench_people")
    execute("DROP TABLE bench_village")
    return counts


def generate_facts(sql: Sql, p_base: int) -> dict:
    """The nine lists at realistic rates, one batch each (住建 two rounds), with rows of other counties."""
    from gonggu.sources.models import Batch

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
        batch = Batch.objects.create(source=source, region_code=f"{COUNTY}000000", file_name=f"{key}.xlsx",
                                     checksum=f"bench-{key}-{time.time_ns()}", as_of=batch_as_of)
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
        Batch.objects.filter(pk=batch.pk).update(rows_read=n, matched=n, unmatched=0)
        counts[key] = n
        note(f"{key}: {n} rows")
    return counts


def bare_join(tables: dict) -> float:
    """Persons joined with six department lists in DuckDB and materialised: the comparison figure."""
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    con.register("persons", tables["persons"])
    joins, cols = [], ["p.*"]
    for k, source in enumerate(SIX_LISTS):
        con.register(f"d{k}", tables[f"dept_{source}"])
        joins.append(f"LEFT JOIN d{k} ON d{k}.id_number = p.id_number")
        cols.append(f"d{k}.* EXCLUDE (id_number)")
    joined = con.sql(f"SELECT {', '.join(cols)} FROM persons p {' '.join(joins)}").to_arrow_table()
    elapsed = time.perf_counter() - t0
    con.close()
    assert joined.num_rows == tables["persons"].num_rows
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="leave the bench county in the database")
    parser.add_argument("--no-screening-app", action="store_true", help="skip screening_run (warnings) timing")
    parser.add_argument("--reuse", action="store_true",
                        help="time again on a bench county of the same size kept by an earlier --keep run")
    args = parser.parse_args()
    if args.persons > 20 * PER_AREA:
        parser.error("at most 89 million persons")

    call_command("migrate", verbosity=0)
    from gonggu.registry.models import Person
    from gonggu.rules.catalog import CATALOG
    from gonggu.rules.engine import run_rules
    from gonggu.rules.services import param_set

    existing = Person.objects.filter(region_code__startswith=COUNTY).count() if args.reuse else -1
    if existing == args.persons:
        note("reusing the kept bench county")
        counts, generate_seconds = {"persons": existing, "reused": True}, 0.0
    else:
        note("clearing an earlier bench county")
        clear_bench()
        note("generating")
        t0 = time.perf_counter()
        with transaction.atomic():
            counts = generate(args.persons)
        generate_seconds = time.perf_counter() - t0
    for year, growth in ((2023, "0.066"), (2024, "0.062")):
        param_set(name="rural_income_growth", value=growth, year=year)
    param_set(name="disposable_income", value="32400", year=YEAR - 1)

    prefix = COUNTY
    note("screening rules")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    result = run_rules(kinds=["screening"], as_of=AS_OF, prefix=prefix)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    process_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    note(f"screening rules done: {result.timings}")
    quality = run_rules(kinds=["quality"], as_of=AS_OF, prefix=prefix)
    note(f"quality rules done: {quality.timings}")

    # The bare join runs on the very tables the engine exported (pulled again here, not timed).
    tables = {name: CATALOG.tables[name].build(prefix=prefix, as_of=AS_OF)
              for name in ("persons", *(f"dept_{s}" for s in SIX_LISTS))}
    bare = min(bare_join(tables) for _ in range(2))
    del tables

    screening = None
    if not args.no_screening_app:
        try:
            from gonggu.screening.services import screening_run
        except ImportError:
            screening_run = None
        if screening_run is not None:
            t0 = time.perf_counter()
            outcome = screening_run(as_of=AS_OF, prefix=prefix)
            screening = {"seconds": round(time.perf_counter() - t0, 3),
                         "warnings": getattr(getattr(outcome, "written", None), "warnings", None)}

    t = result.timings
    report = {
        "persons": args.persons,
        "database": connection.vendor,
        "generated": {**counts, "seconds": round(generate_seconds, 2)},
        "screening_rules": {
            "export_seconds": round(t["export"], 3),
            "evaluate_seconds": round(t["evaluate"], 3),
            "write_seconds": round(t.get("write", 0), 3),
            "total_seconds": round(t["total"], 3),
            # CPU of this process (all threads; the database server's own CPU is not included).
            "process_cpu_seconds": round(process_cpu, 2),
            "evaluate_detail": {k[len("evaluate_"):]: round(v, 3) for k, v in t.items() if k.startswith("evaluate_")},
            "findings": result.findings.num_rows,
            "by_rule": result.counts_by_rule,
            "skipped": result.skipped,
        },
        "quality_rules": {k: round(v, 3) for k, v in quality.timings.items()} | {"findings": quality.findings.num_rows},
        "bare_duckdb_join_seconds": round(bare, 3),
        "evaluate_vs_bare_join": round(t["evaluate"] / bare, 2) if bare else None,
        "screening_run_end_to_end": screening,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpus": os.cpu_count(),
        # Other work on the machine while this ran (the figures above are wall-clock seconds).
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if not args.keep:
        clear_bench()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
