"""The rectification procedure (问题整改, seed-rules W-31): statuses, one transition table, named guards.

整改中 → 已整改 (the owner unit reports it done, with measures and evidence)
已整改 → 已核实 ("回头看": someone else checks it and it stands up to scrutiny)
已整改 / 已核实 → 回炉整改 ("回炉": incomplete, little effect, or 举一反三 not done — seed 002 通知 5)
回炉整改 → 已整改 (reported done again)

Each guard returns None when satisfied or the reason in Chinese; `check` collects every failing reason
so a page can show them all at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from gonggu.core.access import Perm


class ProblemStatus(models.TextChoices):
    OPEN = "整改中", "整改中"
    RECTIFIED = "已整改", "已整改"
    VERIFIED = "已核实", "回头看已核实"
    REOPENED = "回炉整改", "回炉整改"


OPEN_STATUSES = (ProblemStatus.OPEN, ProblemStatus.REOPENED)

# 回炉 reasons as seed 002 通知 5 names them, plus the public's verdict (经得起群众检验).
REOPEN_REASONS = ("整改不彻底", "成效不明显", "举一反三不到位", "群众不认可", "其他")


@dataclass(frozen=True)
class Context:
    """What guards may look at besides the problem: who acts, when, and what they typed."""

    user: object
    today: dt.date
    note: str = ""
    reason: str = ""
    new_deadline: dt.date | None = None
    evidence_count: int = 0


Guard = Callable[[object, Context], str | None]


def guard_has_measures(problem, ctx: Context) -> str | None:
    if not (problem.measures or "").strip():
        return "请先填写整改措施。"
    return None


def guard_has_note(problem, ctx: Context) -> str | None:
    if not ctx.note.strip():
        return "请填写整改完成情况说明。"
    return None


def guard_has_evidence(problem, ctx: Context) -> str | None:
    if ctx.evidence_count < 1:
        return "请至少上传一份佐证材料（文件、照片或台账）。"
    return None


def guard_verifier_not_rectifier(problem, ctx: Context) -> str | None:
    if problem.rectified_by_id is not None and problem.rectified_by_id == getattr(ctx.user, "pk", None):
        return "回头看核实须由报整改人以外的人进行。"
    return None


def guard_has_verify_note(problem, ctx: Context) -> str | None:
    if not ctx.note.strip():
        return "请填写回头看核实情况（查看了什么、群众反映如何）。"
    return None


def guard_reopen_reason(problem, ctx: Context) -> str | None:
    if ctx.reason not in REOPEN_REASONS:
        return f"请选择回炉原因：{'、'.join(REOPEN_REASONS)}。"
    if ctx.reason == "其他" and not ctx.note.strip():
        return "回炉原因为“其他”时请写明原因。"
    return None


def guard_new_deadline(problem, ctx: Context) -> str | None:
    if ctx.new_deadline is None:
        return "回炉整改须重新确定整改时限。"
    if ctx.new_deadline < ctx.today:
        return f"新的整改时限 {ctx.new_deadline:%Y-%m-%d} 早于今天。"
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    perms: tuple[Perm, ...]
    guards: tuple[Guard, ...]


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("rectify", "报整改完成", (ProblemStatus.OPEN, ProblemStatus.REOPENED), ProblemStatus.RECTIFIED,
               (Perm.REPORT_TASKS, Perm.MANAGE_ASSESSMENT),
               (guard_has_measures, guard_has_note, guard_has_evidence)),
    Transition("verify", "回头看核实", (ProblemStatus.RECTIFIED,), ProblemStatus.VERIFIED,
               (Perm.MANAGE_ASSESSMENT,),
               (guard_verifier_not_rectifier, guard_has_verify_note)),
    Transition("reopen", "回炉整改", (ProblemStatus.RECTIFIED, ProblemStatus.VERIFIED), ProblemStatus.REOPENED,
               (Perm.MANAGE_ASSESSMENT,),
               (guard_reopen_reason, guard_new_deadline)),
)}


def check(problem, name: str, ctx: Context) -> list[str]:
    """Every reason the transition cannot happen now (empty = allowed)."""
    transition = TRANSITIONS[name]
    reasons = []
    if problem.status not in transition.sources:
        allowed = "、".join(ProblemStatus(s).label for s in transition.sources)
        reasons.append(f"当前状态为“{ProblemStatus(problem.status).label}”，只有{allowed}的问题可以{transition.label}。")
        return reasons
    if not any(ctx.user.has_perm_code(p) for p in transition.perms):
        reasons.append(f"您的角色不能{transition.label}。")
        return reasons
    for guard in transition.guards:
        reason = guard(problem, ctx)
        if reason:
            reasons.append(reason)
    return reasons


def available(problem, user) -> list[Transition]:
    """Transitions the user could start from the problem's current status (guards are checked on submit)."""
    return [t for t in TRANSITIONS.values()
            if problem.status in t.sources and any(user.has_perm_code(p) for p in t.perms)]


# Overdue flags on the ledger and the supervision board.
DUE_SOON_DAYS = 7


def overdue_flag(problem, today: dt.date) -> str:
    """'red' past the deadline and still open, 'amber' within DUE_SOON_DAYS of it, '' otherwise."""
    if problem.status not in OPEN_STATUSES:
        return ""
    if problem.deadline < today:
        return "red"
    if (problem.deadline - today).days <= DUE_SOON_DAYS:
        return "amber"
    return ""
