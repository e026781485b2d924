"""CSV and TXT: UTF-8 (± BOM), UTF-16, GBK or GB18030, with comma, tab or semicolon, detected."""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from gonggu.core.errors import UserFacingError

if TYPE_CHECKING:
    pass
# The limit is read when used: tests lower it (base.MAX_CELLS).
from . import base
from .base import (
    _SNIFF,
    SPREADSHEET_EXTENSIONS,
    TEXT_EXTENSIONS,
    _Compact,
    _damaged,
    _Grid,
    _nonempty,
    _too_large,
)

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
        if total > base.MAX_CELLS:
            raise _too_large(label, f"的单元格超过 {base.MAX_CELLS} 个")
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
