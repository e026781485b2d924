"""The rectification procedure (问题整改, seed-rules W-31): statuses and its table of the one engine
(`gonggu.core.workflow`).

整改中 → 已整改 (the owner unit reports it done, with measures and evidence)
已整改 → 已核实 ("回头看": someone else checks it and it stands up to scrutiny)
已整改 / 已核实 → 回炉整改 ("回炉": incomplete, little effect, or 举一反三 not done — seed 002 通知 5)
回炉整改 → 已整改 (reported done again)

Each guard returns None when satisfied or the reason in Chinese, the first one saying who may act. The
services (`services.py`, one registered per step) refuse with every failing reason at once (`check_all`),
so a page shows all that is missing; the step forms (`forms.py`, named by the row) hand what was typed to the
guards, which word the refusals.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from gonggu.core.access import Perm
from gonggu.core.workflow import Ctx, T, Transition, Workflow


class ProblemStatus(models.TextChoices):
    OPEN = "整改中", "整改中"
    RECTIFIED = "已整改", "已整改"
    VERIFIED = "已核实", "回头看已核实"
    REOPENED = "回炉整改", "回炉整改"


OPEN_STATUSES = (ProblemStatus.OPEN, ProblemStatus.REOPENED)

# 回炉 reasons as seed 002 通知 5 names them, plus the public's verdict (经得起群众检验).
REOPEN_REASONS = ("整改不彻底", "成效不明显", "举一反三不到位", "群众不认可", "其他")


def _may(user, *perms: Perm) -> bool:
    return any(user.has_perm_code(p) for p in perms)


def owner_or_manager(problem, ctx: Ctx) -> str | None:
    """报整改完成: the owner unit's people (who report on tasks) or the assessment office."""
    if not _may(ctx.user, Perm.REPORT_TASKS, Perm.MANAGE_ASSESSMENT):
        return "您的角色不能报整改完成。"
    return None


def verifier(problem, ctx: Ctx) -> str | None:
    if not _may(ctx.user, Perm.MANAGE_ASSESSMENT):
        return "您的角色不能回头看核实。"
    return None


def reopener(problem, ctx: Ctx) -> str | None:
    if not _may(ctx.user, Perm.MANAGE_ASSESSMENT):
        return "您的角色不能回炉整改。"
    return None


def _note(ctx: Ctx) -> str:
    return (ctx.data.get("note") or "").strip()


def has_measures(problem, ctx: Ctx) -> str | None:
    if not (problem.measures or "").strip():
        return "请先填写整改措施。"
    return None


def has_note(problem, ctx: Ctx) -> str | None:
    if not _note(ctx):
        return "请填写整改完成情况说明。"
    return None


def has_evidence(problem, ctx: Ctx) -> str | None:
    if ctx.data.get("evidence_count", 0) < 1:
        return "请至少上传一份佐证材料（文件、照片或台账）。"
    return None


def verifier_not_rectifier(problem, ctx: Ctx) -> str | None:
    if problem.rectified_by_id is not None and problem.rectified_by_id == getattr(ctx.user, "pk", None):
        return "回头看核实须由报整改人以外的人进行。"
    return None


def has_verify_note(problem, ctx: Ctx) -> str | None:
    if not _note(ctx):
        return "请填写回头看核实情况（查看了什么、群众反映如何）。"
    return None


def reopen_reason(problem, ctx: Ctx) -> str | None:
    reason = ctx.data.get("reason", "")
    if reason not in REOPEN_REASONS:
        return f"请选择回炉原因：{'、'.join(REOPEN_REASONS)}。"
    if reason == "其他" and not _note(ctx):
        return "回炉原因为“其他”时请写明原因。"
    return None


def new_deadline(problem, ctx: Ctx) -> str | None:
    deadline = ctx.data.get("new_deadline")
    if deadline is None:
        return "回炉整改须重新确定整改时限。"
    if deadline < ctx.today:
        return f"新的整改时限 {deadline:%Y-%m-%d} 早于今天。"
    return None


def _status_refusal(problem, t: Transition) -> str:
    """Names the statuses the step leaves, in the order of the status list."""
    allowed = "、".join(s.label for s in ProblemStatus if s in t.sources)
    return f"当前状态为“{ProblemStatus(problem.status).label}”，只有{allowed}的问题可以{t.label}。"


S = ProblemStatus
RECTIFICATION = Workflow("rectification", [
    T("rectify", "报整改完成", OPEN_STATUSES, S.RECTIFIED, owner_or_manager, has_measures, has_note, has_evidence,
      form="RectifyForm", hint="须已填写整改措施并上传佐证材料"),
    T("verify", "回头看核实", S.RECTIFIED, S.VERIFIED, verifier, verifier_not_rectifier, has_verify_note,
      form="VerifyForm"),
    T("reopen", "回炉整改", {S.RECTIFIED, S.VERIFIED}, S.REOPENED, reopener, reopen_reason, new_deadline,
      form="ReopenForm"),
], refusal=_status_refusal)


def available(problem, user, today: dt.date) -> list[Transition]:
    """Steps the user could take from the problem's current status (the other guards are checked on submit)."""
    return RECTIFICATION.available(problem, user, today)


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
