"""Exported text cells stay text: nothing a spreadsheet would run after a CSV re-save."""

import io

from python_calamine import CalamineWorkbook

from gonggu.dataio.writers import write_xlsx


def _cells(data: bytes) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_text_that_looks_like_a_formula_is_prefixed():
    rows = [["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-2+3", "@SUM(A1)", "张三", 12.5, -3, "410122199001011234"]]
    data = write_xlsx([("表", ["a", "b", "c", "d", "e", "f", "g", "h"], rows)], text_columns={"h"})
    header, row = _cells(data)
    assert row[:5] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'+1+2", "'-2+3", "'@SUM(A1)", "张三"]
    assert row[5] == 12.5 and row[6] == -3 and row[7] == "410122199001011234"   # numbers stay numbers
