"""Text helpers shared by every shape: numbering patterns, unit and title splitting, the document's year,
title and reporting rule."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from gonggu.tasks.deadlines import normalize_deadline

from .results import ParsedTask


def detect_year(text: str) -> int | None:
    """The document's year: its date line, else the 〔2023〕 of its number, else a year in its
    title, else the most cited 年度."""
    lines = [line.strip() for line in _normalise_newlines(text).splitlines() if line.strip()]
    for line in lines:
        m = re.search(r"(\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:印发|发布)?$", line)
        if m and len(re.sub(r"\s", "", line)) <= 40:
            return int(m.group(1))
    for line in lines[:10]:
        m = re.search(r"[〔［\[](\d{4})[〕］\]]", line)
        if m:
            return int(m.group(1))
    for line in lines[:3]:
        m = re.search(r"(\d{4})\s*年", line)
        if m and len(line) <= 60:
            return int(m.group(1))  # a title such as "某县2024年…任务清单"
    years = Counter(re.findall(r"(\d{4})\s*年度", text))
    return int(years.most_common(1)[0][0]) if years else None


_REPORT_SENTENCE = re.compile(r"[^。；;]*每\s*(?:年|半年|季度|季|月|周)[^。；;]*")


def detect_report_schedule(text: str) -> tuple[dict | None, str]:
    """A standing progress-reporting rule of the notice, as (recurrence, sentence).

    Only a sentence that asks for progress to be reported ("进展"/"进度" with "反馈"/"报送"/
    "上报"/"报告"/"报") counts, and only outside the tasks: a frequency inside a numbered task
    or a table row is that task's own rhythm, not a rule of the whole list.
    """
    for line in _normalise_newlines(text).splitlines():
        if "\t" in line or ITEM_RE.match(line.strip()):
            continue
        for m in _REPORT_SENTENCE.finditer(line):
            sentence = _tidy(m.group(0))
            if not re.search(r"进展|进度", sentence) or not re.search(r"反馈|报送|上报|报告|报", sentence):
                continue
            deadline = normalize_deadline(sentence)
            if deadline is not None and deadline.recurrence:
                return deadline.recurrence, sentence
    return None, ""


def asks_yearly_breakdown(text: str) -> bool:
    """Whether the notice asks units to break every task down per year (任务书、时间表、路线图)."""
    flat = _squash(text)
    return ("任务书" in flat and "时间表" in flat and "路线图" in flat) or "每个年度的目标任务" in flat


def split_units(text: str | None) -> list[str]:
    """Unit names split on 、，；： and spaces, as written, without duplicates.

    Spaces in these documents are sometimes line breaks inside a name ("住 建局",
    "各乡镇党委政 府", "各乡镇党委 政府"); a one-character piece, or 政府 after 党委, is
    joined back to its neighbour rather than kept as a unit of its own.
    """
    if not text:
        return []
    pieces = [p for p in re.split(r"[、，,；;：:\s]+", text) if p]
    units: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + piece
        carry = ""
        if units and piece == "政府" and units[-1].endswith("党委"):
            units[-1] += piece
        elif len(piece) == 1 and units and not _UNIT_END.search(units[-1]):
            units[-1] += piece
        elif len(piece) == 1:
            carry = piece
        else:
            units.append(piece)
    if carry:
        units.append(carry)
    return list(dict.fromkeys(units))


def split_title(text: str) -> tuple[str, str]:
    """(title, content) of a task text.

    A short lead sentence ("动态识别监测对象。建立…") is the title and the rest is the
    content. Without one, the title is the first clause and the content the whole text,
    so nothing is lost.
    """
    text = text.strip()
    m = re.match(r"^([^。，,；;]{1,40})。\s*(.*)$", text, re.S)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    for m in re.finditer(r"[，,；;。]", text):
        if m.start() >= 6:
            return text[: m.start()].strip(), text
    return text, ""


# --------------------------------------------------------------------------- shared helpers

_CN = "一二三四五六七八九十"
SECTION_RE = re.compile(rf"^([{_CN}]+)\s*、\s*(.*)$", re.S)
SUB_RE = re.compile(rf"^[（(]([{_CN}]+)[)）]\s*(.*)$", re.S)
ITEM_RE = re.compile(r"^(\d{1,3})(?!\d)\s*[.．、]\s*(\S.*)$", re.S)
_UNIT_END = re.compile(
    r"(局|委|部|办|社|联|行|会|府|队|院|站|所|厅|司|室|处|团|门|位|组|镇|街道|公司|中心|集团|县|市|区)$"
)
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’—…·"
_BULLETS = "•·▪◆●○■□-–"
_JUNK_LINE = re.compile(r"^(\[bookmark:.*\]|[-—–－]+\s*\d+\s*[-—–－]+|第\s*\d+\s*页)$")

COLUMN_FIELDS = {
    "序号": "no", "编号": "no",
    "工作任务": "task", "任务": "task", "重点任务": "task", "主要任务": "task", "具体任务": "task",
    "任务内容": "task", "工作内容": "task", "工作要求": "task", "任务分解及工作要求": "task",
    "任务分解": "task", "目标任务": "task",
    "工作措施": "measures", "具体措施": "measures", "主要措施": "measures",
    "牵头单位": "lead", "牵头部门": "lead",
    "责任单位": "responsible", "责任部门": "responsible", "配合单位": "responsible",
    "参与单位": "responsible", "协同单位": "responsible",
    "完成时限": "deadline", "时限": "deadline", "完成时间": "deadline", "时间节点": "deadline",
    "时限要求": "deadline", "完成期限": "deadline",
    "评价方式": "evaluation", "考核方式": "evaluation", "评价方法": "evaluation",
    "主要工作": "path", "分项内容": "path", "类别": "path", "工作类别": "path", "工作职责": "path",
    "工作性质": "path", "领域": "path",
}
_TASK_FIELDS = {"task", "lead", "responsible", "deadline"}


def _normalise_newlines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _squash(text: str) -> str:
    """Remove all whitespace: for names and titles, where spaces are broken lines."""
    return re.sub(r"\s+", "", text)


def _tidy(text: str) -> str:
    """Collapse whitespace; drop spaces between Chinese characters (line breaks of the scan)."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


