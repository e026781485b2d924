"""Every page of 衔接资金与项目资产 at county scale on PostgreSQL: response times as a county user.

    .venv/bin/python bench/funds_pages.py --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_funds13
    .venv/bin/python bench/funds_pages.py --database-url … --projects 500 --repeat 3     # a quick look

The database (its name must start with gonggu_bench) is dropped and created afresh, migrated, and given one
county of 10 townships × 20 villages with, written set-based (INSERT … SELECT over generate_series, one
statement a table): --projects projects (default 5,000; every step's date, a quarter of the industry ones
classified 四个一批 this year), two budget executions and two payments per project, --assets assets (default
20,000) with a year of income each, --beneficiaries beneficiaries (default 200,000), 40 allocations over four
fund years and their quarterly inspections. Then the funds rules run once (the pages read their findings), and
a county administrator requests each page --repeat times (default 10) through Django's test client, after one
unmeasured warm-up request. Prints JSON: per page the median and p95 milliseconds, the rows behind it, the
query count of the last request, and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTY = "419902"
TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 10, 20
YEAR = 2025
AS_OF = "2025-11-28"


def _setup(database_url: str, folder: Path) -> None:
    fresh_database(database_url, folder, "funds.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def execute(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def build_regions():
    from gonggu.core.codes import PREFIX_LENGTH, Level
    from gonggu.regions.models import Region

    def make(code, name, level, parent):
        return Region.objects.create(code=code, name=name, level=level, parent=parent,
                                     prefix=code[:PREFIX_LENGTH[level]])

    province = make("410000000000", "河南省", Level.PROVINCE, None)
    city = make("419900000000", "基准市", Level.CITY, province)
    county = make(f"{COUNTY}000000", "基准县", Level.COUNTY, city)
    villages = []
    for t in range(TOWNSHIPS):
        town = make(f"{COUNTY}{100 + t:03d}000", f"基准{t + 1}镇", Level.TOWNSHIP, county)
        for v in range(VILLAGES_PER_TOWNSHIP):
            villages.append(make(f"{COUNTY}{100 + t:03d}{201 + v:03d}", f"基准{t + 1}-{v + 1}村", Level.VILLAGE, town))
    return county, villages


ROW = "now(), now(), NULL, NULL, NULL, NULL, NULL"   # created/updated at and by, household, person, batch
ROW_COLUMNS = "created_at, updated_at, created_by_id, updated_by_id, household_id, person_id, batch_id"


def generate(n_projects: int, n_assets: int, n_beneficiaries: int) -> dict:
    """The county's funds ledgers in a few statements; returns row counts."""
    county, villages = build_regions()
    n_v = len(villages)
    execute("CREATE TEMPORARY TABLE bench_village (k INTEGER PRIMARY KEY, code VARCHAR(12))")
    execute("INSERT INTO bench_village VALUES " + ", ".join(f"({k}, '{v.code}')" for k, v in enumerate(villages)))
    county_code = county.code
    counts = {}
    # Projects: four years; 60 % industry; every step dated; the last quarter of each year's projects still on
    # their way (no completion); a quarter of the industry projects completed before 2025 classified in 2025.
    year = "(2022 + s.i % 4)"
    kind = ("CASE WHEN s.i % 10 < 6 THEN '产业发展' WHEN s.i % 10 < 8 THEN '基础设施' WHEN s.i % 10 < 9 "
            "THEN '就业帮扶' ELSE '乡村建设' END")
    base = f"make_date({year} - 1, 10, 1) + (s.i % 40)"
    done = "(s.i % 8 < 6)"
    counts["projects"] = execute(f"""
        INSERT INTO funds_project ({ROW_COLUMNS}, region_code, id_number, project_no, name, year, project_type,
            operating, implementer, central_funds, provincial_funds, city_funds, county_funds, other_funds,
            link_mechanism, performance_targets, status, proposed_on, reviewed_on, entered_on, published_on,
            published_place, planned_on, started_on, completed_on, accepted_on, four_batch, four_batch_on,
            four_batch_by, four_batch_basis)
        SELECT {ROW}, v.code, '', 'BX' || lpad(s.i::text, 6, '0'), '基准项目' || s.i, {year}, {kind},
               s.i % 10 < 6, '基准镇人民政府', 200000, 50000, 0, 30000, 0, '务工带动、入股分红', '带动脱贫户 20 户',
               CASE WHEN {done} THEN 'accepted' ELSE 'planned' END,
               {base}, {base} + 10, {base} + 20, {base} + 25, '村务公开栏', {base} + 100,
               CASE WHEN {done} THEN {base} + 130 END, CASE WHEN {done} THEN {base} + 300 END,
               CASE WHEN {done} THEN {base} + 305 END,
               CASE WHEN s.i % 10 < 6 AND {year} < 2025 AND s.i % 4 = 0 THEN '巩固' ELSE '' END,
               CASE WHEN s.i % 10 < 6 AND {year} < 2025 AND s.i % 4 = 0 THEN DATE '2025-03-01' END,
               CASE WHEN s.i % 10 < 6 AND {year} < 2025 AND s.i % 4 = 0 THEN '县农业农村局' ELSE '' END,
               CASE WHEN s.i % 10 < 6 AND {year} < 2025 AND s.i % 4 = 0 THEN '经营正常' ELSE '' END
        FROM generate_series(1, {n_projects}) s(i) JOIN bench_village v ON v.k = s.i % {n_v}
    """)
    # 40 allocations: ten a fund year, the four levels in turn.
    counts["allocations"] = execute(f"""
        INSERT INTO funds_fundallocation ({ROW_COLUMNS}, region_code, id_number, doc_no, issued_on, year, source,
            amount)
        SELECT {ROW}, '{county_code}', '', '基准衔接〔' || (2022 + s.i / 10) || '〕' || s.i || '号',
               make_date(2022 + s.i / 10, 1 + s.i % 10, 5), 2022 + s.i / 10,
               (ARRAY['中央', '省级', '市级', '县级'])[1 + s.i % 4], 100000000
        FROM generate_series(0, 39) s(i)
    """)
    # Two budget executions and two payments a project, from an allocation of its year.
    counts["fund_uses"] = execute(f"""
        INSERT INTO funds_funduse ({ROW_COLUMNS}, region_code, id_number, doc_no, project_no, executed_on, amount)
        SELECT {ROW}, '{county_code}', '', a.doc_no, p.project_no, a.issued_on + 10, 100000
        FROM funds_project p CROSS JOIN generate_series(0, 1) k(j)
        JOIN funds_fundallocation a ON a.year = p.year AND a.issued_on = make_date(p.year::int, (1 + (p.id + k.j) % 10)::int, 5)
    """)
    counts["payments"] = execute(f"""
        INSERT INTO funds_payment ({ROW_COLUMNS}, region_code, id_number, voucher_no, project_no, paid_on, kind,
            amount, payee)
        SELECT {ROW}, '{county_code}', '', 'PZ' || p.id || '-' || k.j, p.project_no, p.planned_on + 20 + 60 * k.j,
               CASE k.j WHEN 0 THEN '预付款' ELSE '进度款' END, 50000, p.implementer
        FROM funds_project p CROSS JOIN generate_series(0, 1) k(j)
    """)
    # Assets of the completed projects, in turn; their registration about a month after acceptance.
    execute("CREATE TEMPORARY TABLE bench_done AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, project_no, "
            "region_code, accepted_on, project_type FROM funds_project WHERE accepted_on IS NOT NULL")
    n_done = execute("SELECT 1 FROM bench_done")
    counts["assets"] = execute(f"""
        INSERT INTO funds_asset ({ROW_COLUMNS}, region_code, id_number, asset_no, name, project_no, asset_class,
            owner, manager, value, formed_on, registered_on, photovoltaic, pv_fault_rate, pv_online_rate,
            disposed_on, disposal_evaluated, disposal_approved)
        SELECT {ROW}, d.region_code, '', 'ZC' || lpad(s.i::text, 7, '0'), '基准资产' || s.i, d.project_no,
               CASE WHEN d.project_type = '产业发展' THEN '经营性' ELSE '公益性' END, '村股份经济合作社', '村集体',
               100000, d.accepted_on, d.accepted_on + 30 + s.i % 90, s.i % 50 = 0,
               CASE WHEN s.i % 50 = 0 THEN 0.5 END, CASE WHEN s.i % 50 = 0 THEN 99.5 END, NULL, false, false
        FROM generate_series(0, {n_assets - 1}) s(i) JOIN bench_done d ON d.k = s.i % {n_done}
    """)
    counts["incomes"] = execute(f"""
        INSERT INTO funds_assetincome ({ROW_COLUMNS}, region_code, id_number, asset_no, year, income, distributed,
            distribution, plan_published)
        SELECT {ROW}, a.region_code, '', a.asset_no, 2024, 8000, 6000, '设置公益岗位', true
        FROM funds_asset a WHERE a.asset_class = '经营性'
    """)
    counts["beneficiaries"] = execute(f"""
        INSERT INTO funds_projectbeneficiary ({ROW_COLUMNS}, region_code, id_number, project_no, benefit)
        SELECT {ROW}, p.region_code, '4199021980' || lpad((s.i % 10000000)::text, 8, '0'), p.project_no, '务工'
        FROM generate_series(0, {n_beneficiaries - 1}) s(i)
        JOIN funds_project p ON p.id = (SELECT MIN(id) FROM funds_project) + s.i % {n_projects}
    """)
    counts["inspections"] = execute(f"""
        INSERT INTO funds_fundinspection ({ROW_COLUMNS}, region_code, id_number, inspected_on, inspectors, scope,
            findings, rectification, rectified_on)
        SELECT {ROW}, '{county_code}', '', make_date(2022 + s.i / 4, 3 * (s.i % 4) + 2, 15), '县财政局督查组',
               '全县衔接资金项目', '', '', NULL
        FROM generate_series(0, 14) s(i)
    """)
    execute("VACUUM ANALYZE")
    return counts


