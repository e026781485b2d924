"""Deductions (负面事项, indicator 13 of seed 002 附件2): the exact cli.md table, 就高原则, rejects, the command."""

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import call_command

from gonggu.assessment.deductions import Item, score, shipped_table

# cli.md, "Deduction types": canonical name → points per matter (None = needs a decision).
CLI_TABLE = {
    "党中央国务院通报批评": Decimal("1"),
    "中央和国家机关部委通报批评": Decimal("0.8"),
    "省委省政府通报批评": Decimal("0.8"),
    "省委部门省直单位通报批评": Decimal("0.5"),
    "整治不正之风和腐败问题推进不力": Decimal("1"),
    "主流媒体曝光": Decimal("0.8"),
    "考核发现重大突出问题": Decimal("1"),
    "形式主义官僚主义数据造假": Decimal("0.5"),
    "规模性返贫": None,
}

# The seed's own wording (002 附件2 item 13) for each type.
SEED_WORDING = {
    "受到党中央、国务院通报批评": "党中央国务院通报批评",
    "受到中央和国家机关有关部委通报批评": "中央和国家机关部委通报批评",
    "受到省委、省政府通报批评": "省委省政府通报批评",
    "受到省委有关部门、省直有关单位通报批评": "省委部门省直单位通报批评",
    "集中整治群众身边不正之风和腐败问题工作涉巩固拓展脱贫攻坚成果方面推进不力、问题突出群众反映强烈":
        "整治不正之风和腐败问题推进不力",
    "被主流媒体曝光造成重大不良影响": "主流媒体曝光",
    "考核中发现重大突出问题": "考核发现重大突出问题",
    "考核中发现存在形式主义官僚主义、加重基层负担、数据弄虚作假、严重失真失实等突出问题": "形式主义官僚主义数据造假",
    "发生规模性返贫": "规模性返贫",
}


def test_shipped_table_is_exactly_the_cli_table():
    table = shipped_table()
    assert {d.type: d.points for d in table.defs} == CLI_TABLE


@pytest.mark.parametrize("canonical,points", CLI_TABLE.items())
def test_each_type_alone_scores_its_points(canonical, points):
    result = score([Item(2, "事项甲", canonical)])
    assert result.matters[0].counted_type == (canonical if points is not None else None)
    assert result.matters[0].deduction == points
    assert result.total == (points or 0)
    assert result.matters[0].decision_needed is (points is None)


@pytest.mark.parametrize("wording,canonical", SEED_WORDING.items())
def test_seed_wording_is_accepted(wording, canonical):
    assert shipped_table().find(wording).type == canonical
    # Full-width punctuation, blanks and a trailing "的" or "每项扣N分" do not matter.
    assert shipped_table().find(f" {wording}的，每项扣1分 ").type == canonical


def test_highest_value_counts_once_per_matter():
    items = [
        Item(2, "某村危房改造不到位", "省委省政府通报批评"),            # 0.8
        Item(3, "某村危房改造不到位", "主流媒体曝光"),                  # 0.8
        Item(4, "某村危房改造不到位", "考核发现重大突出问题"),          # 1 → counted
        Item(5, "某村危房改造不到位", "形式主义官僚主义数据造假"),      # 0.5
        Item(6, "监测数据注水", "形式主义官僚主义数据造假"),            # 0.5
        Item(7, "监测数据注水", "省委部门省直单位通报批评"),            # 0.5 (tie: first met counts)
    ]
    result = score(items)
    assert result.total == Decimal("1.5")
    first, second = result.matters
    assert (first.matter, first.deduction, first.counted_type) == ("某村危房改造不到位", Decimal("1"), "考核发现重大突出问题")
    assert first.rows == [2, 3, 4, 5]
    assert (second.deduction, second.counted_type) == (Decimal("0.5"), "形式主义官僚主义数据造假")


def test_same_matter_written_with_different_blanks_is_one_matter():
    result = score([Item(2, "某县 小额信贷", "主流媒体曝光"), Item(3, "某县小额信贷", "党中央国务院通报批评")])
    assert len(result.matters) == 1 and result.total == Decimal("1")


