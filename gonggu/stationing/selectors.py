"""Reads for the 驻村帮扶 pages, scoped to the user's region: each village's team and its 五天四夜 record."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from gonggu.core.codes import in_scope_q
from gonggu.core.idnumber import mask
from gonggu.regions.models import Region
from gonggu.rules.catalog import CATALOG
from gonggu.rules.models import Finding
from gonggu.rules.selectors import latest_runs
from gonggu.sources.models import Batch
from gonggu.sources.specs import SOURCES

from .models import ABSENT, PRESENT, AssistDayVisit, Attendance, Meeting, MeetingHousehold, StationedCadre

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
    findings: list = field(default_factory=list)   # the 驻村帮扶 rules' stored findings about the village


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


def findings_by_team(user, teams: list[VillageTeam]) -> list[tuple[Region | None, list]]:
    """Attach each village's stored findings to its team; the rest (a village left without a team, a unit's
    village) are returned by region."""
    rest: dict[str, list] = defaultdict(list)
    for f in stored_findings(user, STATIONING_RULES):
        f.title = CATALOG.rules[f.rule].title if f.rule in CATALOG.rules else f.rule
        rest[f.region_code].append(f)
    for team in teams:
        team.findings = rest.pop(team.members[0].cadre.region_code, [])
    regions = {r.code: r for r in Region.objects.filter(code__in=rest)}
    return [(regions.get(code), items) for code, items in sorted(rest.items())]


STATIONING_RULES = ("ST-TERM-SHORT", "ST-NOT-ROTATED", "ST-NO-SECRETARY", "ST-SECRETARY-QUALIFY", "ST-MEMBER-QUALIFY",
                    "ST-TEAM-SIZE", "ST-UNIT-SECRETARY", "ST-FIVE-FOUR", "ST-TRAINING", "ST-REPORT",
                    "ST-ASSESSMENT", "ST-CARE", "ST-VISIT-ALL", "LEADER-LINK-VISIT", "UNIT-MAIN-VISIT",
                    "UNIT-LEADER-VISITS", "MEET-WEEKLY", "ASSIST-DAY-WEEKLY")
CAMPAIGN_RULES = ("CAMPAIGN-COVERAGE", "CAMPAIGN-TWICE")


def stored_findings(user, codes) -> list:
    """The findings of the rules' latest stored runs in the user's region (the rules' own figures, not recomputed)."""
    runs = latest_runs(user.scope_prefix, list(codes))
    q = Q()
    for code, run in runs.items():
        q |= Q(run_id=run.pk, rule=code)
    if not runs:
        return []
    return list(Finding.objects.filter(q).filter(in_scope_q("region_code", user.scope_prefix))
                .order_by("region_code", "rule", "id_number"))


@dataclass
class Coverage:
    region: Region | None
    region_code: str
    detail: str
    households: int
    screened: int

    @property
    def percent(self) -> str:
        return f"{100 * self.screened / self.households:.1f}%" if self.households else "—"


def campaign_shortfalls(user) -> tuple[list[Coverage], list]:
    """Villages short of full coverage in their township's last ended campaign, and townships with fewer than two
    campaigns last year, from the rules' stored findings."""
    findings = stored_findings(user, CAMPAIGN_RULES)
    regions = {r.code: r for r in Region.objects.filter(code__in={f.region_code for f in findings})}
    short = []
    for f in findings:
        if f.rule != "CAMPAIGN-COVERAGE":
            continue
        evidence = json.loads(f.evidence or "{}")
        short.append(Coverage(regions.get(f.region_code), f.region_code, f.detail,
                              int(evidence.get("households") or 0), int(evidence.get("screened") or 0)))
    few = [(regions.get(f.region_code), f) for f in findings if f.rule == "CAMPAIGN-TWICE"]
    return short, few


STALE_DAYS = 31   # 每月与民政、医保、卫健、残联等部门开展一次数据比对 (004 任务2): a list older than a month is stale


def list_period_days() -> int:
    """The period of the department lists: the DEPT-LIST-STALE rule's parameter (a local override of the rule
    first), so the freshness page and the rule's findings say the same; STALE_DAYS is its default."""
    from gonggu.rules.models import RuleSetting
    from gonggu.rules.params import ParamValues

    setting = RuleSetting.objects.filter(code="DEPT-LIST-STALE").first()
    value = ParamValues.load().scalar("dept_list_period_days", setting.params if setting else None)
    return int(value) if value is not None else STALE_DAYS


@dataclass
class SourceFreshness:
    label: str
    department: str
    as_of: dt.date | None
    imported_at: dt.datetime | None
    age: int | None
    period: int = STALE_DAYS

    @property
    def stale(self) -> bool:
        return self.age is None or self.age > self.period


def source_freshness(user, today: dt.date) -> tuple[list[SourceFreshness], Meeting | None]:
    """Each department list with the as-of date of its latest imported batch in the user's county, and the county's
    latest 部门数据比对联席会议: what the monthly comparison rests on."""
    county = (user.scope_prefix or "")[:6]
    latest: dict[str, Batch] = {}
    for batch in (Batch.objects.filter(status=Batch.Status.APPLIED, region_code__startswith=county)
                  .order_by("format", "-as_of", "-id")):
        latest.setdefault(batch.source, batch)
    rows = []
    period = list_period_days()
    for source in SOURCES.values():
        b = latest.get(source.key)
        rows.append(SourceFreshness(source.title, source.department_label, b.as_of if b else None,
                                    b.created_at if b else None, (today - b.as_of).days if b else None, period))
    meeting = (Meeting.objects.filter(kind="部门数据比对联席会议", region_code__startswith=county, held_on__lte=today)
               .order_by("-held_on").first())
    return rows, meeting


# --- meetings and the 周三帮扶日 ------------------------------------------------------------------------------

def meetings_for_user(user, *, kind: str = "", month: str = "") -> QuerySet[Meeting]:
    """Meetings in the user's region (a county user also sees the county's 联席会议), newest first, with the
    households each discussed; `month` as yyyy-mm."""
    qs = Meeting.objects.filter(in_scope_q("region_code", user.scope_prefix))
    if kind:
        qs = qs.filter(kind=kind)
    if len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit():
        qs = qs.filter(held_on__year=int(month[:4]), held_on__month=int(month[5:]))
    return qs.order_by("-held_on", "region_code").prefetch_related(
        "discussed__household", "discussed__clues", "discussed__cases")


def meetings_of_household(household) -> list[MeetingHousehold]:
    return list(MeetingHousehold.objects.filter(household=household).select_related("meeting")
                .prefetch_related("clues", "cases").order_by("-meeting__held_on"))


def meetings_of_case(case) -> list[MeetingHousehold]:
    return list(MeetingHousehold.objects.filter(cases=case).select_related("meeting")
                .order_by("-meeting__held_on"))


@dataclass
class AssistDay:
    region_code: str
    village: str
    day: dt.date
    helpers: list[str]
    units: list[str]
    households: int
    briefings: int
    problems: int
    solved: int


def assist_days_for_user(user, *, since: dt.date, until: dt.date) -> list[AssistDay]:
    """Each village's 周三帮扶日 between the dates: who went, households visited, problems found and solved."""
    rows = (AssistDayVisit.objects.filter(in_scope_q("region_code", user.scope_prefix), day__gte=since,
                                          day__lte=until).order_by("-day", "region_code", "id"))
    days: dict[tuple, AssistDay] = {}
    for r in rows:
        d = days.setdefault((r.day, r.region_code), AssistDay(r.region_code, "", r.day, [], [], 0, 0, 0, 0))
        if r.helper not in d.helpers:
            d.helpers.append(r.helper)
        if r.unit and r.unit not in d.units:
            d.units.append(r.unit)
        d.households += 1
        d.briefings += int(r.briefing)
        d.problems += int(bool(r.problem))
        d.solved += int(bool(r.problem) and r.solved)
    names = dict(Region.objects.filter(code__in={d.region_code for d in days.values()}).values_list("code", "name"))
    for d in days.values():
        d.village = names.get(d.region_code, d.region_code)
    return list(days.values())
