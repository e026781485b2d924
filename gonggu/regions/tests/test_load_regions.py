import json
import subprocess
import sys

import pytest
import xlsxwriter
from django.core.management import call_command

from gonggu.core.errors import UserFacingError
from gonggu.dataio.intake import intake_run
from gonggu.dataio.models import IntakeBatch
from gonggu.regions.models import Region
from gonggu.regions.services import RegionFileError, regions_load

HEADER = ["区划代码", "名称", "级别", "上级代码"]
GOOD = [
    ["410000000000", "河南省", "省", ""],
    ["410100000000", "郑州市", "市", "410000000000"],
    ["410122000000", "中牟县", "县", "410100000000"],
    ["410122100000", "城关镇", "乡", "410122000000"],
    ["410122100201", "东村", "村", "410122100000"],
    ["410122100202", "西村", "村", "410122100000"],
]


def write_xlsx(path, rows, header=HEADER):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        for c, v in enumerate(row):
            ws.write_string(r, c, v)
    book.close()
    return path


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    path.write_text("\n".join(",".join(r) for r in [header, *rows]), encoding=encoding)
    return path


@pytest.mark.django_db
def test_loads_tree_from_xlsx(tmp_path):
    result = regions_load(write_xlsx(tmp_path / "r.xlsx", GOOD))
    assert result.written.created == 6
    village = Region.objects.get(code="410122100201")
    assert village.parent.code == "410122100000"
    assert village.prefix == "410122100201"
    assert Region.objects.get(code="410122000000").prefix == "410122"
    assert village.full_name() == "河南省郑州市中牟县城关镇东村"


@pytest.mark.django_db
def test_reload_updates_in_place(tmp_path):
    regions_load(write_csv(tmp_path / "r.csv", GOOD))
    renamed = [r[:] for r in GOOD]
    renamed[4][1] = "东庄村"
    result = regions_load(write_csv(tmp_path / "r2.csv", renamed, encoding="gbk"))
    w = result.written
    assert (w.created, w.updated, w.unchanged) == (0, 1, 5)
    assert Region.objects.get(code="410122100201").name == "东庄村"
    assert Region.objects.count() == 6


@pytest.mark.django_db
def test_child_may_reference_parent_already_loaded(tmp_path):
    regions_load(write_csv(tmp_path / "r.csv", GOOD[:4]))
    result = regions_load(write_csv(tmp_path / "r2.csv", GOOD[4:]))
    assert result.written.created == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row,row_no,column,fragment", [
    (["41012210020", "短码村", "村", "410122100000"], 8, "区划代码", "12 位数字"),
    (["410122100201", "重复村", "村", "410122100000"], 8, "区划代码", "与第 6 行重复"),
    (["410122100203", "孤村", "村", "410122999000"], 8, "上级代码", "既不在本文件中"),
    (["410122100203", "错级村", "村", "410122000000"], 8, "上级代码", "应为「乡」级"),
    (["410122100203", "怪村", "镇子", "410122100000"], 8, "级别", "不是允许的取值（省、市、县、乡、村）"),
    (["410123100203", "串村", "村", "410122100000"], 8, "区划代码", "不以上级"),
    (["410122102000", "", "乡", "410122000000"], 8, "名称", "「名称」为空"),
    (["410122101000", "零村", "村", "410122100000"], 8, "区划代码", "与级别「村」不符"),
    (["410122101000", "无上级镇", "乡", ""], 8, "上级代码", "必须填写上级代码"),
    (["4101a2100203", "字母村", "村", "410122100000"], 8, "区划代码", "应为数字代码"),
    (["410122100203", "短上级村", "村", "4101221"], 8, "上级代码", "12 位数字"),
])
def test_bad_rows_reject_whole_file(tmp_path, bad_row, row_no, column, fragment):
    with pytest.raises(RegionFileError) as exc:
        regions_load(write_xlsx(tmp_path / "bad.xlsx", [*GOOD, bad_row]))
    errors = [e for e in exc.value.errors if e.row == row_no]
    assert errors and errors[0].column == column and fragment in errors[0].reason, exc.value.errors
    assert "bad.xlsx" in exc.value.message and f"第 {row_no} 行" in exc.value.message
    assert Region.objects.count() == 0  # nothing half-loaded
    assert not IntakeBatch.objects.exists()  # a refused file leaves no batch


@pytest.mark.django_db
def test_every_bad_row_is_listed(tmp_path):
    bad = [*GOOD, ["4101", "短码", "村", "410122100000"], ["410122100202", "重复", "村", "410122100000"],
           ["410122100209", "孤村", "村", "410122999000"]]
    with pytest.raises(RegionFileError) as exc:
        regions_load(write_csv(tmp_path / "bad.csv", bad))
    assert [e.row for e in exc.value.errors] == [8, 9, 10]
    assert "3 处错误" in exc.value.message


@pytest.mark.django_db
def test_missing_column(tmp_path):
    with pytest.raises(UserFacingError, match="缺少必需的列：级别"):
        regions_load(write_csv(tmp_path / "r.csv", [r[:2] + r[3:] for r in GOOD], header=["区划代码", "名称", "上级代码"]))


@pytest.mark.django_db
def test_header_aliases_and_fullwidth(tmp_path):
    result = regions_load(write_csv(tmp_path / "r.csv", GOOD, header=["行政区划代码", " 区划名称 ", "层级", "上级区划代码"]))
    assert result.written.created == 6


