"""Shape ``columns``: a column layout printed as plain lines (主要工作/分项内容/任务分解及工作要求/评价方式/责任单位)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .results import ParsedTask
from .text import (
    _JUNK_LINE,
    ITEM_RE,
    _is_column_header_line,
    _make_task,
    _squash,
    _strip_number,
    split_title,
    split_units,
)

# --------------------------------------------------------------------------- shape: column text


_EVAL_START = re.compile(r"^(座谈|查阅|查看|实地|访谈|结合|收集|通过问卷|问卷|开展实地|入户)")
_INLINE_EVAL = re.compile(r"(?<=。)\s+(?=\d+\s*[、.．]\s*(?:座谈|查阅|查看|实地|访谈|结合|收集|通过问卷))")


@dataclass
class _Block:
    """One 分项: its name, numbered requirements, one shared 评价方式 and one 责任单位 cell."""

    area: str
    name_parts: list[str] = field(default_factory=list)
    requirements: list[tuple[str | None, list[str]]] = field(default_factory=list)
    evaluations: list[list[str]] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    phase: str = "req"  # name → req → eval → units → req …


def _parse_column_text(text: str, warnings: list[str]) -> tuple[str, list[ParsedTask]]:
    """Columns printed line by line: requirement, then its 分项's evaluation and units.

    Columns are told apart by order and width: a 分项 name or unit cell wraps at about
    six characters, an evaluation at about thirteen, a requirement at thirty-five.
    """
    title = ""
    blocks: list[_Block] = []
    block: _Block | None = None
    area = ""
    for kind, s in _column_fragments(text.splitlines()):
        if kind == "title":
            title = title or _squash(s)
            continue
        if kind == "area":
            if s != area:
                area, block = s, None
            continue
        if block is None:
            block = _Block(area)
            blocks.append(block)
        m = ITEM_RE.match(s)
        if m and _EVAL_START.match(m.group(2)) and (block.phase == "eval" or not block.evaluations):
            block.evaluations.append([s])
            block.phase = "eval"
        elif m and len(s) <= 8 and "。" not in s:
            block = _Block(area, name_parts=[m.group(2)], phase="name")
            blocks.append(block)
        elif m:
            block.requirements.append((m.group(1), [m.group(2)]))
            block.phase = "req"
        elif block.phase == "name" and len(s) <= 7 and "。" not in s:
            block.name_parts.append(s)
        elif block.phase == "eval":
            last = block.evaluations[-1]
            if last[-1].endswith("。") and len(s) <= 7 and not s.startswith(("、", "。")):
                block.units.append(s)
                block.phase = "units"
            else:
                last.append(s)
        elif block.phase == "units":
            block.units.append(s)
        elif block.requirements and block.phase == "req":
            block.requirements[-1][1].append(s)
        else:  # a requirement printed without a number ("7、问题整改工作")
            block.requirements.append((None, [s]))
            block.phase = "req"
    tasks: list[ParsedTask] = []
    for block in blocks:
        tasks += _block_tasks(block, warnings)
    return title, tasks


def _column_fragments(lines: list[str]) -> Iterator[tuple[str, str]]:
    """("title" | "area" | "line", text), without page headers, footers and notes."""
    previous = ""
    seen_header = False
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        i += 1
        if not s:
            continue
        if _is_column_header_line(s):
            seen_header, previous = True, s
            continue
        if not seen_header and s != "主要":
            yield "title", s
            continue
        page_header = s == "主要" or (s == "工作" and previous == "主要")
        if page_header or _JUNK_LINE.match(_squash(s)) or s.startswith("注："):
            previous = s
            continue
        if _is_single_ideograph(s):
            # Vertical text: one character per line ("责/任/落/实/方/面").
            chars = [s]
            while i < len(lines) and _is_single_ideograph(lines[i].strip()):
                chars.append(lines[i].strip())
                i += 1
            if len(chars) >= 3:
                yield "area", "".join(chars)
                previous = chars[-1]
                continue
            s = "".join(chars)
        for part in _INLINE_EVAL.split(s):
            yield "line", part.strip()
        previous = s


def _is_single_ideograph(s: str) -> bool:
    return len(s) == 1 and "\u4e00" <= s <= "\u9fff"


def _block_tasks(block: _Block, warnings: list[str]) -> list[ParsedTask]:
    name = _squash("".join(block.name_parts))
    path = [block.area, _strip_number(name) if name else ""]
    evaluation = "\n".join("".join(part.strip() for part in item) for item in block.evaluations)
    units = split_units("".join(block.units))
    if block.requirements and not (block.evaluations and units):
        warnings.append(f"“{name or block.area}”缺少评价方式或责任单位。")
    tasks = []
    for no, parts in block.requirements:
        title, content = split_title("".join(part.strip() for part in parts))
        tasks.append(
            _make_task(no, path, title, content, year=None, responsible=units, evaluation=evaluation)
        )
    return tasks
