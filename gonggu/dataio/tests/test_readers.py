"""read_sheet on files as offices send them, and on files built to hurt the server.

Every file here is real, written in tmp_path (see sheetfiles.py); nothing is mocked.

Memory and time, measured once with `/usr/bin/time -v` (not a timed test; 2 shared cores, load 3–4):
a 1,048,575-row × 5-column GBK CSV (identity number, name, village code, household number, amount;
55 MB) read with a spec: peak RSS 413 MB, 5–8 s (the previous reader: 904 MB, 4.3 s). The same rows
as .xlsx (31 MB, 330 MB of sheet XML): peak 820 MB, about 16 s, 2.6 s of it the zip check and area
scan (previous reader: 888 MB, 10 s, no checks). Cells are plain `str`, repeated short texts share
one object; the rest of the .xlsx peak is calamine's own copy of the sheet.
"""

from __future__ import annotations

import codecs
import tracemalloc
import zipfile

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, normalize
from gonggu.dataio import readers
from gonggu.dataio.columns import Column, ColumnSpec
from gonggu.dataio.readers import MAX_UNCOMPRESSED_BYTES, read_sheet

from . import sheetfiles
from .sheetfiles import FILES

SPEC = ColumnSpec(
    key="test_mz",
    title="低保名单",
    columns=(
        Column("身份证号", required=True, aliases=("身份证号码", "公民身份号码")),
        Column("姓名", required=True),
        Column("救助类别"),
        Column("工资性收入"),
        Column("转移性收入"),
    ),
)
ID = "410122199001011237"
ROWS = [["姓名", "身份证号", "救助类别"], ["张三", ID, "低保"], ["李四", "410122198502023456", "特困"]]
TITLE = [["XX县2025年低保名单", None, None], ["填报单位：XX乡民政所", None, "填报日期：2025-03-01"]]


def csv_bytes(rows, delimiter=","):
    return "\r\n".join(delimiter.join("" if c is None else c for c in row) for row in rows).encode()


# --- workbooks -----------------------------------------------------------------------------------------


def test_xlsx_first_visible_sheet_keeps_row_numbers_and_says_what_it_read(tmp_path):
    path = sheetfiles.xlsx(tmp_path / "名单.xlsx", [[None], *ROWS], sheet="低保名单")
    sheet = read_sheet(path)
    assert sheet.header == ["姓名", "身份证号", "救助类别"]
    assert sheet.header_row == 2 and sheet.header_rows == 1
    assert sheet.rows == [(3, ["张三", ID, "低保"]), (4, ["李四", "410122198502023456", "特困"])]
    assert sheet.sheet_name == "低保名单" and sheet.encoding is None
    assert sheet.layout == "工作表「低保名单」；表头在第 2 行"


def test_named_sheet_and_unknown_name(tmp_path):
    path = sheetfiles.xlsx(tmp_path / "a.xlsx", ROWS, sheet="民政", before=[("说明", [["填表说明"]])])
    assert read_sheet(path).sheet_name == "说明"
    assert read_sheet(path, sheet="民政").rows[0][1][0] == "张三"
    assert read_sheet(path, sheet=" 民政 ").sheet_name == "民政"  # blanks and full-width forms do not matter
    with pytest.raises(UserFacingError) as exc:
        read_sheet(path, sheet="低保")
    assert exc.value.message == "文件 a.xlsx 里没有名为「低保」的工作表；这个文件的工作表有：「说明」「民政」。"


def test_title_rows_above_the_header_are_skipped_with_a_spec(tmp_path):
    path = sheetfiles.xlsx(tmp_path / "t.xlsx", [*TITLE, *ROWS], merges=[(0, 0, 0, 2, "XX县2025年低保名单")])
    sheet = read_sheet(path, spec=SPEC)
    assert sheet.header == ["姓名", "身份证号", "救助类别"]
    assert sheet.header_row == 3 and [n for n, _ in sheet.rows] == [4, 5]
    assert sheet.layout == "工作表「Sheet1」；表头在第 3 行（上方 2 行标题已跳过）"
    SPEC.match_headers(sheet.header, file_label="t.xlsx")
    # Without a spec the first non-empty row stays the header, as callers have it today.
    assert read_sheet(path).header == ["XX县2025年低保名单", None, None]


