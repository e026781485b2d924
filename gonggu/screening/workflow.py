"""The warning lifecycle: one explicit transition table and the guards of each transition.

    待核实 ──warning_verify──► 纳入监测 | 不予纳入 | 已是监测对象 | 数据有误
    待核实 ──warnings_write──► 条件已消失   (a run that evaluated the rule in full no longer finds it)

Every ended status is final: a later finding becomes a new warning (write.py decides when).
"""

from __future__ import annotations

from .models import NOTE_REQUIRED, OUTCOMES, WarningStatus

S = WarningStatus
TRANSITIONS: dict[str, dict[str, str]] = {
    S.PENDING: {**{o.value: "warning_verify" for o in OUTCOMES}, S.LAPSED.value: "warnings_write"},
}


def transition_refused(current: str, target: str) -> str | None:
    """Why `current` → `target` is not allowed (Chinese), or None when it is."""
    if target not in TRANSITIONS.get(current, {}):
        if current != S.PENDING:
            return f"该预警已办结（{S(current).label}），不能再次核实。"
        return "请选择核实结果。"
    return None


def note_missing(outcome: str, note: str) -> str | None:
    """不予纳入 needs the reason, 数据有误 what is wrong; None when the note is enough."""
    if outcome in NOTE_REQUIRED and not (note or "").strip():
        return f"{NOTE_REQUIRED[outcome]}。"
    return None
