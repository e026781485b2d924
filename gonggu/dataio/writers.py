"""Writing .xlsx files: identity numbers and codes as text cells, large sheets split."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter

from .columns import ColumnSpec
from .printing import frame_worksheet

MAX_ROWS = 1_048_575  # one header row leaves this many data rows per worksheet
# A text cell starting with one of these is a formula to Excel or WPS once the sheet is re-saved as CSV and
# opened again: such cells get a leading apostrophe, so they stay inert text.
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Link:
    """A cell that opens a page: the office sees `text`, the address stays behind it."""
    url: str
    text: str = "打开"


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def write_xlsx(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *,
    text_columns: set[str] | None = None,
    widths: dict[str, int] | None = None,
    title: str = "",
    unit: str = "",
    on: dt.date | None = None,
    max_rows: int = MAX_ROWS,
) -> bytes:
    """Return the bytes of a workbook; each sheet is (name, headers, rows).

    With a title the sheet is a report: a title row and a unit/date row above the header (the readers skip
    title rows, so it still reads back). Every sheet is framed for printing (`printing.frame_worksheet`).
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    text_fmt = book.add_format({"num_format": "@"})
    text_columns = text_columns or set()
    widths = widths or {}
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    top = 2 if title else 0

    def new_sheet(sheet_name: str, headers: Sequence[str]):
        ws = book.add_worksheet(sheet_name[:31])
        if title:
            ws.merge_range(0, 0, 0, max(len(headers) - 1, 1), title, title_fmt)
            ws.write_string(1, 0, "　".join(t for t in (unit, f"导出日期：{on:%Y-%m-%d}" if on else "") if t))
        for c, h in enumerate(headers):
            ws.write_string(top, c, h, bold)
            ws.set_column(c, c, widths.get(h, max(10, len(h) * 2 + 2)), text_fmt if h in text_columns else None)
        ws.freeze_panes(top + 1, 0)
        frame_worksheet(ws, title=title or sheet_name, unit=unit, on=on, header_rows=top + 1)
        return ws

    for name, headers, rows in sheets:
        part, count, ws = 1, 0, None
        for row in rows:
            if ws is None or count >= min(max_rows, MAX_ROWS - top):
                ws = new_sheet(name if part == 1 else f"{name}({part})", headers)
                part += 1
                count = 0
            count += 1
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, Link):
                    ws.write_url(top + count, c, value.url, string=value.text)
                elif headers[c] in text_columns or isinstance(value, str):
                    ws.write_string(top + count, c, _inert(str(value)),
                                    text_fmt if headers[c] in text_columns else None)
                else:
                    ws.write(top + count, c, value)
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