def test_two_row_header_with_merged_cells(tmp_path):
    rows = [
        ["XX县2025年低保名单"],
        ["姓名", "身份证号", "收入情况", None, "家庭情况", "备注"],
        [None, None, "工资性收入", "转移性收入", "人口数", None],
        ["张三", ID, "1200", "300", "3", "无"],
    ]
    merges = [(1, 0, 2, 0, "姓名"), (1, 1, 2, 1, "身份证号"), (1, 2, 1, 3, "收入情况"), (1, 5, 2, 5, "备注")]
    path = sheetfiles.xlsx(tmp_path / "two.xlsx", rows, sheet="低保名单", merges=merges)
    sheet = read_sheet(path, spec=SPEC)
    assert sheet.header == ["姓名", "身份证号", "工资性收入", "转移性收入", "家庭情况人口数", "备注"]
    assert sheet.header_rows == 2 and sheet.header_row == 2
    assert sheet.rows == [(4, ["张三", ID, "1200", "300", "3", "无"])]
    assert sheet.layout == "工作表「低保名单」；两行表头（第 2–3 行，上方 1 行标题已跳过）"


def test_two_row_header_in_a_csv_without_merge_information(tmp_path):
    rows = [["姓名", "身份证号", "收入情况", ""], ["", "", "工资性收入", "转移性收入"], ["张三", ID, "1200", "300"]]
    path = tmp_path / "two.csv"
    path.write_bytes(csv_bytes(rows).decode().encode("gbk"))
    sheet = read_sheet(path, spec=SPEC)
    assert sheet.header == ["姓名", "身份证号", "工资性收入", "转移性收入"]
    assert sheet.layout == "GBK 编码的 CSV；两行表头（第 1–2 行）"


def test_identity_numbers_stored_as_excel_numbers_come_back_lost_and_are_rejected(tmp_path):
    rows = [["姓名", "身份证号"], ["张三", 410122199001011237]]
    for path in (sheetfiles.xlsx(tmp_path / "n.xlsx", rows), sheetfiles.xls(tmp_path / "n.xls", rows)):
        value = read_sheet(path).rows[0][1][1]
        assert value.startswith("4.10122") and "e+17" in value, path
        with pytest.raises(InvalidIdNumber, match="科学计数法"):
            normalize(value)


def test_xls_from_excel_and_from_the_small_writer(tmp_path):
    base = read_sheet(FILES / "base.xls")
    assert base.header[:5] == ["String", "1", "1.1", "是", "否"] and base.header_row == 2
    sheet = read_sheet(sheetfiles.xls(tmp_path / "低保.xls", ROWS, sheet="低保名单"), spec=SPEC)
    assert sheet.header == ROWS[0] and sheet.rows[0] == (2, ROWS[1])
    assert sheet.layout == "工作表「低保名单」；表头在第 1 行"


def test_xls_with_all_65536_rows(tmp_path):
    rows = [["户编号", "金额"], *([f"{i:07d}", float(i % 7)] for i in range(1, 65_536))]
    sheet = read_sheet(sheetfiles.xls(tmp_path / "满表.xls", rows))
    assert len(sheet.rows) == 65_535 and sheet.rows[-1] == (65_536, ["0065535", "1"])


def test_wps_et_is_read_by_content(tmp_path):
    old_style = tmp_path / "old.et"
    old_style.write_bytes(sheetfiles.xls(tmp_path / "x.xls", ROWS).read_bytes())
    new_style = tmp_path / "new.et"
    new_style.write_bytes(sheetfiles.xlsx(tmp_path / "x.xlsx", ROWS).read_bytes())
    for path in (old_style, new_style):
        assert read_sheet(path).rows[0][1] == ROWS[1]
    junk = tmp_path / "junk.et"
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(UserFacingError, match="WPS 打开后“另存为” .xlsx"):
        read_sheet(junk)


def test_ods(tmp_path):
    sheet = read_sheet(sheetfiles.ods(tmp_path / "a.ods", [*TITLE, *ROWS], sheet="民政"), spec=SPEC)
    assert sheet.header == ROWS[0] and sheet.rows[0] == (4, ROWS[1]) and sheet.sheet_name == "民政"


