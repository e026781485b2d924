"""A CSV is read as it is consumed: block by block, rows as an iterator, the header before the body.

Blocks of a few bytes (instead of 1 MB) put every block boundary inside a line ending, a quoted field
spanning lines or a two-byte GBK character: the rows must be exactly those of the whole-file read.
"""

from __future__ import annotations

import csv

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.dataio import readers
from gonggu.dataio.columns import Column, ColumnSpec
from gonggu.dataio.readers import read_sheet

SPEC = ColumnSpec(key="test_stream", title="低保名单", columns=(
    Column("身份证号", required=True), Column("姓名", required=True), Column("救助类别"),
))

TEXT = ("低保名单（2025年6月）\r\n"
        "\r\n"
        "身份证号,姓名,救助类别\r\n"
        "410122195001011234,张三,低保\r\n"
        "410122195001011235,\"李\r\n四\",特困\n"
        "\r"
        "410122195001011236,王五,\"低保,特困\"\r"
        ",,\r\n"
        "410122195001011237,赵六,最低生活保障\r\n"
        "410122195001011238,钱七,低保")


def _rows(sheet):
    return [(n, list(cells)) for n, cells in sheet.rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
@pytest.mark.parametrize("block", [1, 2, 3, 7])
def test_small_blocks_read_exactly_what_the_whole_file_holds(encoding, block, tmp_path, monkeypatch):
    path = tmp_path / "list.csv"
    path.write_bytes(TEXT.encode(encoding))
    whole = read_sheet(path, spec=SPEC)
    monkeypatch.setattr(readers.text, "_BLOCK", block)
    streamed = read_sheet(path, spec=SPEC, stream=True)
    assert streamed.header == whole.header == ["身份证号", "姓名", "救助类别"]
    assert streamed.header_row == whole.header_row == 3
    assert _rows(streamed) == whole.rows
    # Row numbers are the file's records (blank ones counted), across the block boundaries.
    assert [n for n, _ in whole.rows] == [4, 5, 7, 9, 10]
    assert whole.rows[1][1] == ["410122195001011235", "李\r\n四", "特困"]
    assert whole.rows[2][1][2] == "低保,特困"


def test_the_body_is_not_read_before_the_header_is_decided(tmp_path):
    """A body that cannot be parsed (an unpaired quote, a cell over the csv limit) fails only when read.

    Only the rows the header may be in are read first (30, and one more for a two-row header)."""
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("身份证号,姓名,救助类别\n" + "410122195001011234,张三,低保\n" * readers.HEADER_SEARCH_ROWS)
        f.write('410122195001011235,"李四,' + "很长" * (csv.field_size_limit() // 2 + 10) + "\n")
    sheet = read_sheet(path, spec=SPEC, stream=True)
    assert sheet.header == ["身份证号", "姓名", "救助类别"]
    first = next(sheet.rows)
    assert first == (2, ["410122195001011234", "张三", "低保"])
    with pytest.raises(UserFacingError, match="不是有效的 CSV：有一个单元格超过"):
        list(sheet.rows)
    with pytest.raises(UserFacingError, match="不是有效的 CSV"):
        read_sheet(path, spec=SPEC)  # the whole read still refuses the file


def test_ascii_beginning_then_gbk_switches_encoding_exactly(tmp_path, monkeypatch):
    """A GBK file whose first 64 KB are ASCII is read as GBK from where it stops being ASCII."""
    monkeypatch.setattr(readers.text, "_BLOCK", 16)
    path = tmp_path / "list.csv"
    path.write_bytes(("id,name,kind\n" + "410122195001011234,zhang,a\n" * 3000 + "410122195001011235,李四,低保\n")
                     .encode("gbk"))
    sheet = read_sheet(path, stream=True)
    rows = _rows(sheet)
    assert len(rows) == 3001 and rows[-1] == (3002, ["410122195001011235", "李四", "低保"])


def test_a_file_mixing_utf8_and_gbk_names_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(readers.text, "_BLOCK", 4096)
    path = tmp_path / "list.csv"
    head = ("身份证号,姓名,救助类别\n" + "410122195001011234,张三,低保\n" * 3000).encode("utf-8")
    path.write_bytes(head + "410122195001011235,李四,低保\n".encode("gbk"))
    sheet = read_sheet(path, spec=SPEC, stream=True)
    with pytest.raises(UserFacingError) as exc:
        list(sheet.rows)
    message = exc.value.message
    assert "混用了两种编码" in message and "UTF-8" in message
    assert "从第 3002 行起" in message  # the line the other encoding starts on, in the middle of a block
