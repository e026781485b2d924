"""`gonggu import_registry FILE [--dry-run] --format json` (cli.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gonggu.core.tests.commands import run_command
from gonggu.registry.models import Household, Person, RegistryBatch

from .test_import_helpers import head, household, person, write_csv

pytestmark = pytest.mark.django_db


def call(*args) -> tuple[int, str, str]:
    return run_command("import_registry", *args)


def test_json_output_has_the_contract_keys(tmp_path, regions):
    rows = household("H1", 3) + [head("H2", 劳动能力="不详")]
    code, out, err = call(str(write_csv(tmp_path, rows)), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    for key in ("batch", "households", "persons", "created", "updated", "rejected", "unreported_missing"):
        assert key in doc
    assert (doc["households"], doc["persons"], doc["created"], doc["updated"]) == (1, 3, 3, 0)
    assert doc["rejected"] == [{"row": 5, "column": "劳动能力", "reason": "「不详」不是规定的取值（普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力、无劳动力）",
                                "household_no": "H2", "id_number": doc["rejected"][0]["id_number"]}]
    assert "*" in doc["rejected"][0]["id_number"]
    assert doc["batch"] == RegistryBatch.objects.get().pk and doc["unreported_missing"] == 0


def test_dry_run_writes_nothing(tmp_path, regions):
    code, out, _ = call(str(write_csv(tmp_path, household("H1", 2))), "--dry-run", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["batch"] is None and doc["created"] == 2 and doc["dry_run"] is True
    assert not Person.objects.exists() and not Household.objects.exists() and not RegistryBatch.objects.exists()


def test_text_output_is_a_chinese_summary(tmp_path, regions):
    code, out, _ = call(str(write_csv(tmp_path, household("H1", 2) + [person("H1", 姓名="")])))
    assert code == 0 and "导入完成" in out and "拒绝 1 行" in out and "「姓名」" in out


def test_reimport_counts_updates(tmp_path, regions):
    rows = household("H1", 2)
    call(str(write_csv(tmp_path, rows, name="a.csv")), "--format", "json")
    rows[1]["健康状况"] = "患有大病"
    _, out, _ = call(str(write_csv(tmp_path, rows, name="b.csv")), "--format", "json")
    doc = json.loads(out)
    assert (doc["created"], doc["updated"], doc["unchanged"]) == (0, 1, 1)


def test_per_file_error_exits_1_with_one_line(tmp_path, regions):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,年龄\n张三,3\n", encoding="utf-8")
    code, out, err = call(str(bad), "--format", "json")
    assert code == 1 and out == "" and "bad.csv" in err and "缺少必需的列" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_file(tmp_path, regions):
    code, _, err = call(str(tmp_path / "nope.csv"))
    assert code == 1 and "nope.csv" in err


def test_unknown_user(tmp_path, regions):
    code, _, err = call(str(write_csv(tmp_path, household("H1", 1))), "--user", "nobody")
    assert code == 1 and "--user" in err


def test_user_scope_applies(tmp_path, regions, other_county_user):
    code, out, _ = call(str(write_csv(tmp_path, household("H1", 2))), "--user", "other_county_user", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["persons"] == 0 and all("管辖范围" in r["reason"] for r in doc["rejected"])


@pytest.mark.django_db(transaction=True)
def test_console_script_exit_status_without_traceback(tmp_path, regions):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    gonggu = Path(sys.executable).parent / "gonggu"
    env = {**os.environ, "GONGGU_DATA_DIR": str(tmp_path), "GONGGU_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    proc = subprocess.run([str(gonggu), "import_registry", str(bad), "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1 and proc.stdout == "" and "Traceback" not in proc.stderr and "bad.xlsx" in proc.stderr
