"""The rule engine on Apache Spark: the same catalog, the same SQL, for province-scale runs.

`run_rules(engine="spark")` writes the run's snapshot tables as Parquet partitioned by county
(`parquet.py`) under GONGGU_SPARK_INPUT, reads them into a Spark session and evaluates every view and
rule query of the catalog there — no second copy of any rule: the engine's `Dialect` rewrites the two
things Spark spells differently (`VARCHAR` without a length, and the `days_before` helper, defined as a
SQL function) and builds evidence JSON with `to_json(named_struct(…))`. Spark runs with ANSI mode off
and null fields kept in JSON, so that arithmetic and evidence come out as DuckDB gives them; the tests
run the whole catalog on both engines and compare every finding.

Locally (the default, `local[*]`) Spark runs inside this process's JVM. With GONGGU_SPARK_MASTER set
(`spark://host:7077`, `yarn`, `k8s://…`) the driver is this process and the executors read the
snapshot from GONGGU_SPARK_INPUT, which must then be a location they all reach (hdfs://, s3://, or a
shared mount). The rules are SQL only, so executors need no Gonggu code.

Failures: an unreachable master, a missing Java, a damaged snapshot or a lost cluster end the run with
a one-line Chinese reason before anything is stored; a rule whose SQL Spark rejects is skipped with a
reason, as on DuckDB.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import re
import socket
import threading
import time
import uuid
from collections import Counter

import pyarrow as pa
from django.conf import settings

from gonggu.core.errors import UserFacingError

from .engine import Dialect
from .parquet import remove_snapshot, snapshot_open, snapshot_write
from .snapshot import export_method

log = logging.getLogger("gonggu.rules")

_session = None
_session_lock = threading.Lock()
NO_RESULT = "本次未写入任何结果，排除后可重新运行。"


class SparkDialect(Dialect):
    name = "spark"
    _VARCHAR = re.compile(r"\bVARCHAR\b(?!\s*\()", re.IGNORECASE)

    def setup(self, run) -> None:
        run.execute("CREATE TEMPORARY FUNCTION days_before(d DATE, n DECIMAL(18,4)) RETURNS DATE "
                    "RETURN date_sub(d, CAST(n AS INT))")

    def translate(self, sql: str) -> str:
        # Spark knows VARCHAR only with a length; STRING is the same type in both engines.
        return self._VARCHAR.sub("STRING", sql)

    def json_object(self, pairs: list[tuple[str, str]]) -> str:
        if not pairs:
            return "'{}'"
        return "to_json(named_struct(" + ", ".join(f"{self.string(k)}, {expr}" for k, expr in pairs) + "))"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]


def check_master(master: str, timeout: float = 5.0) -> None:
    """Refuse at once a standalone master nobody answers at (Spark itself would retry for minutes)."""
    if not master.startswith("spark://"):
        return
    failures = []
    for address in master[len("spark://"):].split(","):
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host or address, int(port or 7077)), timeout=timeout):
                return
        except (OSError, ValueError) as exc:
            failures.append(f"{address}：{getattr(exc, 'strerror', None) or exc}")
    raise UserFacingError(f"无法连接 Spark 主节点 {master}（{'；'.join(failures)}）。{NO_RESULT}"
                          "请检查 GONGGU_SPARK_MASTER 和网络。")


def _conf() -> dict[str, str]:
    conf = {
        "spark.app.name": "gonggu-rules",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.ansi.enabled": "false",
        "spark.sql.jsonGenerator.ignoreNullFields": "false",
        "spark.sql.session.timeZone": "Asia/Shanghai",
        "spark.driver.memory": "2g",
        # The catalog's union holds one small hash map per broadcast join of every rule; with the default page
        # size (tens of MB each) a county run no longer fits in the driver's 2g. Large runs may set it higher.
        "spark.buffer.pageSize": "2m",
        "spark.local.dir": str(settings.DATA_DIR / "spark-tmp"),
    }
    if settings.SPARK_MASTER.startswith("local"):
        # Small shuffles on one machine: the default of 200 partitions costs more than the work at county size.
        conf["spark.sql.shuffle.partitions"] = "8"
    for item in settings.SPARK_CONF.split(";"):
        key, sep, value = item.partition("=")
        if sep and key.strip():
            conf[key.strip()] = value.strip()
    return conf


def spark_session():
    """A fresh Spark session (own temporary views and functions) on the process's one Spark context."""
    global _session
    with _session_lock:
        master = settings.SPARK_MASTER
        if _session is not None and _session.sparkContext._jsc is not None \
                and _session.sparkContext.master != master:
            check_master(master)  # an unreachable new master leaves the running context alone
            _session.stop()
        if _session is None or _session.sparkContext._jsc is None:
            check_master(master)
            try:
                from pyspark.sql import SparkSession
            except ImportError:
                raise UserFacingError("没有安装 PySpark，不能使用 spark 计算引擎：请安装 pip install 'gonggu[spark]'"
                                      "（需要 Java 17）。") from None
            builder = SparkSession.builder.master(master)
            for key, value in _conf().items():
                builder = builder.config(key, value)
            try:
                _session = builder.getOrCreate()
            except Exception as exc:  # PySpark raises its own runtime errors and Java gateway errors here
                raise UserFacingError(f"无法启动 Spark（{master}）：{_first_line(exc)}。{NO_RESULT}"
                                      "请确认已安装 Java 17、主节点可用。") from None
            _session.sparkContext.setLogLevel("ERROR")
        return _session.newSession()


