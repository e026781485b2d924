"""Shape ``table``, part two: the rows of a flattened table folded, numbered and given their headings, then
turned into tasks."""

from __future__ import annotations

from collections import Counter

from .numbered import _heading_of
from .results import ParsedTask
from .table_cells import _classify_segment, _Item, _read_tab_row, _Row
from .text import _column_field, _is_header_cells, _make_task, _squash, _task_label, _tidy, split_title


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
