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
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from gonggu.core.errors import UserFacingError
from gonggu.dataio.readers import ACCEPTED, SPREADSHEET_EXTENSIONS, TEXT_EXTENSIONS, cell_text

from ..spec import REGISTRY_SPEC

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


def _match(header: list[str | None], label: str) -> tuple[dict[str, int], list[str]]:
    if not any(h for h in header):
        raise UserFacingError(f"文件 {label} 没有任何内容。")
    match = REGISTRY_SPEC.match_headers(header, file_label=label)
    if not any(name in COLUMN_KEYS for name in match.positions):
        raise UserFacingError(f"文件 {label} 的第一行不是农户台账的表头。")
    positions = {COLUMN_KEYS[name]: i for name, i in match.positions.items() if name in COLUMN_KEYS}
    return positions, match.unknown


# --- CSV -----------------------------------------------------------------------------------------------

def _looks_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _csv_header(path: Path, encoding: str, label: str) -> tuple[int, list[str | None], int]:
    """The first non-empty record: (its 1-based row number, its cells, the number of records before it)."""
    # Only the first records are decoded here (the header is within the first thousand).
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        try:
            for index, record in enumerate(csv.reader(f), start=1):
                cells = [cell_text(c) for c in record]
                if any(c is not None for c in cells):
                    return index, cells, index - 1
                if index > 1000:
                    break
        except csv.Error as exc:
            raise UserFacingError(f"文件 {label} 不是有效的 CSV：{exc}") from None
    raise UserFacingError(f"文件 {label} 没有任何内容。")


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
        header_row, header, skip = _csv_header(path, encoding, label)
    except UnicodeDecodeError:
        raise _NotThisEncoding from None
    positions, unknown = _match(header, label)
    names = [f"c{i}" for i in range(len(header))]
    wanted = {names[i]: key for key, i in positions.items()}
    odd: list[tuple[int, str]] = []

    def odd_row(row) -> str:
        # A row with more or fewer cells than the header: kept and parsed below rather than lost.
        odd.append((row.number, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=skip + 1, use_threads=False, block_size=8 << 20,
                encoding="utf8" if encoding == "utf-8" else encoding),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=odd_row),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, include_columns=list(wanted),
                strings_can_be_null=True),
        )
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
    result = _assemble(numbers, columns, n)
    if odd:
        extra = _parse_odd_rows(odd, positions, len(header), encoding)
        result = pa.concat_tables([result, extra]).sort_by("row_no")
    return RawTable(label, _drop_blank(result), set(positions), unknown, header_row, encoding)


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


def _parse_odd_rows(odd: list[tuple[int, str]], positions: dict[str, int], width: int, encoding: str) -> pa.Table:
    numbers, cols = [], {key: [] for key in KEYS}
    for number, text in odd:
        record = next(csv.reader(io.StringIO(text)), [])
        numbers.append(number or 0)
        for key in KEYS:
            i = positions.get(key)
            cols[key].append(cell_text(record[i]) if i is not None and i < len(record) else None)
    return pa.table({"row_no": pa.array(numbers, pa.int64()), **{k: pa.array(v, pa.string()) for k, v in cols.items()}})


def _assemble(numbers: pa.Array, columns: dict[str, pa.ChunkedArray | pa.Array], n: int) -> pa.Table:
    data = {"row_no": numbers}
    for key in KEYS:
        data[key] = columns[key] if key in columns else pa.nulls(n, pa.string())
    return pa.table(data)


# Characters people leave around cell values (full-width space, no-break space, zero-width space, BOM).
BLANKS = " \t\r\n\u3000\u00a0\u200b\ufeff"
_NULL = pa.scalar(None, pa.string())


def _drop_blank(table: pa.Table) -> pa.Table:
    """Cells trimmed, empty cells null; rows without any cell (blank lines, an emptied row) are not data."""
    if table.num_rows == 0:
        return table
    blank_row = None
    columns = {"row_no": table.column("row_no")}
    for key in KEYS:
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
        rows = iter(sheet.iter_rows())
        header_row, header = 0, None
        for header_row, cells in enumerate(rows, start=1):  # noqa: B007 - the number is used after the loop
            texts = [cell_text(c) for c in cells]
            if any(t is not None for t in texts):
                header = texts
                break
        if header is None:
            raise UserFacingError(f"文件 {label} 没有任何内容。")
        positions, unknown = _match(header, label)
        chunks: list[pa.Table] = []
        numbers: list[int] = []
        cols: dict[str, list] = {key: [] for key in positions}
        convert = {key: (_id_cell if key == "id_raw" else cell_text) for key in positions}
        for number, cells in enumerate(rows, start=header_row + 1):
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
    result = _assemble(table.column("row_no"), {k: table.column(k) for k in positions}, n)
    return RawTable(label, _drop_blank(result), set(positions), unknown, header_row, "xlsx")


def _chunk(numbers: list[int], cols: dict[str, list]) -> pa.Table:
    return pa.table({"row_no": pa.array(numbers, pa.int64()), **{k: pa.array(v, pa.string()) for k, v in cols.items()}})