class SparkRun:
    """One evaluation in its own Spark session; the snapshot it staged is removed when it closes."""

    def __init__(self):
        self.spark = spark_session()  # first: it explains a missing PySpark or Java in one line
        from pyspark.errors import AnalysisException

        # A query Spark rejects is the rule's problem (skipped, as on DuckDB); anything else — a lost
        # executor, a closed gateway — ends the whole run (see _guard).
        self.errors: tuple[type[BaseException], ...] = (AnalysisException,)
        self.dialect = SparkDialect()
        self.cached: list[str] = []
        self.staged: str | None = None
        self.export_method = ""
        self.dialect.setup(self)

    def _guard(self, call):
        try:
            return call()
        except (*self.errors, UserFacingError):
            raise
        except Exception as exc:  # Py4J and Spark runtime errors: the cluster or the JVM failed, not the rule
            log.exception("spark run failed")
            raise UserFacingError(f"Spark 运行中断：{_first_line(exc)}。{NO_RESULT}") from None

    def execute(self, sql: str) -> None:
        self._guard(lambda: self.spark.sql(sql))

    def load(self, names: list[str], *, prefix: str | None, as_of: dt.date, snapshot: str | None,
             timings: dict) -> None:
        t0 = time.perf_counter()
        root = snapshot
        self.export_method = "parquet"
        if root is None:
            root = posixpath.join(settings.SPARK_INPUT.rstrip("/"), f"run-{as_of:%Y%m%d}-{uuid.uuid4().hex[:12]}")
            self.staged = root
            tally = Counter()
            snapshot_write(root, names, prefix=prefix, as_of=as_of, tally=tally)
            self.export_method = export_method(tally)
        timings["export"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        opened = snapshot_open(root, names, as_of=as_of, prefix=prefix)
        for name in names:
            paths, columns = opened.uris(name), opened.columns(name)
            self._guard(lambda n=name, p=paths, c=columns:
                        self.spark.read.parquet(*p).select(*c).createOrReplaceTempView(n))
        timings["load"] = time.perf_counter() - t0

    def set_params(self, table: pa.Table) -> None:
        s = self.dialect.string
        rows = [f"({s(r['name'])}, CAST({'NULL' if r['year'] is None else int(r['year'])} AS INT), "
                f"CAST('{r['value']}' AS DECIMAL(18,4)), {s(r['value_text'])})" for r in table.to_pylist()]
        if rows:
            sql = f"SELECT * FROM VALUES {', '.join(rows)} AS t(name, year, value, value_text)"
        else:
            sql = ("SELECT CAST(NULL AS STRING) AS name, CAST(NULL AS INT) AS year, "
                   "CAST(NULL AS DECIMAL(18,4)) AS value, CAST(NULL AS STRING) AS value_text WHERE 1 = 0")
        self.execute(f"CREATE OR REPLACE TEMPORARY VIEW params AS {sql}")

    def create(self, name: str, sql: str, *, materialise: bool) -> None:
        if materialise:
            # CACHE TABLE … AS is eager: the query runs here, so a failing rule fails here.
            self.execute(f"CACHE TABLE {name} AS {sql}")
            self.cached.append(name)
        else:
            self.execute(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {sql}")

    def create_rule(self, name: str, sql: str) -> None:
        # A view, not a cached table: Spark analyses it here (a rule it rejects is skipped alone) and runs
        # every rule in the one job that collects the findings — a job per rule costs more than the rule.
        self.create(name, sql, materialise=False)

    def rows(self, sql: str) -> list[tuple]:
        return self._guard(lambda: [tuple(r) for r in self.spark.sql(sql).collect()])

    def columns(self, name: str) -> list[tuple[str, str]]:
        """(name, SQL type) of each column of `name`."""
        return self._guard(lambda: list(self.spark.table(name).dtypes))

    def collect(self, sql: str) -> pa.Table:
        return self._guard(lambda: self.spark.sql(sql).toArrow())

    def close(self) -> None:
        for name in self.cached:
            try:
                self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
            except Exception:  # the session may already be gone; the cache dies with it
                log.warning("could not uncache %s", name, exc_info=True)
        if self.staged:
            remove_snapshot(self.staged)
