"""The 关注问题 lists of a handbook (shape ``handbook``), read into checklist entries."""

from __future__ import annotations

import re

from .text import _CN, _JUNK_LINE, ITEM_RE, SECTION_RE, SUB_RE, _normalise_newlines, _squash, _tidy


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
