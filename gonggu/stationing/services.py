"""The 驻村工作队员's phone check-in: one day of attendance, entered through the ledger's own service, so the
ledger's checks (the cadre's village and term, no future date) and the row's history apply as on every form."""

from __future__ import annotations

import datetime as dt

from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import UserFacingError
from gonggu.ledgers.services import ledger_row_save

from .ledger_defs import ATTENDANCE
from .models import PRESENT, Attendance, StationedCadre
from .selectors import cadres_in_post


def attendance_check_in(*, user, cadre_pk: int, day: dt.date, status: str, night: bool, note: str = "",
                        today: dt.date) -> Attendance:
    cadre = StationedCadre.objects.filter(pk=cadre_pk).first()
    if cadre is None or not code_in_prefix(cadre.region_code, user.scope_prefix):
        # Out of the user's region reads exactly as missing.
        raise UserFacingError("请选择你管辖范围内在岗的驻村干部。", field="cadre")
    if not cadres_in_post(user, day).filter(pk=cadre_pk).exists():
        raise UserFacingError(f"{day} 不在{cadre.name}的驻村任期内（{cadre.term_start} 至 "
                              f"{cadre.left_on or cadre.term_end}）。", field="day")
    if day > today:
        raise UserFacingError("不能为今天以后的日期签到。", field="day")
    row = Attendance.objects.filter(region_code=cadre.region_code, cadre_id_number=cadre.cadre_id_number,
                                    day=day).first()
    # A night counts only on a day in the village (the form's box stays ticked when 请假 is chosen).
    values = {"cadre_id_number": cadre.cadre_id_number, "cadre_name": cadre.name, "day": day, "status": status,
              "night": night and status == PRESENT, "note": note}
    return ledger_row_save(user=user, kind=ATTENDANCE, row=row, values=values, region_code=cadre.region_code)
