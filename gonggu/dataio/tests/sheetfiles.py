"""Real files of every form offices send, built byte by byte for the reader tests (no mocks).

`files/base.xls` and `files/password.xls` come from python-calamine's test data (MIT licence,
github.com/dimastbk/python-calamine, tests/data). Everything else is written here: .xlsx with
xlsxwriter, .ods and zip bombs with zipfile/zlib, and .xls (BIFF8) and encrypted-workbook OLE
files with the small writers below.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter

FILES = Path(__file__).parent / "files"


# --- .xlsx -----------------------------------------------------------------------------------------


def xlsx(path: Path, rows: list[list[object]], *, sheet: str = "Sheet1", merges=(), before=(),
         number_cells: bool = True) -> Path:
    """rows of str/int/float/None; merges as (first_row, first_col, last_row, last_col, text), 0-based.

    `before` adds worksheets (name, rows) in front of `sheet`.
    """
    wb = xlsxwriter.Workbook(str(path))
    for name, other in before:
        _fill(wb.add_worksheet(name), other, number_cells)
    ws = wb.add_worksheet(sheet)
    _fill(ws, rows, number_cells)
    for r0, c0, r1, c1, text in merges:
        ws.merge_range(r0, c0, r1, c1, text)
    wb.close()
    return path


def _fill(ws, rows, number_cells):
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and number_cells:
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))


# --- .ods ------------------------------------------------------------------------------------------


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods(path: Path, rows: list[list[str | None]] | None = None, *, sheet: str = "Sheet1", body: str | None = None,
        encrypted: bool = False) -> Path:
    """An OpenDocument spreadsheet; `encrypted` marks content.xml as encrypted in the manifest, as a password does."""
    if body is None:
        body = "".join(
            "<table:table-row>" + "".join(
                "<table:table-cell/>" if v is None else
                f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                for v in row) + "</table:table-row>"
            for row in rows or [])
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"'
                + ('><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
                   "</manifest:file-entry>" if encrypted else "/>")
                + "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


# --- zip bombs -------------------------------------------------------------------------------------


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
        'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_bomb(path: Path, *, megabytes: int, declared: int | None = None) -> Path:
    """An .xlsx whose sheet XML inflates to `megabytes` MB of blanks (from about 1 KB per MB).

    The deflate stream is built without compressing the blanks one by one: after a full flush the
    compressor starts from nothing, so every further megabyte of blanks compresses to the same block,
    which is repeated. `declared` sets the uncompressed size written in the zip headers (a bomb may lie).
    """
    unit = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(_SHEET_HEAD) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(_SHEET_TAIL) + c.flush()
    size = len(_SHEET_HEAD) + len(unit) * megabytes + len(_SHEET_TAIL)
    crc = zlib.crc32(_SHEET_HEAD)
    for _ in range(megabytes):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(_SHEET_TAIL, crc)
    declared = size if declared is None else declared
    members = [(name, zlib.compressobj(6, zlib.DEFLATED, -15), text.encode()) for name, text in _XLSX_PARTS.items()]
    entries = []
    with open(path, "wb") as f:
        for name, comp, data in members:
            raw = comp.compress(data) + comp.flush()
            entries.append(_write_member(f, name, [raw], len(raw), len(data), zlib.crc32(data)))
        compressed_size = len(head) + len(block) * megabytes + len(tail)
        chunks = _repeat(head, block, megabytes, tail)
        entries.append(_write_member(f, "xl/worksheets/sheet1.xml", chunks, compressed_size, declared, crc))
        _write_central_directory(f, entries)
    return path


def xlsx_with_sheet_xml(path: Path, sheet_data: str, *, member: str = "xl/worksheets/sheet1.xml",
                        shared_strings: str | None = None) -> Path:
    """A minimal .xlsx whose only worksheet is the given <sheetData> element (written as is), stored as `member`.

    `shared_strings` is written as xl/sharedStrings.xml (the whole part) and linked from the workbook.
    """
    parts = {name: text.replace("worksheets/sheet1.xml", member.removeprefix("xl/")) for name, text in _XLSX_PARTS.items()}
    if shared_strings is not None:
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>", '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        parts["xl/sharedStrings.xml"] = shared_strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        z.writestr(member, _SHEET_HEAD.split(b"<sheetData>")[0].decode() + sheet_data + "</worksheet>")
    return path


def _repeat(head, block, count, tail):
    yield head
    for _ in range(count):
        yield block
    yield tail


def _write_member(f, name: str, chunks, compressed: int, size: int, crc: int):
    offset = f.tell()
    encoded = name.encode()
    f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, compressed, size, len(encoded), 0))
    f.write(encoded)
    for chunk in chunks:
        f.write(chunk)
    return encoded, offset, compressed, size, crc


def _write_central_directory(f, entries):
    start = f.tell()
    for encoded, offset, compressed, size, crc in entries:
        f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, compressed, size,
                            len(encoded), 0, 0, 0, 0, 0, offset))
        f.write(encoded)
    end = f.tell()
    f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - start, start, 0))


# --- OLE compound files: .xls (BIFF8) and encrypted workbooks --------------------------------------


_FREE, _END, _FAT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole(path: Path, streams: list[tuple[str, bytes]]) -> Path:
    """A version-3 compound file (512-byte sectors) holding `streams`, each stored in regular sectors.

    Up to 109 FAT sectors (the header's own list), so streams up to about 6.9 MB.
    """
    padded = [(name, data.ljust(4096, b"\0")) for name, data in streams]  # smaller streams go to the mini stream
    data_sectors = sum(-(-len(data) // 512) for _, data in padded)
    n_fat = 1
    while n_fat * 128 < n_fat + 1 + data_sectors:
        n_fat += 1
    assert n_fat <= 109, "test streams fit the header's FAT list"
    fat: list[int] = [_FAT] * n_fat + [_END]  # the FAT sectors, then the directory sector
    sectors: list[bytes] = []
    placed = []
    next_sector = n_fat + 1
    for name, data in padded:
        count = -(-len(data) // 512)
        placed.append((name, next_sector, len(data)))
        for i in range(count):
            sectors.append(data[i * 512:(i + 1) * 512].ljust(512, b"\0"))
            fat.append(next_sector + i + 1 if i < count - 1 else _END)
        next_sector += count
    directory = _dir_entry("Root Entry", 5, child=1 if placed else _NOSTREAM, start=_END, size=0)
    for i, (name, start, size) in enumerate(placed, start=1):
        right = i + 1 if i < len(placed) else _NOSTREAM
        directory += _dir_entry(name, 2, right=right, start=start, size=size)
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\0")
    assert len(directory) == 512, "test directories fit one sector"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, n_fat, 0, 4096, _END, 0, _END, 0)
    header += b"".join(struct.pack("<I", i) for i in range(n_fat)) + struct.pack("<I", _FREE) * (109 - n_fat)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat).ljust(n_fat * 512, b"\xff")
    path.write_bytes(header + fat_bytes + directory + b"".join(sectors))
    return path


def _dir_entry(name: str, kind: int, *, left=_NOSTREAM, right=_NOSTREAM, child=_NOSTREAM, start=0, size=0) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, left, right, child)
            + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<IQ", start, size))


def encrypted_ooxml(path: Path) -> Path:
    """What Excel writes for an .xlsx with an open password: an OLE file, not a zip."""
    return ole(path, [("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00"), ("EncryptedPackage", b"\x01" * 64)])


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def xls(path: Path, rows: list[list[object]], *, sheet: str = "Sheet1", password: bool = False,
        dimensions: tuple[int, int, int, int] | None = None, cells: tuple[tuple[int, int, float], ...] = ()) -> Path:
    """A BIFF8 workbook (Excel 97–2003) with one sheet: strings as LABEL records (UTF-16), numbers as NUMBER.

    `dimensions` writes a DIMENSIONS record (first row, last row + 1, first column, last column + 1) as
    given; `cells` adds number cells (row, column, value) at any position.
    """
    name = sheet.encode("utf-16-le")
    globals_ = _bof(0x0005)
    if password:  # FilePass, RC4: Excel writes it right after BOF when the file has an open password
        globals_ += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48)
    globals_ += _record(0x0042, struct.pack("<H", 1200))  # CodePage: UTF-16
    boundsheet_at = len(globals_)
    boundsheet = struct.pack("<IBBBB", 0, 0, 0, len(sheet), 1) + name
    globals_ += _record(0x0085, boundsheet) + _record(0x000A, b"")
    body = [_bof(0x0010)]
    if dimensions is not None:
        body.append(_record(0x0200, struct.pack("<IIHHH", *dimensions, 0)))
    for r, c, value in cells:
        body.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, value)))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)):
                body.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(value))))
            else:
                text = str(value).encode("utf-16-le")
                body.append(_record(0x0204, struct.pack("<HHHHB", r, c, 0, len(str(value)), 1) + text))
    body.append(_record(0x000A, b""))
    stream = bytearray(globals_ + b"".join(body))
    struct.pack_into("<I", stream, boundsheet_at + 4, len(globals_))  # where the sheet's BOF is
    return ole(path, [("Workbook", bytes(stream))])
