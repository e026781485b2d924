"""Reading a registry file into one Arrow table of text cells (columnar: a million rows in about a second).

CSV files (UTF-8 or GBK) are parsed by pyarrow's CSV reader; spreadsheets by calamine, streamed row by
row into Arrow chunks. Either way the result holds the spreadsheet row number of every data row and one
text column per canonical column of REGISTRY_SPEC found in the header; everything else in the file is
ignored (unknown columns are reported once). Problems with the file as a whole raise UserFacingError
with one clear sentence; nothing is interpreted here beyond that.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import ColumnSpec, Dialect, normalize_header
from gonggu.dataio.readers import (
    ACCEPTED,
    HEADER_SEARCH_ROWS,
    SPREADSHEET_EXTENSIONS,
    TEXT_EXTENSIONS,
    cell_text,
    find_header,
)

from ..spec import REGISTRY_SPEC
from .exports import as_registry

# Canonical column -> the name the import uses for it in SQL.
COLUMN_KEYS: dict[str, str] = {
    "行政区划代码": "village",
    "户编号": "hh_no",
    "户类型": "hh_type",
    "监测对象类型": "mon_type",
    "与户主关系": "relation",
    "姓名": "name",
    "身份证号": "id_raw",
    "劳动能力": "labour",
    "健康状况": "health",
    "残疾等级": "disability",
    "在校情况": "school",
    "务工月数": "work_months",
    "务工地点": "work_place",
    "是否参加基本医疗保险": "insured",
    "是否易地搬迁": "relocated",
    "收入年度": "year",
    "工资性收入": "wage",
    "生产经营性收入": "business",
    "财产性收入": "property",
    "转移性收入": "transfer",
    "生产经营性支出": "expense",
    # The names an export writes instead of the code (the national system's): resolved in the stage.
    "县": "county_name",
    "乡镇": "town_name",
    "行政村": "village_name",
}
KEYS = tuple(COLUMN_KEYS.values())
KEY_COLUMNS = {key: name for name, key in COLUMN_KEYS.items()}

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
_XLSX_CHUNK = 100_000


@dataclass
class RawTable:
    file_label: str
    table: pa.Table | None              # row_no (int64) + one string column per key in COLUMN_KEYS
    present: set[str]                   # keys whose column is in the file
    unknown: list[str] = field(default_factory=list)
    header_row: int = 1
    encoding: str = ""
    # The export recognised from the header (the national system's …), None for the registry format itself;
    # then the header each key was read from (reasons name the file's own columns).
    dialect: Dialect | None = None
    labels: dict[str, str] = field(default_factory=dict)
    header_rows: int = 1

    rows: int = 0

    def __post_init__(self):
        self.rows = self.table.num_rows if self.table is not None else 0


def read_registry_file(path: str | Path, *, file_label: str | None = None) -> RawTable:
    path = Path(path)
    label = file_label or path.name
    ext = Path(label).suffix.lower() or path.suffix.lower()
    if ext in (".doc", ".docx", ".pdf", ".wps"):
        raise UserFacingError(f"文件 {label} 是文档，不是表格：请上传 {ACCEPTED} 格式的表格。")
    if not path.exists() or path.stat().st_size == 0:
        raise UserFacingError(f"文件 {label} 是空文件。")
    with path.open("rb") as f:
        head = f.read(1 << 16)
    # The content decides, not the name: an .xlsx saved as .csv (or the reverse) is read for what it is.
    if head.startswith((_ZIP, _OLE)):
        raw = _read_workbook(path, label)
    elif ext in TEXT_EXTENSIONS or ext not in SPREADSHEET_EXTENSIONS:
        if b"\x00" in head[:4096]:
            raise UserFacingError(f"文件 {label} 不是表格：请上传 {ACCEPTED} 格式的表格（CSV 须为 UTF-8 或 GBK 编码）。")
        if ext not in TEXT_EXTENSIONS and ext not in SPREADSHEET_EXTENSIONS:
            raise UserFacingError(f"文件 {label} 的格式（{ext or '无扩展名'}）无法读取：请上传 {ACCEPTED} 格式的表格。")
        raw = _read_csv(path, label, head)
    else:
        raise UserFacingError(f"文件 {label} 不是有效的电子表格（文件可能已损坏，或扩展名与内容不符）。")
    if raw.rows == 0:
        raise UserFacingError(f"文件 {label} 只有表头，没有数据行。")
    return raw


@dataclass
class _Header:
    positions: dict[str, int]           # key → column index
    unknown: list[str]
    dialect: Dialect | None = None
    kept: list[tuple[str, int]] = field(default_factory=list)   # (header, index) of columns kept as they are
    labels: dict[str, str] = field(default_factory=dict)
    spec: ColumnSpec = REGISTRY_SPEC


# Headers that are never worth keeping (a row counter).
_NOT_KEPT = {"序号", "编号", "错误原因"}  # 错误原因: the column a 退回表 adds


def _match(header: list[str | None], label: str) -> _Header:
    if not any(h for h in header):
        raise UserFacingError(f"文件 {label} 没有任何内容。")
    dialect = REGISTRY_SPEC.recognise(header, file_label=label)
    spec = dialect.spec_for(REGISTRY_SPEC) if dialect is not None else REGISTRY_SPEC
    match = spec.match_headers(header, file_label=label)
    if not any(name in COLUMN_KEYS for name in match.positions):
        raise UserFacingError(f"文件 {label} 的第一行不是农户台账的表头。")
    positions = {COLUMN_KEYS[name]: i for name, i in match.positions.items() if name in COLUMN_KEYS}
    if dialect is None:
        return _Header(positions, match.unknown)
    # An export's columns that the registry does not model are kept with the household or person, not dropped.
    used = set(match.positions.values())
    kept = [(str(h).strip(), i) for i, h in enumerate(header)
            if i not in used and normalize_header(h) and normalize_header(h) not in _NOT_KEPT]
    labels = {COLUMN_KEYS[name]: str(header[i]).strip() for name, i in match.positions.items() if name in COLUMN_KEYS}
    return _Header(positions, [], dialect, kept, labels, spec)


def _header_in(rows: list[tuple[int, list]], merges, label: str) -> tuple[int, int, list]:
    """(the number of the header's last row, how many rows it takes, its cells), title rows above skipped."""
    if not rows:
        raise UserFacingError(f"文件 {label} 没有任何内容。")
    start, count, cells = find_header(rows, merges, REGISTRY_SPEC, label)
    return rows[start + count - 1][0], count, cells


# --- CSV -----------------------------------------------------------------------------------------------

def _looks_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _csv_header(path: Path, encoding: str, label: str) -> tuple[int, list[str | None], int, int]:
    """The header among the first non-empty records: (the 1-based row number of its last row, its cells, the number
    of records up to it, how many rows it takes). Title rows above it are skipped, two header rows combined."""
    # Only the first records are decoded here (the header is within the first thousand).
    rows: list[tuple[int, list]] = []
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        try:
            for index, record in enumerate(csv.reader(f), start=1):
                cells = [cell_text(c) for c in record]
                if any(c is not None for c in cells):
                    rows.append((index, cells))
                    if len(rows) >= HEADER_SEARCH_ROWS:
                        break
                if index > 1000:
                    break
        except csv.Error as exc:
            raise UserFacingError(f"文件 {label} 不是有效的 CSV：{exc}") from None
    last, count, header = _header_in(rows, [], label)
    return last, header, last - 1, count


def _read_csv(path: Path, label: str, head: bytes) -> RawTable:
    # UTF-8 first when the beginning of the file is UTF-8: pyarrow checks every cell as it reads and says so
    # if one is not, and the file is then read again as GBK (GB 18030, its superset).
    for encoding in (["utf-8"] if _looks_utf8(head) else []) + ["gb18030"]:
        try:
            return _read_csv_as(path, label, encoding)
        except _NotThisEncoding:
            continue
    raise UserFacingError(f"文件 {label} 的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx。")


class _NotThisEncoding(Exception):
    pass


def _read_csv_as(path: Path, label: str, encoding: str) -> RawTable:
    try:
        header_row, header, skip, header_rows = _csv_header(path, encoding, label)
    except UnicodeDecodeError:
        raise _NotThisEncoding from None
    found = _match(header, label)
    positions, keys = _with_kept(found)
    names = [f"c{i}" for i in range(len(header))]
    wanted = {names[i]: key for key, i in positions.items()}
    odd: list[tuple[int, str]] = []

    def odd_row(row) -> str:
        # A row with more or fewer cells than the header: kept and parsed below rather than lost.
        odd.append((row.number, row.text))
        return "skip"

    def read(threads: bool) -> pa.Table:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=skip + 1, use_threads=threads, block_size=8 << 20,
                encoding="utf8" if encoding == "utf-8" else encoding),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=odd_row),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, include_columns=list(wanted),
                strings_can_be_null=True),
        )

    try:
        # Both cores parse the file; rows come back in file order. A row of the wrong width is handed over without
        # its number when reading in parallel, so a file with any is read again on one thread, which numbers them.
        table = read(True)
        if odd:
            odd.clear()
            table = read(False)
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
            raise _NotThisEncoding from None
        if "Could not skip" in str(exc):  # the header is the file's last line: no data rows
            raise UserFacingError(f"文件 {label} 只有表头，没有数据行。") from None
        raise UserFacingError(f"文件 {label} 不是有效的 CSV：{str(exc).splitlines()[0][:200]}") from None
    except UnicodeDecodeError:
        raise _NotThisEncoding from None
    # pyarrow numbers the rows it hands to the handler by record in the file, skipped rows included.
    n = table.num_rows
    if odd:
        odd.sort(key=lambda r: r[0] or 0)
        numbers = _good_row_numbers(n, header_row + 1, [r[0] for r in odd])
    else:
        numbers = pa.array(range(header_row + 1, header_row + 1 + n), type=pa.int64())
    columns = {key: table.column(name) for name, key in wanted.items()}
    result = _assemble(numbers, columns, n, keys)
    if odd:
        extra = _parse_odd_rows(odd, positions, len(header), encoding, keys)
        result = pa.concat_tables([result, extra]).sort_by("row_no")
    return _raw(label, _drop_blank(result, keys), found, header_row, encoding, header_rows)


