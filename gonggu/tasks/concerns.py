"""The inspectors' concerns (关注问题) of the handbook, per area, shipped with the package.

`data/concerns.json` is produced from the handbook text by `gonggu tasks_build_concerns FILE`
(the seed documents are not part of the installed package). Each entry is
{"path": ["政策落实方面", "教育帮扶"], "items": ["…", …]}.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from gonggu.core.errors import UserFacingError

DATA_FILE = Path(__file__).resolve().parent / "data" / "concerns.json"

# An area is suggested for a task when this share of the area name's character pairs
# appears in the task's headings ("安全饮水" ~ "饮水安全保障": 安全, 饮水 of 安全/全饮/饮水).
MATCH_SHARE = 0.6


@lru_cache(maxsize=1)
def concern_areas() -> tuple[dict, ...]:
    try:
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    return tuple({"key": " / ".join(e["path"]), "path": list(e["path"]), "items": list(e["items"])} for e in data)


def concern_area(key: str) -> dict:
    for area in concern_areas():
        if area["key"] == key:
            return area
    raise UserFacingError(f"没有“{key}”这个领域的关注问题。")


def _pairs(text: str) -> set[str]:
    return {text[i: i + 2] for i in range(len(text) - 1)}


def _share(area_name: str, heading: str) -> float:
    if not area_name or not heading:
        return 0.0
    if area_name in heading or heading in area_name:
        return 1.0
    pairs = _pairs(area_name)
    return len(pairs & _pairs(heading)) / len(pairs) if pairs else 0.0


def suggest_area(path: list[str], title: str = "") -> dict | None:
    """The concern area that best matches a task's headings (then its title), or None.

    When the task's headings name one of the handbook's parts ("政策落实方面"), only that
    part's areas are considered, so "责任" areas do not match a policy task by accident.
    """
    headings = [h for h in (path or []) if h]
    parts = {a["path"][0] for a in concern_areas()}
    part = next((h for h in headings if h in parts), None)
    best, best_score = None, 0.0
    for area in concern_areas():
        if part and area["path"][0] != part:
            continue
        name = area["path"][-1]
        score = max([_share(name, h) for h in headings if h not in parts] + [0.0])
        if score < MATCH_SHARE and title:
            score = max(score, _share(name, title) * 0.9)
        if score > best_score:
            best, best_score = area, score
    return best if best_score >= MATCH_SHARE else None
