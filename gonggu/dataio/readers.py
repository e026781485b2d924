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

import codecs
import csv
import datetime as dt
import mmap
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import normalize_header

if TYPE_CHECKING:
    from gonggu.dataio.columns import ColumnSpec

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
    rows: list[Row]
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

    rows: list[Row]
    sheet_name: str
    source: str                      # first part of Sheet.layout, e.g. "GBK 编码的 CSV"
    encoding: str | None = None
    # Merged areas as (first_row, first_col, last_row, last_col): rows 1-based, columns 0-based in `cells`.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_sheet(
    path: str | Path,
    *,
    file_label: str | None = None,
    sheet: str | None = None,
    spec: ColumnSpec | None = None,
) -> Sheet:
    """Read one sheet (the first, or the one named `sheet`) of a workbook, HTML table or CSV/TXT file.

    Without `spec` the first non-empty row is the header. With it, the header is the row among the first
    30 non-empty ones that names the most of the spec's columns (title rows above are skipped), or two
    adjacent rows combined when that names more (a merged group title over its columns).
    A CSV/TXT file or an HTML page has one table: `sheet` is not used for them.
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
    return _assemble(grid, label, spec)


# --- header ------------------------------------------------------------------------------------------


def _assemble(grid: _Grid, label: str, spec: ColumnSpec | None) -> Sheet:
    rows = grid.rows
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
        file_label=label, header=header, header_row=header_row, rows=rows, sheet_name=grid.sheet_name,
        encoding=grid.encoding, header_rows=header_rows, layout=f"{grid.source}；{where_header}",
    )


def _spec_lookup(spec: ColumnSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for name in (col.name, *col.aliases):
            lookup[normalize_header(name)] = col.name
    return lookup


def _matches(cells: list[str | None], lookup: dict[str, str]) -> int:
    return len({lookup[k] for c in cells if c is not None and (k := normalize_header(c)) in lookup})


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


def _nonempty(rows: Iterable[tuple[int, list[str | None]]]) -> list[Row]:
    return [(n, cells) for n, cells in rows if any(c is not None for c in cells)]


# --- workbooks (calamine) ------------------------------------------------------------------------------


def _password(label: str) -> UserFacingError:
    return UserFacingError(f"文件 {label} 设置了打开密码，请去掉密码后另存再上传。")


def _damaged(label: str) -> UserFacingError:
    return UserFacingError(f"文件 {label} 不是有效的电子表格（文件可能已损坏，或扩展名与内容不符）。")


def _too_large(label: str, what: str) -> UserFacingError:
    return UserFacingError(
        f"文件 {label} {what}，超出可读取的上限，已拒绝读取（可能是恶意构造或已损坏的文件）。"
        "如果确是很大的表格，请按乡镇拆分后分别上传。"
    )


def _read_zip_workbook(path: Path, label: str, ext: str, sheet: str | None) -> _Grid:
    names = _inspect_zip(path, label)
    if "xl/workbook.bin" in names:
        raise UserFacingError(f"文件 {label} 是 Excel 二进制工作簿（.xlsb）：请用 Excel 另存为 .xlsx 后再上传。")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise UserFacingError(f"文件 {label} 是文档，不是表格：请上传 {ACCEPTED} 格式的表格。")
    if "xl/workbook.xml" in names:
        kind = ".xlsm" if ext == ".xlsm" else ".xlsx"
    elif "content.xml" in names:
        kind = ".ods"
    else:
        raise _damaged(label)
    try:
        return _read_calamine(path, label, kind, sheet)
    except _Unreadable:
        raise _damaged(label) from None


def _read_ole_workbook(path: Path, label: str, ext: str, head: bytes, sheet: str | None) -> _Grid:
    # An encrypted .xlsx is an OLE file holding "EncryptionInfo" and "EncryptedPackage" streams.
    if _ENCRYPTION_INFO in head:
        raise _password(label)
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        stream = _ole_stream(data, ("workbook", "book"))
    if stream is not None:
        _check_biff(stream, label)
    try:
        return _read_calamine(path, label, ".xls", sheet)
    except _Unreadable:
        if _contains(path, _ENCRYPTION_INFO):
            raise _password(label) from None
        if ext == ".et":
            raise UserFacingError(
                f"文件 {label} 是无法直接读取的 WPS 表格（.et）：请用 WPS 打开后“另存为” .xlsx 再上传。"
            ) from None
        raise _damaged(label) from None


def _contains(path: Path, needle: bytes) -> bool:
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


_NOSECT = 0xFFFFFFFA  # sector numbers from here up mark the end of a chain, free or special sectors


def _ole_stream(data: bytes | mmap.mmap, names: tuple[str, ...]) -> bytes | None:
    """The first stream of an OLE compound file named one of `names` (lower case), or None if not found."""
    if len(data) < 512:
        return None
    ssz = 1 << min(struct.unpack_from("<H", data, 0x1E)[0], 16)
    if ssz not in (512, 4096):
        return None
    n_fat, first_dir, _, cutoff, first_mini, _, first_difat, n_difat = struct.unpack_from("<8I", data, 0x2C)
    limit = len(data) // ssz + 1  # no chain is longer than the file has sectors

    def sector(i: int) -> bytes:
        return data[(i + 1) * ssz:(i + 2) * ssz]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, hops = first_difat, 0
    while difat < _NOSECT and hops <= min(n_difat, limit):
        block = sector(difat)
        if len(block) < ssz:
            break
        values = struct.unpack(f"<{ssz // 4}I", block)
        fat_sectors += values[:-1]
        difat, hops = values[-1], hops + 1
    fat: list[int] = []
    for i in fat_sectors[:min(n_fat, limit)]:
        block = sector(i) if i < _NOSECT else b""
        fat += struct.unpack(f"<{len(block) // 4}I", block[: len(block) // 4 * 4])

    def chain(start: int, table: list[int]) -> list[int]:
        out = []
        while start < _NOSECT and start < len(table) and len(out) < limit:
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(i) for i in chain(first_dir, fat))
    entries = []
    for at in range(0, len(directory) - 127, 128):
        name_len = min(struct.unpack_from("<H", directory, at + 64)[0], 64)
        name = directory[at:at + max(name_len - 2, 0)].decode("utf-16-le", errors="replace")
        entries.append((name, directory[at + 66], *struct.unpack_from("<IQ", directory, at + 116)))
    if not entries:
        return None
    for name, kind, start, size in entries:
        if kind != 2 or name.lower() not in names:
            continue
        size = min(size, len(data))
        if size >= cutoff:
            return b"".join(sector(i) for i in chain(start, fat))[:size]
        mini_stream = b"".join(sector(i) for i in chain(entries[0][2], fat))
        mini_table = b"".join(sector(i) for i in chain(first_mini, fat))
        minifat = list(struct.unpack(f"<{len(mini_table) // 4}I", mini_table[: len(mini_table) // 4 * 4]))
        return b"".join(mini_stream[i * 64:(i + 1) * 64] for i in chain(start, minifat))[:size]
    return None


# BIFF records that place one cell (row and column in their first four bytes), and MulRk/MulBlank.
_BIFF_CELLS = {0x0201, 0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6, 0x0207}
_BIFF_MULTI = {0x00BD, 0x00BE}


def _check_biff(stream: bytes, label: str) -> None:
    """The area each sheet of an .xls would take in calamine, from its cells and DIMENSIONS records.

    calamine reserves what DIMENSIONS announces and allocates the rectangle its cells span (columns of
    an .xls cell record go up to 65,535), both before anything can be refused.
    """
    sheets, pos, end = [], 0, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        if kind == 0x0085 and length >= 4:
            sheets.append(struct.unpack_from("<I", stream, pos + 4)[0])
        elif kind == 0x000A:
            break
        pos += 4 + length
    for pos in sheets:
        rows = cols = None
        top = left = 1 << 32
        bottom = right = 0
        depth, seen_bof = 0, False
        while pos + 4 <= end:
            kind, length = struct.unpack_from("<HH", stream, pos)
            body, pos = pos + 4, pos + 4 + length
            if kind == 0x0809:
                depth += 1 if seen_bof else 0
                seen_bof = True
            elif kind == 0x000A:
                if not depth:
                    break
                depth -= 1
            elif depth:
                continue
            elif kind in _BIFF_CELLS and length >= 4:
                row, col = struct.unpack_from("<HH", stream, body)
                top, bottom, left, right = min(top, row), max(bottom, row), min(left, col), max(right, col)
            elif kind in _BIFF_MULTI and length >= 6:
                row, col = struct.unpack_from("<HH", stream, body)
                last = struct.unpack_from("<H", stream, body + length - 2)[0]
                top, bottom = min(top, row), max(bottom, row)
                left, right = min(left, col, last), max(right, col, last)
            elif kind == 0x0200 and length in (10, 14):
                if length == 14:
                    first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, body)
                else:
                    first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, body)
                if first_col > 0xFF or last_col < first_col:
                    first_col = 0
                if last_row >= 1 and last_col >= 1:
                    rows = (last_row - 1 - first_row + 1) % (1 << 64)
                    cols = (last_col - 1 - first_col + 1) % (1 << 64)
                    if rows * cols > MAX_CELLS:
                        raise _too_large(label, f"的工作表声明的区域达 {rows} 行 × {cols} 列")
        if bottom >= top:
            height, width = bottom + 1, right - left + 1
            if height * width > MAX_CELLS:
                raise _too_large(label, f"的工作表使用区域达 {height} 行 × {width} 列")


class _Unreadable(Exception):
    """calamine could not read the file (damaged, or not what its content claims)."""


def _read_calamine(path: Path, label: str, kind: str, wanted: str | None) -> _Grid:
    import python_calamine as pc

    handle = workbook = None
    try:
        if path.suffix.lower() == kind:  # calamine picks the format from the extension
            workbook = pc.CalamineWorkbook.from_path(str(path))
        else:  # misnamed (.xls holding xlsx, WPS .et): calamine decides by content
            handle = path.open("rb")
            workbook = pc.CalamineWorkbook.from_filelike(handle)
        names = list(workbook.sheet_names)
        if not names:
            raise UserFacingError(f"文件 {label} 里没有工作表。")
        name = _choose_sheet(workbook, names, wanted, label)
        ws = workbook.get_sheet_by_name(name)
        start, end = ws.start, ws.end
        merges = ws.merged_cell_ranges or []
        if start is None or end is None:
            return _Grid([], name, f"工作表「{name}」")
        if (end[0] + 1) * max(ws.width, 1) > MAX_CELLS:
            raise _too_large(label, f"的工作表「{name}」使用区域达 {end[0] + 1} 行 × {ws.width} 列")
        compact = _Compact()
        rows = _nonempty((i, compact.cells(raw)) for i, raw in enumerate(ws.iter_rows(), start=1))
    except UserFacingError:
        raise
    except pc.PasswordError:
        raise _password(label) from None
    except Exception:  # noqa: BLE001 - calamine raises several types for damaged or disguised files
        raise _Unreadable from None
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _Unreadable from None
    finally:
        if workbook is not None:
            workbook.close()
        if handle is not None:
            handle.close()
    col0 = start[1]
    spans = [(r0 + 1, c0 - col0, r1 + 1, c1 - col0) for (r0, c0), (r1, c1) in merges]
    return _Grid(rows, name, f"工作表「{name}」", merges=spans)


def _choose_sheet(workbook, names: list[str], wanted: str | None, label: str) -> str:
    if wanted is not None:
        if wanted in names:
            return wanted
        for name in names:
            if normalize_header(name) == normalize_header(wanted):
                return name
        listed = "".join(f"「{n}」" for n in names)
        raise UserFacingError(f"文件 {label} 里没有名为「{wanted}」的工作表；这个文件的工作表有：{listed}。")
    # The first visible worksheet (a hidden helper sheet or a chart sheet in front is not the list).
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ.name == "WorkSheet" and meta.visible.name == "Visible":
                return meta.name
    except Exception:  # noqa: BLE001 - metadata is a convenience; the first sheet is the rule
        pass
    return names[0]


# --- zip inspection ------------------------------------------------------------------------------------


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _inspect_zip(path: Path, label: str) -> set[str]:
    """Refuse a damaged zip or a zip bomb before calamine opens it; return the member names."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 65_557))
        tail = f.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise _damaged(label)
    declared_members = struct.unpack_from("<H", tail, end + 10)[0]
    if MAX_ZIP_MEMBERS < declared_members < 0xFFFF:
        raise _too_large(label, f"内含 {declared_members} 个部件")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged(label) from None
    with archive, path.open("rb") as f:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _too_large(label, f"内含 {len(infos)} 个部件")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _too_large(label, f"解压后声明有 {total / 1e9:.1f} GB（上限 {MAX_UNCOMPRESSED_BYTES / 1e9:.1f} GB）")
        for info in infos:
            if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size / max(info.compress_size, 1)
                raise _too_large(label, f"的部件 {info.filename} 压缩比达 {ratio:.0f}:1")
        manifest = next((i for i in infos if i.filename == "META-INF/manifest.xml"), None)
        if manifest is not None and manifest.file_size < _CHUNK and b"encryption-data" in archive.read(manifest):
            raise _password(label)  # an ODS saved with a password encrypts its members, the manifest says so
        names = {i.filename for i in infos}
        is_ods = "content.xml" in names and "xl/workbook.xml" not in names
        for info in infos:
            # Every member of an xlsx is scanned: the workbook's relations may name any of them as a sheet.
            _check_member(f, info, label, scan=not is_ods, ods=is_ods and info.filename == "content.xml")
        return names