def test_unknown_type_is_reported_with_its_row_not_guessed():
    result = score([Item(2, "事项甲", "主流媒体曝光"), Item(3, "事项乙", "被县电视台报道"),
                    Item(4, "事项丙", "党中央通报"), Item(5, "", "主流媒体曝光"), Item(6, "事项丁", "")])
    assert result.total == Decimal("0.8")
    assert [m.matter for m in result.matters] == ["事项甲"]
    rows = {r["row"]: r for r in result.rejected}
    assert set(rows) == {3, 4, 5, 6}
    assert "被县电视台报道" in rows[3]["reason"] and rows[3]["column"] == "类型"
    assert "党中央通报" in rows[4]["reason"]
    assert rows[5]["reason"] == "事项为空" and rows[6]["reason"] == "类型为空"


def test_large_scale_return_is_flagged_for_decision_not_scored():
    result = score([Item(2, "某乡整乡返贫", "规模性返贫"), Item(3, "某乡整乡返贫", "省委省政府通报批评"),
                    Item(4, "另一乡", "发生规模性返贫")])
    data = result.as_dict()
    assert data["total"] == 0.8
    assert data["decisions_needed"] == ["某乡整乡返贫", "另一乡"]
    m1, m2 = data["matters"]
    assert m1["deduction"] == 0.8 and m1["counted_type"] == "省委省政府通报批评" and m1["decision_needed"]
    assert m2["deduction"] is None and m2["counted_type"] is None
    assert "降档处理" in m2["decision"]


def write_xlsx(path, rows, header=("事项", "类型")):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return path


