"""County-scale load test: gunicorn against a prepared PostgreSQL database, locust from a second process.

    .venv/bin/python bench/load/run.py --users 50 --duration 60s \
        --database-url postgres://postgres@127.0.0.1:5432/gonggu_load

Starts the app (`gunicorn config.wsgi -w 2 --threads 4 -b 127.0.0.1:8765`, DEBUG off) on loopback, runs
locust headless for a bounded time (it stops by itself; a watchdog kills it if it does not), stops the app,
and prints per-page p50/p95/p99 and failures as JSON and as a table. Exit status 1 when any request
failed, 2 when a page's p95 is over --p95-ms (0 turns the latency check off).

Prepare the database first with bench/load/prepare.py. Run one load test at a time (the machine has two
cores, shared by PostgreSQL, gunicorn and locust).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / ".venv" / "bin"
HERE = Path(__file__).resolve().parent
# Not pages of the application's daily use: shown, not held to the latency limit (a login hashes a password
# on purpose, and happens once per session).
UNGATED = ("login", "login form")
LOGIN_MARGIN_S = 10
KEEP_ALIVE_S = 30
ACCESS_FORMAT = "%(t)s %(m)s %(U)s %(q)s %(s)s %(D)s"


def page_of(method: str, path: str, query: str) -> str:
    """The load test's page name of a request in the access log (both personas together)."""
    if path.startswith("/accounts/login"):
        return "login" if method == "POST" else "login form"
    if path == "/registry/":
        if "q=" in query:
            return "search id_number"
        if "page=" in query:
            # The two page tasks differ only in the page number: server-side they are counted together.
            return "household_list page N / deep page"
        return "household_list"
    if path.startswith("/registry/households/"):
        return "household_detail"
    if path == "/screening/inbox/":
        return "warning_inbox"
    if path == "/rules/":
        return "rule_list"
    return path


def server_times(access_log: Path, ready: float) -> dict[str, dict]:
    """p50/p95/p99 of the time gunicorn spent on each page (request read to response written)."""
    times: dict[str, list[float]] = {}
    if not access_log.exists():
        return {}
    for line in access_log.read_text(errors="replace").splitlines():
        # [23/Nov/2026:19:09:13 +0000] GET /registry/ q=... 200 12345
        try:
            stamp, rest = line[1:].split("] ", 1)
            method, path, *middle, status, micros = rest.split(" ")
        except ValueError:
            continue
        name = page_of(method, path, " ".join(middle))
        # Second resolution: a request logged in the second of the last login counts as ramp-up.
        at = dt.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").timestamp()
        if at <= int(ready) and not name.startswith(UNGATED):
            continue
        times.setdefault(name, []).append(int(micros) / 1000)
    out = {}
    for name in sorted(times):
        values = sorted(times[name])
        out[name] = {"requests": len(values), "p50_ms": round(percentile(values, 50)),
                     "p95_ms": round(percentile(values, 95)), "p99_ms": round(percentile(values, 99))}
    return out


