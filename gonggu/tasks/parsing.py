"""Turning task-list documents (责任分工任务清单) into structured tasks.

Pure Python: no models, no database. The documents come in several shapes, each with
its own reader below; `detect_shape` picks one:

- ``table``: a table flattened to text, one row per line with TAB-separated cells
  (序号/工作任务/牵头单位/责任单位/完成时限), cells that drift between columns, merged
  headings printed once per page and `<p>` fragments (北安市 清单, 003).
- ``columns``: a column layout printed as plain lines (主要工作/分项内容/任务分解及工作要求/
  评价方式/责任单位), wrapped at fixed widths, with vertical headings (河南 一览表, 000).
- ``numbered``: numbered paragraphs "1.标题。内容。（牵头单位）" under "一、" headings (陇县, 004).
- ``notice``: a notice whose numbered paragraphs carry dates ("10 月 31 日前报至…") (002).
- ``handbook``: 政策依据/工作重点/关注问题 per area; no tasks, but `parse_concerns`
  reads its 关注问题 lists (001).
- ``outline``: the house styles of county documents in running text — nested numbering down
  to （1） and ①, units by label inline or on lines of their own, units in prose, traditional
  characters (`gonggu.tasks.outline`).

`.docx` and `.xlsx` files go through `parse_file`: their tables have real columns, so
rows are read by header name; paragraphs go through the numbered-paragraph reader. An
`.xlsx` is read by the intake pipeline's reader (`gonggu.dataio.readers.read_sheet`), which
checks the file first (damaged, password-protected, a zip bomb) and gives every cell as text.
A task list is a document, not a row format: its columns are recognised by name here, and
its doubtful rows become warnings for the preview, not rejected rows.

The parser never guesses: text it cannot place stays as text, and each doubtful step
(an inferred number, a merged row, a deadline without a readable date) adds a warning.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gonggu.core.errors import UserFacingError
from gonggu.dataio.readers import Sheet, read_sheet
from gonggu.tasks.deadlines import find_dated_phrases, normalize_deadline
from gonggu.tasks.outline import looks_like_outline, read_outline

READABLE_SUFFIXES = (".docx", ".xlsx", ".txt")
# What the reader recognised, for the import report.
SHAPE_LABELS = {
    "table": "表格（序号、工作任务、牵头单位、责任单位、完成时限等列）",
    "columns": "分栏一览表（主要工作、分项内容、任务分解及工作要求、责任单位等栏）",
    "numbered": "编号段落（“1.标题。内容。（单位）”）",
    "notice": "通知正文中的编号事项",
    "outline": "多级编号正文（一、（一）1.（1）①，单位写在任务中、任务下或正文中）",
    "handbook": "工作手册（政策依据、工作重点、关注问题）",
    "structured": "Word/Excel 文件中的表格和段落",
    "unknown": "未识别",
}
NO_TASKS = (
    "未识别到任务：没有找到带编号的任务条目（如“1.…”“（1）…”“①…”），没有找到写明“牵头单位：”“责任单位：”的任务，"
    "也没有找到含“工作任务”“牵头单位”“责任单位”“完成时限”等列名的表格。"
)
READABLE_LABEL = "、".join(READABLE_SUFFIXES)


# --------------------------------------------------------------------------- results


@dataclass
class ParsedTask:
    no: str | None
    path: list[str]
    title: str
    content: str
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    due_date: dt.date | None = None
    recurrence: dict | None = None
    evaluation_method: str | None = None
    deadline_unparsed: bool = False

    def as_dict(self) -> dict:
        data = {
            "no": self.no,
            "path": list(self.path),
            "title": self.title,
            "content": self.content,
            "lead_units": list(self.lead_units),
            "responsible_units": list(self.responsible_units),
            "deadline_text": self.deadline_text,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "recurrence": self.recurrence,
            "evaluation_method": self.evaluation_method,
        }
        if self.deadline_unparsed:
            data["deadline_unparsed"] = True
        return data


@dataclass
class ParsedDocument:
    document: str
    year: int | None
    tasks: list[ParsedTask]
    warnings: list[str] = field(default_factory=list)
    shape: str = ""
    # The title line of the document (the file name is in `document` when a file was read).
    title: str = ""
    # A standing reporting rule of the covering notice ("牵头单位要在每年11月20日前…反馈工作进展情况").
    report_recurrence: dict | None = None
    report_text: str = ""
    # The notice asks for a yearly breakdown (任务书、时间表、路线图) of every task.
    asks_breakdown: bool = False

    def as_dict(self) -> dict:
        return {"document": self.document, "tasks": [task.as_dict() for task in self.tasks]}


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


def parse_concerns(text: str) -> list[dict]:
    """The 关注问题 lists of a handbook, one entry per area: {"path": [...], "items": [...]}.

    Items are the numbered entries of "(三)关注问题" (or the circled ①② entries of
    "2.关注问题:" in the 其他方面工作 sub-areas). A cross-reference such as
    "(同“党委和政府主体责任 (三)关注问题1”)" is replaced by the item it points to.
    """
    reader = _ConcernReader()
    for raw in _normalise_newlines(text).splitlines():
        reader.feed(raw.strip())
    reader.close()
    return reader.resolved()


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
    for line in text.splitlines():
        line = _squash(line)
        if line and not _JUNK_LINE.match(line):
            return line[:80]
    return ""


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


# --------------------------------------------------------------------------- shape: table flattened to text


@dataclass
class _Item:
    no: int | None
    title: str
    content: str = ""
    # A row that continues this item may bring its own units and deadline.
    lead: list[str] | None = None
    responsible: list[str] | None = None
    deadline: str | None = None


@dataclass
class _Row:
    page: int
    standalone: bool = False  # a heading on a line of its own, not a merged cell
    sections: list[tuple[str, str]] = field(default_factory=list)
    subs: list[tuple[str, str]] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    label: str = ""
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: str | None = None
    section: str | None = None
    sub: str | None = None

    @property
    def has_headings(self) -> bool:
        return bool(self.sections or self.subs or self.label)

    @property
    def is_empty(self) -> bool:
        return not (self.items or self.loose or self.lead or self.responsible or self.deadline)


def _parse_tab_table(text: str, year: int | None, warnings: list[str]) -> list[ParsedTask]:
    """Rows of TAB-separated cells under repeated header rows; the notice before the table is skipped.

    Cell positions drift from page to page, so each cell is read by what it looks like
    (heading, numbered task, units, deadline, prose), not by its column.
    """
    rows: list[_Row] = []
    header: list[str] = []
    page = 0
    for line in text.splitlines():
        if "\t" not in line:
            # Inside the table a line without cells can only be a heading ("(一)…"); it
            # stands before its rows, unlike a merged heading cell.
            heading = _heading_of(line.strip()) if page and line.strip() else None
            if heading and heading[2]:
                row = _Row(page, standalone=True)
                _classify_segment(line.strip(), row)
                rows.append(row)
            continue
        cells = line.split("\t")
        if _is_header_cells(cells):
            header, page = [_squash(c) for c in cells], page + 1
            continue
        if all(not c.strip() or _column_field(c) for c in cells):
            continue  # blank row or the 工作内容/工作措施 sub-header
        row = _read_tab_row(cells, header, page)
        if row.has_headings or not row.is_empty:
            rows.append(row)
    rows = _fold_label_rows(rows)
    _attach_loose_content(rows)
    _number_unnumbered_rows(rows, warnings)
    _assign_headings(rows)
    return _table_tasks(rows, year, warnings)


def _read_tab_row(cells: list[str], header: list[str], page: int) -> _Row:
    row = _Row(page)
    unit_cells: list[tuple[int, str]] = []
    deadline_col: int | None = None
    for col, cell in enumerate(cells):
        plain = _strip_html(cell)
        if not plain:
            continue
        if _looks_like_deadline(plain):
            row.deadline = plain if row.deadline is None else f"{row.deadline} {plain}"
            deadline_col = col
        elif "<p" not in cell.lower() and _looks_like_units(_MERGED_DEADLINE.sub("", plain)):
            text = _take_deadline_from_units(plain, row)
            if text not in (t for _, t in unit_cells):  # the same cell printed twice
                unit_cells.append((col, text))
        elif _is_vague_deadline_cell(plain, col, header):
            row.deadline = plain if row.deadline is None else f"{row.deadline} {plain}"
            deadline_col = col
        else:
            for segment in _segments(cell):
                _classify_segment(segment, row)
    # A 序号 cell ("1") before a task cell that repeats the number ("1.完善…") is one task.
    row.items = [item for i, item in enumerate(row.items)
                 if not (not item.title and not item.content and i + 1 < len(row.items)
                         and row.items[i + 1].no == item.no)]
    _assign_units(row, unit_cells, header, deadline_col)
    return row


_VAGUE_DEADLINE = re.compile(r"^(及时|尽快|立即|定期|按时|按期|按要求|适时|随时|年内|近期|另行)")


def _is_vague_deadline_cell(text: str, col: int, header: list[str]) -> bool:
    """A short cell whose words are a deadline without a date ("尽快", "按要求", "定期"): kept as
    the deadline text, for a person to settle, rather than read as a task title."""
    flat = _squash(text).rstrip("。")
    return len(flat) <= 12 and not re.search(r"[，,；;。]", flat) and bool(_VAGUE_DEADLINE.match(flat))


def _assign_units(
    row: _Row, unit_cells: list[tuple[int, str]], header: list[str], deadline_col: int | None
) -> None:
    """Lead and responsible units from the row's unit cells.

    Two cells are lead then responsible; a lead cell that repeats the responsible cell after
    a space ("生态环境局 农业农村局、水务局；…" | "农业农村局、水务局；…") keeps only its head.
    One cell may hold both, split by a space ("人社局 医保局、税务局；各乡镇党委 政府"); if not,
    its place says which it is: next to the deadline it is the responsible cell, with an
    empty cell between them the lead cell; without a deadline, the header decides.
    """
    if len(unit_cells) >= 2:
        lead, responsible = unit_cells[0][1], " ".join(text for _, text in unit_cells[1:])
        if lead.endswith(" " + responsible):
            lead = lead[: -len(responsible)].strip()
        row.lead, row.responsible = split_units(lead), split_units(responsible)
        return
    if not unit_cells:
        return
    col, text = unit_cells[0]
    lead, responsible = _split_lead_responsible(text)
    if responsible:
        row.lead, row.responsible = split_units(lead), split_units(responsible)
    elif deadline_col is not None:
        if col == deadline_col - 1:
            row.responsible = split_units(text)
        else:
            row.lead = split_units(text)
    elif col < len(header) and _column_field(header[col]) == "responsible":
        row.responsible = split_units(text)
    else:
        row.lead = split_units(text)


def _split_lead_responsible(text: str) -> tuple[str, str]:
    """Split at the first space that ends a whole unit name and starts another one.

    Spaces that break a name ("住 建局", "各乡镇党委 政府", "市 民政局") do not count.
    """
    for m in re.finditer(r"\s+", text):
        left, right = text[: m.start()], text[m.end() :]
        last = re.split(r"[、，,；;：:]", left)[-1]
        first = split_units(right)[:1]
        if (
            len(last) >= 2
            and _UNIT_END.search(last)
            and first
            and len(first[0]) >= 2
            and not right.startswith("政府")
            and _UNIT_END.search(first[0])
        ):
            return left.strip(), right.strip()
    return text, ""


_MERGED_DEADLINE = re.compile(r"[未末]完成全部任务。?")


def _strip_html(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", cell)).strip()


def _looks_like_deadline(text: str) -> bool:
    flat = _squash(text)
    return len(flat) <= 120 and bool(
        re.match(r"^(持续推进|长期坚持|常态化|到?\d{4}年|\d{1,2}月|每年|每季度|每月|每半年|每周|每旬|[未末]完成)", flat)
    )


def _take_deadline_from_units(text: str, row: _Row) -> str:
    """Deadlines pushed into the unit cell: "…；各乡镇党委未完成全部任务。政府", "…政府 持续推进"."""
    m = _MERGED_DEADLINE.search(text)
    if m:
        if row.deadline is None:
            row.deadline = m.group(0)
        text = text[: m.start()] + text[m.end() :]
    head, _, last = text.rpartition(" ")
    if head and _looks_like_deadline(last):
        if row.deadline is None:
            row.deadline = last
        text = head
    return text


def _segments(cell: str) -> list[str]:
    """The pieces of a cell: its `<p>` fragments, further split before embedded markers
    ("1.完善监测制度 （一）健全…", "43.强化资金绩效评价 五、加强…")."""
    if re.search(r"<p\b", cell, re.I):
        parts = re.findall(r"<p\b[^>]*>(.*?)</p>", cell, re.S | re.I)
        rest = re.sub(r"<p\b[^>]*>.*?</p>", " ", cell, flags=re.S | re.I)
        parts += [rest]
    else:
        parts = [cell]
    segments: list[str] = []
    for part in parts:
        part = _strip_html(part)
        if not part:
            continue
        sub_marker = rf"[（(][{_CN}]+[)）]"
        # A sub-heading marker can hide anywhere in a short heading cell ("八、加强（二十五）…"),
        # but in long prose only after a space.
        anywhere = len(part) <= 60
        pattern = (
            rf"\s+(?=\d{{1,3}}\s*[.．、](?!\d))|\s+(?=[{_CN}]+、)"
            + (rf"|\s*(?={sub_marker})" if anywhere else rf"|\s+(?={sub_marker})")
        )
        segments += [s.strip() for s in re.split(pattern, part) if s and s.strip()]
    return segments


_NUMBER_SEGMENT = re.compile(r"^(\d{1,3})(?!\d)\s*(?:[.．、]\s*(.*)|$)", re.S)


def _classify_segment(segment: str, row: _Row) -> None:
    if m := SECTION_RE.match(segment):
        row.sections.append((m.group(1), _squash(m.group(2))))
    elif m := SUB_RE.match(segment):
        row.subs.append((m.group(1), _squash(m.group(2))))
    elif m := _NUMBER_SEGMENT.match(segment):
        title, content = _split_numbered_title(m.group(2) or "")
        row.items.append(_Item(int(m.group(1)), title, content))
    elif len(segment) <= 25 and not re.search(r"[，。；,;]", segment):
        if row.items and not row.items[-1].title:
            row.items[-1].title = _squash(segment)  # "64" | "提升脱贫地区教育服务水平"
        else:
            row.label = _squash(segment)
    else:
        target = next((item for item in row.items if not item.content), None)
        if target is not None:
            target.content = _tidy(segment)
        else:
            row.loose.append(segment)


def _split_numbered_title(rest: str) -> tuple[str, str]:
    """"引导志愿者 弘扬守望相助…" or "完善…机制。强化…": title up to the first space that
    starts prose, or up to the first 。; a space followed by no prose is a broken word
    ("完善县域国土空间规划总 体布局")."""
    rest = rest.strip()
    cuts = []
    for m in re.finditer(r"\s+", rest):
        if re.search(r"[，。；]", rest[m.end() :]):
            cuts.append((m.start(), m.end()))
            break
    stop = rest.find("。")
    if stop > 0:
        cuts.append((stop, stop + 1))
    for start, end in sorted(cuts):
        title = rest[:start]
        if not re.search(r"[，；,;]", title):
            return _squash(title), _tidy(rest[end:])
    if not rest:
        return "", ""
    title, content = split_title(_tidy(rest))
    return _squash(title), content


def _fold_label_rows(rows: list[_Row]) -> list[_Row]:
    """A numbered row with nothing else in it names the unnumbered row above it:
    "(二)完善监测帮扶支持政策 | 内容 | 单位 | 时限" followed by "4.强化帮扶政策"."""
    folded: list[_Row] = []
    for row in rows:
        prev = folded[-1] if folded else None
        if (
            prev is not None
            and len(row.items) == 1
            and not row.items[0].content
            and not row.loose
            and not (row.lead or row.responsible or row.deadline)
            and not prev.items
            and prev.loose
        ):
            prev.items = row.items
            prev.sections += row.sections
            prev.subs += row.subs
            continue
        if row.is_empty and not row.sections and not row.subs and folded:
            continue  # a stray label repeated on its own ("健全村级组织体系")
        folded.append(row)
    return folded


def _attach_loose_content(rows: list[_Row]) -> None:
    for row in rows:
        if not row.items or not row.loose:
            continue
        for segment in row.loose:
            target = next((item for item in row.items if not item.content), row.items[-1])
            target.content = _tidy(f"{target.content} {segment}")
        row.loose = []


def _number_unnumbered_rows(rows: list[_Row], warnings: list[str]) -> None:
    """Give unnumbered content rows their place among the printed numbers.

    A bare content row right after a row whose tasks lack content supplies that content
    (the row "61.… 62.…" is followed by 62's text). Other unnumbered rows between printed
    numbers a and b fill the gap a+1…b-1 when there are exactly as many rows as missing
    numbers; surplus bare rows continue the task above; rows after the last printed number
    stay unnumbered.
    """
    pending: list[int] = []
    prev_no = 0
    inferred: list[int] = []

    def resolve(next_no: int | None) -> None:
        if next_no is None:
            for i in pending:
                _materialise(rows[i], None)
            if pending:
                warnings.append(
                    f"第{prev_no}项之后有{len(pending)}行任务没有序号，无法按位置推定，序号留空。"
                )
            return
        missing = next_no - prev_no - 1
        candidates = list(pending)
        surplus = len(candidates) - missing
        for i in list(candidates):
            if surplus <= 0:
                break
            if not rows[i].has_headings:
                _continue_previous(rows, i, warnings)
                candidates.remove(i)
                surplus -= 1
        if len(candidates) == missing:
            for offset, i in enumerate(candidates, start=1):
                _materialise(rows[i], prev_no + offset)
                inferred.append(prev_no + offset)
        elif candidates:
            for i in candidates:
                _materialise(rows[i], None)
            warnings.append(
                f"第{prev_no}项与第{next_no}项之间缺少序号，其间{len(candidates)}行任务的序号留空。"
            )
        elif missing > 0:
            warnings.append(f"序号从第{prev_no}项跳到第{next_no}项，中间没有任务行。")

    for i, row in enumerate(rows):
        if row.items:
            first = min(item.no for item in row.items if item.no is not None)
            if first <= prev_no:
                warnings.append(f"序号不连续：第{prev_no}项之后出现第{first}项。")
            resolve(first)
            pending = []
            prev_no = max(prev_no, max(item.no for item in row.items if item.no is not None))
        elif row.loose:
            if _fill_previous(rows, i):
                continue
            pending.append(i)
    resolve(None)
    if inferred:
        numbers = "、".join(str(n) for n in inferred)
        warnings.append(f"以下任务未印序号，按前后序号推定：{numbers}。")
    for row in rows:
        if len(row.items) > 1 and all(item.lead is None for item in row.items):
            numbers = "、".join(str(item.no) for item in row.items)
            warnings.append(f"第{numbers}项印在同一行，牵头单位、责任单位和完成时限按整行记录。")


def _fill_previous(rows: list[_Row], i: int) -> bool:
    row = rows[i]
    prev = rows[i - 1] if i else None
    if row.has_headings or prev is None or not prev.items:
        return False
    target = next((item for item in prev.items if not item.content), None)
    if target is None:
        return False
    target.content = _tidy(" ".join(row.loose))
    if row.lead or row.responsible or row.deadline:
        target.lead, target.responsible, target.deadline = row.lead, row.responsible, row.deadline
    row.loose = []
    row.lead, row.responsible, row.deadline = [], [], None
    return True


def _continue_previous(rows: list[_Row], i: int, warnings: list[str]) -> None:
    row = rows[i]
    prev = next((r for r in reversed(rows[:i]) if r.items), None)
    if prev is None:
        return
    item = prev.items[-1]
    item.content = _tidy(f"{item.content} {' '.join(row.loose)}")
    row.loose = []
    warnings.append(f"第{item.no}项之后有一行没有序号的内容，已并入第{item.no}项（其单位和时限未采用）。")


def _materialise(row: _Row, no: int | None) -> None:
    """Turn an unnumbered content row into a task; its label cell, if any, is the title."""
    text = _tidy(" ".join(row.loose))
    title, content = (row.label, text) if row.label else split_title(text)
    row.items = [_Item(no, title, content)]
    row.loose = []


def _assign_headings(rows: list[_Row]) -> None:
    """Section (一、) and sub-heading ((一)) of each row.

    A merged heading cell is printed once, in the middle of the rows it spans, and again
    on each page. So a heading applies from its row on, and also to the rows above it on
    the same page that came before any other heading of that level.
    """
    current = {"section": None, "sub": None}
    page = None
    seen: dict[str, bool] = {}
    page_rows: list[_Row] = []
    for row in rows:
        if row.page != page:
            page, seen, page_rows = row.page, {"section": False, "sub": False}, []
        for level, found in (("section", row.sections), ("sub", row.subs)):
            if found:
                if not seen[level] and not row.standalone:
                    for earlier in page_rows:
                        setattr(earlier, level, found[0][0])
                seen[level] = True
                setattr(row, level, found[0][0])
                current[level] = found[-1][0]
            else:
                setattr(row, level, current[level])
        page_rows.append(row)


def _heading_names(rows: list[_Row]) -> tuple[dict[str, str], dict[str, str]]:
    """One name per heading number, as most rows print it (first seen on a tie).

    Later pages repeat headings with varying words ("七、稳步推进乡村建设水平"); a section
    name that is really a sub-heading's name ("二、巩固拓展教育脱贫成果") loses ties.
    """
    sub_votes: dict[str, Counter] = {}
    section_votes: dict[str, Counter] = {}
    for row in rows:
        for votes, found in ((section_votes, row.sections), (sub_votes, row.subs)):
            for numeral, name in found:
                if name:
                    votes.setdefault(numeral, Counter())[name] += 1
    sub_names = {name for counter in sub_votes.values() for name in counter}

    def pick(counter: Counter, penalise: set[str]) -> str:
        order = list(counter)
        return min(order, key=lambda n: (-counter[n], n in penalise, order.index(n)))

    sections = {k: pick(v, sub_names) for k, v in section_votes.items()}
    subs = {k: pick(v, set()) for k, v in sub_votes.items()}
    return sections, subs


def _table_tasks(rows: list[_Row], year: int | None, warnings: list[str]) -> list[ParsedTask]:
    section_names, sub_names = _heading_names(rows)
    tasks: list[ParsedTask] = []
    for row in rows:
        path = [section_names.get(row.section or "", ""), sub_names.get(row.sub or "", "")]
        for item in row.items:
            if not item.title and item.content:
                item.title, item.content = split_title(item.content)  # "1 | 标题。内容。| …"
            lead = item.lead if item.lead is not None else row.lead
            responsible = item.responsible if item.responsible is not None else row.responsible
            deadline = item.deadline if item.lead is not None else row.deadline
            task = _make_task(
                item.no, path, item.title, item.content, year=year,
                lead=lead, responsible=responsible, deadline_text=deadline,
            )
            tasks.append(task)
            if not lead and not responsible:
                label = _task_label(item.no, item.title)
                warnings.append(f"{label}没有找到牵头单位或责任单位（可能混在任务内容中）。")
    return tasks


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


# --------------------------------------------------------------------------- file readers


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserFacingError(f"无法读取“{path.name}”：文本既不是 UTF-8 编码，也不是 GB18030（GBK）编码。")


def _read_docx(path: Path) -> Iterator[tuple[str, object]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    counters: dict[str, int] = {}
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text
            number = _list_number(document, paragraph, counters)
            if number == "bullet":
                text = f"• {text}"
            elif number and not ITEM_RE.match(text.strip()):
                text = f"{number}.{text}"
            yield "p", text
        elif tag == "tbl":
            table = Table(element, document)
            yield "table", [[cell.text for cell in row.cells] for row in table.rows]


def _list_number(document, paragraph, counters: dict[str, int]) -> int | str | None:
    """The number Word shows for an automatically numbered paragraph (it is not in the text),
    or "bullet" for a bulleted one, which must not be read as a heading."""
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        style_ppr = style.element.pPr
        num_pr = style_ppr.numPr if style_ppr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
        return None
    level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    num_id = str(num_pr.numId.val)
    if _number_format(document, num_id) == "bullet":
        return "bullet"
    if level != 0:
        return None
    counters[num_id] = counters.get(num_id, 0) + 1
    return counters[num_id]


def _number_format(document, num_id: str) -> str | None:
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
    if not abstract:
        return None
    formats = numbering.xpath(
        f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="0"]/w:numFmt/@w:val'
    )
    return formats[0] if formats else None


def _read_xlsx(path: Path, label: str) -> Iterator[tuple[str, object]]:
    """Every worksheet with content, as a grid of text cells (and its title line before a task table).

    The cells come from the pipeline's reader. Its `Sheet` does not carry merged areas, which a task table
    relies on (a 类别 or 牵头单位 cell merged down the tasks it covers), so they are taken from the
    workbook's outline, read only after the reader has checked the whole file.
    """
    first = _sheet_or_none(path, label, None)
    for name, first_col, merges in _sheet_outline(path, label):
        sheet = first if first is not None and first.sheet_name == name else _sheet_or_none(path, label, name)
        if sheet is None:
            continue
        grid = _spread_merges(sheet, first_col, merges)
        title = next((row[0] for row in grid if row and row[0] and len({c for c in row if c}) == 1), None)
        if title and _find_grid_header(grid) is not None:
            yield "p", title
        yield "table", grid


def _sheet_or_none(path: Path, label: str, name: str | None) -> Sheet | None:
    """One worksheet through the reader (the first visible one when `name` is None); None when it is blank."""
    try:
        return read_sheet(path, file_label=label, sheet=name)
    except UserFacingError as exc:
        if "没有任何内容" in exc.message:  # a blank sheet is no error in a workbook of several
            return None
        raise


def _sheet_outline(path: Path, label: str) -> list[tuple[str, int, list]]:
    """(name, first column of the used area, merged areas) of every worksheet with a used area."""
    from python_calamine import CalamineWorkbook

    outline = []
    try:
        with path.open("rb") as f:
            workbook = CalamineWorkbook.from_filelike(f)
            for name in workbook.sheet_names:
                ws = workbook.get_sheet_by_name(name)
                if ws.start is not None:
                    outline.append((name, ws.start[1], list(ws.merged_cell_ranges or [])))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; the reader has read the file already
        raise UserFacingError(f"无法打开“{label}”：文件已损坏，或不是真正的 .xlsx 文件。") from exc
    return outline


def _spread_merges(sheet: Sheet, first_col: int, merges: list) -> list[list[str | None]]:
    """The sheet's rows (header included, blank rows left out) with a merged value in every cell of its area.

    The reader's rows are numbered as in the file and its cells start at the used area's first column;
    calamine's merged areas count both from zero.
    """
    numbered = [(sheet.header_row, list(sheet.header)), *((n, list(cells)) for n, cells in sheet.rows)]
    width = max(len(cells) for _, cells in numbered)
    index = {number: cells + [None] * (width - len(cells)) for number, cells in numbered}
    for (r0, c0), (r1, c1) in merges:
        top = index.get(r0 + 1)
        col = c0 - first_col
        if top is None or not 0 <= col < width or top[col] is None:
            continue
        value = top[col]
        for number in range(r0 + 1, r1 + 2):
            cells = index.get(number)
            if cells is None:
                continue
            for c in range(max(col, 0), min(c1 - first_col + 1, width)):
                cells[c] = value
    return [index[number] for number, _ in numbered]


# --------------------------------------------------------------------------- handbook concerns


class _ConcernReader:
    """State machine over the handbook's lines: part → area → sub-section → items."""

    def __init__(self) -> None:
        self.part = ""
        self.area = ""
        self.sub_area = ""
        self.mode: str | None = None  # "numbered" | "circled" | None
        self.entries: list[dict] = []
        self.items: list[list[str]] = []

    def feed(self, s: str) -> None:
        if not s or _JUNK_LINE.match(_squash(s)):
            return
        if m := re.match(rf"^第([{_CN}]+)部分\s*(.*)$", s):
            self.close()
            self.part, self.area, self.sub_area = _squash(m.group(2)), "", ""
        elif (m := SECTION_RE.match(s)) and len(s) <= 30 and "。" not in s:
            self.close()
            self.area, self.sub_area = _squash(m.group(2)), ""
        elif m := SUB_RE.match(s):
            self.close()
            name = _squash(m.group(2))
            if name == "关注问题":
                self.mode = "numbered"
            elif name not in ("政策依据", "工作重点"):
                self.sub_area = name  # 其他方面工作 → (一)问题整改工作 …
        elif m := re.match(r"^\d+\s*[.．]\s*(工作要求|关注问题)\s*[:：]\s*(.*)$", s):
            self.close()
            if m.group(1) == "关注问题":
                self.mode = "circled"
                self.items = [[m.group(2)]]
        elif "十不得" in s:
            self.close()
        elif self.mode == "numbered":
            m = ITEM_RE.match(s)
            if m and int(m.group(1)) == len(self.items) + 1:
                self.items.append([m.group(2)])
            elif self.items:
                self.items[-1].append(s)
        elif self.mode == "circled" and self.items:
            self.items[-1].append(s)

    def close(self) -> None:
        if self.mode and self.items:
            texts = [_tidy("".join(parts)) for parts in self.items]
            if self.mode == "circled":
                texts = [t.strip() for t in re.split(r"[①-⑳]", texts[0]) if t.strip()]
            path = [p for p in (self.part, self.area, self.sub_area) if p]
            self.entries.append({"path": path, "items": texts})
        self.mode = None
        self.items = []

    def resolved(self) -> list[dict]:
        """Replace "(同“党委和政府主体责任 (三)关注问题1”)" by the item it names."""
        reference = re.compile(r"[（(]同[“\"](.+?)[（(]三[)）]关注问题(\d+)[”\"][)）]")
        for entry in self.entries:
            for index, item in enumerate(entry["items"]):
                m = reference.search(_squash(item))
                if not m:
                    continue
                source = next((e for e in self.entries if e["path"][-1] == m.group(1)), None)
                number = int(m.group(2))
                if source is not None and number <= len(source["items"]):
                    entry["items"][index] = source["items"][number - 1]
        return self.entries
