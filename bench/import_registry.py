"""Benchmark: import a synthetic registry CSV and print where the time goes.

    .venv/bin/python bench/import_registry.py --persons 1000000
    .venv/bin/python bench/import_registry.py --persons 1000000 --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench

Without --database-url a fresh SQLite database is created in a temporary directory. With a PostgreSQL URL
the database is created if missing and migrated; the benchmark's own county (410198, 基准县) is removed
first, nothing else is touched. The CSV is generated in a child process so the peak memory reported is
the import's. Prints one JSON document: persons per second, seconds per stage, peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "410198"
TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 20


def village_codes() -> list[str]:
    return [f"{COUNTY}{100 + t:03d}{201 + v:03d}" for t in range(TOWNSHIPS) for v in range(VILLAGES_PER_TOWNSHIP)]


def _ensure_pg_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(database_url: str | None, workdir: Path) -> str:
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        _ensure_pg_database(url)
    os.environ["GONGGU_DATABASE_URL"] = url
    os.environ["GONGGU_DATA_DIR"] = str(workdir / "data")
    os.environ["GONGGU_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    return url


def _regions() -> None:
    from gonggu.core.codes import PREFIX_LENGTH, Level
    from gonggu.regions.models import Region
    from gonggu.registry.models import Household, IncomeAccount, Person, RegistryBatch

    lo, hi = COUNTY.ljust(12, "0"), COUNTY.ljust(12, "9")
    RegistryBatch.objects.filter(region_code__range=(lo, hi)).delete()
    IncomeAccount.objects.filter(household__county_code=COUNTY).delete()
    Person.objects.filter(region_code__range=(lo, hi)).delete()
    Household.objects.filter(county_code=COUNTY).delete()
    Region.objects.filter(code__range=(lo, hi), level__in=[Level.VILLAGE]).delete()
    Region.objects.filter(code__range=(lo, hi), level__in=[Level.TOWNSHIP]).delete()
    Region.objects.filter(code__range=(lo, hi)).delete()

    def region(code, name, level, parent):
        obj, _ = Region.objects.get_or_create(code=code, defaults={
            "name": name, "level": level, "parent": parent, "prefix": code[: PREFIX_LENGTH[level]]})
        return obj

    province = region("410000000000", "河南省", Level.PROVINCE, None)
    city = region("410100000000", "郑州市", Level.CITY, province)
    county = region(COUNTY.ljust(12, "0"), "基准县", Level.COUNTY, city)
    villages = []
    for t in range(TOWNSHIPS):
        township = region(f"{COUNTY}{100 + t:03d}000", f"基准{t + 1}镇", Level.TOWNSHIP, county)
        for v in range(VILLAGES_PER_TOWNSHIP):
            code = f"{COUNTY}{100 + t:03d}{201 + v:03d}"
            villages.append(Region(code=code, name=f"基准{t + 1}镇{v + 1}村", level=Level.VILLAGE, parent=township,
                                   prefix=code))
    Region.objects.bulk_create(villages)


def main() -> None:
    parser = argparse.ArgumentParser(description="农户台账导入基准测试")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reimport", action="store_true", help="再导入一次同一文件（全部未变），计时")
    parser.add_argument("--profile", action="store_true", help="cProfile 前 25 项写到 stderr")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gonggu-bench-") as folder:
        workdir = Path(folder)
        url = _setup(args.database_url, workdir)
        _regions()
        csv_path = workdir / "registry.csv"
        t = time.perf_counter()
        generated = json.loads(subprocess.run(
            [sys.executable, "-m", "bench.registry_data", "--persons", str(args.persons), "--out", str(csv_path),
             "--villages", ",".join(village_codes())],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout)
        generate_seconds = time.perf_counter() - t

        from django.db import connection

        from gonggu.registry.importing import registry_import

        def run():
            started, cpu = time.perf_counter(), time.process_time()
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                result = profiler.runcall(registry_import, path=csv_path, file_label="registry.csv")
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
            else:
                result = registry_import(path=csv_path, file_label="registry.csv")
            seconds = time.perf_counter() - started
            return result, seconds, time.process_time() - cpu

        result, seconds, cpu = run()
        c = result.counts
        report = {
            "database": connection.vendor,
            "database_url": url if url.startswith("postgres") else "sqlite (temporary file)",
            "file_mb": round(csv_path.stat().st_size / 1048576, 1),
            "generated": generated,
            "generate_seconds": round(generate_seconds, 1),
            "persons": c.persons,
            "households": c.households,
            "rejected_rows": c.rejected_rows,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "persons_per_second": round(c.persons / seconds),
            "stages": result.timings,
        }
        if args.reimport:
            again, seconds2, cpu2 = run()
            report["reimport"] = {"seconds": round(seconds2, 2), "cpu_seconds": round(cpu2, 2),
                                  "created": again.counts.persons_created, "updated": again.counts.persons_updated,
                                  "unchanged": again.counts.persons_unchanged,
                                  "persons_per_second": round(again.counts.persons / seconds2),
                                  "stages": again.timings}
        report["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
