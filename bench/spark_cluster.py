"""The Spark engine against a real standalone cluster on this machine: a master and a worker in their own
JVMs (from the PySpark installation), the rules submitted through GONGGU_SPARK_MASTER, the findings
compared with DuckDB's.

    GONGGU_DATABASE_URL=postgres://… .venv/bin/python bench/spark_cluster.py [--as-of 2026-06-30] [--kinds …]

Uses whatever data the database holds (the demo county, or the county of bench/screen.py --keep). The
executors read the Parquet snapshot from a local directory, which stands in for the shared location
(hdfs://, s3://, NFS) of a real cluster. Prints one JSON document: seconds per stage on each engine, the
number of findings, and whether the two engines agree on every row. Stops the master and worker at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the Spark master did not open port {port} within {seconds} s")


def rows(table) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in table.to_pylist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    parser.add_argument("--kinds", default="screening,quality,compliance")
    parser.add_argument("--worker-cores", type=int, default=2)
    parser.add_argument("--worker-memory", default="2g")
    args = parser.parse_args()

    import pyspark

    spark_home = os.path.dirname(pyspark.__file__)
    work = tempfile.mkdtemp(prefix="gonggu-spark-cluster-")
    env = {**os.environ, "SPARK_HOME": spark_home, "SPARK_WORKER_DIR": os.path.join(work, "worker"),
           "SPARK_LOG_DIR": work}
    port = free_port()
    master_url = f"spark://127.0.0.1:{port}"
    spark_class = os.path.join(spark_home, "bin", "spark-class")
    with open(os.path.join(work, "master.log"), "w") as master_log, \
            open(os.path.join(work, "worker.log"), "w") as worker_log:
        master = subprocess.Popen([spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                   "--port", str(port), "--webui-port", str(free_port())],
                                  env=env, stdout=master_log, stderr=subprocess.STDOUT)
        worker = None
        try:
            wait_for(port)
            worker = subprocess.Popen([spark_class, "org.apache.spark.deploy.worker.Worker", master_url,
                                       "--host", "127.0.0.1", "--cores", str(args.worker_cores),
                                       "--memory", args.worker_memory, "--webui-port", str(free_port())],
                                      env=env, stdout=worker_log, stderr=subprocess.STDOUT)
            time.sleep(5)  # the worker registers with the master
            os.environ["GONGGU_SPARK_MASTER"] = master_url
            os.environ["GONGGU_SPARK_INPUT"] = os.path.join(work, "shared")

            import django

            django.setup()
            from gonggu.rules.engine import run_rules

            as_of = dt.date.fromisoformat(args.as_of)
            kinds = [k for k in args.kinds.split(",") if k]
            report = {"master": master_url, "as_of": args.as_of, "kinds": kinds}
            results = {}
            for engine in ("duckdb", "spark"):
                started = time.perf_counter()
                result = run_rules(kinds=kinds, as_of=as_of, engine=engine, store=False)
                report[engine] = {"seconds": round(time.perf_counter() - started, 2), "findings": result.findings.num_rows,
                                  "stages": {k: round(v, 2) for k, v in result.timings.items()},
                                  "skipped": result.skipped}
                results[engine] = rows(result.findings)
            report["identical"] = results["duckdb"] == results["spark"]
            print(json.dumps(report, ensure_ascii=False, indent=1))
            if not report["identical"]:
                sys.exit(1)
        finally:
            for process in (worker, master):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)


if __name__ == "__main__":
    main()
