"""Reading spreadsheets and CSV files into rows of text, with clear Chinese errors.

Every cell comes back as `str` or `None`: numbers as Python writes them (so an
identity number stored by Excel as a number reads `4.10122e+17` and is rejected
downstream as lost), dates as ISO text. Readers never guess domain meaning.

Offices send files as they have them, so the content decides, not the name:
.xlsx/.xlsm/.ods (zip), .xls and WPS .et (OLE compound file), HTML tables and
XML Spreadsheet 2003 files that other systems export under an .xls name, and
CSV/TXT text in UTF-8 (with or without BOM), UTF-16 ("Unicode 文本" of Excel,
tab-separated), GBK or GB18030 with a comma, tab or semicolon between cells.

Hostile files are refused before anything large is allocated. calamine (Rust)
allocates the whole used rectangle of a sheet at once and aborts the process when
that fails, so a 5 KB file with two cells, A1 and XFD1048576, would take the
server down. Hence: a zip is checked from its central directory (member count,
declared sizes, compression ratio), then every member is inflated once in 1 MB
steps that stop as soon as it grows past its declared size, its cell references
(or ODS repeat counts) bounding the area calamine will allocate; an .xls has its
Workbook stream walked for DIMENSIONS records and cell positions. Every limit is a
constant below, far above any real county list.

With a column spec the header is found rather than assumed: title rows above it
are skipped and a two-row header (a merged group title over its columns) is
combined into one. `Sheet.layout` says in Chinese what was recognised.
"""


from __future__ import annotations

from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import normalize_header

if TYPE_CHECKING:
    from gonggu.dataio.columns import ColumnSpec

# The readers' public face (callers import from `gonggu.dataio.readers`); each file form lives in its module.
from .base import (  # noqa: E402 - after the type-checking import
    _OLE,
    _READABLE,
    _SNIFF,
    _ZIP,
    ACCEPTED,
    HEADER_SEARCH_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    SPREADSHEET_EXTENSIONS,
    TEXT_EXTENSIONS,
    Row,
    Sheet,
    _Grid,
    cell_text,
)
from .html_tables import _looks_html, _read_html, _refuse_other_markup  # noqa: E402
from .text import _read_text  # noqa: E402
from .workbooks import _read_ole_workbook, _read_zip_workbook  # noqa: E402
from .xml_spreadsheet import _looks_xml_spreadsheet, _read_xml_spreadsheet  # noqa: E402

__all__ = ["ACCEPTED", "HEADER_SEARCH_ROWS", "MAX_UNCOMPRESSED_BYTES", "SPREADSHEET_EXTENSIONS", "TEXT_EXTENSIONS",
           "Sheet", "cell_text", "find_header", "read_sheet"]


def read_sheet(
    path: str | Path,
    *,
    file_label: str | None = None,
    sheet: str | None = None,
    spec: ColumnSpec | None = None,
    stream: bool = False,
) -> Sheet:
    """Read one sheet (the first, or the one named `sheet`) of a workbook, HTML table or CSV/TXT file.

    Without `spec` the first non-empty row is the header. With it, the header is the row among the first
    30 non-empty ones that names the most of the spec's columns (title rows above are skipped), or two
    adjacent rows combined when that names more (a merged group title over its columns).
    A CSV/TXT file or an HTML page has one table: `sheet` is not used for them.

    With `stream` the rows are an iterator that reads a CSV/TXT file as it is consumed (constant memory on any
    size; errors in the body are raised while iterating); only the rows up to the header have been read when
    this returns, so a caller can refuse a wrong header before the body is read. Workbooks are read whole.
    """
    path = Path(path)
    label = file_label or path.name
    ext = path.suffix.lower()
    if ext not in _READABLE and Path(label).suffix.lower() in _READABLE:
        ext = Path(label).suffix.lower()
    if ext in (".doc", ".docx", ".pdf", ".wps"):
        raise UserFacingError(f"文件 {label} 是文档，不是表格：请上传 {ACCEPTED} 格式的表格。")
    if ext not in _READABLE:
        raise UserFacingError(f"文件 {label} 的格式（{ext or '无扩展名'}）无法读取：请上传 {ACCEPTED} 格式的表格。")
    if not path.exists() or path.stat().st_size == 0:
        raise UserFacingError(f"文件 {label} 是空文件。")
    with path.open("rb") as f:
        head = f.read(_SNIFF)
    if head.startswith(_ZIP):
        grid = _read_zip_workbook(path, label, ext, sheet)
    elif head.startswith(_OLE):
        grid = _read_ole_workbook(path, label, ext, head, sheet)
    elif _looks_html(head):
        grid = _read_html(path, label, head)
    elif _looks_xml_spreadsheet(head):
        grid = _read_xml_spreadsheet(path, label, sheet)
    else:
        _refuse_other_markup(head, label)
        grid = _read_text(path, label, ext, head)
    sheet_ = _assemble(grid, label, spec)
    if not stream:
        sheet_.rows = list(sheet_.rows)
    return sheet_