@pytest.mark.django_db
def test_title_rows_level_synonyms_and_codes_stored_as_numbers(tmp_path):
    """A title above the header, 乡镇/行政村 for 乡/村, codes Excel stored as numbers (410000000000.0)."""
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_string(0, 0, "某县行政区划")
    ws.write_row(1, 0, HEADER)
    levels = {"乡": "乡镇", "村": "行政村"}
    for r, (code, name, level, parent) in enumerate(GOOD, start=2):
        ws.write_number(r, 0, int(code))
        ws.write_string(r, 1, name)
        ws.write_string(r, 2, levels.get(level, level))
        if parent:
            ws.write_number(r, 3, int(parent))
    book.close()
    assert regions_load(path).written.created == 6
    assert Region.objects.get(code="410122100201").level == "village"


@pytest.mark.django_db
def test_load_is_a_batch_with_the_file_kept(tmp_path, county_admin):
    import hashlib

    from gonggu.core.uploads import stored_path

    path = write_csv(tmp_path / "r.csv", GOOD)
    result = regions_load(path, user=county_admin)
    batch = result.batch
    assert (batch.format, batch.status, batch.rows, batch.accepted) == ("regions", "applied", 6, 6)
    # county_admin's fixture tree holds some of these codes already
    assert (batch.created, batch.updated, batch.unchanged) == (result.written.created, result.written.updated,
                                                               result.written.unchanged)
    assert batch.created + batch.updated + batch.unchanged == 6
    assert batch.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not batch.stored_path.startswith("/")          # relative to the data directory
    assert stored_path(batch.stored_path).read_bytes() == path.read_bytes()
    assert batch.report["by_level"] == {"省": 1, "市": 1, "县": 1, "乡": 1, "村": 2}
    assert batch.created_by == county_admin


@pytest.mark.django_db
def test_same_file_again_puts_the_tree_back(tmp_path):
    """Not refused as a duplicate: loading an earlier tree again is how a mistaken load is undone."""
    first = write_csv(tmp_path / "r.csv", GOOD)
    regions_load(first)
    renamed = [r[:] for r in GOOD]
    renamed[4][1] = "东庄村"
    regions_load(write_csv(tmp_path / "r2.csv", renamed))
    result = regions_load(first)
    assert result.duplicate_of is None and result.written.updated == 1
    assert Region.objects.get(code="410122100201").name == "东村"
    assert IntakeBatch.objects.filter(format="regions").count() == 3


@pytest.mark.django_db
def test_dry_run_checks_without_writing(tmp_path):
    result = intake_run("regions", path=write_csv(tmp_path / "r.csv", GOOD), dry_run=True)
    assert result.accepted == 6 and not Region.objects.exists() and not IntakeBatch.objects.exists()


@pytest.mark.django_db
def test_needs_the_permission(tmp_path, village_clerk):
    with pytest.raises(UserFacingError, match="没有导入行政区划的权限"):
        regions_load(write_csv(tmp_path / "r.csv", GOOD), user=village_clerk)


@pytest.mark.django_db
@pytest.mark.parametrize("name,content,fragment", [
    ("r.pdf", b"%PDF-1.4", "是文档"),
    ("r.json", b"{}", "无法读取"),
    ("r.xlsx", b"this is not a spreadsheet", "不是有效的电子表格"),
    ("r.csv", b"", "空文件"),
    ("r.csv", "区划代码,名称,级别,上级代码\n".encode(), "没有数据行"),
])
def test_unreadable_files(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserFacingError, match=fragment):
        regions_load(path)


@pytest.mark.django_db
def test_command_json_output(tmp_path, capsys):
    call_command("load_regions", str(write_csv(tmp_path / "r.csv", GOOD)), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 6 and out["by_level"]["村"] == 2
    assert (out["format"], out["rows"], out["accepted"], out["rejected"]) == ("regions", 6, 6, [])
    assert out["batch"] == IntakeBatch.objects.get().pk


@pytest.mark.django_db
def test_command_bad_file_exits_1_with_reason(tmp_path, capsys):
    bad = write_csv(tmp_path / "bad.csv", [*GOOD, ["4101", "坏", "村", "410122100000"]])
    with pytest.raises(SystemExit) as exc:
        call_command("load_regions", str(bad))
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and "第 8 行" in err and "区划代码" in err
    assert Region.objects.count() == 0


def test_installed_command_end_to_end(tmp_path):
    """The `gonggu` console script on a fresh SQLite data directory: migrate, then a bad and a good file."""
    import os
    import shutil

    gonggu = shutil.which("gonggu") or os.path.join(os.path.dirname(sys.executable), "gonggu")
    env = {**os.environ, "GONGGU_DATA_DIR": str(tmp_path / "data"), "GONGGU_DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([gonggu, "migrate", "-v0"], env=env, check=True, timeout=300)
    bad = write_csv(tmp_path / "bad.csv", [*GOOD, ["4101", "坏", "村", "410122100000"]])
    proc = subprocess.run([gonggu, "load_regions", str(bad)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "第 8 行" in proc.stderr
    good = write_csv(tmp_path / "good.csv", GOOD)
    proc = subprocess.run([gonggu, "load_regions", str(good), "--format", "json"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["created"] == 6
