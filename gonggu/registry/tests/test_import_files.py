"""Whole-file behaviour: formats, encodings and the errors that stop a file (nothing written)."""

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from gonggu.core.errors import UserFacingError
from gonggu.registry.importing import registry_import
from gonggu.registry.models import Household, Person, RegistryBatch
from gonggu.registry.spec import REGISTRY_SPEC

from .test_import_helpers import csv_text, head, household, id_number, person, write_csv

pytestmark = pytest.mark.django_db


def _xlsx(path: Path, rows: list[dict], *, number_ids: bool = False, blank_rows_above: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    top = blank_rows_above
    for c, name in enumerate(REGISTRY_SPEC.names):
        sheet.write_string(top, c, name)
    for r, row in enumerate(rows, start=top + 1):
        for c, name in enumerate(REGISTRY_SPEC.names):
            value = row.get(name, "")
            if name == "身份证号" and number_ids:
                sheet.write_number(r, c, float(value))
            elif name in ("务工月数", "工资性收入") and value and value.replace(".", "").isdigit():
                sheet.write_number(r, c, float(value))
            elif value != "":
                sheet.write_string(r, c, value)
    book.close()
    return path


def _nothing_written():
    assert not Household.objects.exists() and not Person.objects.exists() and not RegistryBatch.objects.exists()


def test_gbk_csv(tmp_path, regions):
    path = write_csv(tmp_path, household("H1", 2, 姓名="王小二"), encoding="gbk")
    result = registry_import(path=path)
    assert result.counts.persons == 2 and set(Person.objects.values_list("name", flat=True)) == {"王小二"}


def test_utf8_with_bom_and_blank_lines(tmp_path, regions):
    text = "\n\n" + csv_text(household("H1", 2)).replace("\n", "\n\n", 1)
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff".encode() + text.encode())
    result = registry_import(path=path)
    assert result.counts.persons == 2 and result.rejected == []


def test_row_numbers_count_the_header_and_blank_lines(tmp_path, regions):
    text = "\n" + csv_text([head("H1"), person("H1", 劳动能力="坏")])
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    result = registry_import(path=path)
    assert [r.row for r in result.rejected] == [4]


def test_rows_with_extra_or_missing_cells_are_read_not_lost(tmp_path, regions):
    lines = csv_text(household("H1", 2)).splitlines()
    lines[1] += ",多余的格"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n" + ",".join(lines[2].split(",")[:8]) + "\n", encoding="utf-8")
    result = registry_import(path=path)
    assert result.counts.persons == 2
    assert {r.row for r in result.rejected} == {4}   # the short row: required cells missing


def test_xlsx_with_header_not_on_first_row(tmp_path, regions):
    path = _xlsx(tmp_path / "r.xlsx", household("H1", 3, 务工月数="6"), blank_rows_above=2)
    result = registry_import(path=path)
    assert result.counts.persons == 3 and result.rejected == []
    assert set(Person.objects.values_list("work_months", flat=True)) == {6}


def test_xlsx_identity_numbers_in_number_cells_are_rejected(tmp_path, regions):
    numbers = [n for n in (id_number(dt.date(1970, 1, 1) + dt.timedelta(days=d)) for d in range(20)) if n[-1] != "X"]
    rows = [head("H1", id=numbers[0]), person("H1", id=numbers[1])]
    result = registry_import(path=_xlsx(tmp_path / "n.xlsx", rows, number_ids=True))
    assert len(result.rejected) == 2
    assert all("数字已丢失" in r.reason and r.column == "身份证号" for r in result.rejected)
    assert not Person.objects.exists()


def test_xlsx_amount_number_cells(tmp_path, regions):
    registry_import(path=_xlsx(tmp_path / "a.xlsx", [head("H1", 工资性收入="1234.5")]))
    assert str(Household.objects.get().incomes.get().wage) == "1234.50"


@pytest.mark.parametrize("name,content,message", [
    ("empty.csv", b"", "空文件"),
    ("doc.docx", b"PK\x03\x04 not really", "是文档"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格"),
    ("broken.xlsx", b"PK\x03\x04garbage", "不是有效的电子表格"),
    ("only-header.csv", ",".join(REGISTRY_SPEC.names).encode(), "只有表头"),
    ("wrong.csv", "姓名,年龄\n张三,30\n".encode(), "缺少必需的列"),
    ("blank.csv", b"\n\n,,,\n", "没有任何内容"),
    ("data.json", b"{}", "无法读取"),
])
def test_per_file_errors_write_nothing(tmp_path, regions, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserFacingError) as exc:
        registry_import(path=path)
    assert message in exc.value.message and name in exc.value.message
    _nothing_written()


def test_missing_required_column_names_it(tmp_path, regions):
    header = [n for n in REGISTRY_SPEC.names if n != "劳动能力"]
    path = write_csv(tmp_path, [head("H1")], header=header)
    with pytest.raises(UserFacingError) as exc:
        registry_import(path=path)
    assert "劳动能力" in exc.value.message
    _nothing_written()


def test_header_aliases_and_widths(tmp_path, regions):
    header = ["村代码", "户编号", "户类型", "与户主关系", " 姓 名 ", "公民身份号码", "劳动能力", "健康状况", "收入年度",
              "工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出"]
    row = head("H1")
    lines = [",".join(header), ",".join(row.get(h.replace(" ", ""), row.get({"村代码": "行政区划代码",
                                                                             "公民身份号码": "身份证号"}.get(h, h), ""))
                                      for h in header)]
    path = tmp_path / "alias.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = registry_import(path=path)
    assert result.counts.persons == 1, result.rejected


def test_xlsx_disguised_as_csv_is_read_as_a_workbook(tmp_path, regions):
    xlsx = _xlsx(tmp_path / "r.xlsx", household("H1", 2))
    disguised = tmp_path / "r.csv"
    disguised.write_bytes(xlsx.read_bytes())
    assert registry_import(path=disguised).counts.persons == 2