def _user():
    from gonggu.accounts.models import User
    from gonggu.accounts.permissions import Role
    from gonggu.regions.models import Region

    user = User(username="bench_county", full_name="基准县管理员", role=Role.COUNTY_ADMIN,
                region=Region.objects.get(code=f"{COUNTY}000000"))
    user.set_password("bench-pass-1")
    user.save()
    return user


def pages() -> list[tuple[str, str, str, dict]]:
    """(name, method, url, data) of every funds page a county user opens."""
    from django.urls import reverse

    from gonggu.funds.models import Asset, Project

    project = Project.objects.filter(accepted_on__isnull=False, project_type="产业发展").order_by("id").first()
    asset = Asset.objects.order_by("id").first()
    out = [
        ("funds home", "GET", reverse("funds_home"), {}),
        ("funds home: status filter", "GET", reverse("funds_home"), {"status": "accepted"}),
        ("funds home: year filter, page 3", "GET", reverse("funds_home"), {"year": "2025", "page": "3"}),
        ("funds home: search", "GET", reverse("funds_home"), {"q": "基准项目12"}),
        ("project life page", "GET", reverse("funds_project", args=[project.pk]), {}),
        ("project ledger row", "GET", reverse("ledger_row", args=["project", project.pk]), {}),
        ("asset ledger row", "GET", reverse("ledger_row", args=["asset", asset.pk]), {}),
        ("monthly report", "GET", reverse("funds_report"), {"month": "2025-06"}),
        ("monthly report .xlsx", "POST", reverse("funds_report_xlsx"), {"month": "2025-06"}),
        ("monthly report .docx", "POST", reverse("funds_report_docx"), {"month": "2025-06"}),
        ("library notice .docx", "GET", reverse("funds_library_notice"), {"year": "2024"}),
    ]
    for key in ("project", "project_beneficiary", "fund_allocation", "fund_use", "payment", "asset", "asset_income",
                "consumption_purchase", "fund_inspection"):
        out.append((f"ledger {key}", "GET", reverse("ledger_list", args=[key]), {}))
    filters = {"project": {"four_batch": "巩固"}, "asset": {"asset_class": "经营性", "page": "5"},
               "project_beneficiary": {"q": "BX000123"}, "payment": {"kind": "预付款"}}
    for key, data in filters.items():
        out.append((f"ledger {key}: filter", "GET", reverse("ledger_list", args=[key]), data))
    exports = {"project": {"year": "2025"}, "asset": {"asset_class": "公益性"}, "fund_allocation": {},
               "fund_inspection": {}, "project_beneficiary": {"q": "BX000123"}}
    for key, data in exports.items():
        out.append((f"ledger {key} export", "POST", reverse("ledger_export", args=[key]), data))
    return out