class _SheetExtent:
    """Bounds the rectangle calamine will allocate for an xlsx worksheet, from the XML as it streams by.

    calamine places a cell at its reference (`<c r="XFD1048576">`), or, without one, right of the previous
    cell; a row at its `r`, or below the previous row. References are read columnar (pyarrow), about two
    seconds for the 330 MB sheet XML of a million rows; cells without a reference (rare: no mainstream
    writer leaves it out) and prefixed element names switch to an exact, slower count of cells per row.
    """

    _STEP = 8 << 20
    _ELEMENT = r"<(?:[A-Za-z_][\w.-]*:)?"

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0
        self.max_row = self.max_col = self.rows_without_ref = self.max_row_cells = self.carry = 0
        self.exact: bool | None = None  # decided on the first bytes: prefixed names need the exact count
        self.strings = 0

    @property
    def rows(self) -> int:
        return self.max_row + self.rows_without_ref

    @property
    def cols(self) -> int:
        return self.max_col + self.max_row_cells

    def feed(self, data: bytes, *, final: bool = False) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size < self._STEP and not final:
            return
        buf = b"".join(self.parts)
        cut = len(buf) if final else buf.rfind(b"<")  # a reference is never cut in two
        if cut <= 0:
            cut = len(buf)
        part, rest = buf[:cut], buf[cut:]
        self.parts, self.size = [rest], len(rest)
        if part:
            self._scan(part)

    def _scan(self, part: bytes) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.exact is None:
            self.exact = re.search(rb"<[A-Za-z_][\w.-]*:worksheet\b", part[:4096]) is not None
            # calamine reserves room for the shared strings a workbook announces, before reading one.
            announced = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*\suniqueCount=\"([0-9]{1,20})\"", part[:4096])
            self.strings = int(announced.group(1)) if announced else 0
        whole = pa.array([part], pa.binary())
        pieces = pc.list_flatten(pc.split_pattern(whole, b' r="'))[1:]
        row_refs = cell_refs = 0
        if len(pieces):
            found = pc.extract_regex(pc.binary_slice(pieces, 0, 16), r'^(?P<col>[A-Z]{0,3})(?P<row>[0-9]{1,9})"')
            top = pc.max(pc.cast(pc.struct_field(found, "row"), pa.int64())).as_py()
            self.max_row = max(self.max_row, top or 0)
            letters = pc.struct_field(found, "col")
            for col in pc.unique(letters).to_pylist():
                if col:
                    self.max_col = max(self.max_col, _col_number(col))
            lengths = pc.binary_length(letters)
            row_refs = pc.sum(pc.equal(lengths, 0)).as_py() or 0
            cell_refs = pc.sum(pc.greater(lengths, 0)).as_py() or 0
        if not self.exact:
            self.rows_without_ref += max(0, part.count(b"<row") - row_refs)
            referenced = part.count(b'<c r="')
            if part.count(b"<c") > referenced and (part.count(b"<c>") or part.count(b"<c ") > referenced):
                self.exact = True  # cells without a reference (or not written first): count them
        if self.exact:
            rows = pc.list_flatten(pc.split_pattern_regex(whole, self._ELEMENT + r"row[\s>/]"))
            self.rows_without_ref += max(0, len(rows) - 1 - row_refs)
            counts = pc.count_substring_regex(rows, self._ELEMENT + r"c[\s>/]").to_pylist()
            counts[0] += self.carry
            self.carry = counts[-1]
            self.max_row_cells = max(self.max_row_cells, *counts)
        del cell_refs


