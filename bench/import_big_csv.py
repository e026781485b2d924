"""Benchmark: peak memory of `gonggu intake` on a 250 MB department list, its .xlsx twin, and a zip bomb.

    .venv/bin/python bench/import_big_csv.py                       # SQLite, 250 MB CSV, 1,000,000-row xlsx, bomb
    .venv/bin/python bench/import_big_csv.py --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_big
    .venv/bin/python bench/import_big_csv.py --megabytes 20 --xlsx-rows 0 --no-bomb   # a quick look

Each import runs the real command line (`gonggu intake dept.mz_assistance FILE --format json`) in a child
process; its peak resident memory is the child's `ru_maxrss` (os.wait4), so nothing of this script counts.
The CSV is UTF-8, one person per row with unique identity numbers (none in the registry: every row is kept
as unmatched), one row in 1,000 with a bad check digit. With --database-url the database (its name must
start with gonggu_bench) is dropped, created and migrated; without it a fresh SQLite file is used.
Prints one JSON line per import: rows, seconds, peak MB, exit code and the command's message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ("低保", "特困", "最低生活保障", "特困供养")


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id_number(county: str, born: dt.date, seq: int) -> str:
    """A valid 18-digit identity number (GB 11643 check digit), without loading Django."""
    body = f"{county}{born:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _numbers():
    day = dt.date(1940, 1, 1)
    for i in range(10**9):
        number = make_id_number("410122", day + dt.timedelta(days=i % 25000), i // 25000 % 999 + 1)
        if i % 1000 == 7:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # a bad check digit: refused
        yield i, number


def _row(i: int, number: str) -> list[str]:
    return [number, f"人{i}", CATEGORIES[i % 4], "在保" if i % 9 else "停保", f"20{10 + i % 15}/{1 + i % 12}/{1 + i % 28}"]


def write_csv(path: Path, megabytes: int) -> int:
    limit = megabytes * 1_000_000
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("身份证号,姓名,救助类别,状态,起始日期\r\n")
        for i, number in _numbers():
            f.write(",".join(_row(i, number)) + "\r\n")
            rows += 1
            if rows % 10000 == 0 and f.tell() >= limit:
                return rows
    return rows


def write_xlsx(path: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["身份证号", "姓名", "救助类别", "状态", "起始日期"])
    for i, number in _numbers():
        if i >= count:
            break
        sheet.write_row(i + 1, 0, _row(i, number))
    book.close()


def prepare_database(url: str | None, folder: Path) -> dict:
    env = fresh_database(url, folder)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([_gonggu(), "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    return env


def _gonggu() -> str:
    return str(Path(sys.executable).with_name("gonggu"))


def run_import(env: dict, path: Path, database: str) -> dict:
    cmd = [_gonggu(), "intake", "dept.mz_assistance", str(path), "--as-of", "2025-06-30", "--format", "json"]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    code = os.waitstatus_to_exitcode(status)
    figures = {"file": path.name, "megabytes": round(path.stat().st_size / 1e6, 1), "database": database,
               "exit": code, "seconds": round(seconds, 1), "peak_rss_mb": usage.ru_maxrss // 1024,
               "load": os.getloadavg()[0]}
    if code == 0:
        data = json.loads(stdout)
        figures.update(rows=data["rows"], accepted=data["accepted"], rejected_rows=data["rejected_rows"],
                       rows_per_s=round(data["rows"] / seconds))
    else:
        lines = stderr.strip().splitlines()
        figures["message"] = lines[-1] if lines else ""
        figures["traceback"] = "Traceback" in stderr
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--megabytes", type=int, default=250)
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000, help="0: no .xlsx")
    parser.add_argument("--no-bomb", action="store_true")
    parser.add_argument("--keep", help="a folder to generate the files in and keep them (reused when present)")
    args = parser.parse_args()
    database = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory(prefix="gonggu-bench-big-") as tmp:
        folder = Path(tmp)
        files = Path(args.keep) if args.keep else folder
        files.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        csv_path = files / f"低保名单_{args.megabytes}MB.csv"
        if not csv_path.exists():
            t0 = time.perf_counter()
            rows = write_csv(csv_path, args.megabytes)
            print(json.dumps({"generated": csv_path.name, "rows": rows, "seconds": round(time.perf_counter() - t0)},
                             ensure_ascii=False), flush=True)
        paths = [csv_path]
        if args.xlsx_rows:
            xlsx_path = files / f"低保名单_{args.xlsx_rows}行.xlsx"
            if not xlsx_path.exists():
                write_xlsx(xlsx_path, args.xlsx_rows)
            paths.append(xlsx_path)
        if not args.no_bomb:
            from gonggu.dataio.tests.sheetfiles import xlsx_bomb  # the bomb the reader tests refuse

            # 3 GB of sheet XML, honest headers; and one whose headers claim 10 MB (found while inflating).
            paths.append(xlsx_bomb(files / "炸弹.xlsx", megabytes=3072))
            paths.append(xlsx_bomb(files / "炸弹_谎报大小.xlsx", megabytes=3072, declared=10_000_000))
        env = prepare_database(args.database_url, folder)
        for path in paths:
            print(json.dumps(run_import(env, path, database), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
