"""The Spark engine's own behaviour: Parquet snapshots by county, the commands, and every fault refused cleanly.

(That both engines give the same findings on the whole catalog is test_engines_agree.py.)
"""

import datetime as dt
import json
import shutil
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from gonggu.core.errors import UserFacingError
from gonggu.rules.engine import run_rules
from gonggu.rules.models import RuleRun

from .builders import household, person

pytestmark = [pytest.mark.django_db, pytest.mark.spark]
D = "2025-06-30"


@pytest.fixture
def two_counties(regions):
    """Quality findings in two counties (Q-RELATION-GENDER: a son recorded as female)."""
    made = {}
    for key in ("village", "village_c", "other_village"):
        h = household(regions[key])
        person(h, born=dt.date(1970, 1, 1))
        person(h, relation="子", gender="F", born=dt.date(2000, 1, 1))
        made[key] = h
    return made


def _call(*args) -> tuple[int, dict | None, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, "--format", "json", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, None, err.getvalue()
    return 0, json.loads(out.getvalue()), err.getvalue()


def _snapshot(tmp_path: Path, *extra) -> Path:
    root = tmp_path / "snap"
    code, payload, err = _call("snapshot", "--out", str(root), "--as-of", D, *extra)
    assert code == 0, err
    return root


def test_snapshot_is_partitioned_by_county_with_a_manifest(two_counties, tmp_path):
    root = _snapshot(tmp_path)
    manifest = json.loads((root / "_gonggu_snapshot.json").read_text())
    assert manifest["counties"] == ["410122", "410181"]
    assert manifest["as_of"] == D
    # Every table has a file in every county (an empty one where the county has no rows).
    for name, table in manifest["tables"].items():
        for county in manifest["counties"]:
            path = root / name / f"county={county}" / "part-0.parquet"
            assert pq.read_metadata(path).num_rows == table["rows"][county], (name, county)
    assert manifest["tables"]["persons"]["rows"] == {"410122": 4, "410181": 2}
    assert pq.read_table(root / "persons" / "county=410181" / "part-0.parquet").column("region_code") \
        .to_pylist() == [two_counties["other_village"].region_code] * 2


def test_quality_on_spark_stores_the_same_findings_as_duckdb(two_counties, tmp_path, spark_available, settings):
    settings.SPARK_INPUT = str(tmp_path / "spark-input")
    code, on_duckdb, err = _call("quality", "--as-of", D)
    assert code == 0, err
    code, on_spark, err = _call("quality", "--as-of", D, "--engine", "spark")
    assert code == 0, err
    assert on_spark == on_duckdb
    assert on_spark["summary"]["by_rule"]["Q-RELATION-GENDER"] == 3
    assert RuleRun.objects.filter(kind="quality").count() == 2
    # The snapshot the run staged for itself is gone.
    assert list((tmp_path / "spark-input").iterdir()) == []


def test_region_and_snapshot_options(two_counties, tmp_path, spark_available):
    root = _snapshot(tmp_path, "--region", "410122")
    manifest = json.loads((root / "_gonggu_snapshot.json").read_text())
    assert manifest["counties"] == ["410122"] and manifest["prefix"] == "410122"
    for engine in ("duckdb", "spark"):
        code, payload, err = _call("quality", "--as-of", D, "--region", "410122", "--engine", engine,
                                   "--snapshot", str(root))
        assert code == 0, err
        assert {f["household_no"] for f in payload["findings"]} == {
            two_counties["village"].household_no, two_counties["village_c"].household_no}
    # A snapshot of one county does not answer for another scope.
    code, _payload, err = _call("quality", "--as-of", D, "--snapshot", str(root))
    assert code == 1 and "范围" in err


def test_unreachable_master_is_refused_and_nothing_is_stored(two_counties, settings):
    settings.SPARK_MASTER = "spark://127.0.0.1:1"
    with pytest.raises(UserFacingError, match="无法连接 Spark 主节点 spark://127.0.0.1:1"):
        run_rules(kinds=["quality"], as_of=dt.date(2025, 6, 30), engine="spark")
    for command in ("quality", "compliance", "screen"):
        code, _payload, err = _call(command, "--as-of", D, "--engine", "spark")
        assert code == 1, command
        assert "无法连接 Spark 主节点" in err and "本次未写入任何结果" in err and "Traceback" not in err
    assert not RuleRun.objects.exists()


@pytest.mark.parametrize("damage, message", [
    ("missing_partition", "缺少分区 county=410181"),
    ("no_manifest", "没有清单文件"),
    ("rows_changed", "清单记载 2 行"),
    ("not_parquet", "已损坏"),
])
def test_damaged_snapshot_is_refused_then_a_new_one_works(two_counties, tmp_path, spark_available, damage, message):
    root = _snapshot(tmp_path)
    partition = root / "persons" / "county=410181"
    if damage == "missing_partition":
        shutil.rmtree(partition)
    elif damage == "no_manifest":
        (root / "_gonggu_snapshot.json").unlink()
    elif damage == "rows_changed":
        table = pq.read_table(partition / "part-0.parquet")
        pq.write_table(table.slice(0, 1), partition / "part-0.parquet")
    else:
        (partition / "part-0.parquet").write_bytes(b"not parquet at all")
    for engine in ("duckdb", "spark"):
        code, _payload, err = _call("quality", "--as-of", D, "--engine", engine, "--snapshot", str(root))
        assert code == 1, (engine, err)
        assert message in err and "Traceback" not in err, err
    assert not RuleRun.objects.exists()
    # Written again, the same snapshot location is accepted and the run is stored.
    _snapshot(tmp_path)
    code, payload, err = _call("quality", "--as-of", D, "--engine", "spark", "--snapshot", str(root))
    assert code == 0, err
    assert payload["summary"]["by_rule"]["Q-RELATION-GENDER"] == 3
    assert RuleRun.objects.filter(kind="quality").count() == 1


def test_snapshot_of_another_day_is_refused(two_counties, tmp_path):
    root = _snapshot(tmp_path)
    code, _payload, err = _call("quality", "--as-of", "2025-07-01", "--snapshot", str(root))
    assert code == 1 and "基准日是 2025-06-30" in err


def test_bad_options_are_named(two_counties):
    for args, text in ((["--engine", "flink"], "未知的计算引擎「flink」"), (["--region", "999999"], "--region「999999」"),
                       (["--as-of", "30/06/2025"], "--as-of「30/06/2025」")):
        code, _payload, err = _call("quality", *args)
        assert code == 1 and text in err, err


def test_deployment_default_engine_applies_to_runs_naming_none(two_counties, settings):
    # A province sets GONGGU_RULES_ENGINE=spark: web jobs and commands without --engine use Spark.
    settings.RULES_ENGINE = "spark"
    settings.SPARK_MASTER = "spark://127.0.0.1:1"
    with pytest.raises(UserFacingError, match="无法连接 Spark 主节点"):
        run_rules(kinds=["quality"], as_of=dt.date(2025, 6, 30))
    code, _payload, err = _call("quality", "--as-of", D)
    assert code == 1 and "无法连接 Spark 主节点" in err
    code, payload, err = _call("quality", "--as-of", D, "--engine", "duckdb")
    assert code == 0 and payload["summary"]["by_rule"]["Q-RELATION-GENDER"] == 3


def test_without_pyspark_the_command_says_how_to_install_it(tmp_path):
    """A county install (`make run`) has no PySpark: --engine spark explains itself instead of a traceback."""
    import os
    import subprocess
    import sys

    blocker = tmp_path / "block" / "pyspark"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('pyspark is not installed here')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker.parent), "GONGGU_DATA_DIR": str(tmp_path / "data"),
           "GONGGU_DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    gonggu = Path(sys.executable).parent / "gonggu"
    subprocess.run([str(gonggu), "migrate", "-v0"], env=env, check=True, capture_output=True)
    proc = subprocess.run([str(gonggu), "quality", "--engine", "spark"], env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "没有安装 PySpark" in proc.stderr and "gonggu[spark]" in proc.stderr
