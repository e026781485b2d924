"""Task documents as counties write them in running text: nested numbering, units named inline.

The house styles read here (besides the tables and lists of the seed documents, the `parsing` package):

- numbering ``一、`` / ``（一）`` / ``1.`` / ``（1）`` / ``①`` as nested levels: an entry with entries below it
  is a heading of their path, every entry without (a ``①`` under ``（2）`` too) is a task;
- units inline after the task, full- or half-width: ``（牵头单位：县乡村振兴局；责任单位：各乡镇）``,
  ``（责任单位：…）`` alone, ``（牵头责任单位：…，协同责任单位：…）``;
- unit label lines under the task text (``牵头单位：…`` / ``责任单位：…`` / ``完成时限：…`` on lines of their
  own): they belong to the task above and never become the next task's heading;
- units in prose: ``县乡村振兴局、县民政局牵头，各乡镇按职责分工负责``;
- deadlines inside the text (``2024年6月底前``, ``到 2020 年底``, ``每季度``) when no 完成时限 is given;
- traditional characters (``牽頭單位``, ``責任單位``, ``完成時限``): recognised through a one-to-one character
  map, so every name and text is kept exactly as written.

Label words (牵头单位, 责任单位 …) never become unit names; ``各乡镇`` stays as written (assignment expands it).
Units given for a heading apply to the tasks under it that name none of their own. Level-1 and level-2
entries without units or deadlines and without entries below (总体要求, 保障措施) are prose, not tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Traditional → simplified, one character for one, for recognising words only (indices stay the same).
_PAIRS = ("牽牵 頭头 單单 責责 協协 時时 門门 鄉乡 鎮镇 縣县 務务 職职 負负 區区 級级 劃划 關关 項项 進进 處处 "
          "規规 內内 與与 會会 辦办 農农 業业 發发 產产 衛卫 醫医 療疗 險险 財财 資资 銀银 聯联 黨党 員员 們们 "
          "對对 為为 當当 開开 實实 現现 蓋盖 個个 幫帮 監监 測测 貧贫 戶户 脫脱 鞏巩 後后 並并 週周 階阶 "
          "達达 應应 運运 動动 態态 確确 據据 報报 這这 標标 準准 機机 構构 體体 導导 領领 議议 續续 際际 "
          "節节 點点 間间 設设 計计 劃划 據据 將将 際际 優优 質质 結结 組组 織织 層层 細细 強强 權权 愛爱 "
          "飲饮 安安 難难 積积 極极 歸归 屬属 團团 務务 總总 廳厅 環环 護护 圍围 員员 廣广 東东 參参 傳传 "
          "統统 價价 歷历 嚴严 廠厂 熱热 學学 數数 據据 電电 網网 絡络 讓让 調调 查查 檢检 驗验 認认 證证")
_T2S = str.maketrans({pair[0]: pair[1] for pair in _PAIRS.split()})

_CN = "一二三四五六七八九十"
_NUMBERING = (
    (1, re.compile(rf"^([{_CN}]+)\s*、\s*")),
    (2, re.compile(rf"^[（(]\s*([{_CN}]+)\s*[)）]\s*")),
    (4, re.compile(r"^[（(]\s*(\d{1,3})\s*[)）]\s*")),
    (3, re.compile(r"^(\d{1,3})(?!\d)\s*[.．、](?!\d)\s*")),
    (5, re.compile(r"^([\u2460-\u2473])\s*")),
)
_LEAD_LABELS = ("牵头责任单位", "牵头单位", "牵头部门", "主责单位")
_RESP_LABELS = ("协同责任单位", "责任单位", "责任部门", "配合单位", "协同单位", "协办单位", "参与单位", "配合部门")
_DEADLINE_LABELS = ("完成时限", "完成时间", "时限要求", "时间节点", "完成期限", "时限")
_FIELD = {**dict.fromkeys(_LEAD_LABELS, "lead"), **dict.fromkeys(_RESP_LABELS, "responsible"),
          **dict.fromkeys(_DEADLINE_LABELS, "deadline")}
_WORDS = "|".join(sorted(_FIELD, key=len, reverse=True))
_LABEL = re.compile(rf"({_WORDS})\s*[:：]")
_LABEL_LINE = re.compile(rf"^\s*({_WORDS})\s*[:：]")
# One level of brackets inside a unit group: 各乡镇（街道）.
_INLINE = re.compile(rf"[（(]\s*((?:{_WORDS})\s*[:：][^（）()]*(?:[（(][^（）()]*[)）][^（）()]*)*)[)）]")
_PROSE = re.compile(
    r"(?:由)?([^。；;，,：:（）()\s]{2,80}?)牵头(?:负责)?[，,]\s*([^。；;（）()]{2,80}?)"
    r"(?:按职责分工负责|按照职责分工负责|按职责负责|按职能分工负责|分工负责|配合落实|配合|参与|协同推进|共同负责|负责)[。；;]?")
_PROSE_LEAD_ONLY = re.compile(r"(?:由)?([^。；;，,：:（）()\s]{2,80}?)牵头(?:负责|落实|推进|实施)?[。；;]")
# Words that may stand next to unit names but are never units themselves.
_LABEL_WORDS = frozenset({*_FIELD, "牵头", "负责", "配合", "参与", "协同", "按职责分工负责", "分工负责", "单位", "部门"})
_EXTRA_DEADLINE = re.compile(
    r"(?:到|至|于|在)?\s*\d{4}\s*年\s*(?:底|末|年底|年末)\s*(?:前|之前)?|每\s*(?:半年|年|季度|季|月|周)")
_SEPARATORS = " \t；;，,。、"


def to_simplified(text: str) -> str:
    """The same text with the traditional characters of the label words simplified (same length)."""
    return text.translate(_T2S)


def looks_like_outline(text: str) -> bool:
    """Units named by label (inline or on their own lines), prose units, or numbering below 1. (（1）, ①)."""
    simple = to_simplified(text)
    lines = [line.strip() for line in simple.splitlines()]
    if any(_LABEL_LINE.match(line) or _INLINE.search(line) for line in lines):
        return True
    if any(_PROSE.search(line) or _PROSE_LEAD_ONLY.search(line) for line in lines if _numbering(line)):
        return True
    deep = sum(1 for line in lines if _NUMBERING[2][1].match(line) or _NUMBERING[4][1].match(line))
    return deep >= 2


@dataclass
class _Node:
    level: int
    no: str
    lines: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: str = ""
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None


@dataclass
class OutlineTask:
    no: str
    path: list[str]
    title: str
    content: str
    lead: list[str]
    responsible: list[str]
    deadline_text: str | None


def read_outline(lines: list[str], split_units, split_title, tidy, find_dated_phrases,
                 is_junk) -> tuple[str, list[OutlineTask]]:
    """(title lines before the first entry, tasks) of a document in the styles above.

    The helpers of the `parsing` package are passed in (this module stays independent of its shapes).
    """
    root = _Node(0, "")
    stack = [root]
    title: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or is_junk(line):
            continue
        simple = to_simplified(line)
        current = stack[-1]
        if _LABEL_LINE.match(simple):
            if current is not root:
                _take_labels(current, line, simple, split_units)
            continue
        numbered = _numbering(simple)
        if numbered:
            level, marker_end, no = numbered
            while stack[-1] is not root and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1]
            node = _Node(level, no, [line[marker_end:]], parent=parent)
            parent.children.append(node)
            stack.append(node)
            continue
        if current is root:
            if not root.children:
                title.append(line)
            continue
        current.lines.append(line)
    tasks: list[OutlineTask] = []
    _collect(root, [], [], [], tasks, split_units, split_title, tidy, find_dated_phrases)
    return "".join(title), tasks


def _numbering(simple: str) -> tuple[int, int, str] | None:
    for level, pattern in _NUMBERING:
        m = pattern.match(simple)
        if m and m.end() < len(simple):
            return level, m.end(), m.group(1)
    return None


def _take_labels(node: _Node, line: str, simple: str, split_units) -> None:
    """`牵头单位：X；责任单位：Y；完成时限：Z` (any of them, any order) into the node's fields."""
    matches = list(_LABEL.finditer(simple))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[m.end():end].strip(_SEPARATORS)
        kind = _FIELD[m.group(1)]
        if kind == "deadline":
            node.deadline = "；".join(p for p in (node.deadline, value) if p)
        else:
            target = node.lead if kind == "lead" else node.responsible
            target.extend(u for u in _units(value, split_units) if u not in target)


