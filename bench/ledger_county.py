"""The bench county's work-area ledgers (稳岗就业, 易地搬迁后续扶持, 兜底保障, 小额信贷), written set-based.

`screen.py --ledgers` writes them after the county's registry and times the ledger rules of these areas, group
by group and together with the screening rules. Every ledger is one `INSERT … SELECT` over the county's persons
(or its villages and townships), at rates of a real county: about 4 % of the persons of 脱贫户 and 监测户 hold a
公益岗位 (with six months of attendance each), 70 % of those of working age have a work record each year, a fifth
of the key households are relocated to one of two sites per township, 15 % have a loan. Values are spread with
`rnd` so that every rule finds something.
"""

from __future__ import annotations

from collections.abc import Callable

# Rules by group: the ledger rules of the four areas (kind "ledger"), by code prefix.
GROUPS = {
    "employment": ("POST-", "WORK-", "WORKSHOP-", "RAIN-DEW-"),
    "relocation": ("RELOC-",),
    "welfare": ("WELFARE-",),
    "credit": ("LOAN-",),
}
TABLES = ("employment_postattendance", "employment_publicpost", "employment_workrecord", "employment_worktarget",
          "employment_workshopworker", "employment_workshop", "employment_raindew", "employment_relocatedhousehold",
          "employment_resettlementsite", "welfare_dibaograce", "welfare_temporaryassistance", "credit_loan",
          "credit_loandemand")
PARTS = ("export", "evaluate", "write")
SUMMARY_GROUPS = (*(f"ledgers.{g}" for g in GROUPS), "ledgers",
                  *(f"{run}.{part}" for run in ("screening_alone", "screening_with_ledgers") for part in PARTS),
                  "screening_alone", "screening_with_ledgers")
SUMMARY_TOTALS = ("ledgers", "screening_alone", "screening_with_ledgers")   # sums of stages listed as well
_BASE = "created_at, updated_at, region_code, household_id, person_id, id_number"


def group_codes() -> dict[str, list[str]]:
    from gonggu.rules.catalog import CATALOG

    return {group: sorted(c for c, r in CATALOG.rules.items() if r.kind == "ledger" and c.startswith(prefixes))
            for group, prefixes in GROUPS.items()}


def clear(execute: Callable, county: str) -> None:
    for table in TABLES:
        execute(f"DELETE FROM {table} WHERE region_code BETWEEN %s AND %s", [f"{county}000000", f"{county}999999"])


def present(county: str) -> bool:
    from gonggu.employment.models import WorkRecord

    return WorkRecord.objects.filter(region_code__startswith=county).exists()


