"""Shape ``table`` (a table flattened to text), part one: reading one TAB-separated row into a `_Row` by what
each cell looks like (heading, numbered task, units, deadline, prose), not by its column."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .text import (
    _CN,
    _UNIT_END,
    SECTION_RE,
    SUB_RE,
    _column_field,
    _looks_like_units,
    _squash,
    _tidy,
    split_title,
    split_units,
)

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