def _strip_number(text: str) -> str:
    """"一、x" / "(一)x" / "1、x" → "x"."""
    text = text.strip()
    for pattern in (SECTION_RE, SUB_RE, ITEM_RE):
        m = pattern.match(text)
        if m:
            return _squash(m.group(2))
    return _squash(text)


def _column_field(cell: str | None) -> str | None:
    return COLUMN_FIELDS.get(_squash(cell or ""))


def _is_header_cells(cells: list[str]) -> bool:
    fields = [_column_field(c) for c in cells if c and c.strip()]
    known = [f for f in fields if f]
    return len(known) >= 2 and bool(_TASK_FIELDS & set(known))


def _is_column_header_line(line: str) -> bool:
    words = line.split()
    return len(words) >= 3 and sum(1 for w in words if w in COLUMN_FIELDS) >= 3


def _looks_like_units(text: str) -> bool:
    if not text or "。" in text or len(text) > 300:
        return False
    pieces = split_units(text)
    if not pieces or any(len(p) > 40 for p in pieces):
        return False
    hits = sum(1 for p in pieces if _UNIT_END.search(p) or any(w in p for w in ("政府", "部门", "单位")))
    return hits * 2 >= len(pieces)


def _trailing_units(text: str) -> tuple[str, list[str]]:
    """Split "…。（县人社局、县乡村振兴局）" into the text and its lead units."""
    m = re.search(r"[（(]([^（）()]{1,80})[）)]\s*$", text)
    if m and _looks_like_units(m.group(1)):
        return text[: m.start()].rstrip(), split_units(m.group(1))
    return text, []


def _document_title(text: str) -> str:
    """The name of the list: the 《…》 of "关于印发《…》的通知", else the first line that reads
    as a title (…清单, …一览表), else the first line; a letterhead ("…文件") is passed over."""
    lines = [_squash(line) for line in text.splitlines()[:80]]
    for line in lines:
        m = re.match(r"^关于印发《(.+)》的通知$", line)
        if m:
            return m.group(1)[:200]
    for i, line in enumerate(lines):
        if 4 <= len(line) <= 80 and re.search(r"(清单|一览表|分解表|任务表|工作要点|实施方案)$", line):
            # A title wrapped onto a second line ("…重点工作" / "任务清单").
            if len(line) <= 8 and i and lines[i - 1] and not lines[i - 1].endswith(("。", "：", ":")):
                return lines[i - 1] + line
            return line
    return _first_title(text)


def _first_title(text: str) -> str:
    """The first line that can name the list, looked for above the table only: a header row
    ("序号 工作任务 牵头单位…") names the columns and the rows under it are tasks, so a list without a
    title line keeps the name of its document instead."""
    for raw in text.splitlines():
        line = _squash(raw)
        if _is_header_row(raw):
            break
        if line and not _JUNK_LINE.match(line):
            return line[:80]
    return ""


def _is_header_row(line: str) -> bool:
    """A row of column names, whether its cells are TAB-separated (flattened tables) or joined by
    spaces (rows of .docx/.xlsx tables, one line each)."""
    cells = line.split("\t") if "\t" in line else line.split()
    return _is_header_cells(cells) or _is_column_header_line(line)


def _make_task(
    no: int | str | None,
    path: Iterable[str],
    title: str,
    content: str,
    *,
    year: int | None,
    lead: Iterable[str] = (),
    responsible: Iterable[str] = (),
    deadline_text: str | None = None,
    evaluation: str | None = None,
) -> ParsedTask:
    deadline = normalize_deadline(deadline_text, year)
    task = ParsedTask(
        no=None if no is None else str(no),
        path=[p for p in path if p],
        title=title,
        content=content,
        lead_units=list(dict.fromkeys(lead)),
        responsible_units=list(dict.fromkeys(responsible)),
        evaluation_method=evaluation or None,
    )
    if deadline is not None:
        task.deadline_text = deadline.text
        task.due_date = deadline.due_date
        task.recurrence = deadline.recurrence
        task.deadline_unparsed = deadline.unparsed
    return task


def _task_label(no: int | str | None, title: str) -> str:
    return f"第{no}项" if no is not None else f"“{title}”"


def _warn_unparsed_deadlines(tasks: list[ParsedTask], warnings: list[str]) -> None:
    for task in tasks:
        if task.deadline_unparsed:
            warnings.append(
                f"{_task_label(task.no, task.title)}的完成时限“{task.deadline_text}”读不出日期，"
                "已保留原文，请人工核对。"
            )