class _OdsExtent:
    """Streams an ODS content.xml through expat and computes the rectangle calamine would allocate.

    Repeated rows and cells (`number-rows-repeated`, `number-columns-repeated`) are expanded by calamine, so a
    few bytes can stand for a billion cells; here they are only counted.
    """

    def __init__(self):
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.EntityDeclHandler = self._entity
        self.rows = self.width = self.cells = 0
        self.row_index = self.row_repeat = self.col = self.row_end = 0
        self.cell_repeat = 0
        self.cell_filled = self.in_cell = False

    def _entity(self, *args):
        raise ValueError("entity declarations are not allowed")

    def _start(self, name, attrs):
        if self.in_cell:
            self.cell_filled = True
        elif name == "table:table":
            self.row_index = 0
        elif name == "table:table-row":
            self.row_repeat = _count(attrs.get("table:number-rows-repeated"))
            self.col = self.row_end = 0
        elif name in ("table:table-cell", "table:covered-table-cell"):
            self.in_cell = True
            self.cell_repeat = _count(attrs.get("table:number-columns-repeated"))
            self.cell_filled = "office:value-type" in attrs

    def _end(self, name):
        if name in ("table:table-cell", "table:covered-table-cell"):
            self.in_cell = False
            self.col += self.cell_repeat
            if self.cell_filled:
                self.row_end = self.col
        elif name == "table:table-row":
            self.row_index += self.row_repeat
            if self.row_end:
                self.width = max(self.width, self.row_end)
                self.rows = max(self.rows, self.row_index)
            self.cells = max(self.cells, self.rows * self.width)

    def feed(self, data: bytes) -> None:
        self.parser.Parse(data, False)


