"""Test helpers for the 驻村帮扶 ledgers: rows written directly, as an import or the form would."""

from __future__ import annotations

import datetime as dt
import itertools

from gonggu.core.codes import Level
from gonggu.regions.models import Region
from gonggu.registry.demo import make_id_number

from ..models import (
    AssistDayVisit,
    AssistUnit,
    Attendance,
    CadreYear,
    Campaign,
    CampaignVisit,
    LeaderLink,
    LeaderVisit,
    Meeting,
    StationedCadre,
    TeamVisit,
)

_seq = itertools.count(1)


def cadre_id(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return make_id_number("410102", dt.date(1980, 1, 1) + dt.timedelta(days=n % 3000), (n % 499) * 2 + 1)


def new_village(township: Region, name: str = "") -> Region:
    """A fresh village under the township (codes from 301 up), for a finding about a village of its own."""
    prefix = township.code[:9]
    n = 301 + Region.objects.filter(code__startswith=prefix, code__gte=prefix + "301").count()
    code = f"{prefix}{n:03d}"
    return Region.objects.create(code=code, name=name or f"新村{n}", level=Level.VILLAGE, parent=township,
                                 prefix=code)


def cadre(village, *, role: str = "第一书记", start: dt.date = dt.date(2024, 3, 1), end: dt.date | None = None,
          left: dt.date | None = None, party: str = "中共党员", party_since: dt.date | None = dt.date(2010, 7, 1),
          work_since: dt.date = dt.date(2008, 8, 1), unit: str = "县财政局", name: str = "", number: str = "",
          **fields) -> StationedCadre:
    code = village if isinstance(village, str) else village.code
    end = end or start.replace(year=start.year + 2) - dt.timedelta(days=1)
    return StationedCadre.objects.create(
        region_code=code, cadre_id_number=number or cadre_id(), name=name or f"干部{next(_seq)}", role=role,
        unit=unit, term_start=start, term_end=end, left_on=left, party_status=party,
        party_since=party_since if party == "中共党员" else None, work_since=work_since, **fields)


def attendance(c: StationedCadre, day: dt.date, status: str = "在村", night: bool = True) -> Attendance:
    return Attendance.objects.create(region_code=c.region_code, cadre_id_number=c.cadre_id_number,
                                     cadre_name=c.name, day=day, status=status, night=night and status == "在村")


def week(c: StationedCadre, last: dt.date, *, days: int = 5, nights: int = 4, leave: int = 0) -> None:
    """`days` days in the village (the first `nights` with the night) and `leave` days of leave, ending on `last`."""
    for i in range(days + leave):
        day = last - dt.timedelta(days=i)
        if i < leave:
            attendance(c, day, "请假", night=False)
        else:
            attendance(c, day, "在村", night=(i - leave) < nights)


def cadre_year(c: StationedCadre, year: int, **fields) -> CadreYear:
    values = {"trained_on": dt.date(year, 4, 15), "report_h1": True, "report_h2": True, "assessment": "称职",
              "health_check_on": dt.date(year, 9, 10), "insured": True} | fields
    return CadreYear.objects.create(region_code=c.region_code, cadre_id_number=c.cadre_id_number,
                                    cadre_name=c.name, year=year, **values)


def team_visit(h, on: dt.date, visitor: str = "驻村工作队") -> TeamVisit:
    return TeamVisit.objects.create(region_code=h.region_code, household=h, visited_on=on, visitor=visitor)


def assist_unit(village, unit: str, level: str = "县直") -> AssistUnit:
    code = village if isinstance(village, str) else village.code
    return AssistUnit.objects.create(region_code=code, unit=unit, unit_level=level)


def campaign(township, year: int, round_: int, start: dt.date, end: dt.date) -> Campaign:
    code = township if isinstance(township, str) else township.code
    return Campaign.objects.get_or_create(region_code=code, year=year, round=round_,
                                          defaults={"start_on": start, "end_on": end})[0]


def campaign_visit(h, year: int, round_: int, on: dt.date) -> CampaignVisit:
    return CampaignVisit.objects.create(region_code=h.region_code, household=h, year=year, round=round_,
                                        screened_on=on)


def leader_link(village, name: str, *, since: dt.date = dt.date(2024, 1, 1), until: dt.date | None = None):
    return LeaderLink.objects.create(region_code=village.code, leader_name=name, post="县委副书记", since=since,
                                     until=until)


def leader_visit(village, name: str, on: dt.date, *, role: str = "县级领导", unit: str = "",
                 purpose: str = "调研指导"):
    return LeaderVisit.objects.create(region_code=village.code, leader_name=name, role=role, unit=unit,
                                      visited_on=on, purpose=purpose)


def meeting(village, on: dt.date, kind: str = "村级每周研判"):
    return Meeting.objects.create(region_code=village.code, kind=kind, held_on=on, attendees="村两委、驻村工作队",
                                  households=2)


def assist_day(h, on: dt.date, helper: str = "王帮扶", unit: str = "县财政局", **fields) -> AssistDayVisit:
    return AssistDayVisit.objects.create(region_code=h.region_code, household=h, day=on, helper=helper, unit=unit,
                                         **fields)