def generate(sql, execute: Callable, rnd: Callable, county: str, townships: int, villages: list[str], year: int,
             note: Callable) -> dict:
    """Write the ledgers of the county (its registry already written); returns row counts per table."""
    now = sql.now()

    def day(value: str) -> str:
        return f"DATE '{value}'" if sql.pg else f"'{value}'"

    def add(base: str, days: str) -> str:
        return sql.add_days(base, days)

    def chance(i: str, salt: int, percent: int) -> str:
        return sql.bool(f"{rnd(i, salt)} < {percent}")

    key = (f"FROM registry_person p JOIN registry_household h ON h.id = p.household_id "
           f"WHERE p.region_code BETWEEN '{county}000000' AND '{county}999999' "
           "AND h.household_type IN ('脱贫户', '监测户')")
    age = f"({year + 1} - CAST(substr(p.id_number, 7, 4) AS INTEGER))"
    person = f"{now}, {now}, p.region_code, p.household_id, p.id, p.id_number"
    counts: dict[str, int] = {}

    def insert(table: str, columns: str, select: str) -> None:
        counts[table] = counts.get(table, 0) + execute(f"INSERT INTO {table} ({_BASE}, {columns}) {select}")

    # 务工: two years per person of working age (70 %), months 0–12, 省外 with a transport subsidy mostly paid.
    for y in (year - 1, year):
        place = f"CASE {rnd('p.id', 41, 3)} WHEN 0 THEN '县内' WHEN 1 THEN '省内县外' ELSE '省外' END"
        paid = f"{rnd('p.id', 43 + y % 2)} < 85"
        insert("employment_workrecord", "year, months, place, channel, employer, source, transport_subsidy, "
               "transport_paid_on",
               f"SELECT {person}, {y}, {rnd('p.id', 42 + y % 2, 13)}, {place}, '外出务工', '', '农户台账', "
               f"CASE WHEN {place} = '省外' AND {paid} THEN 500 END, "
               f"CASE WHEN {place} = '省外' AND {paid} THEN {day(f'{y}-04-10')} END "
               f"{key} AND {age} BETWEEN 18 AND 59 AND {rnd('p.id', 40)} < 70")
    target_rows = ", ".join(f"({now}, {now}, '{county}{100 + t:03d}000', NULL, NULL, '', {y}, "
                            f"{400 + 37 * t}, '')" for t in range(townships) for y in (year - 1, year))
    insert("employment_worktarget", "year, target, note", f"VALUES {target_rows}")

    # 公益岗位: 4 % of key persons aged 18–70; a few below half the minimum wage, without agreement or insurance,
    # placed a third time; six months of attendance each while on post, 3 % not paid.
    start = add("2023-01-01", rnd("p.id", 51, 700))
    insert("employment_publicpost", "post_name, post_type, start_date, end_date, monthly_subsidy, placement_no, "
           "agreement, insured",
           f"SELECT {person}, '村级保洁员', '保洁', {start}, "
           f"CASE WHEN {rnd('p.id', 53)} < 10 THEN {add(f'{year}-03-01', rnd('p.id', 54, 60))} END, "
           f"CASE WHEN {rnd('p.id', 52)} < 5 THEN 800 ELSE 1200 END, "
           f"CASE WHEN {rnd('p.id', 55)} < 3 THEN 3 WHEN {rnd('p.id', 55)} < 20 THEN 2 ELSE 1 END, "
           f"{chance('p.id', 56, 95)}, {chance('p.id', 57, 95)} "
           f"{key} AND {age} BETWEEN 18 AND 70 AND {rnd('p.id', 50, 1000)} < 40")
    months = " UNION ALL ".join(f"SELECT {day(f'{year}-{m:02d}-01')} AS m, {m} AS k" for m in range(1, 7))
    due = "pp.monthly_subsidy"
    insert("employment_postattendance", "post_name, month, days, subsidy_due, subsidy_paid, paid_on",
           f"SELECT {now}, {now}, pp.region_code, pp.household_id, pp.person_id, pp.id_number, pp.post_name, mm.m, "
           f"18 + {rnd('pp.id + mm.k', 58, 8)}, {due}, CASE WHEN {rnd('pp.id + mm.k', 59)} < 97 THEN {due} END, "
           f"CASE WHEN {rnd('pp.id + mm.k', 59)} < 97 THEN mm.m END "
           f"FROM employment_publicpost pp CROSS JOIN ({months}) mm "
           f"WHERE pp.region_code BETWEEN '{county}000000' AND '{county}999999' AND pp.start_date <= mm.m "
           "AND (pp.end_date IS NULL OR pp.end_date >= mm.m)")

    # 帮扶车间: one per village (5 % closed this year), 2.5 % of key persons of working age employed there.
    shops = ", ".join(f"({now}, {now}, '{code}', NULL, NULL, '', '车间{code}', '就业帮扶车间', '', "
                      f"{day('2023-05-01')}, {day(f'{year}-03-01') if k % 20 == 0 else 'NULL'}, 40)"
                      for k, code in enumerate(villages))
    insert("employment_workshop", "name, kind, operator, recognised_on, closed_on, jobs", f"VALUES {shops}")
    insert("employment_workshopworker", "workshop_name, start_date, end_date, monthly_wage",
           f"SELECT {person}, '车间' || p.region_code, {add('2023-06-01', rnd('p.id', 61, 700))}, "
           f"CASE WHEN {rnd('p.id', 62)} < 15 THEN {add(f'{year}-01-01', rnd('p.id', 63, 150))} END, 2400 "
           f"{key} AND {age} BETWEEN 18 AND 59 AND {rnd('p.id', 60, 1000)} < 25")

    # 雨露计划: 40 % of key persons aged 15–22; those aged 20 and over graduated last year, 8 % without a job.
    insert("employment_raindew", "year, school, level, subsidy, paid_on, graduation_year, destination",
           f"SELECT {person}, {year - 1}, '基准职业教育中心', '中职', CASE WHEN {rnd('p.id', 65)} < 95 THEN 3000 END, "
           f"CASE WHEN {rnd('p.id', 65)} < 95 THEN {day(f'{year - 1}-11-20')} END, "
           f"CASE WHEN {age} >= 20 THEN {year - 1} END, "
           f"CASE WHEN {age} < 20 THEN '' WHEN {rnd('p.id', 66)} < 8 THEN '未就业' ELSE '就业' END "
           f"{key} AND {age} BETWEEN 15 AND 22 AND {rnd('p.id', 64)} < 40")

    # 易地搬迁: two sites per township (in its first two villages), a fifth of key households moved to the first.
    sites = ", ".join(f"({now}, {now}, '{county}{100 + t:03d}{201 + s:03d}', NULL, NULL, '', "
                      f"'安置点{county}{100 + t:03d}{201 + s:03d}', '大中型', 300, {700 + 200 * s}, "
                      f"{sql.bool('1 = 1' if (t + s) % 3 else '1 = 0')}, {60 + 40 * s})"
                      for t in range(townships) for s in range(2))
    insert("employment_resettlementsite", "name, site_type, households, persons, service_station, care_area",
           f"VALUES {sites}")
    head = f"{key} AND p.relation = '户主'"
    insert("employment_relocatedhousehold", "site_name, moved_year, industry, worker_name, job",
           f"SELECT {person}, '安置点' || substr(p.region_code, 1, 9) || '201', 2018, "
           f"CASE WHEN {rnd('h.id', 71)} < 90 THEN '食用菌种植' ELSE '' END, "
           f"CASE WHEN {rnd('h.id', 72)} < 90 THEN p.name ELSE '' END, '' {head} AND {rnd('h.id', 70)} < 20")

    # 兜底保障: 渐退 for 3 % of key households (half still in it), 临时救助 for 1 % of key persons.
    grace = rnd("h.id", 74, 300)
    insert("welfare_dibaograce", "start_on, end_on, reason",
           f"SELECT {person}, {add(f'{year - 1}-06-01', grace)}, "
           f"CASE WHEN {rnd('h.id', 75)} < 50 THEN {add(f'{year - 1}-06-01', f'{grace} + 180')} END, '' "
           f"{head} AND {rnd('h.id', 73)} < 3")
    insert("welfare_temporaryassistance", "granted_on, amount, cause, approver, filed",
           f"SELECT {person}, {add(f'{year - 1}-07-01', rnd('p.id', 77, 360))}, 500 + {rnd('p.id', 78, 3000)}, "
           f"'因病', CASE WHEN {rnd('p.id', 79)} < 70 THEN '乡镇（街道）' ELSE '县级民政部门' END, "
           f"{chance('p.id', 80, 90)} {key} AND {rnd('p.id', 76, 1000)} < 10")

    # 小额信贷: loans for 15 % of key households (a few above the cap, renewed twice or overdue), demand surveyed
    # for 40 %.
    issued = rnd("h.id", 82, 900)
    insert("credit_loan", "loan_no, bank, amount, issued_on, due_on, purpose, subsidised_amount, renewals, "
           "extended_due_on, repaid_on",
           f"SELECT {person}, 'L' || {sql.text('p.id')}, '基准农商银行', "
           f"CASE WHEN {rnd('h.id', 83)} < 2 THEN 120000 ELSE 50000 END, {add('2023-01-01', issued)}, "
           f"{add('2023-01-01', f'{issued} + 1095')}, '种植业', "
           f"CASE WHEN {rnd('h.id', 84)} < 2 THEN 60000 ELSE 50000 END, "
           f"CASE WHEN {rnd('h.id', 85)} < 1 THEN 2 ELSE 0 END, NULL, "
           f"CASE WHEN {rnd('h.id', 86)} < 30 THEN {add('2023-01-01', f'{issued} + 700')} END "
           f"{head} AND {rnd('h.id', 81)} < 15")
    insert("credit_loandemand", "surveyed_on, willing, eligible, note",
           f"SELECT {person}, {day(f'{year + 1}-03-01')}, {chance('h.id', 88, 50)}, "
           f"{chance('h.id', 89, 70)}, '' {head} AND {rnd('h.id', 87)} < 40")
    note("ledgers: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return counts


def run_groups(meter, report: dict, failures: list[str], *, engine: str, prefix: str, as_of, stages: Callable,
               settle: Callable, report_of: Callable) -> None:
    """Each group's ledger rules in a run of their own; then the screening rules alone and the screening rules with
    every ledger rule, one run each, back to back (both with warm caches): their difference is what the ledger
    rules add to a screening run."""
    from gonggu.rules.catalog import CATALOG
    from gonggu.rules.engine import run_rules

    groups = group_codes()
    screening = [r.code for r in CATALOG.of_kind("screening")]
    every = [c for codes in groups.values() for c in codes]
    report["ledger_rules"] = {}
    runs = [(f"ledgers.{g}", codes) for g, codes in groups.items()]
    runs += [("screening_alone", screening), ("screening_with_ledgers", screening + every)]
    for name, codes in runs:
        try:
            with stages(meter, name) as on_stage:
                result = run_rules(codes=codes, as_of=as_of, prefix=prefix, engine=engine, on_stage=on_stage)
            if name.startswith("ledgers."):
                report["ledger_rules"][name.removeprefix("ledgers.")] = report_of(result)
            else:
                report[name] = {"findings": result.findings.num_rows,
                                "engine_timings": {k: round(v, 3) for k, v in result.timings.items()}}
            del result
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        settle()


def added(summary: Callable) -> dict:
    """Seconds the ledger rules add to one screening run, in all and by stage (wall and CPU)."""
    out = {}
    for part in ("", *(f".{p}" for p in PARTS)):
        alone, together = summary(f"screening_alone{part}"), summary(f"screening_with_ledgers{part}")
        if alone and together:
            out[part.lstrip(".") or "run"] = {k: round(together[k] - alone[k], 3) for k in ("wall_s", "cpu_s")}
    return out