def _count(value: str | None) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


def _check_member(f, info: zipfile.ZipInfo, label: str, *, scan: bool, ods: bool = False) -> None:
    """Inflate one member in bounded steps: it may not grow past its declared size; a sheet's area is bounded."""
    if info.flag_bits & 0x1:
        raise _password(label)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UserFacingError(f"文件 {label} 使用了不常见的压缩方式：请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
    f.seek(info.header_offset)
    local = f.read(30)
    if len(local) < 30 or local[:4] != _ZIP:
        raise _damaged(label)
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    f.seek(info.header_offset + 30 + name_len + extra_len)
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    sheet = _SheetExtent() if scan else None
    extent = _OdsExtent() if ods else None

    def take(data: bytes, produced: int, final: bool = False) -> int:
        produced += len(data)
        if produced > info.file_size:
            raise UserFacingError(
                f"文件 {label} 的部件 {info.filename} 解压后比它声明的大小还大：文件已损坏或是恶意构造，"
                "已拒绝读取。请用 Excel 或 WPS 重新另存为 .xlsx 后上传。"
            )
        if sheet is not None:
            sheet.feed(data, final=final)
            if sheet.strings > MAX_CELLS:
                raise _too_large(label, f"声明有 {sheet.strings} 个不同的文字")
            if sheet.rows * sheet.cols > MAX_CELLS:
                raise _too_large(label, f"的工作表使用区域达 {sheet.rows} 行 × {sheet.cols} 列")
        if extent is not None:
            extent.feed(data)
            if extent.cells > MAX_CELLS:
                raise _too_large(label, f"的工作表使用区域达 {extent.rows} 行 × {extent.width} 列")
        return produced

    left, produced = info.compress_size, 0
    try:
        while left > 0:
            chunk = f.read(min(left, _CHUNK))
            if not chunk:
                raise _damaged(label)
            left -= len(chunk)
            data = chunk if inflate is None else inflate.decompress(chunk, _CHUNK)
            while data:
                produced = take(data, produced)
                if inflate is None or not inflate.unconsumed_tail:
                    break
                data = inflate.decompress(inflate.unconsumed_tail, _CHUNK)
        take(inflate.flush() if inflate is not None else b"", produced, final=True)
    except UserFacingError:
        raise
    except Exception:  # noqa: BLE001 - zlib, expat or the columnar scan choking on the bytes: a damaged file
        raise _damaged(label) from None


# --- HTML tables (other systems export them under an .xls name) ---------------------------------------


def _looks_html(head: bytes) -> bool:
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head", b"<body")):
        return True
    return start.startswith(b"<") and not start.startswith(b"<?xml") and b"<table" in head.lower()


def _refuse_other_markup(head: bytes, label: str) -> None:
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"MIME-Version"):
        raise UserFacingError(f"文件 {label} 是“单个文件网页”（.mht），不是表格：请用 Excel 打开后另存为 .xlsx 再上传。")
    if start.startswith(b"<?xml"):
        raise UserFacingError(f"文件 {label} 是 XML 文件，不是可识别的表格：请用 Excel 打开后另存为 .xlsx 再上传。")


