"""Where the time of each load-tested page goes, one request at a time (no concurrency).

    .venv/bin/python bench/load/profile_pages.py \
        --database-url postgres://postgres@127.0.0.1:5432/gonggu_load [--repeat 20] [--explain]

Renders the pages of the load test in-process (Django's test client, DEBUG off) as the demo village clerk
and the county administrator, and prints per page: wall time (median, p95), the number of SQL queries,
the time spent in SQL, and the slowest query; with --explain, its EXPLAIN (ANALYZE, BUFFERS) plan. The
server time of a page under load is this service time plus queueing for the two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent
# Filter values of the member columns, from rare to nearly everyone (the generator's shares: 3 %, 9 %, 86 %).
FILTER_HEALTH = ("残疾", "长期慢性病", "健康")
FILTER_LABOUR = ("丧失劳动力", "技能劳动力", "普通劳动力")


def setup(url: str) -> None:
    data_dir = Path(tempfile.gettempdir()) / "gonggu_load_data"
    data_dir.mkdir(exist_ok=True)
    os.environ.update({"GONGGU_DATABASE_URL": url, "GONGGU_DEBUG": "0", "GONGGU_DATA_DIR": str(data_dir),
                       "DJANGO_SETTINGS_MODULE": "config.settings.base",
                       "GONGGU_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pages_for(user, rng: random.Random) -> dict[str, callable]:
    from gonggu.core.codes import code_range
    from gonggu.registry.models import Household, Person

    lo, hi = code_range(user.scope_prefix)
    households = Household.objects.filter(region_code__range=(lo, hi))
    n = households.count()
    pks = list(households.order_by("?").values_list("pk", flat=True)[:200]) if n < 50_000 else \
        [pk for pk in Household.objects.raw(
            "SELECT id FROM registry_household TABLESAMPLE SYSTEM (1) WHERE region_code BETWEEN %s AND %s LIMIT 200",
            [lo, hi])]
    pks = [getattr(p, "pk", p) for p in pks]
    members = list(Person.objects.filter(household_id__in=pks[:100]).values_list("id_number", "name")[:100])
    ids = [number for number, _ in members]
    names = [name for _, name in members]
    last = max(1, -(-n // 50))
    return {
        "household_list": lambda: "/registry/",
        "household_list page 2-20": lambda: f"/registry/?page={rng.randint(2, min(20, last))}",
        "household_list any page": lambda: f"/registry/?page={rng.randint(1, last)}",
        "household_list last page": lambda: f"/registry/?page={last}",
        "search id_number": lambda: f"/registry/?q={rng.choice(ids)}",
        # A member's whole name, and the given name alone (matched anywhere in the name).
        "search name": lambda: f"/registry/?q={quote(rng.choice(names))}",
        "search given name": lambda: f"/registry/?q={quote(rng.choice(names)[1:])}",
        "filter health": lambda: f"/registry/?health={quote(rng.choice(FILTER_HEALTH))}&page={rng.randint(1, 20)}",
        "filter labour_ability": lambda: f"/registry/?labour_ability={quote(rng.choice(FILTER_LABOUR))}"
                                         f"&page={rng.randint(1, 20)}",
        "household_detail": lambda: f"/registry/households/{rng.choice(pks)}/",
        "warning_inbox": lambda: "/screening/inbox/",
        "rule_list": lambda: "/rules/",
    }


def profile(client, url_of, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):   # warm: templates, the rule catalog, the connection
        client.get(url_of())
    walls, sql_ms, counts, slowest, last = [], [], [], (0.0, ""), []
    for _ in range(repeat):
        url = url_of()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            walls.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
        sql_ms.append(sum(times))
        counts.append(len(times))
        last = [(round(ms, 1), q["sql"]) for q, ms in zip(ctx.captured_queries, times, strict=True)]
        for q, ms in zip(ctx.captured_queries, times, strict=True):
            if ms > slowest[0]:
                slowest = (ms, q["sql"])
    walls.sort()
    return {
        "wall_p50_ms": round(statistics.median(walls), 1), "wall_p95_ms": round(walls[int(0.95 * (len(walls) - 1))], 1),
        "sql_ms_p50": round(statistics.median(sql_ms), 1), "queries": max(counts),
        "python_ms_p50": round(statistics.median(walls) - statistics.median(sql_ms), 1),
        "slowest_query_ms": round(slowest[0], 1), "slowest_query": slowest[1], "queries_of_last_request": last,
    }


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description="逐页测量负载测试页面的服务时间与 SQL")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each page")
    parser.add_argument("--queries", action="store_true", help="list every query of the last request")
    parser.add_argument("--users", default="cunyuan,admin")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--patch", default="", help="module:function called after setup (to measure a variant)")
    args = parser.parse_args()
    setup(args.database_url)
    if args.patch:
        import importlib

        module, func = args.patch.split(":")
        getattr(importlib.import_module(module), func)()
    from django.test import Client

    from gonggu.accounts.models import User

    rng = random.Random(3)
    out = {}
    for username in args.users.split(","):
        user = User.objects.select_related("region").get(username=username)
        client = Client()
        client.force_login(user)
        for name, url_of in pages_for(user, rng).items():
            if args.pages and name not in args.pages.split(","):
                continue
            result = profile(client, url_of, args.repeat)
            out[f"{name} [{username}]"] = result
            line = {k: v for k, v in result.items() if k not in ("slowest_query", "queries_of_last_request")}
            print(f"{name} [{username}]: {json.dumps(line)}", file=sys.stderr)
            if args.queries:
                for ms, sql in result["queries_of_last_request"]:
                    print(f"    {ms:>7} ms  {sql[:300]}", file=sys.stderr)
            if args.explain and result["slowest_query"]:
                print(result["slowest_query"], file=sys.stderr)
                print(explain(result["slowest_query"]), file=sys.stderr)
                print(file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
