"""Growth of the screening benchmark with N: bench/screen.py for several sizes, one Markdown table.

    GONGGU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonggu_bench \\
        .venv/bin/python bench/growth.py --persons 1000000 3000000 10000000 [--engine duckdb]

Each size runs in a process of its own (`screen.py --persons N --keep --reuse`), so one size's memory
never inflates the next one's figures. The bench county holds one size at a time: the size already
kept in the database (if it is in the list) runs first and is reused, the others ascending, each
generated anew; the last one stays for a later run. Every run's JSON and progress log are written to
--out; `--render` prints the table again from those files without running anything.

While a run goes on, the 1-minute load average and the memory available on the machine are sampled;
a run that passes --timeout-minutes, or that leaves less than --min-available-mb of memory to the
machine, is stopped and reported with the stage it was in.

The table gives, per N, each stage's wall seconds and peak resident memory, the total (all stages
but generating the county; bench/screen.py tells what each stage is), and time/N and memory/N
relative to the smallest N: 1.00 is linear growth, below 1 better than linear.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCREEN = HERE / "screen.py"
COUNTY = "419901"   # as in screen.py
STAGES = (("rules.export", "export"), ("rules.evaluate", "evaluate"), ("rules.write", "write"),
          ("quality", "quality"), ("bare_join", "bare join"), ("screening_run", "screening_run"))
STAGE_BEGINS = re.compile(r"stage (\S+) begins")


def kept_persons() -> int:
    """Persons of the bench county now in the database (0 when there is none or no schema yet)."""
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    try:
        import django

        django.setup()
        from django.db import DatabaseError, connection

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM registry_person WHERE region_code LIKE %s", [COUNTY + "%"])
                return cursor.fetchone()[0]
        except DatabaseError:
            return 0
        finally:
            connection.close()
    except Exception as exc:  # only the order of the runs depends on it
        print(f"could not count the kept bench county ({exc}); generating every size", file=sys.stderr)
        return 0


def available_mb() -> int | None:
    try:
        match = re.search(r"^MemAvailable:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    except OSError:
        return None
    return int(match.group(1)) // 1024 if match else None


def run_one(n: int, args, out: Path) -> dict:
    """screen.py for `n` persons in its own process, watched; returns its report or why it stopped."""
    json_path, log_path = out / f"screen-{n}.json", out / f"screen-{n}.log"
    cmd = [sys.executable, str(SCREEN), "--persons", str(n), "--engine", args.engine, "--keep", "--reuse"]
    print(f"== {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    state = {"stage": "start"}
    started = time.monotonic()
    loads: list[float] = []
    lowest_available: int | None = None
    stopped = None
    with open(json_path, "w") as stdout, open(log_path, "w") as log:
        # A session of its own, so that stopping it also stops whatever it started (the Spark JVM).
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True, start_new_session=True)

        def follow():
            for line in proc.stderr:
                log.write(line)
                log.flush()
                sys.stderr.write(line)
                if match := STAGE_BEGINS.search(line):
                    state["stage"] = match.group(1)

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        while proc.poll() is None:
            time.sleep(5)
            loads.append(os.getloadavg()[0])
            free = available_mb()
            if free is not None:
                lowest_available = free if lowest_available is None else min(lowest_available, free)
            minutes = (time.monotonic() - started) / 60
            if minutes > args.timeout_minutes:
                stopped = f"stopped after {args.timeout_minutes} min"
            elif free is not None and free < args.min_available_mb:
                stopped = f"stopped: only {free} MB of memory left on the machine"
            if stopped and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        reader.join(10)
    record = {"persons": n, "returncode": proc.returncode, "minutes": round((time.monotonic() - started) / 60, 1),
              "load_1m": {"min": round(min(loads), 2) if loads else None, "mean": round(statistics.fmean(loads), 2) if loads else None,
                          "max": round(max(loads), 2) if loads else None, "samples": len(loads)},
              "lowest_available_mb": lowest_available}
    try:
        record["report"] = json.loads(json_path.read_text())
    except (OSError, ValueError):
        record["stopped"] = f"{stopped or f'exit code {proc.returncode}'} in stage {state['stage']}"
    return record


def _cell(stage: dict | None) -> str:
    if stage is None:
        return "—"
    if "error" in stage:
        return "failed"
    text = f"{stage['wall_s']:.1f} s · {stage['peak_mb']:,} MB"
    if stage.get("children_peak_mb"):
        # Spark: the JVM is a process of its own, its peak is not in this process's.
        text += f" + JVM {stage['children_peak_mb']:,} MB"
    return text


def render(records: list[dict]) -> str:
    records = sorted(records, key=lambda r: r["persons"])
    done = [r for r in records if "report" in r]
    base = done[0] if done else None
    head = (["N", "generate"] + [label for _, label in STAGES]
            + ["total s", "CPU s", "peak MB", "time/N", "CPU/N", "memory/N", "(memory − start-up)/N",
               "load (1 min) in stages / whole run max"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in records:
        load = r["load_1m"]
        load_text = f"— / {load['max']:.2f}" if load.get("max") is not None else "—"
        if "report" not in r:
            lines.append(f"| {r['persons']:,} | " + " | ".join(["—"] * (len(head) - 3))
                         + f" | {r['stopped']} | {load_text} |")
            continue
        rep = r["report"]
        summary = rep["summary"]
        # The load while the measured stages ran (generation, in the database server, is left out).
        at_ends = [v["load_1m_at_end"] for k, v in rep["stages"].items() if k != "generate"]
        if at_ends and load.get("max") is not None:
            load_text = f"{statistics.fmean(at_ends):.2f} / {load['max']:.2f}"
        generate = summary.get("generate")
        cells = [f"{r['persons']:,}", "reused" if generate is None else f"{generate['wall_s']:.0f} s"]
        cells += [_cell(summary.get(key)) for key, _ in STAGES]
        total, b = rep["total"], base["report"]["total"]
        n, n0 = r["persons"], base["persons"]
        time_ratio = (total["wall_s"] / n) / (b["wall_s"] / n0) if b["wall_s"] else float("nan")
        cpu_ratio = (total["cpu_s"] / n) / (b["cpu_s"] / n0) if b["cpu_s"] else float("nan")
        memory_ratio = (total["peak_mb"] / n) / (b["peak_mb"] / n0) if b["peak_mb"] else float("nan")
        # The same without what the process holds before any stage (Python, Django, DuckDB, Arrow loaded).
        above, above0 = total["peak_mb"] - rep["baseline_rss_mb"], b["peak_mb"] - base["report"]["baseline_rss_mb"]
        above_ratio = (above / n) / (above0 / n0) if above0 > 0 else float("nan")
        cells += [f"{total['wall_s']:.1f}", f"{total['cpu_s']:.1f}", f"{total['peak_mb']:,}", f"{time_ratio:.2f}",
                  f"{cpu_ratio:.2f}", f"{memory_ratio:.2f}", f"{above_ratio:.2f}", load_text]
        lines.append("| " + " | ".join(cells) + " |")
    out = ["\n".join(lines)]
    if len(done) > 1:
        # Where growth comes from: each stage's time/N and CPU/N against the smallest N. On a shared
        # machine CPU seconds are the steadier measure: wall seconds also count the waits for a core.
        head = ["N"] + [label for _, label in STAGES] + ["total"]
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        b = base["report"]["summary"]
        for r in done:
            s, n, n0 = r["report"]["summary"], r["persons"], base["persons"]
            cells = [f"{n:,}"]
            for key, _ in [*STAGES, ("total", "")]:
                now = r["report"]["total"] if key == "total" else s.get(key)
                first = base["report"]["total"] if key == "total" else b.get(key)
                if now and first and first["wall_s"] and first["cpu_s"] and "error" not in now:
                    cells.append(f"{(now['wall_s'] / n) / (first['wall_s'] / n0):.2f} / "
                                 f"{(now['cpu_s'] / n) / (first['cpu_s'] / n0):.2f}")
                else:
                    cells.append("—")
            rows.append("| " + " | ".join(cells) + " |")
        out.append("time/N and CPU/N of each stage relative to N = " + f"{base['persons']:,}"
                   + " (1.00 = linear):\n\n" + "\n".join(rows))
    if done:
        rep = done[0]["report"]
        out.append(f"Engine {rep['engine']}, database {rep['database']}, {rep['cpus']} CPUs; memory: "
                   f"{rep['memory_method']}; resident size after start-up {rep['baseline_rss_mb']} MB. "
                   "Load average sampled every 5 s during each run.")
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"))
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "gonggu-growth",
                        help="where each run's JSON and log go (default: TMPDIR/gonggu-growth)")
    parser.add_argument("--timeout-minutes", type=float, default=40)
    parser.add_argument("--min-available-mb", type=int, default=2048,
                        help="stop a run that leaves less memory than this to the machine")
    parser.add_argument("--render", action="store_true", help="only print the table from the files in --out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    summary_path = args.out / f"growth-{args.engine}.json"

    if args.render:
        records = json.loads(summary_path.read_text())
        print(render([r for r in records if r["persons"] in set(args.persons)] or records))
        return

    sizes = sorted(set(args.persons))
    kept = kept_persons()
    if kept in sizes:
        sizes.remove(kept)
        sizes.insert(0, kept)
    records = json.loads(summary_path.read_text()) if summary_path.exists() else []
    for n in sizes:
        record = run_one(n, args, args.out)
        records = [r for r in records if r["persons"] != n] + [record]
        summary_path.write_text(json.dumps(records, ensure_ascii=False, indent=1))
    print(render([r for r in records if r["persons"] in set(args.persons)]))


if __name__ == "__main__":
    main()
