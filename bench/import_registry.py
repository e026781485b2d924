"""Benchmark: import a synthetic registry CSV and print where the time goes.

    .venv/bin/python bench/import_registry.py --persons 1000000
    .venv/bin/python bench/import_registry.py --persons 1000000 --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench

Without --database-url a fresh SQLite database is created in a temporary directory. With a PostgreSQL URL
the database (its name must start with gonggu_bench) is dropped, created afresh and migrated. The CSV
(≈3.3 persons per household over 200 villages of a benchmark county) is generated in a child process, so
the peak memory reported is the import's. Prints one JSON document: persons per second, wall and CPU
seconds per stage, peak memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gonggu.core.idnumber import check_digit  # noqa: E402 - after the path is set, for `python bench/…`
from gonggu.registry.spec import REGISTRY_SPEC  # noqa: E402

COUNTY = "410198"
TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 20


# --- a plausible registry file --------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红梅玉华建国志文斌宇浩然子涵欣怡梓轩诗雨俊豪嘉琪"
AREAS = ("410122", "410198", "410102", "411421", "412723")
LABOUR = ("普通劳动力", "普通劳动力", "普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
HEALTH = ("健康",) * 7 + ("长期慢性病", "长期慢性病", "患有大病", "残疾")
TYPES = ("脱贫户",) * 3 + ("一般农户",) * 6 + ("监测户",)
MONITOR = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
PLACES = ("县内", "省内县外", "省外")


class IdFactory:
    """Unique, valid identity numbers: a per (area, birth date) sequence keeps them distinct."""

    def __init__(self):
        self.used: dict[tuple[str, dt.date], int] = {}

    def make(self, rng: random.Random, born: dt.date, male: bool) -> str:
        area = rng.choice(AREAS)
        n = self.used.get((area, born), 0)
        self.used[(area, born)] = n + 1
        # Three-digit sequence, odd for men; 500 numbers per sex and day and area.
        seq = (n * 2 + (1 if male else 0)) % 1000
        first17 = f"{area}{born:%Y%m%d}{seq:03d}"
        return first17 + check_digit(first17)


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _born(rng: random.Random, year_from: int, year_to: int) -> dt.date:
    start = dt.date(year_from, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(year_to, 12, 28).toordinal()))


def household_rows(rng: random.Random, ids: IdFactory, *, village: str, number: str, year: int) -> list[list[str]]:
    htype = rng.choice(TYPES)
    monitor = rng.choice(MONITOR) if htype == "监测户" else ""
    relocated = "是" if rng.random() < 0.05 else "否"
    surname = rng.choice(SURNAMES)
    size = max(1, min(8, round(rng.gauss(3.3, 1.4))))
    head_born = _born(rng, 1945, 1990)
    members: list[tuple[str, dt.date, bool, str]] = [("户主", head_born, rng.random() < 0.85, _name(rng, surname))]
    for i in range(1, size):
        if i == 1:
            members.append(("配偶", _born(rng, head_born.year - 3, min(head_born.year + 5, 2000)),
                            not members[0][2], _name(rng)))
        elif i <= 4:
            male = rng.random() < 0.5
            members.append(("子" if male else "女", _born(rng, max(head_born.year + 20, 1965), 2022), male,
                            _name(rng, surname)))
        else:
            male = rng.random() < 0.5
            members.append(("孙子" if male else "孙女", _born(rng, 2005, 2023), male, _name(rng, surname)))
    wage = rng.choice((0, 0, rng.randint(5000, 60000)))
    business = rng.randint(0, 30000)
    transfer = rng.randint(0, 8000)
    prop = rng.choice((0, 0, 0, rng.randint(100, 3000)))
    expense = rng.randint(0, max(1, business // 3))
    rows = []
    for relation, born, male, name in members:
        age = year - born.year
        is_head = relation == "户主"
        school = ""
        if 3 <= age <= 22:
            school = ("学前教育" if age < 6 else "小学" if age < 12 else "初中" if age < 15 else "高中" if age < 18
                      else rng.choice(("大学", "高职", "非在校生")))
        labour = "无劳动力" if age < 16 else rng.choice(LABOUR)
        health = rng.choice(HEALTH)
        grade = str(rng.randint(1, 4)) if health == "残疾" else ""
        months = str(rng.randint(0, 12)) if 16 <= age <= 60 and labour in LABOUR[:4] else ""
        place = rng.choice(PLACES) if months and months != "0" else ""
        rows.append([
            village, number, htype, monitor, relation, name, ids.make(rng, born, male), labour, health, grade, school,
            months, place, "是" if rng.random() < 0.97 else "否", relocated, str(year),
            *((f"{wage:,}", f"{business}.50", str(prop), f"{transfer}元", str(expense)) if is_head
              else ("", "", "", "", "")),
        ])
    return rows


def write_registry_csv(path: str | Path, *, persons: int, villages: list[str], year: int = 2024, seed: int = 7,
                       encoding: str = "utf-8") -> dict:
    """Write about `persons` person rows (whole households) spread over `villages`; returns counts."""
    rng = random.Random(seed)
    ids = IdFactory()
    written = households = 0
    with Path(path).open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(REGISTRY_SPEC.names)
        while written < persons:
            village = villages[households % len(villages)]
            rows = household_rows(rng, ids, village=village, number=f"{village[6:]}{households:07d}", year=year)
            rows = rows[: persons - written]
            out.writerows(rows)
            written += len(rows)
            households += 1
    return {"persons": written, "households": households}


def village_codes() -> list[str]:
    return [f"{COUNTY}{100 + t:03d}{201 + v:03d}" for t in range(TOWNSHIPS) for v in range(VILLAGES_PER_TOWNSHIP)]


def _fresh_pg_database(url: str) -> None:
    """Recreate the benchmark's PostgreSQL database (only one whose name starts with gonggu_bench)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.startswith("gonggu_bench"):
        sys.exit(f"--database-url：基准测试会重建数据库，库名须以 gonggu_bench 开头（而不是 {name}）")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup(database_url: str | None, workdir: Path) -> str:
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        _fresh_pg_database(url)
    os.environ["GONGGU_DATABASE_URL"] = url
    os.environ["GONGGU_DATA_DIR"] = str(workdir / "data")
    os.environ["GONGGU_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    return url


def _regions() -> None:
    from gonggu.core.codes import PREFIX_LENGTH, Level
    from gonggu.regions.models import Region

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


class _RssSampler:
    """Resident memory sampled every 20 ms during the import; the peak of each stage, by the stage timings."""

    STAGES = ("read", "validate", "load_existing", "plan", "write_households", "write_persons", "write_incomes",
              "write_report")

    def __init__(self):
        import threading

        self.samples: list[tuple[float, int]] = []
        self.start = time.perf_counter()
        self.running = True
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            with open("/proc/self/statm") as f:
                rss = int(f.read().split()[1]) * self.page
            self.samples.append((time.perf_counter() - self.start, rss))
            time.sleep(0.02)

    def stop(self, timings: dict) -> dict:
        self.running = False
        self.thread.join()
        bounds, t = [], 0.0
        for name in self.STAGES:
            t += timings.get(name, 0.0)
            bounds.append((t, name))
        peaks: dict[str, int] = {}
        for at, rss in self.samples:
            name = next((n for end, n in bounds if at <= end), "commit")
            peaks[name] = max(peaks.get(name, 0), round(rss / 1048576))
        return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description="农户台账导入基准测试")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reimport", action="store_true", help="再导入一次同一文件（全部未变），计时")
    parser.add_argument("--profile", action="store_true", help="cProfile 前 25 项写到 stderr")
    parser.add_argument("--trace", action="store_true", help="每条批量语句及其秒数写到 stderr")
    parser.add_argument("--csv", metavar="PATH", help="用这个文件（不存在则生成到这里并保留），省去每次生成")
    parser.add_argument("--write-csv", metavar="PATH", help=argparse.SUPPRESS)  # the child process that writes the file
    args = parser.parse_args()
    if args.write_csv:
        print(json.dumps(write_registry_csv(args.write_csv, persons=args.persons, villages=village_codes())))
        return

    with tempfile.TemporaryDirectory(prefix="gonggu-bench-") as folder:
        workdir = Path(folder)
        url = _setup(args.database_url, workdir)
        if args.trace:
            import logging

            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(relativeCreated)8.0f ms  %(message)s"))
            logging.getLogger("gonggu.import").addHandler(handler)
            logging.getLogger("gonggu.import").setLevel(logging.DEBUG)
            logging.getLogger("gonggu.import").propagate = False
        _regions()
        csv_path = Path(args.csv) if args.csv else workdir / "registry.csv"
        t = time.perf_counter()
        if csv_path.exists():
            generated = {"reused": str(csv_path)}
        else:
            generated = json.loads(subprocess.run(
                [sys.executable, __file__, "--write-csv", str(csv_path), "--persons", str(args.persons)],
                check=True, capture_output=True, text=True).stdout)
        generate_seconds = time.perf_counter() - t

        from django.db import connection

        from gonggu.registry.importing import registry_import

        def run():
            sampler = _RssSampler()
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
            cpu = time.process_time() - cpu
            result.timings["peak_rss_mb"] = sampler.stop(result.timings)
            return result, seconds, cpu

        load_before = os.getloadavg()
        result, seconds, cpu = run()
        c = result.counts
        report = {
            "load_average": [round(x, 2) for x in load_before],
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
