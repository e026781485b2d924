"""Tables and paragraphs of `.docx` / `.xlsx` files: their tables have real columns, so rows are read by header
name; paragraphs go through the numbered-paragraph reader."""

from __future__ import annotations

import re

from gonggu.tasks.outline import looks_like_outline

from .numbered import _parse_numbered, _parse_outline
from .results import NO_TASKS, ParsedDocument, ParsedTask
from .text import (
    ITEM_RE,
    SECTION_RE,
    SUB_RE,
    _column_field,
    _document_title,
    _first_title,
    _is_header_cells,
    _make_task,
    _squash,
    _strip_number,
    _warn_unparsed_deadlines,
    asks_yearly_breakdown,
    detect_report_schedule,
    detect_year,
    split_title,
    split_units,
)

# --------------------------------------------------------------------------- tables of .docx / .xlsx


def _parse_blocks(blocks: list[tuple[str, object]], *, document: str, year: int | None) -> ParsedDocument:
    """Paragraphs and tables in document order: tables with a task header give one task per
    row, runs of paragraphs go through the numbered-paragraph reader; headings carry over."""
    all_text = "\n".join(
        text if kind == "p" else "\n".join(" ".join(dict.fromkeys(c for c in row if c)) for row in text)
        for kind, text in blocks
    )
    doc_year = year or detect_year(all_text)
    warnings: list[str] = []
    tasks: list[ParsedTask] = []
    headings: dict[int, str] = {}
    paragraphs: list[str] = []
    title = ""

    def flush() -> None:
        nonlocal headings, title, paragraphs
        if paragraphs and looks_like_outline("\n".join(paragraphs)):
            outline_title, found = _parse_outline(paragraphs, doc_year)
            prefix = [headings[k] for k in sorted(headings)]
            for task in found:
                task.path = [*prefix, *task.path]
            tasks.extend(found)
            title, paragraphs = title or outline_title, []
        if paragraphs:
            result = _parse_numbered(paragraphs, doc_year, headings=headings)
            tasks.extend(result.tasks)
            headings, title = result.headings, title or result.title
            paragraphs = []

    for kind, payload in blocks:
        if kind == "p":
            paragraphs.append(payload)
            continue
        grid = payload
        header_index = _find_grid_header(grid)
        if header_index is None:
            paragraphs.extend(" ".join(dict.fromkeys(c for c in row if c)) for row in grid)
            continue
        flush()
        prefix = [headings[k] for k in sorted(headings)]
        tasks.extend(_parse_grid(grid, header_index, doc_year, prefix, warnings))
    flush()
    if not tasks:
        warnings.append(NO_TASKS)
    _warn_unparsed_deadlines(tasks, warnings)
    title = title or _first_title(all_text)
    recurrence, report_text = detect_report_schedule(all_text)
    return ParsedDocument(document or title, doc_year, tasks, warnings, "structured",
                          title=_document_title(all_text) or title,
                          report_recurrence=recurrence, report_text=report_text,
                          asks_breakdown=asks_yearly_breakdown(all_text))


def _find_grid_header(grid: list[list[str | None]]) -> int | None:
    for index, row in enumerate(grid[:20]):
        if _is_header_cells([c or "" for c in row]):
            return index
    return None


def _parse_grid(
    grid: list[list[str | None]],
    header_index: int,
    year: int | None,
    prefix: list[str],
    warnings: list[str],
) -> list[ParsedTask]:
    """One task per row under the header; a row holding a single text is a heading."""
    fields = [_column_field(c) for c in grid[header_index]]
    rows = grid[header_index + 1 :]
    # A second header row refines merged header cells (工作任务 → 工作内容 | 工作措施).
    if rows and all(not c or _column_field(c) for c in rows[0]) and any(rows[0]):
        fields = [_column_field(c) or f for c, f in zip(rows[0], fields, strict=False)]
        rows = rows[1:]
    first_task = next((i for i, f in enumerate(fields) if f == "task"), None)
    headings: dict[int, str] = {}
    tasks: list[ParsedTask] = []
    for row in rows:
        cells = [(c or "").strip() for c in row] + [""] * (len(fields) - len(row))
        filled = [c for c in cells if c]
        if not filled or all(_column_field(c) for c in filled):
            continue
        # A heading row: one text, alone or merged across the row ("一、…" in every cell).
        alone = first_task is None or not cells[first_task] or len(filled) > 1
        if len(set(filled)) == 1 and (alone or SECTION_RE.match(filled[0]) or SUB_RE.match(filled[0])):
            level = 2 if SUB_RE.match(filled[0]) else 1
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = _strip_number(filled[0])
            continue
        values: dict[str, list[str]] = {}
        for value, column in zip(cells, fields, strict=False):
            if column and value:
                values.setdefault(column, []).append(value)
        if not values.get("task") and not values.get("measures"):
            warnings.append(f"表格中有一行没有任务内容，已跳过：“{' '.join(dict.fromkeys(filled))}”。")
            continue
        tasks.append(_grid_task(values, [*prefix, *(headings[k] for k in sorted(headings))], year))
    if not tasks:
        warnings.append("表格有任务列名，但表头下没有任务行。")
    return tasks


def _grid_task(values: dict[str, list[str]], path: list[str], year: int | None) -> ParsedTask:
    def one(name: str) -> str:
        return "\n".join(dict.fromkeys(values.get(name, []))).strip()

    text = one("task")
    no = one("no")
    m = re.match(r"^(\d+)", no)
    no_value: str | None = m.group(1) if m else (no or None)
    item = ITEM_RE.match(text)
    if item:
        no_value = no_value or item.group(1)
        text = item.group(2)
    measures = one("measures")
    if measures:
        title, content = _squash(text), measures
    else:
        title, content = split_title(text)
    for value in values.get("path", []):
        name = _strip_number(value)
        if name and (not path or path[-1] != name):
            path = [*path, name]
    return _make_task(
        no_value, path, title, content, year=year,
        lead=split_units(" ".join(values.get("lead", []))),
        responsible=split_units(" ".join(values.get("responsible", []))),
        deadline_text=one("deadline") or None,
        evaluation=one("evaluation") or None,
    )