def test_xlsx_misnamed_xls_is_read(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_bytes(sheetfiles.xlsx(tmp_path / "a.xlsx", ROWS).read_bytes())
    assert read_sheet(path).rows[0][1] == ROWS[1]


def test_an_upload_kept_under_another_name_is_read_by_its_label(tmp_path):
    for maker in (sheetfiles.xlsx, sheetfiles.xls):
        stored = tmp_path / "upload.part"
        stored.write_bytes(maker(tmp_path / "x", ROWS).read_bytes())
        assert read_sheet(stored, file_label="低保名单.xlsx").rows[0][1] == ROWS[1]


# --- CSV and text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "name", "layout"),
    [
        ("utf-8", b"", "UTF-8", "UTF-8 编码的 CSV"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8", "UTF-8（带 BOM）编码的 CSV"),
        ("gbk", b"", "GBK", "GBK 编码的 CSV"),
    ],
)
def test_csv_encodings_are_detected(tmp_path, encoding, prefix, name, layout):
    path = tmp_path / "a.csv"
    path.write_bytes(prefix + csv_bytes(ROWS).decode().encode(encoding))
    sheet = read_sheet(path)
    assert sheet.header == ROWS[0] and sheet.rows[1] == (3, ROWS[2])
    assert sheet.encoding == name and sheet.layout == f"{layout}；表头在第 1 行"
    assert sheet.sheet_name == "a"


def test_gb18030_beyond_gbk(tmp_path):
    rows = [ROWS[0], ["刘䶮", ID, "低保"]]  # 䶮 (U+4DAE) is in GB 18030 only
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(rows).decode().encode("gb18030"))
    sheet = read_sheet(path)
    assert sheet.rows[0][1][0] == "刘䶮" and sheet.encoding == "GB18030"


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    path = tmp_path / "导出.txt"
    path.write_bytes(csv_bytes(ROWS, "\t").decode().encode("utf-16"))  # with BOM, as Excel saves it
    sheet = read_sheet(path)
    assert sheet.header == ROWS[0] and sheet.rows[0][1] == ROWS[1]
    assert sheet.layout == "UTF-16 编码的文本（制表符分隔）；表头在第 1 行"


def test_utf16_without_bom(tmp_path):
    path = tmp_path / "a.txt"
    rows = [*ROWS, ["一丁", ID, "临时救助"]]  # 一 is U+4E00: a zero in the low byte too
    path.write_bytes(csv_bytes(rows, "\t").decode().encode("utf-16-le"))
    sheet = read_sheet(path)
    assert sheet.rows[0][1] == ROWS[1] and sheet.encoding == "UTF-16LE"


def test_semicolon_and_tab_delimiters_are_sniffed(tmp_path):
    rows = [["姓名", "身份证号", "金额"], ["张三", ID, "1,5"], ["李四", ID, "2"]]
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(rows, ";"))
    sheet = read_sheet(path)
    assert sheet.header == rows[0] and sheet.rows[0][1] == rows[1]
    assert "分号分隔" in sheet.layout
    tab = tmp_path / "b.txt"
    tab.write_bytes(csv_bytes(rows, "\t").decode().encode("gbk"))
    assert read_sheet(tab).rows[0][1] == rows[1]


def test_gbk_csv_with_title_rows(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([*TITLE, *ROWS]).decode().encode("gbk"))
    sheet = read_sheet(path, spec=SPEC)
    assert sheet.layout == "GBK 编码的 CSV；表头在第 3 行（上方 2 行标题已跳过）"
    assert sheet.rows[0] == (4, ROWS[1])


def test_csv_beyond_the_cell_limit_and_runaway_quotes(tmp_path, monkeypatch):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ROWS * 3))
    monkeypatch.setattr(readers.base, "MAX_CELLS", 20)  # the real limit, 25 million cells, is too big to build here
    with pytest.raises(UserFacingError, match="的单元格超过 20 个"):
        read_sheet(path)
    monkeypatch.undo()
    quoted = tmp_path / "q.csv"
    quoted.write_bytes(b'name,id\r\n"unclosed,' + b"x" * 200_000 + b"\r\n")
    with pytest.raises(UserFacingError, match="有一个单元格超过 128 KB"):
        read_sheet(quoted)


