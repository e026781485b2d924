"""Reads for the 驻村帮扶 pages, scoped to the user's region: each village's team and its 五天四夜 record."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from gonggu.core.codes import in_scope_q
from gonggu.core.idnumber import mask
from gonggu.regions.models import Region

from .models import ABSENT, PRESENT, Attendance, StationedCadre

WEEKS = 4


def cadres_in_post(user, on: dt.date) -> QuerySet[StationedCadre]:
    return (StationedCadre.objects.filter(in_scope_q("region_code", user.scope_prefix), term_start__lte=on)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).order_by("region_code", "role", "name"))


@dataclass
class Week:
    last: dt.date           # the window's last day (7 days ending on it)
    days: int = 0           # in the village
    nights: int = 0
    excused: int = 0        # approved leave or duty elsewhere

    @property
    def met(self) -> bool:
        return self.days + self.excused >= 5 and self.nights + self.excused >= 4


@dataclass
class TeamMember:
    cadre: StationedCadre
    id_masked: str
    weeks: list[Week] = field(default_factory=list)


@dataclass
class VillageTeam:
    region: Region
    members: list[TeamMember]


def teams_for_user(user, today: dt.date, weeks: int = WEEKS) -> list[VillageTeam]:
    """The teams in post today, village by village, each member with the last `weeks` 7-day windows (the newest
    first, the first ending today) counted as the rule ST-FIVE-FOUR counts them."""
    cadres = list(cadres_in_post(user, today))
    first = today - dt.timedelta(days=7 * weeks - 1)
    rows = Attendance.objects.filter(in_scope_q("region_code", user.scope_prefix), day__gte=first, day__lte=today,
                                     cadre_id_number__in={c.cadre_id_number for c in cadres})
    by_cadre: dict[tuple, list[Attendance]] = defaultdict(list)
    for a in rows:
        by_cadre[a.region_code, a.cadre_id_number].append(a)
    names = dict(Region.objects.filter(code__in={c.region_code for c in cadres}).values_list("code", "pk"))
    regions = Region.objects.in_bulk(names.values())
    teams: dict[str, VillageTeam] = {}
    for c in cadres:
        member = TeamMember(c, mask(c.cadre_id_number))
        for w in range(weeks):
            week = Week(last=today - dt.timedelta(days=7 * w))
            start = week.last - dt.timedelta(days=6)
            for a in by_cadre[c.region_code, c.cadre_id_number]:
                if start <= a.day <= week.last and a.status != ABSENT:
                    if a.status == PRESENT:
                        week.days += 1
                        week.nights += int(a.night)
                    else:
                        week.excused += 1
            member.weeks.append(week)
        region = regions.get(names.get(c.region_code))
        teams.setdefault(c.region_code, VillageTeam(region, [])).members.append(member)
    return list(teams.values())
