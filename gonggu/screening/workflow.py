"""The warning lifecycle: one explicit transition table and the guards of each transition.

    待核实 ──warning_verify──► 纳入监测 | 不予纳入 | 已是监测对象 | 数据有误
    待核实 ──warnings_write──► 条件已消失   (a run that evaluated the rule in full no longer finds it)

The table is an instance of the one engine of every procedure (`gonggu.core.workflow`).

Every ended status is final: a later finding becomes a new warning (write.py decides when).
"""

from __future__ import annotations

from gonggu.core.workflow import T, Workflow

from .models import NOTE_REQUIRED, OUTCOMES, WarningStatus

S = WarningStatus


def note_given(warning, ctx) -> str | None:
    """不予纳入 needs the reason, 数据有误 what is wrong (the step is named by its outcome)."""
    return note_missing(ctx.data.get("_step", ""), ctx.data.get("note", ""))


# One step per outcome of the village's verification (service: services.warning_verify), and the lapse a run
# records when it no longer finds the condition (service: write.warnings_write).
WARNING = Workflow("warning", [
    *(T(o.value, o.label, S.PENDING, o.value, note_given, level="village", fields=("note",)) for o in OUTCOMES),
    T("lapse", S.LAPSED.label, S.PENDING, S.LAPSED),
])


def transition_refused(current: str, target: str) -> str | None:
    """Why `current` → `target` is not allowed (Chinese), or None when it is."""
    if not any(t.target == target and current in t.sources for t in WARNING.values()):
        if current != S.PENDING:
            return f"该预警已办结（{S(current).label}），不能再次核实。"
        return "请选择核实结果。"
    return None


def note_missing(outcome: str, note: str) -> str | None:
    """不予纳入 needs the reason, 数据有误 what is wrong; None when the note is enough."""
    if outcome in NOTE_REQUIRED and not (note or "").strip():
        return f"{NOTE_REQUIRED[outcome]}。"
    return None