def test_command_json_contract(tmp_path, capsys):
    path = write_xlsx(tmp_path / "neg.xlsx", [
        ("事项一", "受到党中央、国务院通报批评"), ("事项一", "主流媒体曝光"), ("事项二", "省委部门省直单位通报批评"),
        ("事项三", "县里通报"), ("事项四", "规模性返贫"),
    ])
    call_command("deductions", str(path), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 1.5
    assert data["matters"][:2] == [
        {"matter": "事项一", "deduction": 1, "counted_type": "党中央国务院通报批评", "types": ["党中央国务院通报批评", "主流媒体曝光"],
         "rows": [2, 3], "decision_needed": False},
        {"matter": "事项二", "deduction": 0.5, "counted_type": "省委部门省直单位通报批评", "types": ["省委部门省直单位通报批评"],
         "rows": [4], "decision_needed": False},
    ]
    assert data["matters"][2]["matter"] == "事项四" and data["matters"][2]["deduction"] is None
    assert data["rejected"] == [{"row": 5, "column": "类型", "value": "县里通报",
                                 "reason": data["rejected"][0]["reason"]}]
    assert "县里通报" in data["rejected"][0]["reason"] and "党中央国务院通报批评" in data["rejected"][0]["reason"]
    assert set(data) == {"total", "matters", "decisions_needed", "rejected"}


def test_command_text_output(tmp_path, capsys):
    path = write_xlsx(tmp_path / "neg.xlsx", [("事项一", "主流媒体曝光"), ("事项二", "规模性返贫")])
    call_command("deductions", str(path))
    out = capsys.readouterr().out
    assert "合计：0.8 分" in out and "规模性返贫" in out and "需研究决定" in out


def _run(tmp_path, *args):
    """The installed `gonggu` console script, as an operator runs it (no database needed for this command)."""
    gonggu = shutil.which("gonggu") or os.path.join(os.path.dirname(sys.executable), "gonggu")
    env = {**os.environ, "GONGGU_DATA_DIR": str(tmp_path / "data"), "GONGGU_DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([gonggu, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("make,expect", [
    (lambda p: p / "missing.xlsx", "missing.xlsx"),
    (lambda p: (p / "bad.xlsx").write_bytes(b"not a workbook") and p / "bad.xlsx", "bad.xlsx"),
    # No column of the format at all: the reader finds no header and names the columns it looked for.
    (lambda p: write_xlsx(p / "cols.xlsx", [("a", "b")], header=("问题", "分类")), "cols.xlsx"),
    (lambda p: write_xlsx(p / "cols.xlsx", [("a", "b")], header=("问题", "分类")), "事项"),
    (lambda p: write_xlsx(p / "half.xlsx", [("a", "b")], header=("事项", "分类")), "缺少必需的列：类型"),
])
def test_unreadable_file_exits_1_with_one_line(tmp_path, capsys, make, expect):
    path = make(tmp_path)
    with pytest.raises(SystemExit) as exc:
        call_command("deductions", str(path), "--format", "json")
    assert exc.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert expect in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_installed_command_end_to_end(tmp_path):
    bad = write_xlsx(tmp_path / "cols.xlsx", [("a", "b")], header=("问题", "分类"))
    proc = _run(tmp_path, "deductions", str(bad), "--format", "json")
    assert proc.returncode == 1 and proc.stdout == "" and "Traceback" not in proc.stderr and "cols.xlsx" in proc.stderr
    good = write_xlsx(tmp_path / "neg.xlsx", [("事项一", "乱写的类型"), ("事项二", "被主流媒体曝光造成重大不良影响")])
    proc = _run(tmp_path, "deductions", str(good), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["total"] == 0.8 and data["rejected"][0]["row"] == 2


@pytest.mark.django_db
def test_command_with_a_year_uses_that_years_system(tmp_path, capsys, county_admin, regions):
    from gonggu.assessment import services
    from gonggu.assessment.models import IndicatorSystem

    own = services.indicator_system_copy(source=IndicatorSystem.objects.get(year=2025, region_code=""), year=2026,
                                         user=county_admin)
    services.deduction_points_update(system=own, user=county_admin, points={"D6": "1.2"})
    path = write_xlsx(tmp_path / "neg.xlsx", [("事项一", "主流媒体曝光")])
    call_command("deductions", str(path), "--year", "2025", "--format", "json")
    assert json.loads(capsys.readouterr().out)["total"] == 0.8
    call_command("deductions", str(path), "--year", "2026", "--county", "410122000000", "--format", "json")
    assert json.loads(capsys.readouterr().out)["total"] == 1.2
    with pytest.raises(SystemExit) as exc:
        call_command("deductions", str(path), "--year", "2030")
    assert exc.value.code == 1 and "没有 2030 年度" in capsys.readouterr().err


def test_file_rows_through_the_pipeline_reader(tmp_path, capsys):
    """A title row above the header, every bad cell of every row with its number, a .csv in GBK too."""
    path = tmp_path / "neg.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "2025年度某县负面事项清单")
    for r, row in enumerate([("事项", "类型", "发生日期"), ("事项一", "主流媒体曝光", "2025-03-01"),
                             ("", "主流媒体曝光", ""), ("事项三", "", ""), ("事项四", "考核发现重大突出问题", "去年"),
                             ("事项五", "被县电视台报道", "")], start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    call_command("deductions", str(path), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 0.8 and [m["matter"] for m in data["matters"]] == ["事项一"]
    assert data["matters"][0]["rows"] == [3]
    rejected = {(r["row"], r["column"]) for r in data["rejected"]}
    assert rejected == {(4, "事项"), (5, "类型"), (6, "发生日期"), (7, "类型")}
    assert [r["row"] for r in data["rejected"]] == [4, 5, 6, 7]
    csv = tmp_path / "neg.csv"
    csv.write_bytes("事项,类型\n事项一,省委省政府通报批评\n事项一,党中央国务院通报批评\n".encode("gbk"))
    call_command("deductions", str(csv), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 1 and data["rejected"] == []


def test_scoring_writes_nothing(tmp_path, capsys, db):
    from gonggu.dataio.models import IntakeBatch

    path = write_xlsx(tmp_path / "neg.xlsx", [("事项一", "主流媒体曝光")])
    for _ in range(2):  # the same file again is scored again, not refused as a duplicate
        call_command("deductions", str(path), "--format", "json")
        assert json.loads(capsys.readouterr().out)["total"] == 0.8
    assert not IntakeBatch.objects.exists()
