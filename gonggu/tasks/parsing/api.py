"""The public entry points: `parse_text`, `parse_file`, `check_readable`, `detect_shape`."""

from __future__ import annotations

import re
from pathlib import Path

from gonggu.core.errors import UserFacingError
from gonggu.tasks.outline import looks_like_outline

from .columns import _parse_column_text
from .grid import _parse_blocks
from .numbered import _parse_numbered, _parse_outline
from .readers import _read_docx, _read_text, _read_xlsx
from .results import NO_TASKS, READABLE_LABEL, READABLE_SUFFIXES, ParsedDocument, ParsedTask
from .table import _parse_tab_table
from .text import (
    ITEM_RE,
    _document_title,
    _first_title,
    _is_column_header_line,
    _is_header_cells,
    _normalise_newlines,
    _trailing_units,
    _warn_unparsed_deadlines,
    asks_yearly_breakdown,
    detect_report_schedule,
    detect_year,
)

# --------------------------------------------------------------------------- public API


def parse_text(text: str, *, document: str = "", year: int | None = None) -> ParsedDocument:
    """Parse the plain text of a task list.

    `document` names the result (default: the document's title line); `year` overrides the
    year found in the text, used for deadlines that give only month and day.
    """
    text = _normalise_newlines(text)
    doc_year = year or detect_year(text)
    shape = detect_shape(text)
    warnings: list[str] = []
    title = ""
    tasks: list[ParsedTask] = []
    if shape == "handbook":
        warnings.append(
            "该文件是工作手册（政策依据、工作重点、关注问题），不是任务清单，未提取任务；"
            "其中的“关注问题”可另行提取为检查清单。"
        )
    elif shape == "table":
        tasks = _parse_tab_table(text, doc_year, warnings)
    elif shape == "columns":
        title, tasks = _parse_column_text(text, warnings)
    elif shape == "outline":
        title, tasks = _parse_outline(text.splitlines(), doc_year)
    elif shape in ("numbered", "notice"):
        result = _parse_numbered(text.splitlines(), doc_year)
        title, tasks = result.title, result.tasks
    if not tasks and shape != "handbook":
        warnings.append(NO_TASKS)
    title = title or _first_title(text)
    _warn_unparsed_deadlines(tasks, warnings)
    recurrence, report_text = detect_report_schedule(text)
    return ParsedDocument(document or title, doc_year, tasks, warnings, shape, title=_document_title(text) or title,
                          report_recurrence=recurrence, report_text=report_text,
                          asks_breakdown=asks_yearly_breakdown(text))


def check_readable(name: str) -> None:
    """Refuse, with the formats that are read, a file the parser cannot read (by its name)."""
    suffix = Path(name).suffix.lower()
    if suffix in READABLE_SUFFIXES:
        return
    if suffix == ".pdf":
        hint = ("PDF 文件（尤其是扫描件）无法读取其中的表格和文字：请使用原始的 Word 文件（另存为 .docx），"
                "或把扫描件经文字识别后另存为 .docx 或 .txt 再导入。")
    elif suffix in (".doc", ".wps", ".rtf", ".et", ".xls"):
        hint = f"{suffix} 是旧版或其他格式，请先在 Word、WPS 或 Excel 中另存为 .docx 或 .xlsx 再导入。"
    else:
        hint = ".doc、.wps、.pdf 等格式请先在 Word 或 WPS 中另存为 .docx 再导入。"
    raise UserFacingError(f"无法读取“{Path(name).name}”：任务清单只能读取 {READABLE_LABEL} 文件；{hint}")


def parse_file(path: str | Path, *, year: int | None = None, document: str = "") -> ParsedDocument:
    """Parse a `.txt` (UTF-8 or GB18030), `.docx` or `.xlsx` task list.

    `document` names the file in the result and in messages (an upload is stored under
    another name); default the file's own name.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    label = document or path.name
    check_readable(label if Path(label).suffix.lower() == suffix else path.name)
    if not path.is_file():
        raise UserFacingError(f"找不到文件“{path}”。")
    document = document or path.name
    if suffix == ".txt":
        try:
            return parse_text(_read_text(path), document=document, year=year)
        except UserFacingError as exc:
            raise UserFacingError(exc.message.replace(f"“{path.name}”", f"“{label}”")) from None
    try:
        blocks = list(_read_docx(path) if suffix == ".docx" else _read_xlsx(path, label))
    except (UserFacingError, ImportError):
        raise
    except Exception as exc:  # python-docx and calamine raise many types for a damaged file
        raise UserFacingError(f"无法打开“{label}”：文件已损坏，或不是真正的 {suffix} 文件。") from exc
    return _parse_blocks(blocks, document=document, year=year)


def detect_shape(text: str) -> str:
    """One of "handbook", "table", "columns", "outline", "notice", "numbered" or "unknown"."""
    lines = _normalise_newlines(text).splitlines()
    if sum(1 for line in lines if re.match(r"^\s*[（(]三[)）]\s*关注问题", line)) >= 2:
        return "handbook"
    if any(_is_header_cells(line.split("\t")) for line in lines if "\t" in line):
        return "table"
    if any(_is_column_header_line(line) for line in lines):
        return "columns"
    if looks_like_outline(text):
        return "outline"
    items = [m.group(2) for m in (ITEM_RE.match(line.strip()) for line in lines) if m]
    if not items:
        return "unknown"
    with_units = sum(1 for item in items if _trailing_units(item)[1])
    return "numbered" if with_units * 2 >= len(items) else "notice"
