"""Shapes ``numbered`` and ``notice`` (numbered paragraphs under “一、” headings) and ``outline`` (county house
styles, read by `gonggu.tasks.outline`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gonggu.tasks.deadlines import find_dated_phrases
from gonggu.tasks.outline import read_outline

from .results import ParsedTask
from .text import (
    _BULLETS,
    _CJK,
    _JUNK_LINE,
    ITEM_RE,
    SECTION_RE,
    SUB_RE,
    _make_task,
    _squash,
    _tidy,
    _trailing_units,
    split_title,
    split_units,
)

# --------------------------------------------------------------------------- shape: numbered / notice


@dataclass
class _NumberedResult:
    title: str
    tasks: list[ParsedTask]
    headings: dict[int, str]  # level → name, still open at the end (a .docx table below inherits them)


def _parse_numbered(
    lines: Iterable[str], year: int | None, *, headings: dict[int, str] | None = None
) -> _NumberedResult:
    """Numbered paragraphs "N.标题。内容。（单位）" under "一、" / "(一)" / plain headings.

    Lines that do not start a new item continue the open item (text wrapped by the
    PDF export). An item closes at a heading, a date line, an "附件" line, or when the
    numbering restarts; numbering may restart at 1 only after such a break, so an
    attachment list ("附件：1.… 2.…") is not read as tasks.
    """
    headings = dict(headings or {})
    title_lines: list[str] = []
    seen_body = bool(headings)
    items: list[tuple[str, list[str], list[str]]] = []
    current: list[str] | None = None
    last_no = 0
    for raw in lines:
        s = raw.strip()
        if not s or _JUNK_LINE.match(_squash(s)):
            continue
        if _is_break_line(s):
            current, seen_body = None, True
            continue
        heading = _heading_of(s)
        # A plain short line after an unfinished sentence is wrapped text, not a heading.
        ends_sentence = current is None or re.search(r"[。；;）)]$", current[-1])
        if heading and (heading[2] or (seen_body and ends_sentence)):
            current = None
            level, name, _ = heading
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = name
            seen_body = True
            continue
        m = ITEM_RE.match(s)
        if m:
            no = int(m.group(1))
            if no == last_no + 1 or (no == 1 and current is None):
                current = [m.group(2)]
                items.append((str(no), current, [headings[k] for k in sorted(headings)]))
                last_no = no
                seen_body = True
                continue
        if current is not None:
            current.append(s)
        elif not seen_body and len(s) <= 40:
            title_lines.append(s)
        else:
            seen_body = True
    tasks = [_numbered_task(no, parts, item_path, year) for no, parts, item_path in items]
    title = _squash("".join(title_lines))
    if title and any(t.path for t in tasks):
        for task in tasks:
            if not task.path:
                task.path = [title]
    return _NumberedResult(title, tasks, headings)


def _is_break_line(s: str) -> bool:
    """Date lines, issuer footers and attachment markers end the open item."""
    flat = _squash(s)
    return bool(
        re.search(r"\d{4}年\d{1,2}月\d{1,2}日(印发|发布)?$", flat) and len(flat) <= 40
        or re.match(r"^附件\s*\d*\s*[:：]?", flat)
    )


def _heading_of(s: str) -> tuple[int, str, bool] | None:
    """(level, name, numbered) for "一、…" (1), "(一)…" (2) or a short plain line (1, like "一、").

    Long lines and lines with 。 are text, not headings.
    """
    if len(s) > 40 or "。" in s or s[0] in _BULLETS:
        return None
    if m := SECTION_RE.match(s):
        return 1, _squash(m.group(2)), True
    if m := SUB_RE.match(s):
        return 2, _squash(m.group(2)), True
    if not ITEM_RE.match(s) and not re.search(r"[：:，,；;]$", s) and re.search(rf"[{_CJK}]", s):
        return 1, _squash(s), False
    return None


def _numbered_task(no: str, parts: list[str], path: list[str], year: int | None) -> ParsedTask:
    # The lead units close the item's own paragraph; paragraphs that follow it (a .docx
    # item continued, a bullet list under it) come after them.
    lead: list[str] = []
    for index in range(len(parts) - 1, -1, -1):
        head, lead = _trailing_units(parts[index])
        if lead:
            parts = [*parts[:index], head, *parts[index + 1 :]]
            break
    text = ""
    for part in parts:
        # Wrapped lines join directly; a line after a finished sentence is a new paragraph.
        text += ("\n" if re.search(r"[。；;！？）)]$", text) else "") + part.strip()
    title, content = split_title(_tidy(text))
    phrases = find_dated_phrases(content or title)
    return _make_task(
        no, path, title, content, year=year, lead=lead, deadline_text="；".join(phrases) or None
    )


# --------------------------------------------------------------------------- shape: outline (county house styles)


def _parse_outline(lines: list[str], year: int | None) -> tuple[str, list[ParsedTask]]:
    title, found = read_outline(lines, split_units, split_title, _tidy, find_dated_phrases,
                                lambda line: bool(_JUNK_LINE.match(_squash(line)) or _is_break_line(line)))
    tasks = [_make_task(t.no, t.path, t.title, t.content, year=year, lead=t.lead, responsible=t.responsible,
                        deadline_text=t.deadline_text) for t in found]
    return _squash(title), tasks
