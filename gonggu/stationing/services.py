"""The 驻村帮扶 services: the phone check-in and the minutes of a meeting with the households it discussed.

The 驻村工作队员's phone check-in is one day of attendance, entered through the ledger's own service, so the
ledger's checks (the cadre's village and term, no future date) and the row's history apply as on every form."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, normalize
from gonggu.ledgers.services import ledger_row_save
from gonggu.monitoring.models import Clue, MonitoringCase
from gonggu.regions.models import Region

from .ledger_defs import ATTENDANCE, MEETING
from .models import PRESENT, Attendance, Meeting, MeetingHousehold, StationedCadre
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


JOINT = "部门数据比对联席会议"


def _household_for(ref: str, county: str):
    """The household a line of the minutes names: its 户编号 in the county, or a member's identity number."""
    from gonggu.registry.models import Household, Person

    found = Household.objects.filter(county_code=county, household_no=ref).first()
    if found is None:
        try:
            number = normalize(ref)
        except InvalidIdNumber:
            return None
        person = Person.objects.select_related("household").filter(id_number=number).first()
        found = person.household if person is not None else None
    return found


@transaction.atomic
def meeting_record(*, user, kind: str, region_code: str, held_on: dt.date, attendees: str, outcome: str,
                   households: list[tuple[str, str]], today: dt.date) -> Meeting:
    """Record the minutes of a 研判 or a 联席会议 with the households discussed, each (户编号 or identity number,
    conclusion); each household is linked to the clues and monitoring cases it had open on the meeting's date.
    Refused whole, with the reason: a date in the future, a region out of the user's scope, a household not of
    the meeting's village (a weekly review) or county (a 联席会议)."""
    if held_on > today:
        raise UserFacingError(f"会议日期 {held_on} 晚于今天（{today}），不能登记尚未召开的会议纪要。", field="held_on")
    region = Region.objects.filter(code=region_code).first()
    if region is None or not code_in_prefix(region.code, user.scope_prefix):
        raise UserFacingError("请选择你管辖范围内的村（社区）、乡镇或县。", field="region_code")
    where = region.prefix if kind != JOINT else region.code[:6]
    picked = []
    for n, (ref, conclusion) in enumerate(households, start=1):
        h = _household_for(ref, region.code[:6])
        if h is None or not code_in_prefix(h.region_code, user.scope_prefix):
            raise UserFacingError(f"研判农户第 {n} 行：找不到户编号或身份证号为“{ref}”的农户。", field="households")
        if not h.region_code.startswith(where):
            raise UserFacingError(f"研判农户第 {n} 行：{h.head_name or h.household_no}户在{h.village.name}，"
                                  f"不是{region.name}的农户，不能在{region.name}的{kind}中研判。", field="households")
        if any(h.pk == other.pk for other, _c in picked):
            raise UserFacingError(f"研判农户第 {n} 行：{h.head_name or h.household_no}户重复填写。", field="households")
        picked.append((h, conclusion.strip()[:200]))
    row = Meeting.objects.filter(region_code=region.code, kind=kind, held_on=held_on).first()
    values = {"kind": kind, "held_on": held_on, "attendees": attendees, "outcome": outcome,
              "households": len(picked) or (row.households if row else 0)}
    meeting = ledger_row_save(user=user, kind=MEETING, row=row, values=values, region_code=region.code)
    for h, conclusion in picked:
        meeting_discuss(meeting, h, conclusion)
    return meeting


def meeting_discuss(meeting: Meeting, household, conclusion: str = "") -> MeetingHousehold:
    """Link a household to a meeting with the clues still pending and the cases not yet closed on its date."""
    on = meeting.held_on
    link, _new = MeetingHousehold.objects.update_or_create(
        meeting=meeting, household=household, defaults={"region_code": household.region_code,
                                                        "conclusion": conclusion})
    link.clues.set(Clue.objects.filter(household=household, discovered_on__lte=on)
                   .filter(Q(handled_on__isnull=True) | Q(handled_on__gte=on)))
    link.cases.set(MonitoringCase.objects.filter(household=household, discovered_on__lte=on)
                   .filter(Q(eliminated_on__isnull=True) | Q(eliminated_on__gte=on)))
    return link