def seconds(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    text = text.strip()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def app_env(url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GONGGU_DATABASE_URL": url, "GONGGU_DEBUG": "0", "GONGGU_DATA_DIR": str(data_dir),
                "DJANGO_SETTINGS_MODULE": "config.settings.base", "GONGGU_ALLOWED_HOSTS": "127.0.0.1,localhost"})
    env.pop("GONGGU_ENV", None)
    return env


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen | None, name: str) -> None:
    """End a process group this script started: SIGTERM, then SIGKILL after 15 s."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop on SIGTERM; killing it", file=sys.stderr)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def cpu_seconds(pid: int) -> float | None:
    """CPU time of a process and its children so far (gunicorn: the master and its workers)."""
    try:
        import psutil

        proc = psutil.Process(pid)
        total = sum(proc.cpu_times()[:2])
        for child in proc.children(recursive=True):
            total += sum(child.cpu_times()[:2])
        return round(total, 1)
    except Exception:   # psutil missing or the process gone: the figure is informative only
        return None


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(samples: list[dict], duration: float) -> dict[str, dict]:
    by_name: dict[str, list[dict]] = {}
    for s in samples:
        by_name.setdefault(s["name"], []).append(s)
        # Each page also over both personas together.
        if s["name"].endswith("]"):
            by_name.setdefault(s["name"].rsplit(" [", 1)[0] + " [all]", []).append(s)
    stats = {}
    for name in sorted(by_name):
        rows = by_name[name]
        times = sorted(r["ms"] for r in rows)
        stats[name] = {
            "requests": len(rows), "failures": sum(not r["ok"] for r in rows),
            "p50_ms": round(percentile(times, 50)), "p95_ms": round(percentile(times, 95)),
            "p99_ms": round(percentile(times, 99)), "max_ms": round(times[-1]),
            "rps": round(len(rows) / duration, 2) if duration else None,
        }
    return stats


def table(stats: dict[str, dict], limit: float, server: dict[str, dict]) -> str:
    head = (f"{'page':<34} {'requests':>8} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'req/s':>6}"
            f" {'srv p95':>7}")
    lines = [head, "-" * len(head)]
    for name, s in stats.items():
        flag = ""
        if limit and not name.startswith(UNGATED) and s["p95_ms"] > limit:
            flag = "  > limit"
        base = name.rsplit(" [", 1)[0]
        srv = server.get(base, {}).get("p95_ms", "") if name.endswith("[all]") or name.startswith(UNGATED) else ""
        lines.append(f"{name:<34} {s['requests']:>8} {s['failures']:>5} {s['p50_ms']:>6} {s['p95_ms']:>6} "
                     f"{s['p99_ms']:>6} {s['max_ms']:>6} {s['rps']:>6} {srv:>7}{flag}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="县级规模负载测试（gunicorn + locust，仅本机回环地址）")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="60s", help="steady browsing after the logins, e.g. 60s, 5m")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wsgi", default="config.wsgi", help="WSGI module for gunicorn (to measure a variant)")
    parser.add_argument("--pythonpath", default="", help="extra import path for --wsgi")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--wait", default="1,3", help="think time between pages, seconds: min,max")
    parser.add_argument("--clerk-share", type=float, default=0.75, help="share of users who are village clerks")
    parser.add_argument("--p95-ms", type=float, default=300, help="latency limit per page (0 = no check)")
    parser.add_argument("--out", default="", help="directory for the samples and locust's CSV (default: temp)")
    args = parser.parse_args()

    run_seconds = seconds(args.duration)
    wait_max = float(args.wait.split(",")[1])
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="gonggu_load_"))
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.gettempdir()) / "gonggu_load_data"
    data_dir.mkdir(exist_ok=True)
    env = app_env(args.database_url, data_dir)
    host = f"http://127.0.0.1:{args.port}"
    samples_path = out / "samples.jsonl"
    samples_path.unlink(missing_ok=True)

    # The app changes while the database stays: apply migrations added since prepare.py ran.
    check = subprocess.run([str(BIN / "gonggu"), "migrate", "--check"], cwd=ROOT, env=env, capture_output=True)
    if check.returncode:
        print("applying migrations added since the database was prepared", file=sys.stderr)
        done = subprocess.run([str(BIN / "gonggu"), "migrate", "--verbosity", "0"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"gonggu migrate failed:\n{done.stdout}\n{done.stderr}")

    gunicorn = locust = None
    load_before = [round(x, 2) for x in os.getloadavg()]
    app_cpu = locust_cpu = None
    try:
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), args.wsgi, *(["--pythonpath", args.pythonpath] if args.pythonpath else []),
             "-w", str(args.workers), "--threads", str(args.threads),
             "-b", f"127.0.0.1:{args.port}", "--timeout", "60", "--log-level", "warning",
             # Users reuse their connection after a pause of up to --wait seconds; gunicorn's default
             # keep-alive (2 s) would close it under them (in production nginx holds the client connections).
             "--keep-alive", str(max(KEEP_ALIVE_S, math.ceil(wait_max) + 10)),
             # Server-side time of every request, to tell the app's time from queueing in the load generator.
             "--access-logfile", str(out / "access.log"), "--access-logformat", ACCESS_FORMAT],
            cwd=ROOT, env=env, start_new_session=True, stdout=(out / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT)
        wait_ready(f"{host}/accounts/login/", gunicorn)
        locust_env = dict(env, LOAD_SAMPLES=str(samples_path), LOAD_WAIT=args.wait,
                          LOAD_CLERK_SHARE=str(args.clerk_share))
        # Measured: --duration of steady browsing after the last user has logged in. The run adds the ramp-up
        # (users / spawn rate) and a margin for the logins, which hash a password each and load the CPU.
        ramp = math.ceil(args.users / args.spawn_rate) + LOGIN_MARGIN_S
        command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--host", host,
                   "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                   "--run-time", f"{run_seconds + ramp}s",
                   "--stop-timeout", "10", "--csv", str(out / "locust"), "--only-summary", "--loglevel", "WARNING"]
        print(f"load: {args.users} users for {run_seconds} s against {host} (results in {out})", file=sys.stderr)
        started = time.monotonic()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust = subprocess.Popen(command, cwd=ROOT, env=locust_env, start_new_session=True,
                                  stdout=(out / "locust.log").open("w"), stderr=subprocess.STDOUT)
        try:
            # Locust stops itself at --run-time; the watchdog covers a hang (start-up sampling, stop timeout).
            locust.wait(timeout=run_seconds + ramp + 180)
        except subprocess.TimeoutExpired:
            print("locust did not stop in time; killing it", file=sys.stderr)
        elapsed = time.monotonic() - started
        app_cpu = cpu_seconds(gunicorn.pid)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = round(children.ru_utime + children.ru_stime - children_before.ru_utime
                           - children_before.ru_stime, 1)
    finally:
        stop(locust, "locust")
        stop(gunicorn, "gunicorn")

    if not samples_path.exists():
        print((out / "locust.log").read_text(errors="replace")[-4000:], file=sys.stderr)
        raise SystemExit("locust wrote no samples (see its log above)")
    samples = [json.loads(line) for line in samples_path.read_text().splitlines() if line]
    # Steady state: from the last login to the end. Logins and the ramp-up are reported, not held to the limit.
    logins = [s["t"] for s in samples if s["name"] == "login"]
    first = min((s["t"] for s in samples), default=0.0)
    ready = max(logins) if logins else first
    end = max((s["t"] for s in samples), default=ready)
    steady = [s for s in samples if s["t"] > ready or s["name"].startswith(UNGATED)]
    stats = summarise(steady, end - ready)
    whole = summarise(samples, elapsed)
    failures = sum(s["failures"] for name, s in whole.items() if not name.endswith("[all]"))
    over = [name for name, s in stats.items() if args.p95_ms and not name.startswith(UNGATED)
            and s["p95_ms"] > args.p95_ms]
    result = {
        "users": args.users, "duration_s": run_seconds, "think_time_s": args.wait, "workers": args.workers,
        "threads": args.threads, "requests": len(samples), "failures": failures,
        "steady_requests": sum(1 for s in steady if not s["name"].startswith(UNGATED)),
        "steady_s": round(end - ready, 1), "ramp_up_s": round(ready - first, 1),
        # Other work on the machine skews the figures: the load average before the run and at its end, and
        # the CPU seconds the app itself used.
        "loadavg_before": load_before, "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "gunicorn_cpu_s": app_cpu, "locust_cpu_s": locust_cpu,
        "p95_limit_ms": args.p95_ms, "over_limit": over, "pages": stats,
        "server_side_steady": server_times(out / "access.log", ready),
        "whole_run_including_ramp_up": {name: {k: v[k] for k in ("requests", "failures", "p95_ms")}
                                        for name, v in whole.items()},
        "out": str(out),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(table(stats, args.p95_ms, result["server_side_steady"]))
    if failures:
        errors = out / "locust_failures.csv"
        if errors.exists():
            print(errors.read_text(errors="replace")[:3000], file=sys.stderr)
        return 1
    return 2 if over else 0


if __name__ == "__main__":
    sys.exit(main())