class _TableParser(HTMLParser):
    """Cells of every <table>: each table a list of rows, each row a list of (text, colspan, rowspan)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.frames: list[dict] = []  # open tables, innermost last
        self.cells = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.frames.append({"rows": [], "row": None, "cell": None})
            return
        if not self.frames:
            return
        frame = self.frames[-1]
        if tag == "tr":
            self._end_row(frame)
            frame["row"] = []
        elif tag in ("td", "th"):
            self._end_cell(frame)
            if frame["row"] is None:
                frame["row"] = []
            a = dict(attrs)
            frame["cell"] = ([], _span(a.get("colspan"), 256), _span(a.get("rowspan"), 65_536))
        elif tag == "br" and frame["cell"] is not None:
            frame["cell"][0].append("\n")

    def handle_endtag(self, tag):
        if not self.frames:
            return
        frame = self.frames[-1]
        if tag in ("td", "th"):
            self._end_cell(frame)
        elif tag == "tr":
            self._end_row(frame)
        elif tag == "table":
            self._end_row(frame)
            self.tables.append(self.frames.pop()["rows"])

    def handle_data(self, data):
        if self.frames and self.frames[-1]["cell"] is not None:
            self.frames[-1]["cell"][0].append(data)

    def _end_cell(self, frame):
        if frame["cell"] is not None:
            parts, colspan, rowspan = frame["cell"]
            frame["row"].append(("".join(parts), colspan, rowspan))
            frame["cell"] = None
            self.cells += colspan
            if self.cells > MAX_CELLS:
                raise _TooManyCells

    def _end_row(self, frame):
        self._end_cell(frame)
        if frame["row"] is not None:
            frame["rows"].append(frame["row"])
            frame["row"] = None

    def close(self):
        super().close()
        while self.frames:
            frame = self.frames.pop()
            self._end_row(frame)
            self.tables.append(frame["rows"])


class _TooManyCells(Exception):
    pass


def _span(value: str | None, limit: int) -> int:
    try:
        return min(max(int(str(value).strip()), 1), limit)
    except (TypeError, ValueError):
        return 1


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""")