def measure(client, repeat: int) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    results = []
    for name, method, url, data in pages():
        call = client.post if method == "POST" else client.get
        response = call(url, data)
        assert response.status_code == 200, (name, response.status_code)
        times = []
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = call(url, data)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append({"page": name, "method": method, "url": url, "data": data,
                         "median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
                         "queries": len(queries), "bytes": len(response.content)})
        print(f"{name}: {results[-1]['median_ms']} ms", file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL, database name starting gonggu_bench")
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--assets", type=int, default=20000)
    parser.add_argument("--beneficiaries", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--target-ms", type=float, default=300)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url：本基准只在 PostgreSQL 上运行")
    folder = Path(tempfile.mkdtemp(prefix="gonggu-funds-bench-"))
    _setup(args.database_url, folder)

    import datetime as dt

    from django.test import Client

    from gonggu.funds.rule_defs import RULE_CODES
    from gonggu.rules.engine import run_rules

    load_before = os.getloadavg()
    start = time.perf_counter()
    counts = generate(args.projects, args.assets, args.beneficiaries)
    generate_s = time.perf_counter() - start
    start = time.perf_counter()
    run_rules(codes=list(RULE_CODES), as_of=dt.date.fromisoformat(AS_OF), prefix=COUNTY)
    rules_s = time.perf_counter() - start
    client = Client()
    client.force_login(_user())
    results = measure(client, args.repeat)
    slow = [r["page"] for r in results if r["p95_ms"] > args.target_ms]
    print(json.dumps({
        "database": args.database_url.rsplit("/", 1)[1], "rows": counts, "generate_s": round(generate_s, 1),
        "rules_s": round(rules_s, 1), "repeat": args.repeat, "target_ms": args.target_ms,
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
        "pages": results, "over_target": slow,
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
