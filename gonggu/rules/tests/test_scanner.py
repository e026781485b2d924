"""DuckDB's postgres scanner reads every snapshot table exactly as the Python pull does; runs record which path they took.

The scanner reads only committed rows (it is another connection), so these tests commit theirs
(`transaction=True`); inside a transaction the same tables come through Python, which is the comparison.
On SQLite every table comes through Python (scanner.py says why), and the run says so.
The data is the whole-catalog scenario of test_engines_agree.py (every rule fires; the demo county's
registry and department lists; every ledger kind's cases), whose findings DuckDB and Spark must agree on:
equal tables here mean both engines are handed the same rows whichever path read them.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pytest
from django.db import connection, transaction

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.rules import scanner
from gonggu.rules.catalog import CATALOG
from gonggu.rules.engine import run_rules
from gonggu.rules.models import RuleRun
from gonggu.rules.snapshot import build_tables
from gonggu.sources.demo import demo_clear as demo_sources_clear

from .builders import household
from .conftest import D
from .test_engines_agree import COLUMNS, _numbered_from_one, build_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def scenario():
    if not _postgres():
        yield  # the SQLite tests below check the fallback, on data of their own
        return
    assert scanner.extension_path(connection.vendor) is not None, (
        f"DuckDB's {connection.vendor} scanner for DuckDB {scanner.duckdb.__version__} is not installed "
        "(pyproject.toml pins duckdb and the duckdb-ext packages together)")
    with _numbered_from_one():
        build_scenario()
    yield
    demo_sources_clear(prefix="410122")
    scanner.release()


def _sorted(table: pa.Table) -> pa.Table:
    """Rows in a fixed order (the two paths need not return them in the same one); dictionaries as plain text."""
    plain = pa.table({name: (col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col)
                      for name, col in zip(table.column_names, table.columns, strict=True)})
    return plain.sort_by([(name, "ascending") for name in plain.column_names])


def test_every_snapshot_table_reads_the_same_through_the_scanner(scenario):
    names = sorted(CATALOG.tables)
    if not _postgres():
        tally = Counter()
        build_tables(names, prefix=None, as_of=D, tally=tally)
        assert tally["scanner"] == 0 and tally["python"] > 10 and tally["reason"].startswith("SQLite"), tally
        return
    scanned_tally, pulled_tally = Counter(), Counter()
    scanned = build_tables(names, prefix=None, as_of=D, tally=scanned_tally)
    with transaction.atomic():
        pulled = build_tables(names, prefix=None, as_of=D, tally=pulled_tally)
    assert scanned_tally["scanner"] > 10 and scanned_tally["python"] == 0, scanned_tally
    assert pulled_tally["scanner"] == 0 and pulled_tally["reason"] == "inside a transaction", pulled_tally
    assert sum(t.num_rows for t in scanned.values()) > 1000
    for name in names:
        assert scanned[name].schema == pulled[name].schema, name
        assert _sorted(scanned[name]).equals(_sorted(pulled[name])), name
    # A region's tables too (the scoped queries join the registry).
    tally = Counter()
    township = build_tables(["persons", "incomes", "dept_mz_assistance"], prefix="410122100", as_of=D, tally=tally)
    assert tally == Counter(scanner=3)
    assert 0 < township["persons"].num_rows < scanned["persons"].num_rows


def _rows(result) -> Counter:
    return Counter(tuple(row[c] for c in COLUMNS) for row in result.findings.to_pylist())


def test_whole_catalog_gives_the_same_findings_either_way_and_the_run_says_how_it_read(scenario):
    if not _postgres():
        household(make_region("410122100201", "东村", Level.VILLAGE), kind="监测户", monitoring_type="")
        result = run_rules(as_of=D, kinds=["quality"])
        assert result.export.startswith("python: SQLite") and result.counts_by_rule["Q-MONITOR-TYPE"] == 1
        assert RuleRun.objects.get().export == result.export
        return
    scanned = run_rules(as_of=D)
    with transaction.atomic():
        pulled = run_rules(as_of=D, store=False)
    assert scanned.export == "scanner"
    assert pulled.export == "python: inside a transaction"
    assert scanned.findings.num_rows > 100
    assert _rows(scanned) == _rows(pulled)
    assert scanned.skipped == pulled.skipped and scanned.counts_by_rule == pulled.counts_by_rule
    assert set(RuleRun.objects.values_list("export", flat=True)) == {"scanner"}


def test_a_query_the_scanner_cannot_run_comes_through_python():
    from gonggu.rules.snapshot import pull

    if not _postgres():
        assert scanner.scan("SELECT 1 AS value", [("value", pa.int64())]) is None
        assert pull("SELECT 2 AS value", [("value", pa.int64())]).to_pylist() == [{"value": 2}]
        return
    # Text where a number is expected: DuckDB's cast fails, so the scan answers None (the caller pulls instead).
    schema = [("value", pa.int64())]
    assert scanner.scan("SELECT 1 AS value", schema).to_pylist() == [{"value": 1}]
    assert scanner.scan("SELECT 'x' AS value", schema) is None
    assert pull("SELECT 2 AS value", schema).to_pylist() == [{"value": 2}]
    scanner.release()