def _units(text: str, split_units) -> list[str]:
    units = []
    for unit in split_units(text):
        unit = re.sub(r"^由", "", unit)
        if unit and to_simplified(unit) not in _LABEL_WORDS:
            units.append(unit)
    return units


def _collect(node: _Node, path: list[str], lead: list[str], responsible: list[str], out: list[OutlineTask],
             split_units, split_title, tidy, find_dated_phrases) -> None:
    for child in node.children:
        text = _extract_units(child, split_units)
        own_lead, own_resp = child.lead, child.responsible
        inherited_lead, inherited_resp = (own_lead, own_resp) if (own_lead or own_resp) else (lead, responsible)
        if child.children:
            heading = _heading_name(text, split_title, tidy)
            _collect(child, [*path, heading], inherited_lead, inherited_resp, out, split_units, split_title, tidy,
                     find_dated_phrases)
            continue
        tidied = tidy(text)
        title, content = split_title(tidied)
        deadline = child.deadline or "；".join(_deadline_phrases(content or title, find_dated_phrases))
        if child.level <= 2 and not (own_lead or own_resp or deadline):
            continue  # a section of prose (总体要求, 保障措施), not a task
        out.append(OutlineTask(child.no, list(path), title, content, list(inherited_lead), list(inherited_resp),
                               deadline or None))