def _read_html(path: Path, label: str, head: bytes) -> _Grid:
    candidates = []
    if head.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    declared = _CHARSET.search(head[:4096])
    if declared:
        try:
            candidates.append(codecs.lookup(declared.group(1).decode("ascii")).name)
        except LookupError:
            pass
    candidates += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(candidates):
        parser = _TableParser()
        try:
            with path.open("r", encoding=encoding, errors="strict") as f:
                while chunk := f.read(_CHUNK):
                    parser.feed(chunk)
            parser.close()
        except UnicodeDecodeError:
            continue
        except _TooManyCells:
            raise _too_large(label, "的网页表格单元格过多") from None
        break
    else:
        raise UserFacingError(f"文件 {label} 的编码无法识别：请用 Excel 打开后另存为 .xlsx。")
    tables = [t for t in parser.tables if t]
    if not tables:
        raise UserFacingError(
            f"文件 {label} 是网页，不是表格（扩展名与内容不符）：请用 Excel 打开后另存为 .xlsx 再上传。"
        )
    table = max(tables, key=len)
    rows, merges = _expand_spans(table)
    compact = _Compact()
    grid = _nonempty((n, compact.cells(cells)) for n, cells in rows)
    name = _codec_label(encoding)
    return _Grid(grid, "网页表格", f"网页表格（{name} 编码，扩展名 {Path(label).suffix or '无'}）",
                 encoding=name, merges=merges)


def _expand_spans(table):
    """Place cells on a grid as a browser would: colspan/rowspan leave empty cells behind them."""
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    rows, merges = [], []
    for number, cells in enumerate(table, start=1):
        out: list[str | None] = []
        col = 0
        for text, colspan, rowspan in cells:
            col = _skip_covered(out, pending, col)
            out.append(text)
            out.extend([None] * (colspan - 1))
            if colspan > 1 or rowspan > 1:
                merges.append((number, col, number + rowspan - 1, col + colspan - 1))
            if rowspan > 1:
                for c in range(col, col + colspan):
                    pending[c] = rowspan - 1
            col += colspan
        for c in sorted(k for k in pending if k >= col):
            if c < col:  # consumed by an earlier _skip_covered()
                continue
            out.extend([None] * (c - col))
            col = _skip_covered(out, pending, c)
        rows.append((number, out))
    return rows, merges