# --- header ------------------------------------------------------------------------------------------


def _assemble(grid: _Grid, label: str, spec: ColumnSpec | None) -> Sheet:
    body = iter(grid.rows)
    # Only the rows the header may be in (and the one below, for a two-row header) are read here.
    rows = list(islice(body, HEADER_SEARCH_ROWS + 1))
    where = f" 的工作表「{grid.sheet_name}」" if grid.encoding is None and grid.sheet_name else " "
    if not rows:
        raise UserFacingError(f"文件 {label}{where}没有任何内容。")
    start, header_rows, header = 0, 1, rows[0][1]
    if spec is not None:
        start, header_rows, header = _find_header(rows, grid.merges, spec, label, where)
    header_row = rows[start][0]
    skipped = f"上方 {start} 行标题已跳过" if start else ""
    if header_rows == 2:
        where_header = f"两行表头（第 {header_row}–{rows[start + 1][0]} 行{'，' + skipped if skipped else ''}）"
    else:
        where_header = f"表头在第 {header_row} 行{'（' + skipped + '）' if skipped else ''}"
    del rows[: start + header_rows]
    return Sheet(
        file_label=label, header=header, header_row=header_row, rows=chain(rows, body), sheet_name=grid.sheet_name,
        encoding=grid.encoding, header_rows=header_rows, layout=f"{grid.source}；{where_header}",
    )


def _spec_lookup(spec: ColumnSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for name in (col.name, *col.aliases):
            lookup[normalize_header(name)] = col.name
    # The headers of the exports the spec recognises count too (their header row is found the same way).
    for name in spec.all_headers():
        lookup.setdefault(name, name)
    return lookup


def _matches(cells: list[str | None], lookup: dict[str, str]) -> int:
    return len({lookup[k] for c in cells if c is not None and (k := normalize_header(c)) in lookup})


def find_header(rows: list[Row], merges, spec: ColumnSpec, label: str, where: str = " "):
    """(index of the header's first row in `rows`, 1 or 2 header rows, the header cells): title rows above
    skipped, a two-row header combined (for readers of their own, like the registry's)."""
    return _find_header(rows, merges, spec, label, where)


def _find_header(rows: list[Row], merges, spec: ColumnSpec, label: str, where: str):
    lookup = _spec_lookup(spec)
    window = rows[:HEADER_SEARCH_ROWS]
    scores = [_matches(cells, lookup) for _, cells in window]
    best = max(range(len(window)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        examples = "、".join(spec.names[:4])
        raise UserFacingError(
            f"文件 {label}{where}找不到表头：前 {len(window)} 行里没有{spec.title}的列名（如 {examples}）。"
            "请确认选对了文件和工作表，表头行写的是列名。"
        )
    choice = (scores[best], best, 1, rows[best][1])
    for upper in (best - 1, best):
        lower = upper + 1
        if upper < 0 or lower >= len(rows) or rows[lower][0] != rows[upper][0] + 1:
            continue
        combined = _combine(rows[upper], rows[lower], merges, lookup)
        score = _matches(combined, lookup)
        if score > choice[0]:
            choice = (score, upper, 2, combined)
    return choice[1], choice[2], choice[3]


def _combine(upper: Row, lower: Row, merges, lookup: dict[str, str]) -> list[str | None]:
    """One header from two rows: the lower cell if it is a known column, else the upper, else both joined."""
    top = list(upper[1])
    for r0, c0, r1, c1 in merges:
        if r0 <= upper[0] <= r1 and c0 < len(top) and top[c0] is not None:
            for c in range(c0 + 1, min(c1 + 1, len(top))):
                if top[c] is None:
                    top[c] = top[c0]
    bottom = lower[1]
    out: list[str | None] = []
    for i in range(max(len(top), len(bottom))):
        a = top[i] if i < len(top) else None
        b = bottom[i] if i < len(bottom) else None
        if b is not None and normalize_header(b) in lookup:
            out.append(b)
        elif a is not None and normalize_header(a) in lookup:
            out.append(a)
        elif a is not None and b is not None and a != b:
            out.append(f"{a}{b}")
        else:
            out.append(a if a is not None else b)
    return out