def _heading_name(text: str, split_title, tidy) -> str:
    first = tidy(text.split("\n", 1)[0])
    if len(first) <= 40:
        return re.sub(r"\s+", "", first).rstrip("。；;：:")
    return re.sub(r"\s+", "", split_title(first)[0])


def _extract_units(node: _Node, split_units) -> str:
    """The node's text without its inline unit groups and unit sentences, which go into its fields."""
    text = ""
    for part in node.lines:
        text += ("\n" if re.search(r"[。；;！？）)]$", text) else "") + part.strip()
    simple = to_simplified(text)
    pieces, last = [], 0
    for m in _INLINE.finditer(simple):
        _take_labels(node, text[m.start(1):m.end(1)], simple[m.start(1):m.end(1)], split_units)
        pieces.append(text[last:m.start()])
        last = m.end()
    pieces.append(text[last:])
    text = "".join(pieces).strip()
    simple = to_simplified(text)
    m = _PROSE.search(simple)
    if m and _plausible(text[m.start(1):m.end(1)], split_units):
        lead = _units(text[m.start(1):m.end(1)], split_units)
        resp = _units(text[m.start(2):m.end(2)], split_units)
        node.lead.extend(u for u in lead if u not in node.lead)
        node.responsible.extend(u for u in resp if u not in node.responsible)
        text = (text[:m.start()] + text[m.end():]).strip()
    else:
        m = _PROSE_LEAD_ONLY.search(simple)
        if m and _plausible(text[m.start(1):m.end(1)], split_units):
            node.lead.extend(u for u in _units(text[m.start(1):m.end(1)], split_units) if u not in node.lead)
            text = (text[:m.start()] + text[m.end():]).strip()
    return text


_UNIT_WORD = re.compile(r"(局|委|部|办|社|联|行|会|府|队|院|站|所|厅|室|处|团|门|位|组|镇|乡|街道|公司|中心|县|市|区)$")


def _plausible(text: str, split_units) -> bool:
    units = split_units(text)
    return bool(units) and all(_UNIT_WORD.search(to_simplified(u)) for u in units)


def _deadline_phrases(text: str, find_dated_phrases) -> list[str]:
    phrases = list(find_dated_phrases(text))
    for m in _EXTRA_DEADLINE.finditer(text):
        phrase = m.group(0).strip()
        if not any(phrase in p or p in phrase for p in phrases):
            phrases.append(phrase)
    return phrases
