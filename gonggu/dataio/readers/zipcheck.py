"""Inspecting a zip-based workbook before reading it: member count, declared sizes, ratios, used area."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from gonggu.core.errors import UserFacingError

if TYPE_CHECKING:
    pass
# The limit is read when used: tests lower it (base.MAX_CELLS).
from . import base
from .base import (
    _CHUNK,
    _ZIP,
    MAX_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECKED_FROM,
    _damaged,
    _password,
    _too_large,
)

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
            if sheet.strings > base.MAX_CELLS:
                raise _too_large(label, f"声明有 {sheet.strings} 个不同的文字")
            if sheet.rows * sheet.cols > base.MAX_CELLS:
                raise _too_large(label, f"的工作表使用区域达 {sheet.rows} 行 × {sheet.cols} 列")
        if extent is not None:
            extent.feed(data)
            if extent.cells > base.MAX_CELLS:
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