def _skip_covered(out: list, pending: dict[int, int], col: int) -> int:
    while col in pending:
        out.append(None)
        pending[col] -= 1
        if not pending[col]:
            del pending[col]
        col += 1
    return col


# --- XML Spreadsheet 2003 (what older systems export under an .xls name) ---------------------------------


_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding=["']([A-Za-z0-9_.-]+)["']""")


def _looks_xml_spreadsheet(head: bytes) -> bool:
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<?xml") and _SS.encode() in start


class _XmlSpreadsheet:
    """Streams an XML Spreadsheet 2003 file through expat, keeping the rows of one worksheet only."""

    def __init__(self, wanted: str | None):
        self.parser = expat.ParserCreate(encoding="utf-8", namespace_separator="|")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.EntityDeclHandler = self._entity
        self.wanted = wanted
        self.names: list[str] = []
        self.chosen: str | None = None
        self.keep = False
        self.rows: list[tuple[int, list[str | None]]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.row: list[str | None] | None = None
        self.row_number = self.col = self.cells = self.cell_at = 0
        self.data: list[str] | None = None
        self.compact = _Compact()

    def _entity(self, *args):
        raise ValueError("entity declarations are not allowed")

    def _start(self, name, attrs):
        ns, _, local = name.rpartition("|")
        if ns != _SS:
            return
        if local == "Worksheet":
            sheet = attrs.get(f"{_SS}|Name", "")
            self.names.append(sheet)
            take = self.chosen is None and (
                self.wanted is None or normalize_header(sheet) == normalize_header(self.wanted))
            self.keep = take
            if take:
                self.chosen = sheet
            self.row_number = 0
        elif not self.keep:
            return
        elif local == "Row":
            self.row_number = _count(attrs.get(f"{_SS}|Index")) if attrs.get(f"{_SS}|Index") else self.row_number + 1
            self.row, self.col = [], 0
        elif local == "Cell" and self.row is not None:
            index = attrs.get(f"{_SS}|Index")
            self.col = min(_count(index), 16_384) - 1 if index else self.col
            across = min(_count(attrs.get(f"{_SS}|MergeAcross", "0")) if attrs.get(f"{_SS}|MergeAcross") else 0, 16_384)
            down = _count(attrs.get(f"{_SS}|MergeDown")) if attrs.get(f"{_SS}|MergeDown") else 0
            if across or down:
                self.merges.append((self.row_number, self.col, self.row_number + down, self.col + across))
            self.row.extend([None] * (self.col - len(self.row)))
            self.row.append(None)
            self.cell_at = self.col
            self.col += 1 + across
        elif local == "Data" and self.row is not None:
            self.data = []

    def _text(self, text):
        if self.data is not None:
            self.data.append(text)

    def _end(self, name):
        ns, _, local = name.rpartition("|")
        if ns != _SS or not self.keep:
            return
        if local == "Data" and self.data is not None and self.row is not None:
            self.row[self.cell_at] = "".join(self.data)
            self.data = None
        elif local == "Row" and self.row is not None:
            self.cells += len(self.row)
            if self.cells > MAX_CELLS:
                raise _TooManyCells
            cells = self.compact.cells(self.row)
            if any(c is not None for c in cells):
                self.rows.append((self.row_number, cells))
            self.row = None
        elif local == "Worksheet":
            self.keep = False


def _read_xml_spreadsheet(path: Path, label: str, wanted: str | None) -> _Grid:
    with path.open("rb") as f:
        declared = _XML_ENCODING.search(f.read(200).lstrip(b"\xef\xbb\xbf \t\r\n"))
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    reader = _XmlSpreadsheet(wanted)
    try:
        with path.open("r", encoding=encoding, errors="strict") as f:
            while chunk := f.read(_CHUNK):
                reader.parser.Parse(chunk.encode("utf-8"), False)
        reader.parser.Parse(b"", True)
    except _TooManyCells:
        raise _too_large(label, "的工作表单元格过多") from None
    except (expat.ExpatError, ValueError, UnicodeDecodeError):
        raise UserFacingError(
            f"文件 {label} 是 XML 电子表格（2003 格式），但内容已损坏：请用 Excel 打开后另存为 .xlsx 再上传。"
        ) from None
    if reader.chosen is None:
        if wanted is not None and reader.names:
            listed = "".join(f"「{n}」" for n in reader.names)
            raise UserFacingError(f"文件 {label} 里没有名为「{wanted}」的工作表；这个文件的工作表有：{listed}。")
        raise UserFacingError(f"文件 {label} 里没有工作表。")
    name = reader.chosen
    return _Grid(reader.rows, name, f"XML 电子表格（2003 格式）的工作表「{name}」", merges=reader.merges)


# --- CSV / TXT -----------------------------------------------------------------------------------------


_ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16LE",
                    "utf-16-be": "UTF-16BE", "gbk": "GBK", "gb18030": "GB18030", "gb2312": "GB2312",
                    "big5": "Big5"}
_DELIMITER_NAMES = {",": "逗号", "\t": "制表符", ";": "分号"}


def _codec_label(encoding: str) -> str:
    return _ENCODING_LABELS.get(encoding, encoding.upper())


def _text_encodings(head: bytes) -> list[str]:
    if head.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    sample = head[:4096]
    if b"\x00" in sample:
        # UTF-16 without BOM: ASCII characters leave a zero in every other byte, and nothing decodes to
        # control characters.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        for codec, likely in (("utf-16-le", odd > len(sample) // 8 and even * 8 < odd),
                              ("utf-16-be", even > len(sample) // 8 and odd * 8 < even)):
            text = sample[: len(sample) // 2 * 2].decode(codec, errors="replace") if likely else ""
            if text and not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
                return [codec]
        return []
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        first = ["utf-8"]
    except UnicodeDecodeError:
        first = []
    return [*first, "gbk", "gb18030"]


def _sniff_delimiter(sample: str) -> tuple[str, bool]:
    """The delimiter, and whether the sample looks like a table at all (some line has two cells)."""
    lines = sample.splitlines()[:60]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        except csv.Error:
            continue
        if not counts:
            continue
        score = (len(counts), Counter(counts).most_common(1)[0][1])
        if score > best_score:
            best, best_score = delimiter, score
    return best, best_score[0] > 0


def _bounded(records: Iterable[list[str]], label: str) -> Iterator[list[str]]:
    """The records of a CSV, refused once they hold more cells than a sheet may (memory grows with cells)."""
    total = 0
    for record in records:
        total += len(record)
        if total > MAX_CELLS:
            raise _too_large(label, f"的单元格超过 {MAX_CELLS} 个")
        yield record


def _read_text(path: Path, label: str, ext: str, head: bytes) -> _Grid:
    candidates = _text_encodings(head)
    if not candidates:
        raise UserFacingError(f"文件 {label} 不是文本表格（CSV），也不是可识别的电子表格。")
    for encoding in candidates:
        try:
            sample = head.decode(encoding, errors="ignore") if len(head) == _SNIFF else head.decode(encoding)
        except UnicodeDecodeError:
            continue
        delimiter, tabular = _sniff_delimiter(sample)
        if not tabular and ext not in TEXT_EXTENSIONS:
            raise _damaged(label)  # named like a workbook, and not even a delimited text table
        compact = _Compact()
        try:
            with path.open("r", encoding=encoding, newline="") as f:
                records = _bounded(csv.reader(f, delimiter=delimiter), label)
                rows = _nonempty((i, compact.texts(r)) for i, r in enumerate(records, start=1))
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise UserFacingError(
                    f"文件 {label} 不是有效的 CSV：有一个单元格超过 {csv.field_size_limit() // 1024} KB"
                    "（多半是引号没有配对）。"
                ) from None
            raise UserFacingError(f"文件 {label} 不是有效的 CSV：{exc}") from None
        break
    else:
        raise UserFacingError(f"文件 {label} 的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx。")
    name = _codec_label(encoding)
    kind = "文本" if ext == ".txt" else " CSV"
    source = f"{'UTF-8（带 BOM）' if encoding == 'utf-8-sig' else name + ' '}编码的{kind}"
    if delimiter != ",":
        source += f"（{_DELIMITER_NAMES[delimiter]}分隔）"
    if ext in SPREADSHEET_EXTENSIONS or ext == ".et":
        source += f"，扩展名是 {ext} 但内容是文本"
    return _Grid(rows, Path(label).stem, source, encoding=name)
