"""Who may act on what, and the event every state change of a task leaves."""

from __future__ import annotations

from gonggu.core.access import Perm
from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import UserFacingError

from ..models import (
    Task,
    TaskStatus,
    Unit,
)

EVIDENCE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp", ".pdf", ".ofd", ".doc", ".docx",
                     ".wps", ".xls", ".xlsx", ".et", ".csv", ".txt", ".zip", ".rar", ".7z")
MAX_TITLE = 500


# --------------------------------------------------------------------------- guards


def _ensure_manager(user) -> None:
    if not user.has_perm_code(Perm.MANAGE_TASKS):
        raise UserFacingError("只有县级任务管理人员可以进行此操作。")


def _ensure_member(user, unit: Unit) -> None:
    """The user acts for the unit: a member of it, and the unit lies in the user's region."""
    if not user.has_perm_code(Perm.REPORT_TASKS):
        raise UserFacingError("当前角色不能填报任务进展。")
    if not code_in_prefix(unit.region_code, user.scope_prefix) or not unit.members.filter(pk=user.pk).exists():
        raise UserFacingError(f"您不是“{unit.name}”的经办人员，不能代其填报。")


def _ensure_assigned(task: Task, unit: Unit) -> None:
    if not task.assignments.filter(unit=unit).exists():
        raise UserFacingError(f"“{unit.name}”不是该任务的牵头或责任单位。")


def _ensure_open(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        raise UserFacingError("该任务已办结销号。")


