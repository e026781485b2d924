"""Benchmark: load a generated country-sized code list (统计用区划代码) with `load_regions`'s service.

    .venv/bin/python bench/load_regions.py                     # ≈ 665,000 rows, fresh SQLite database
    .venv/bin/python bench/load_regions.py --rows 100000       # a smaller list of the same shape
    .venv/bin/python bench/load_regions.py --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_regions

The list has the shapes of the published one: 省 → 市 → 县 → 乡 → 村, towns directly under a 地级市 without
counties (like 东莞 4419), and 省直辖县级行政区划 under their published parent (like 4190 → 济源 419001).
It is loaded twice: the first load creates every row, the second (the same list) must report every row
unchanged. With a PostgreSQL URL (its database name must start with gonggu_bench) the database is dropped,
created and migrated. Prints one JSON document: rows, seconds and CPU seconds per load, peak memory (MB).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTRY_ROWS = 665_000
_SYLLABLES = "东西南北上下前后中大小新老高王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"


def _name(i: int, suffix: str) -> str:
    n = len(_SYLLABLES)
    return _SYLLABLES[i % n] + _SYLLABLES[(i // n) % n] + _SYLLABLES[(i // n // n) % n] + suffix


def generate(path: Path, rows: int) -> int:
    """Write a code list of about `rows` rows (区划代码, 名称, 级别, 上级代码, 城乡分类代码) as UTF-8 CSV."""
    # The published list: 31 provinces, ~11 cities each, ~8.3 counties per city, ~13.6 towns per county,
    # ~16 villages per town. Scale the counts of the lower levels to reach `rows`.
    scale = rows / COUNTRY_ROWS
    provinces = max(1, min(31, round(31 * scale ** 0.25)))
    cities = max(2, round(11 * scale ** 0.25))
    counties = max(2, round(8.3 * scale ** 0.25))
    towns = max(2, round(13.6 * scale ** 0.25))
    villages = max(1, round(16 * scale ** 0.0))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["统计用区划代码", "名称", "级别", "上级代码", "城乡分类代码"])

        def row(code, name, level, parent, kind=""):
            nonlocal written
            out.writerow([code, name, level, parent, kind])
            written += 1

        def town_with_villages(town_code, parent_code, t):
            row(town_code + "000", _name(t, "镇"), "乡", parent_code + "0" * (12 - len(parent_code)))
            for v in range(1, villages + 1 + (t % 9 < 2)):
                row(f"{town_code}{v:03d}", _name(t * 31 + v, "村委会"), "村", town_code + "000", "220")

        serial = 0
        for p in range(provinces):
            pcode = f"{11 + p:02d}"
            row(pcode + "0" * 10, _name(p, "省"), "省", "")
            for c in range(1, cities + 1):
                ccode = f"{pcode}{c:02d}"
                row(ccode + "0" * 8, _name(p * 100 + c, "市"), "市", pcode + "0" * 10)
                if c == 1 and p % 3 == 0:
                    # A 地级市 without counties (东莞): its towns are coded with county digits 00.
                    for t in range(1, counties * towns // 2 + 1):
                        serial += 1
                        town_with_villages(f"{ccode}00{t:03d}", ccode + "0" * 8, serial)
                    continue
                for k in range(1, counties + 1):
                    kcode = f"{ccode}{k:02d}"
                    row(kcode + "000000", _name(serial, "县"), "县", ccode + "0" * 8)
                    for t in range(1, towns + 1):
                        serial += 1
                        town_with_villages(f"{kcode}{100 + t:03d}", kcode + "000000", serial)
            # 省直辖县级行政区划 (90) with two county-level cities under it (济源, 仙桃 …).
            direct = f"{pcode}90"
            row(direct + "0" * 8, "省直辖县级行政区划", "市", pcode + "0" * 10)
            for k in (1, 2):
                kcode = f"{direct}{k:02d}"
                row(kcode + "000000", _name(p * 7 + k, "市"), "县", direct + "0" * 8)
                for t in range(1, towns + 1):
                    serial += 1
                    town_with_villages(f"{kcode}{100 + t:03d}", kcode + "000000", serial)
    return written


def _setup(database_url: str | None, folder: Path) -> None:
    fresh_database(database_url, folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # Migrate in a process of its own: the figures are those of the load, as `gonggu load_regions` runs it.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=os.environ.copy())
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=COUNTRY_ROWS)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", help="also write the generated list to this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gonggu-bench-regions-") as tmp:
        folder = Path(tmp)
        path = folder / "统计用区划代码.csv"
        generated = generate(path, args.rows)
        if args.keep:
            Path(args.keep).write_bytes(path.read_bytes())
        _setup(args.database_url, folder)
        from gonggu.regions.services import regions_load

        figures = {"generated_rows": generated, "database": "postgresql" if args.database_url else "sqlite"}
        for run in ("first", "again"):
            cpu0, t0 = time.process_time(), time.perf_counter()
            result = regions_load(path)
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            w = result.written
            figures[run] = {"rows": result.rows, "created": w.created, "updated": w.updated,
                            "unchanged": w.unchanged, "removed": w.report.get("removed", 0),
                            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        figures["load_average"] = round(os.getloadavg()[0], 2)
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
