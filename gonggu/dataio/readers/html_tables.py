"""HTML tables, which other systems export under an .xls name."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from gonggu.core.errors import UserFacingError

if TYPE_CHECKING:
    pass
# The limit is read when used: tests lower it (base.MAX_CELLS).
from . import base
from .base import _CHUNK, _Compact, _Grid, _nonempty, _too_large
from .text import _codec_label

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
            if self.cells > base.MAX_CELLS:
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
