"""Workbooks read by calamine: .xlsx/.xlsm/.ods (zip) and .xls/.et (OLE), checked before calamine opens them."""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import normalize_header

if TYPE_CHECKING:
    pass
# The limit is read when used: tests lower it (base.MAX_CELLS).
from . import base
from .base import (
    _CHUNK,
    _ENCRYPTION_INFO,
    ACCEPTED,
    _Compact,
    _damaged,
    _Grid,
    _nonempty,
    _password,
    _too_large,
)
from .zipcheck import _inspect_zip


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
                    if rows * cols > base.MAX_CELLS:
                        raise _too_large(label, f"的工作表声明的区域达 {rows} 行 × {cols} 列")
        if bottom >= top:
            height, width = bottom + 1, right - left + 1
            if height * width > base.MAX_CELLS:
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
        if (end[0] + 1) * max(ws.width, 1) > base.MAX_CELLS:
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
