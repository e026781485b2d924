"""Reading the free-text deadline (完成时限) of a task into a date or a recurrence.

The documents write deadlines in many ways ("2023年12月底", "2023 年 12 月 30 前取得
阶段性成效，并持续推进。2025 年 12 月完成全部工作任务。", "每年11月20日前", "持续推进").
`normalize_deadline` keeps the original text and adds what can be read from it without
guessing: the final due date, a recurrence, whether the work is continuous, and a flag
when the text names no date it can resolve.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# 五年规划 periods end on 31 December of their last year.
FIVE_YEAR_PLAN_END = {"十三五": 2020, "十四五": 2025, "十五五": 2030}

FREQUENCIES = {
    "每年": "yearly",
    "每半年": "half-yearly",
    "每季度": "quarterly",
    "每季": "quarterly",
    "每月": "monthly",
    "每周": "weekly",
    "每日": "daily",
    "每天": "daily",
}

# Words that say the work has no end date; the document then gives no due date unless
# it names a year as well ("持续推进、2025年末完成全部任务").
CONTINUOUS_WORDS = ("持续推进", "长期坚持", "常态化", "长期", "持续")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


@dataclass(frozen=True)
class Deadline:
    """A deadline as printed (`text`) and what could be read from it."""

    text: str
    due_date: date | None = None
    recurrence: dict | None = None
    continuous: bool = False
    milestones: tuple[date, ...] = ()
    unparsed: bool = False

    def as_dict(self) -> dict:
        return {
            "deadline_text": self.text,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "recurrence": self.recurrence,
            "deadline_unparsed": self.unparsed,
        }


def normalize_deadline(text: str | None, year: int | None = None) -> Deadline | None:
    """Read a deadline; `year` is the document's year, used when the text gives only month and day.

    Returns None for empty text. A text with nothing readable, or with a month and day
    but no year to place them in, comes back with `unparsed=True` and no due date.
    """
    if text is None or not text.strip():
        return None
    original = text.strip()
    s = _prepare(original)

    recurrence, s = _take_recurrence(s)
    dates, unresolved, s = _take_dates(s, year)
    continuous = any(word in s for word in CONTINUOUS_WORDS)

    if unresolved:
        # A month and day without a year, or an impossible date: any date would be a guess.
        return Deadline(original, None, recurrence, continuous, (), unparsed=True)
    if not dates and recurrence is None and not continuous:
        return Deadline(original, unparsed=True)
    due = max(dates) if dates else None
    milestones = tuple(sorted(d for d in set(dates) if d != due))
    return Deadline(original, due, recurrence, continuous, milestones)


def find_dated_phrases(text: str) -> list[str]:
    """Deadline phrases inside running text, as written ("10 月 31 日前", "每年11月20日前")."""
    return [m.group(0).strip() for m in _DATED_PHRASE.finditer(text)]


_DATED_PHRASE = re.compile(
    r"(?:每年\s*)?(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*(?:\d{1,2}\s*日?\s*(?:前|之前|以前)|(?:底|末)\s*前?)"
)


def _prepare(text: str) -> str:
    s = text.translate(_FULLWIDTH)
    s = _chinese_numerals_to_digits(s)
    s = re.sub(r"\s+", "", s)
    # The scan of 003 prints 末 as 未: "2025年未完成全部任务" means done by the end of 2025.
    s = re.sub(r"(\d{4})年未", r"\1年末", s)
    return s


def _chinese_numerals_to_digits(s: str) -> str:
    """二〇二三年 → 2023年, 十二月三十一日 → 12月31日; other Chinese numerals are left alone."""

    def year(m: re.Match) -> str:
        return "".join(str(_CN_DIGITS[c]) for c in m.group(1)) + "年"

    def small(m: re.Match) -> str:
        return str(_small_number(m.group(1))) + m.group(2)

    s = re.sub(r"([〇零一二三四五六七八九]{4})年", year, s)
    return re.sub(r"(?<![一二三四五六七八九十])([一二三四五六七八九十]{1,3})(月|日)", small, s)


def _small_number(token: str) -> int:
    if "十" not in token:
        return _CN_DIGITS[token[0]]
    tens, _, units = token.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _take_recurrence(s: str) -> tuple[dict | None, str]:
    m = re.search(r"每年(\d{1,2})月(?:(\d{1,2})日?|(底|末))?", s)
    if m and 1 <= int(m.group(1)) <= 12:
        month = int(m.group(1))
        rec = {"freq": "yearly", "month": month}
        if m.group(2):
            rec["day"] = int(m.group(2))
        elif m.group(3):
            rec["day"] = calendar.monthrange(2001, month)[1]
        return rec, s[: m.start()] + "␟" + s[m.end() :]
    m = re.search(r"每月(\d{1,2})日", s)
    if m:
        return {"freq": "monthly", "day": int(m.group(1))}, s[: m.start()] + "␟" + s[m.end() :]
    for word in sorted(FREQUENCIES, key=len, reverse=True):
        if word in s:
            return {"freq": FREQUENCIES[word]}, s.replace(word, "␟", 1)
    return None, s


def _take_dates(s: str, year: int | None) -> tuple[list[date], bool, str]:
    """All dates the text names, most specific patterns first; matched text is blanked out.

    The flag is true when a date could not be placed: no year for a month and day, or a
    date that does not exist ("2023年2月30日").
    """
    found: list[date] = []
    unresolved = False

    def blank(m: re.Match) -> str:
        return "␟" * len(m.group(0))

    def add(y: int, month: int | None, day: int | str | None) -> None:
        month = month or 12
        last = calendar.monthrange(y, month)[1] if 1 <= month <= 12 else 0
        if day in (None, "end"):
            day = last
        if 1 <= month <= 12 and 1 <= int(day) <= last:
            found.append(date(y, month, int(day)))
        else:
            nonlocal unresolved
            unresolved = True

    for plan, end_year in FIVE_YEAR_PLAN_END.items():
        if plan in s:
            add(end_year, 12, "end")
            s = s.replace(plan, "␟")

    def day(m: re.Match) -> None:
        add(int(m.group(1)), int(m.group(2)), int(m.group(3)))

    patterns: list[tuple[str, Callable[[re.Match], None]]] = [
        # 2023年-2025年, 2023—2025年, 2023年至2025年: the range ends at the end of its last year.
        (r"(\d{4})年?(?:-|—|–|~|～|至|到)(\d{4})年?", lambda m: add(int(m.group(2)), 12, "end")),
        (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", day),
        (r"(\d{4})年(\d{1,2})月(\d{1,2})日?", day),
        # 6月底 / 12月末, and a bare month ("2025年12月完成"): the month's last day.
        (r"(\d{4})年(\d{1,2})月(?:底|末|份)?", lambda m: add(int(m.group(1)), int(m.group(2)), "end")),
        (r"(\d{4})年(?:度|底|末)?", lambda m: add(int(m.group(1)), 12, "end")),
    ]
    for pattern, action in patterns:
        for m in re.finditer(pattern, s):
            action(m)
        s = re.sub(pattern, blank, s)

    # Month (and day) without a year take the document's year.
    for m in re.finditer(r"(\d{1,2})月(?:(\d{1,2})日?|(底|末))?", s):
        if year is None:
            unresolved = True
        else:
            add(year, int(m.group(1)), int(m.group(2)) if m.group(2) else "end")
    s = re.sub(r"(\d{1,2})月(?:(\d{1,2})日?|(底|末))?", blank, s)
    if re.search(r"年(?:底|末|内)", s):
        if year is None:
            unresolved = True
        else:
            add(year, 12, "end")
    return found, unresolved, s
