"""Reading spreadsheets and CSV files into rows of text, with clear Chinese errors.

Every cell comes back as `str` or `None`: numbers as Python writes them (so an
identity number stored by Excel as a number reads `4.10122e+17` and is rejected
downstream as lost), dates as ISO text. Readers never guess domain meaning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gonggu.core.errors import UserFacingError

SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_EXTENSIONS = {".csv", ".txt"}
ACCEPTED = "、".join(sorted(SPREADSHEET_EXTENSIONS | {".csv"}))


@dataclass
class Sheet:
    """The first non-empty row is the header; `rows` are (row_number, cells) with 1-based spreadsheet numbers."""

    file_label: str
    header: list[str | None]
    header_row: int
    rows: list[tuple[int, list[str | None]]]


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip() or None


def _decode(data: bytes, file_label: str) -> str:
    if b"\x00" in data[:4096]:
        raise UserFacingError(f"文件 {file_label} 不是文本表格（CSV），也不是可识别的电子表格。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserFacingError(f"文件 {file_label} 的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx。")


def _first_nonempty(rows: Iterator[tuple[int, list]]) -> tuple[int, list] | None:
    for number, cells in rows:
        if any(c is not None for c in cells):
            return number, cells
    return None


def read_sheet(path: str | Path, *, file_label: str | None = None) -> Sheet:
    """Read the first sheet of an .xlsx/.xls/.ods file or a UTF-8/GBK .csv."""
    path = Path(path)
    label = file_label or path.name
    ext = path.suffix.lower()
    if ext in (".doc", ".docx", ".pdf", ".wps"):
        raise UserFacingError(f"文件 {label} 是文档，不是表格：请上传 {ACCEPTED} 格式的表格。")
    if ext not in SPREADSHEET_EXTENSIONS | TEXT_EXTENSIONS:
        raise UserFacingError(f"文件 {label} 的格式（{ext or '无扩展名'}）无法读取：请上传 {ACCEPTED} 格式的表格。")
    if not path.exists() or path.stat().st_size == 0:
        raise UserFacingError(f"文件 {label} 是空文件。")
    if ext in TEXT_EXTENSIONS:
        text = _decode(path.read_bytes(), label)
        try:
            raw_rows = csv.reader(io.StringIO(text))
            rows = ((i, [cell_text(c) for c in r]) for i, r in enumerate(raw_rows, start=1))
            return _split(rows, label)
        except csv.Error as exc:
            raise UserFacingError(f"文件 {label} 不是有效的 CSV：{exc}") from None
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise UserFacingError(f"文件 {label} 里没有工作表。")
        data = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except UserFacingError:
        raise
    except Exception:  # noqa: BLE001 - calamine raises several types for damaged or disguised files
        raise UserFacingError(f"文件 {label} 不是有效的电子表格（文件可能已损坏，或扩展名与内容不符）。") from None
    rows = ((i, [cell_text(c) for c in r]) for i, r in enumerate(data, start=1))
    return _split(rows, label)


def _split(rows: Iterator[tuple[int, list]], label: str) -> Sheet:
    first = _first_nonempty(rows)
    if first is None:
        raise UserFacingError(f"文件 {label} 没有任何内容。")
    header_row, header = first
    body = [(n, cells) for n, cells in rows if any(c is not None for c in cells)]
    return Sheet(file_label=label, header=header, header_row=header_row, rows=body)