def _with_kept(found: _Header) -> tuple[dict[str, int], tuple[str, ...]]:
    """The positions to read: the registry's keys and the kept columns (as kept0, kept1 …)."""
    positions = dict(found.positions)
    kept = tuple(f"kept{j}" for j in range(len(found.kept)))
    for key, (_h, i) in zip(kept, found.kept, strict=True):
        positions[key] = i
    return positions, (*KEYS, *kept)


def _raw(label: str, table: pa.Table, found: _Header, header_row: int, encoding: str, header_rows: int) -> RawTable:
    """The RawTable of the cells read; an export's values mapped onto the registry's, its other columns kept."""
    present = set(found.positions)
    if found.dialect is not None:
        table, present = as_registry(table, found, present, COLUMN_KEYS)
    else:
        table = table.append_column("extra_p", pa.nulls(table.num_rows, pa.string())).append_column(
            "extra_h", pa.nulls(table.num_rows, pa.string()))
    return RawTable(label, table, present, found.unknown, header_row, encoding, dialect=found.dialect,
                    labels=found.labels, header_rows=header_rows)


def _good_row_numbers(n: int, first: int, odd_numbers: list[int | None]) -> pa.Array:
    """Row numbers of the rows pyarrow kept, given the numbers of the rows it handed to the handler."""
    skipped = sorted({x for x in odd_numbers if x is not None})
    numbers: list[int] = []
    current = first
    it = iter(skipped)
    nxt = next(it, None)
    while len(numbers) < n:
        if nxt is not None and current == nxt:
            nxt = next(it, None)
        else:
            numbers.append(current)
        current += 1
    return pa.array(numbers, type=pa.int64())


