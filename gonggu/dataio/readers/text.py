"""CSV and TXT: UTF-8 (± BOM), UTF-16, GBK or GB18030, with comma, tab or semicolon, detected."""

from __future__ import annotations

import codecs
import csv
import re
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


# Text is decoded in blocks of this many bytes; a CSV is never held whole (a 250 MB list streams through).
_BLOCK = 1 << 20
# A line ends at \r\n, \n or \r, as for a file opened with newline="" (what the csv module needs).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


class _MixedEncoding(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _lines(path: Path, encodings: list[str], state: dict) -> Iterator[str]:
    """The file's lines, decoded block by block with the first of `encodings`.

    Encodings are guessed from the first 64 KB. When a later byte does not decode, the lines before it are
    given first; then the next candidate takes over where that is exact: after pure ASCII (the same bytes in
    UTF-8, GBK and GB18030), or from GBK to GB18030 (a superset). Otherwise the file mixes encodings:
    `_MixedEncoding` names the line, once the lines before it have been used.
    """
    index = 0
    decoder = codecs.getincrementaldecoder(encodings[0])()
    carry, ascii_so_far, line = "", True, 0

    def split(text: str, final: bool) -> list[str]:
        nonlocal carry, ascii_so_far, line
        if ascii_so_far and not text.isascii():
            ascii_so_far = False
        data = carry + text
        # A \r at the end of a block may be the first half of \r\n: it waits for the next block.
        cut = len(data) - 1 if not final and data.endswith("\r") else len(data)
        parts = _LINE_END.split(data[:cut])
        carry = parts.pop() + data[cut:]
        if final and carry:
            parts.append(carry)
            carry = ""
        line += len(parts)
        return parts

    with path.open("rb") as f:
        while True:
            block = f.read(_BLOCK)
            final = not block
            while True:
                try:
                    text = decoder.decode(block, final=final)
                    break
                except UnicodeDecodeError as exc:
                    good, rest = exc.object[:exc.start], exc.object[exc.start:]
                    yield from split(codecs.getincrementaldecoder(encodings[index])().decode(good), False)
                    following = encodings[index + 1] if index + 1 < len(encodings) else None
                    if following is None or not (ascii_so_far or following == "gb18030"):
                        raise _MixedEncoding(line + 1) from None
                    index += 1
                    state["encoding"] = following
                    decoder = codecs.getincrementaldecoder(following)()
                    block = rest
            yield from split(text, final)
            if final:
                return


def _read_text(path: Path, label: str, ext: str, head: bytes) -> _Grid:
    """A text table whose rows are read as they are used: the header is decided before the body is read."""
    candidates = _text_encodings(head)
    if not candidates:
        raise UserFacingError(f"文件 {label} 不是文本表格（CSV），也不是可识别的电子表格。")
    for i, encoding in enumerate(candidates):
        try:
            sample = head.decode(encoding, errors="ignore") if len(head) == _SNIFF else head.decode(encoding)
        except UnicodeDecodeError:
            continue
        delimiter, tabular = _sniff_delimiter(sample)
        if not tabular and ext not in TEXT_EXTENSIONS:
            raise _damaged(label)  # named like a workbook, and not even a delimited text table
        candidates = candidates[i:]
        break
    else:
        raise UserFacingError(f"文件 {label} 的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx。")
    state = {"encoding": encoding}
    name = _codec_label(encoding)
    kind = "文本" if ext == ".txt" else " CSV"
    source = f"{'UTF-8（带 BOM）' if encoding == 'utf-8-sig' else name + ' '}编码的{kind}"
    if delimiter != ",":
        source += f"（{_DELIMITER_NAMES[delimiter]}分隔）"
    if ext in SPREADSHEET_EXTENSIONS or ext == ".et":
        source += f"，扩展名是 {ext} 但内容是文本"
    rows = _text_rows(path, label, candidates, delimiter, state)
    return _Grid(rows, Path(label).stem, source, encoding=name)


def _text_rows(path: Path, label: str, encodings: list[str], delimiter: str, state: dict) -> Iterator:
    compact = _Compact()
    texts = compact.texts
    try:
        records = _bounded(csv.reader(_lines(path, encodings, state), delimiter=delimiter), label)
        for i, record in enumerate(records, start=1):
            cells = texts(record)
            if any(c is not None for c in cells):
                yield i, cells
    except _MixedEncoding as exc:
        raise UserFacingError(
            f"文件 {label} 从第 {exc.line} 行起的文字不是 {_codec_label(state['encoding'])} 编码，与前面的行不同"
            "（文件混用了两种编码）：请用 Excel 或 WPS 打开后另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx。"
        ) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UserFacingError(
                f"文件 {label} 不是有效的 CSV：有一个单元格超过 {csv.field_size_limit() // 1024} KB"
                "（多半是引号没有配对）。"
            ) from None
        raise UserFacingError(f"文件 {label} 不是有效的 CSV：{exc}") from None
