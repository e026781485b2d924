"""XML Spreadsheet 2003, which older systems export under an .xls name."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import normalize_header

if TYPE_CHECKING:
    pass
# The limit is read when used: tests lower it (base.MAX_CELLS).
from . import base
from .base import _CHUNK, _Compact, _Grid, _too_large
from .html_tables import _TooManyCells
from .zipcheck import _count

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
            if self.cells > base.MAX_CELLS:
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
