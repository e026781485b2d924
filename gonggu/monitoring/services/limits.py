"""Settings of the county: time limits of the steps and the holiday calendar."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError

# --- settings -------------------------------------------------------------------------------------


@transaction.atomic
def time_limit_set(*, user, code: str, days: int, working: bool, amber_days: int):
    from ..deadlines import LIMIT_DEFS
    from ..models import TimeLimit

    if not user.has_perm_code(Perm.MANAGE_RULES):
        raise UserFacingError("您的角色不能修改办理时限。")
    if code not in LIMIT_DEFS:
        raise UserFacingError("未知的时限。")
    if not 1 <= days <= 90 or not 0 <= amber_days < days:
        raise UserFacingError("时限应为 1–90 天，提前提醒天数应小于时限。")
    row, _ = TimeLimit.objects.update_or_create(
        code=code, defaults={"days": days, "day_kind": "working" if working else "calendar",
                             "amber_days": amber_days, "updated_by": user})
    audit_log(user=user, action="param", object_type="monitoring.TimeLimit", object_id=code,
              summary=f"{LIMIT_DEFS[code].label}：{days} 个{'工作日' if working else '自然日'}")
    return row


@transaction.atomic
def holiday_set(*, user, date: dt.date, is_workday: bool, note: str = ""):
    from ..models import HolidayDay

    if not user.has_perm_code(Perm.MANAGE_RULES):
        raise UserFacingError("您的角色不能维护节假日表。")
    row, _ = HolidayDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "note": note[:50],
                                                                      "updated_by": user})
    audit_log(user=user, action="param", object_type="monitoring.HolidayDay", object_id=date.isoformat(),
              summary=f"{date} {'调休上班' if is_workday else '放假'} {note}")
    return row


@transaction.atomic
def holiday_delete(*, user, date: dt.date) -> None:
    from ..models import HolidayDay

    if not user.has_perm_code(Perm.MANAGE_RULES):
        raise UserFacingError("您的角色不能维护节假日表。")
    HolidayDay.objects.filter(date=date).delete()
    audit_log(user=user, action="param", object_type="monitoring.HolidayDay", object_id=date.isoformat(),
              summary=f"删除 {date}")