def _parse_odd_rows(odd: list[tuple[int, str]], positions: dict[str, int], width: int, encoding: str,
                    keys: tuple[str, ...] = KEYS) -> pa.Table:
    numbers, cols = [], {key: [] for key in keys}
    for number, text in odd:
        record = next(csv.reader(io.StringIO(text)), [])
        numbers.append(number or 0)
        for key in keys:
            i = positions.get(key)
            cols[key].append(cell_text(record[i]) if i is not None and i < len(record) else None)
    return pa.table({"row_no": pa.array(numbers, pa.int64()), **{k: pa.array(v, pa.string()) for k, v in cols.items()}})


def _assemble(numbers: pa.Array, columns: dict[str, pa.ChunkedArray | pa.Array], n: int,
              keys: tuple[str, ...] = KEYS) -> pa.Table:
    data = {"row_no": numbers}
    for key in keys:
        data[key] = columns[key] if key in columns else pa.nulls(n, pa.string())
    return pa.table(data)


# Characters people leave around cell values (full-width space, no-break space, zero-width space, BOM).
BLANKS = " \t\r\n\u3000\u00a0\u200b\ufeff"
_NULL = pa.scalar(None, pa.string())


def _drop_blank(table: pa.Table, keys: tuple[str, ...] = KEYS) -> pa.Table:
    """Cells trimmed, empty cells null; rows without any cell (blank lines, an emptied row) are not data."""
    if table.num_rows == 0:
        return table
    blank_row = None
    columns = {"row_no": table.column("row_no")}
    for key in keys:
        col = table.column(key)
        if col.null_count < len(col):
            col = pc.utf8_trim(col, BLANKS)
            empty = pc.equal(col, "")
            if pc.any(empty).as_py():
                col = pc.if_else(empty, _NULL, col)
        columns[key] = col
        missing = pc.is_null(col)
        blank_row = missing if blank_row is None else pc.and_(blank_row, missing)
    cleaned = pa.table(columns)
    return cleaned.filter(pc.invert(blank_row)) if pc.any(blank_row).as_py() else cleaned