def test_undecodable_csv_keeps_the_message(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xff\xfa\xfb,\x80\x80\n")
    with pytest.raises(UserFacingError, match="编码无法识别"):
        read_sheet(path)


def test_csv_named_xlsx_is_read_as_text(tmp_path):
    path = tmp_path / "导出.xlsx"
    path.write_bytes(csv_bytes(ROWS).decode().encode("gbk"))
    sheet = read_sheet(path)
    assert sheet.rows[0][1] == ROWS[1]
    assert sheet.layout == "GBK 编码的 CSV，扩展名是 .xlsx 但内容是文本；表头在第 1 行"


# --- HTML tables named .xls ----------------------------------------------------------------------------


def test_html_table_exported_as_xls(tmp_path):
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>
    <body><table border="1">
    <tr><td colspan="4">XX县2025年低保名单</td></tr>
    <tr><th rowspan="2">姓名</th><th rowspan="2">身份证号</th><th colspan="2">收入情况</th></tr>
    <tr><th>工资性收入</th><th>转移性收入</th></tr>
    <tr><td>张&nbsp;三 </td><td style="mso-number-format:'\\@'">{ID}</td><td>1,200</td><td>0</td></tr>
    <tr><td>李四<br>（户主）</td><td>410122198502023456</td><td></td><td>300</td></tr>
    </table></body></html>"""
    path = tmp_path / "全国系统导出.xls"
    path.write_bytes(page.encode("gbk"))
    sheet = read_sheet(path, spec=SPEC)
    assert sheet.header == ["姓名", "身份证号", "工资性收入", "转移性收入"]
    assert sheet.rows == [(4, ["张\xa0三", ID, "1,200", "0"]), (5, ["李四\n（户主）", "410122198502023456", None, "300"])]
    assert sheet.encoding == "GB2312" and sheet.header_rows == 2
    assert sheet.layout == "网页表格（GB2312 编码，扩展名 .xls）；两行表头（第 2–3 行，上方 1 行标题已跳过）"


def test_html_without_a_table_is_refused(tmp_path):
    path = tmp_path / "a.xls"
    path.write_bytes(b"<html><body>\xe7\x99\xbb\xe5\xbd\x95\xe8\xb6\x85\xe6\x97\xb6</body></html>")
    with pytest.raises(UserFacingError, match="是网页，不是表格"):
        read_sheet(path)


def test_xml_spreadsheet_2003_exported_as_xls(tmp_path):
    def cell(text, kind="String", extra=""):
        return f'<Cell{extra}><Data ss:Type="{kind}">{text}</Data></Cell>'

    page = f"""<?xml version="1.0" encoding="gb2312"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="说明"><Table><Row>{cell("填表说明")}</Row></Table></Worksheet>
 <Worksheet ss:Name="低保名单"><Table>
  <Row>{cell("XX县2025年低保名单", extra=' ss:MergeAcross="3"')}</Row>
  <Row ss:Index="3">{cell("姓名", extra=' ss:MergeDown="1"')}{cell("身份证号", extra=' ss:MergeDown="1"')}{cell("收入情况", extra=' ss:MergeAcross="1"')}</Row>
  <Row><Cell ss:Index="3"><Data ss:Type="String">工资性收入</Data></Cell>{cell("转移性收入")}</Row>
  <Row>{cell("张三")}{cell(ID)}{cell("1200", "Number")}{cell("300", "Number")}</Row>
  <Row>{cell("李四")}{cell("4.10122198502023E+17", "Number")}<Cell ss:Index="4"><Data ss:Type="Number">0</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"""
    path = tmp_path / "导出.xls"
    path.write_bytes(page.encode("gbk"))
    sheet = read_sheet(path, sheet="低保名单", spec=SPEC)
    assert sheet.header == ["姓名", "身份证号", "工资性收入", "转移性收入"]
    assert sheet.rows == [(5, ["张三", ID, "1200", "300"]), (6, ["李四", "4.10122198502023E+17", None, "0"])]
    assert sheet.layout == "XML 电子表格（2003 格式）的工作表「低保名单」；两行表头（第 3–4 行，上方 1 行标题已跳过）"
    with pytest.raises(InvalidIdNumber):
        normalize(sheet.rows[1][1][1])
    assert read_sheet(path).sheet_name == "说明"
    with pytest.raises(UserFacingError, match="这个文件的工作表有：「说明」「低保名单」"):
        read_sheet(path, sheet="特困")


# --- refused files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("maker", ["xls_password", "excel_password", "ooxml_encrypted", "ods_encrypted"])
def test_password_protected_workbooks(tmp_path, maker):
    path = {
        "xls_password": lambda: sheetfiles.xls(tmp_path / "低保.xls", ROWS, password=True),
        "excel_password": lambda: FILES / "password.xls",
        "ooxml_encrypted": lambda: sheetfiles.encrypted_ooxml(tmp_path / "低保.xlsx"),
        "ods_encrypted": lambda: sheetfiles.ods(tmp_path / "低保.ods", ROWS, encrypted=True),
    }[maker]()
    with pytest.raises(UserFacingError) as exc:
        read_sheet(path, file_label="低保.xlsx")
    assert exc.value.message == "文件 低保.xlsx 设置了打开密码，请去掉密码后另存再上传。"


def _refused_peak(path, reason: str) -> int:
    """The peak memory of reading a bomb, which must be refused with `reason`: a few 8 MB steps of the scan,
    whatever the declared or real size (the tests bound it at 64 MB)."""
    tracemalloc.start()
    try:
        with pytest.raises(UserFacingError, match=reason):
            read_sheet(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_from_its_declared_size_in_bounded_memory(tmp_path):
    path = sheetfiles.xlsx_bomb(tmp_path / "bomb.xlsx", megabytes=2048)  # 2 MB on disk, 2 GB of sheet XML
    assert path.stat().st_size < 5_000_000
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > MAX_UNCOMPRESSED_BYTES
    assert _refused_peak(path, "解压后声明有 2.1 GB（上限 1.5 GB）") < 64_000_000


def test_zip_bomb_lying_about_its_size_is_refused_while_inflating(tmp_path):
    path = sheetfiles.xlsx_bomb(tmp_path / "lie.xlsx", megabytes=300, declared=10_000_000)
    assert _refused_peak(path, "解压后比它声明的大小还大") < 64_000_000


def test_a_small_honest_bomb_within_the_limits_is_read(tmp_path):
    sheet = read_sheet(sheetfiles.xlsx_bomb(tmp_path / "ok.xlsx", megabytes=3))
    assert sheet.header == ["x"] and sheet.rows == []


def test_sparse_sheet_that_would_make_calamine_allocate_550_gb_is_refused(tmp_path):
    # Two cells, A1 and XFD1048576: calamine would allocate the whole rectangle and abort the process.
    path = sheetfiles.xlsx(tmp_path / "s.xlsx", [["a"]])
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "a")
    ws.write_string(1_048_575, 16_383, "b")
    wb.close()
    with pytest.raises(UserFacingError, match="使用区域达 1048576 行 × 16384 列"):
        read_sheet(path)


def test_a_sheet_stored_under_another_name_is_scanned_too(tmp_path):
    sparse = '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>2</v></c></row></sheetData>'
    path = sheetfiles.xlsx_with_sheet_xml(tmp_path / "m.xlsx", sparse, member="xl/media/image1.png")
    with pytest.raises(UserFacingError, match="使用区域达 1048576 行 × 16384 列"):
        read_sheet(path)
    honest = '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row></sheetData>'
    assert read_sheet(sheetfiles.xlsx_with_sheet_xml(tmp_path / "h.xlsx", honest, member="xl/media/image1.png")).header == ["1", "2"]


def test_shared_strings_announcing_billions_are_refused(tmp_path):
    sheet = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main" count="1" uniqueCount="{}"><si><t>姓名</t></si></sst>')
    bomb = sheetfiles.xlsx_with_sheet_xml(tmp_path / "b.xlsx", sheet, shared_strings=sst.format(4_000_000_000))
    with pytest.raises(UserFacingError, match="声明有 4000000000 个不同的文字"):
        read_sheet(bomb)
    honest = sheetfiles.xlsx_with_sheet_xml(tmp_path / "h.xlsx", sheet, shared_strings=sst.format(1))
    assert read_sheet(honest).header == ["姓名"]


def test_cells_without_references_are_counted_per_row(tmp_path):
    # No `r` on the cells: calamine places them one after another, 16,384 of them in row 1,048,576.
    cells = '<c t="inlineStr"><is><t>y</t></is></c>' * 16_384
    sheet = f'<sheetData><row r="1"><c t="inlineStr"><is><t>x</t></is></c></row><row r="1048576">{cells}</row></sheetData>'
    path = sheetfiles.xlsx_with_sheet_xml(tmp_path / "n.xlsx", sheet)
    with pytest.raises(UserFacingError, match="使用区域达 1048576 行 × 16384 列"):
        read_sheet(path)
    small = sheetfiles.xlsx_with_sheet_xml(
        tmp_path / "ok.xlsx", '<sheetData><row><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is>'
        "<t>身份证号</t></is></c></row><row><c><v>1</v></c><c><v>2</v></c></row></sheetData>")
    assert read_sheet(small).rows == [(2, ["1", "2"])]


def test_xls_announcing_or_spanning_a_huge_area_is_refused(tmp_path):
    # calamine reserves what DIMENSIONS announces and allocates the span of the cells: both abort the process.
    announced = sheetfiles.xls(tmp_path / "d.xls", ROWS, dimensions=(0, 0xFFFFFFF0, 0, 0xFFF0))
    with pytest.raises(UserFacingError, match="声明的区域达 4294967280 行 × 65520 列"):
        read_sheet(announced)
    spanning = sheetfiles.xls(tmp_path / "s.xls", ROWS, cells=((65_535, 65_535, 1.0),))
    with pytest.raises(UserFacingError, match="使用区域达 65536 行 × 65536 列"):
        read_sheet(spanning)
    honest = sheetfiles.xls(tmp_path / "h.xls", ROWS, dimensions=(0, 3, 0, 3), cells=((5, 1, 7.0),))
    assert read_sheet(honest).rows[-1] == (6, [None, "7", None])


def test_ods_with_repeated_cells_standing_for_billions_is_refused(tmp_path):
    body = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            'table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
            "</table:table-cell></table:table-row>")
    with pytest.raises(UserFacingError, match="使用区域达 1048576 行 × 16384 列"):
        read_sheet(sheetfiles.ods(tmp_path / "r.ods", body=body))


def test_damaged_and_disguised_files(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(UserFacingError, match="不是有效的电子表格"):
        read_sheet(broken)
    document = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(document, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UserFacingError, match="是文档，不是表格"):
        read_sheet(document)
    prose = tmp_path / "名单.xlsx"
    prose.write_bytes("这不是表格".encode())
    with pytest.raises(UserFacingError, match="不是有效的电子表格"):
        read_sheet(prose)
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(UserFacingError, match="不是文本表格"):
        read_sheet(binary)


def test_empty_sheets_and_title_only_files(tmp_path):
    empty = sheetfiles.xlsx(tmp_path / "e.xlsx", [], sheet="低保名单")
    with pytest.raises(UserFacingError) as exc:
        read_sheet(empty)
    assert exc.value.message == "文件 e.xlsx 的工作表「低保名单」没有任何内容。"
    blank = tmp_path / "b.csv"
    blank.write_bytes(b"\r\n,,,\r\n")
    with pytest.raises(UserFacingError, match="没有任何内容"):
        read_sheet(blank)
    titles = sheetfiles.xlsx(tmp_path / "t.xlsx", TITLE)
    with pytest.raises(UserFacingError) as exc:
        read_sheet(titles, spec=SPEC)
    assert exc.value.message.startswith("文件 t.xlsx 的工作表「Sheet1」找不到表头：前 2 行里没有低保名单的列名")
    header_only = sheetfiles.xlsx(tmp_path / "h.xlsx", [*TITLE, ROWS[0]])
    assert read_sheet(header_only, spec=SPEC).rows == []  # callers say "只有表头，没有数据行" themselves


def test_wrong_extensions_keep_their_messages(tmp_path):
    for name, message in (("a.docx", "是文档"), ("a.png", "格式（.png）无法读取")):
        path = tmp_path / name
        path.write_bytes(b"x")
        with pytest.raises(UserFacingError, match=message):
            read_sheet(path)
    empty = tmp_path / "a.csv"
    empty.write_bytes(b"")
    with pytest.raises(UserFacingError, match="是空文件"):
        read_sheet(empty)
