"""What every reader shares: the limits against hostile files, the Sheet a reader returns, cell text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gonggu.core.errors import UserFacingError

if TYPE_CHECKING:
    pass


SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_EXTENSIONS = {".csv", ".txt"}
ACCEPTED = "、".join(sorted(SPREADSHEET_EXTENSIONS | {".csv"}))
# WPS saves .et; read by content like the others.
_READABLE = SPREADSHEET_EXTENSIONS | TEXT_EXTENSIONS | {".et"}

# Limits against hostile files (no setting: a real county list is far below every one of them).
MAX_UNCOMPRESSED_BYTES = 1_500_000_000  # declared total of a zip-based workbook
MAX_RATIO = 200                          # compression ratio allowed for a member ...
RATIO_CHECKED_FROM = 50_000_000          # ... once it declares more than this many bytes
MAX_ZIP_MEMBERS = 10_000
MAX_CELLS = 25_000_000                   # rows × columns of the used area (1,048,576 rows × 23 columns)
HEADER_SEARCH_ROWS = 30                  # non-empty rows searched for the header when a spec is given

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_SNIFF = 1 << 16
_CHUNK = 1 << 20

Row = tuple[int, list[str | None]]


@dataclass
class Sheet:
    """`rows` are (row_number, cells) with 1-based row numbers of the original file, blank rows left out.

    `header_row` is the first row of the header (the upper one of a two-row header), `header_rows` how many
    rows it takes; `sheet_name` the worksheet read (a CSV's file name without extension), `encoding` the
    text encoding of a CSV/TXT/HTML file (None for workbooks), `layout` a Chinese sentence of what was recognised.
    """

    file_label: str
    header: list[str | None]
    header_row: int
    rows: list[Row] | Iterator[Row]  # an iterator when read with `stream=True`
    sheet_name: str = ""
    encoding: str | None = None
    header_rows: int = 1
    layout: str = ""


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


class _Compact:
    """Repeated cell texts (village codes, 是/否, categories, names) share one string object.

    A million rows of five cells are mostly repeats; sharing them keeps a sheet near the size of its unique
    text. The memo stops growing at a fixed number of entries, so columns of unique values (identity
    numbers) cannot make it large.
    """

    def __init__(self, limit: int = 100_000):
        self.memo: dict[str, str] = {}
        self.limit = limit

    def _share(self):
        return self.memo.setdefault if len(self.memo) < self.limit else self.memo.get

    def cells(self, raw: Iterable[object]) -> list[str | None]:
        """Any cell values (calamine's numbers, dates, booleans, text) as text."""
        share = self._share()
        return [share(t, t) if (t := cell_text(v)) is not None else None for v in raw]

    def texts(self, raw: Iterable[str]) -> list[str | None]:
        """Cells that are already text (CSV)."""
        share = self._share()
        return [share(t, t) if (t := v.strip()) else None for v in raw]


@dataclass
class _Grid:
    """What a format reader hands to the header logic: non-empty rows plus what it recognised."""

    rows: Iterable[Row]              # a CSV's rows are a generator that reads the file as it is consumed
    sheet_name: str
    source: str                      # first part of Sheet.layout, e.g. "GBK 编码的 CSV"
    encoding: str | None = None
    # Merged areas as (first_row, first_col, last_row, last_col): rows 1-based, columns 0-based in `cells`.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)




def _password(label: str) -> UserFacingError:
    return UserFacingError(f"文件 {label} 设置了打开密码，请去掉密码后另存再上传。")


def _damaged(label: str) -> UserFacingError:
    return UserFacingError(f"文件 {label} 不是有效的电子表格（文件可能已损坏，或扩展名与内容不符）。")


def _too_large(label: str, what: str) -> UserFacingError:
    return UserFacingError(
        f"文件 {label} {what}，超出可读取的上限，已拒绝读取（可能是恶意构造或已损坏的文件）。"
        "如果确是很大的表格，请按乡镇拆分后分别上传。"
    )

def _nonempty(rows: Iterable[tuple[int, list[str | None]]]) -> list[Row]:
    return [(n, cells) for n, cells in rows if any(c is not None for c in cells)]