# --- spreadsheets --------------------------------------------------------------------------------------

def _id_cell(value: object) -> str | None:
    # An identity number typed into a number cell has lost its last digits (Excel keeps 15): written in
    # scientific notation so that the identity-number check names the problem instead of a bad checksum.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        return f"{float(value):.14E}"
    return cell_text(value)


def _read_workbook(path: Path, label: str) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise UserFacingError(f"文件 {label} 里没有工作表。")
        sheet = workbook.get_sheet_by_index(0)
        rows = enumerate(sheet.iter_rows(), start=1)
        # The first rows are held until the header is found among them (title rows, a two-row header).
        buffered: list[tuple[int, list]] = []
        texts: list[tuple[int, list]] = []
        for number, cells in rows:
            buffered.append((number, cells))
            row_texts = [cell_text(c) for c in cells]
            if any(x is not None for x in row_texts):
                texts.append((number, row_texts))
                if len(texts) >= HEADER_SEARCH_ROWS:
                    break
        merges = [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
        header_row, header_rows, header = _header_in(texts, merges, label)
        found = _match(header, label)
        positions, keys = _with_kept(found)
        rows = itertools.chain(((n, c) for n, c in buffered if n > header_row), rows)
        chunks: list[pa.Table] = []
        numbers: list[int] = []
        cols: dict[str, list] = {key: [] for key in positions}
        convert = {key: (_id_cell if key == "id_raw" else cell_text) for key in positions}
        for number, cells in rows:
            width = len(cells)
            numbers.append(number)
            for key, i in positions.items():
                cols[key].append(convert[key](cells[i]) if i < width else None)
            if len(numbers) >= _XLSX_CHUNK:
                chunks.append(_chunk(numbers, cols))
                numbers, cols = [], {key: [] for key in positions}
        chunks.append(_chunk(numbers, cols))
    except UserFacingError:
        raise
    except Exception:  # noqa: BLE001 - calamine raises several types for damaged or disguised files
        raise UserFacingError(f"文件 {label} 不是有效的电子表格（文件可能已损坏，或扩展名与内容不符）。") from None
    table = pa.concat_tables(chunks)
    n = table.num_rows
    result = _assemble(table.column("row_no"), {k: table.column(k) for k in positions}, n, keys)
    return _raw(label, _drop_blank(result, keys), found, header_row, "xlsx", header_rows)


def _chunk(numbers: list[int], cols: dict[str, list]) -> pa.Table:
    return pa.table({"row_no": pa.array(numbers, pa.int64()), **{k: pa.array(v, pa.string()) for k, v in cols.items()}})
