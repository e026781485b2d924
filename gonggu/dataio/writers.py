"""Writing .xlsx files: identity numbers and codes as text cells, large sheets split."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import xlsxwriter

from .columns import ColumnSpec

MAX_ROWS = 1_048_575  # one header row leaves this many data rows per worksheet
# A text cell starting with one of these is a formula to Excel or WPS once the sheet is re-saved as CSV and
# opened again: such cells get a leading apostrophe, so they stay inert text.
FORMULA_START = ("=", "+", "-", "@")


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def write_xlsx(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *,
    text_columns: set[str] | None = None,
    widths: dict[str, int] | None = None,
) -> bytes:
    """Return the bytes of a workbook; each sheet is (name, headers, rows)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    text_fmt = book.add_format({"num_format": "@"})
    text_columns = text_columns or set()
    widths = widths or {}
    def new_sheet(sheet_name: str, headers: Sequence[str]):
        ws = book.add_worksheet(sheet_name[:31])
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, bold)
            ws.set_column(c, c, widths.get(h, max(10, len(h) * 2 + 2)), text_fmt if h in text_columns else None)
        ws.freeze_panes(1, 0)
        return ws

    for name, headers, rows in sheets:
        part, count, ws = 1, 0, None
        for row in rows:
            if ws is None or count >= MAX_ROWS:
                ws = new_sheet(name if part == 1 else f"{name}({part})", headers)
                part += 1
                count = 0
            count += 1
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if headers[c] in text_columns or isinstance(value, str):
                    ws.write_string(count, c, _inert(str(value)), text_fmt if headers[c] in text_columns else None)
                else:
                    ws.write(count, c, value)
        if ws is None:
            new_sheet(name, headers)
    book.close()
    return buffer.getvalue()


def blank_template(spec: ColumnSpec) -> bytes:
    """An empty workbook with the canonical header and a sheet explaining each column."""
    text_cols = {c.name for c in spec.columns if c.text}
    notes = [(c.name, "必填" if c.required else "选填", "、".join(c.aliases), c.help) for c in spec.columns]
    notes += [("说明", "", "", n) for n in spec.notes]
    return write_xlsx(
        [(spec.title, spec.names, []), ("填写说明", ["列名", "是否必填", "也可写作", "取值与说明"], notes)],
        text_columns=text_cols,
        widths={"取值与说明": 80, "也可写作": 30},
    )
