"""Benchmark: import a synthetic department list (民政 低保特困名单) through the intake pipeline.

    .venv/bin/python bench/import_dept.py --rows 100000
    .venv/bin/python bench/import_dept.py --rows 100000 --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_dept

Without --database-url a fresh SQLite database is made in a temporary directory; with a PostgreSQL URL
(its database name must start with gonggu_bench) the database is dropped, created and migrated. Half the
rows name persons of a registry of the same size (so matching is measured), a few rows are bad. Prints one
JSON document: rows per second, wall and CPU seconds per stage, peak memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchdb import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database_url: str | None, folder: Path) -> None:
    fresh_database(database_url, folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _registry(n: int, rng: random.Random) -> list[str]:
    """A county with n persons in 100 villages, written set-based; returns their identity numbers."""
    from gonggu.core.codes import PREFIX_LENGTH, Level
    from gonggu.dataio.bulk import bulk_insert
    from gonggu.regions.models import Region
    from gonggu.registry.demo import make_id_number

    def region(code, name, level, parent):
        return Region.objects.create(code=code, name=name, level=level, parent=parent, prefix=code[:PREFIX_LENGTH[level]])

    province = region("410000000000", "河南省", Level.PROVINCE, None)
    city = region("410100000000", "郑州市", Level.CITY, province)
    county = region("410198000000", "基准县", Level.COUNTY, city)
    town = region("410198100000", "基准镇", Level.TOWNSHIP, county)
    villages = [region(f"410198100{201 + i:03d}", f"村{i}", Level.VILLAGE, town) for i in range(100)]
    now = dt.datetime.now(dt.UTC)
    bulk_insert("registry_household", ["id", "household_no", "county_code", "village_id", "region_code", "household_type",
                                       "monitoring_type", "relocated", "head_name", "created_at", "updated_at"],
                ((i + 1, f"H{i + 1:08d}", "410198", villages[i % 100].pk, villages[i % 100].code, "一般农户", "", False,
                  "", now, now) for i in range(n)))
    numbers = []
    rows = []
    for i in range(n):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=i % 20000)
        number = make_id_number("410198", born, (i // 20000) % 999 + 1)
        numbers.append(number)
        rows.append((i + 1, i + 1, villages[i % 100].code, number, f"人{i}", "户主", "M", born, "普通劳动力", "健康", "",
                     "非在校生", 0, "", True, "在册", now, now))
    bulk_insert("registry_person", ["id", "household_id", "region_code", "id_number", "name", "relation", "gender",
                                    "birth_date", "labour_ability", "health", "disability_grade", "school_status",
                                    "work_months", "work_place", "medical_insured", "status", "created_at",
                                    "updated_at"], rows)
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="gonggu-bench-dept-") as tmp:
        folder = Path(tmp)
        _setup(args.database_url, folder)
        from django.db import transaction

        with transaction.atomic():
            numbers = _registry(args.rows, rng)
        from gonggu.registry.demo import make_id_number

        path = folder / "低保名单.csv"
        with path.open("w", encoding="gbk", newline="") as f:
            out = csv.writer(f)
            out.writerow(["身份证号", "姓名", "救助类别", "状态", "起始日期"])
            for i in range(args.rows):
                # Every other row names someone not in this county's registry (counted as unmatched, kept).
                number = numbers[i] if i % 2 == 0 else make_id_number("410199", dt.date(1960, 1, 1) + dt.timedelta(days=i % 15000), i // 15000 % 999 + 1)
                if i % 1000 == 7:
                    number = number[:17] + "0" if number[17] != "0" else number[:17] + "1"   # bad check digit
                out.writerow([number, f"人{i}", rng.choice(["低保", "特困", "最低生活保障"]), "在保",
                              f"2024/{rng.randint(1, 12)}/{rng.randint(1, 28)}"])
        from gonggu.dataio.intake import intake_run

        stages: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(done, total):
            now = time.perf_counter()
            stages[f"{done}/{total}"] = round(now - last[0], 3)

        cpu0, t0 = time.process_time(), time.perf_counter()
        result = intake_run("dept.mz_assistance", path=path, as_of=dt.date(2025, 6, 30), progress=progress)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        print(json.dumps({
            "rows": result.rows, "accepted": result.accepted, "rejected_rows": result.rejected_rows,
            "unmatched": result.written.unmatched, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "rows_per_s": round(result.rows / wall), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "database": "postgresql" if args.database_url else "sqlite",
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
