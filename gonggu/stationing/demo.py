"""Demo rows for the 驻村帮扶 ledgers: teams in a dozen villages (the 驻村工作队员 login's village among them),
four weeks of attendance, last year's duties, the team's household visits, the dispatching units and two
years of 集中排查 — mostly in order, with the slips the rules are there to find (a 预备党员 as 第一书记, a
哺乳期 member, a team of one, a term not rotated, a village without a 第一书记, 走读式 attendance, a missing
report or insurance, unvisited households, villages short of full coverage, a township with one campaign); the
meetings' households and the 周三帮扶日 in `demo_meetings.py`."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.registry.demo import make_id_number
from gonggu.registry.models import Household

from .demo_meetings import demo_meetings_and_assist_days
from .models import (
    AssistDayVisit,
    AssistUnit,
    Attendance,
    CadreYear,
    Campaign,
    CampaignVisit,
    EastWestProject,
    LeaderLink,
    LeaderVisit,
    Meeting,
    StationedCadre,
    TeamVisit,
)

UNITS = ["县委组织部", "县财政局", "县教育局", "县农业农村局", "县水利局", "县卫健委", "县人社局", "县住建局",
         "县交通局", "县自然资源局", "县市场监管局", "县供销社", "县医保局", "县民政局"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "海峰", "晓燕", "志强", "丽娟", "文博", "雪梅", "国庆", "俊杰", "秀英", "明辉", "静怡", "卫东", "佳琪"]
DAY = dt.timedelta(days=1)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def demo_stationing(ctx) -> dict:
    rng = random.Random(f"gonggu-stationing-{ctx.seed}")
    today, admin = ctx.today, ctx.users.get("admin")
    villages = [ctx.villages[0], *rng.sample(ctx.villages[1:], min(11, len(ctx.villages) - 1))]
    seq = iter(range(1, 10_000))

    def person(role: str, village, unit: str, start: dt.date, **fields) -> StationedCadre:
        n = next(seq)
        born = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 6000))
        values = {"party_status": "中共党员", "party_since": born.replace(year=born.year + 25),
                  "work_since": born.replace(year=born.year + 22), "left_on": None,
                  "term_end": start.replace(year=start.year + 2) - DAY} | fields
        if values["party_status"] != "中共党员":
            values["party_since"] = None
        return StationedCadre(region_code=village.code, cadre_id_number=make_id_number("410102", born, n * 2 + 1),
                              name=_name(rng), role=role, unit=unit, unit_level="县派", term_start=start,
                              created_by=admin, updated_by=admin, **values)

    cadres: list[StationedCadre] = []
    units = list(UNITS)
    for i, village in enumerate(villages):
        start = today - dt.timedelta(days=rng.randint(400, 600) if i in (6, 7) else rng.randint(200, 600))
        unit = units[i % len(units)]
        if i == 3:        # a village whose 第一书记 left last month, no successor yet
            cadres.append(person("第一书记", village, unit, start - 400 * DAY, left_on=today - 30 * DAY))
        else:
            extra = {}
            if i == 1:
                extra = {"party_status": "中共预备党员"}
            if i == 4:    # term expired, not rotated
                extra = {"term_end": today - 20 * DAY}
                start = today - 750 * DAY
            cadres.append(person("第一书记", village, unit, start, **extra))
        members = 1 if i == 2 else rng.randint(2, 3)
        for m in range(members):
            extra = {"nursing": True} if (i, m) == (5, 0) else {}
            cadres.append(person("工作队员", village, units[(i + m + 5) % len(units)], start, **extra))
    bulk_create_with_history(cadres, StationedCadre, default_user=admin)
    stored = list(StationedCadre.objects.filter(in_scope_q("region_code", ctx.county.prefix)).order_by("id"))

    # Units: every listed unit paired with a village; the last one has sent no 第一书记.
    paired = [AssistUnit(region_code=villages[i % len(villages)].code, unit=unit, unit_level="县直",
                         main_leader=_name(rng), created_by=admin, updated_by=admin)
              for i, unit in enumerate(UNITS[: len(villages)] + ["县统计局"])]
    bulk_create_with_history(paired, AssistUnit, default_user=admin)

    # Four weeks of attendance: Monday to Friday in the village, Monday to Thursday nights; one 走读式 member.
    in_post = [c for c in stored if c.left_on is None or c.left_on > today]
    commuter = in_post[1].pk if len(in_post) > 1 else None
    days = []
    for c in in_post:
        for k in range(28):
            day = today - k * DAY
            if day < c.term_start or day.weekday() >= 5:
                continue
            status = "请假" if rng.random() < 0.03 else "在村"
            night = status == "在村" and day.weekday() <= 3 and c.pk != commuter
            days.append(Attendance(region_code=c.region_code, cadre_id_number=c.cadre_id_number, cadre_name=c.name,
                                   day=day, status=status, night=night,
                                   note="病假，已经乡镇党委批准" if status == "请假" else "",
                                   created_by=admin, updated_by=admin))
    bulk_create_with_history(days, Attendance, batch_size=2000, default_user=admin)

    # Last year's duties, for those in post then; a few gaps.
    year = today.year - 1
    duties = []
    for c in stored:
        if c.term_start > dt.date(year, 7, 1):
            continue
        r = rng.random()
        duties.append(CadreYear(
            region_code=c.region_code, cadre_id_number=c.cadre_id_number, cadre_name=c.name, year=year,
            trained_on=None if r < 0.1 else dt.date(year, 4, rng.randint(1, 28)), report_h1=True,
            report_h2=not 0.1 <= r < 0.2, assessment="未考核" if 0.2 <= r < 0.25 else rng.choice(["优秀", "称职", "称职"]),
            health_check_on=dt.date(year, 9, rng.randint(1, 28)), insured=not 0.25 <= r < 0.32,
            created_by=admin, updated_by=admin))
    bulk_create_with_history(duties, CadreYear, default_user=admin)

    # The team's visits: every household of the stationed villages this past year, but a few.
    households = defaultdict(list)
    for h in Household.objects.filter(region_code__in=[v.code for v in villages]).order_by("id"):
        households[h.region_code].append(h)
    visits = []
    for i, village in enumerate(villages):
        for k, h in enumerate(households[village.code]):
            if i in (6, 7) and k % 5 == 2:
                continue
            visits.append(TeamVisit(region_code=h.region_code, household=h,
                                    visited_on=today - rng.randint(1, 300) * DAY, visitor="驻村工作队",
                                    content=rng.choice(["了解收入和就业情况", "宣讲防返贫政策", "核实住房和饮水情况"]),
                                    created_by=admin, updated_by=admin))
    bulk_create_with_history(visits, TeamVisit, batch_size=2000, default_user=admin)

    # 集中排查: two rounds last year in each township (one in the last), the first round of this year ended.
    campaigns = []
    for t_index, town in enumerate(ctx.townships):
        rounds = [(year, 1, dt.date(year, 4, 1), dt.date(year, 4, 30))]
        if t_index < len(ctx.townships) - 1:
            rounds.append((year, 2, dt.date(year, 10, 8), dt.date(year, 11, 8)))
        this = min(today - 10 * DAY, dt.date(today.year, 4, 30))
        if this - 29 * DAY >= dt.date(today.year, 1, 1):
            rounds.append((today.year, 1, this - 29 * DAY, this))
        campaigns += [Campaign(region_code=town.code, year=y, round=r, start_on=s, end_on=e, created_by=admin,
                               updated_by=admin) for y, r, s, e in rounds]
    bulk_create_with_history(campaigns, Campaign, default_user=admin)
    screened = []
    short = {v.code for v in rng.sample(ctx.villages, min(3, len(ctx.villages)))}
    for c in campaigns:
        town_households = Household.objects.filter(region_code__startswith=c.region_code[:9]).order_by("id")
        seen: dict[str, int] = defaultdict(int)
        for h in town_households:
            seen[h.region_code] += 1
            if h.region_code in short and c.year == today.year and seen[h.region_code] % 4 == 1:
                continue
            on = c.start_on + rng.randint(0, (c.end_on - c.start_on).days) * DAY
            screened.append(CampaignVisit(region_code=h.region_code, household=h, year=c.year, round=c.round,
                                          screened_on=on, screener="村两委和驻村工作队",
                                          created_by=admin, updated_by=admin))
    bulk_create_with_history(screened, CampaignVisit, batch_size=2000, default_user=admin)
    leaders = _demo_leaders(ctx, rng, villages, paired, admin)
    leaders |= demo_meetings_and_assist_days(ctx, rng, admin)
    return {**leaders, "stationed_cadres": len(cadres), "stationing_attendance": len(days), "cadre_years": len(duties),
            "team_visits": len(visits), "assist_units": len(paired), "campaigns": len(campaigns),
            "campaign_visits": len(screened)}


def _demo_leaders(ctx, rng: random.Random, villages, units: list[AssistUnit], admin) -> dict:
    """County leaders' 联系点 and visits (one leader with holiday greetings only), the units' leaders' visits (one
    unit short), 东西部协作 projects, and eight weeks of village reviews (two villages fell behind)."""
    today, year = ctx.today, ctx.today.year - 1
    posts = ["县委书记", "县长", "县委副书记", "常务副县长", "县委组织部部长", "分管农业副县长"]
    links, visits = [], []
    for i, post in enumerate(posts):
        village = villages[i % len(villages)]
        name = _name(rng)
        links.append(LeaderLink(region_code=village.code, leader_name=name, post=post, role="县级领导",
                                since=dt.date(year - 1, 3, 1), created_by=admin, updated_by=admin))
        purposes = ["节日走访慰问"] if i == 2 else ["调研指导", "调研指导", "节日走访慰问"]
        for k, purpose in enumerate(purposes):
            visits.append(LeaderVisit(region_code=village.code, leader_name=name, role="县级领导",
                                      visited_on=dt.date(year, 2 + 3 * k, rng.randint(1, 28)), purpose=purpose,
                                      content="研究产业发展和防返贫监测" if purpose == "调研指导" else "春节走访慰问",
                                      created_by=admin, updated_by=admin))
    for i, unit in enumerate(units):
        others = 2 if i == 1 else rng.randint(4, 6)
        people = [("帮扶单位主要负责同志", "主要负责同志")] * (0 if i == 2 else 1) + [("帮扶单位其他班子成员", "班子成员")] * others
        for k, (role, who) in enumerate(people):
            visits.append(LeaderVisit(region_code=unit.region_code, leader_name=f"{unit.unit}{who}{k}", role=role,
                                      unit=unit.unit, visited_on=dt.date(year, 1 + k % 12, rng.randint(1, 28)),
                                      purpose="调研指导", content="督促帮扶项目落实", created_by=admin,
                                      updated_by=admin))
    bulk_create_with_history(links, LeaderLink, default_user=admin)
    bulk_create_with_history(visits, LeaderVisit, default_user=admin)
    projects = [EastWestProject(region_code=villages[i].code, year=today.year - (i % 2), project=name,
                                partner=partner, category=category, amount=Decimal(amount), jobs=jobs,
                                status=status, created_by=admin, updated_by=admin)
                for i, (name, partner, category, amount, jobs, status) in enumerate([
                    ("食用菌扶贫车间", "浙江省协作区", "产业协作", "1200000", 35, "已完成"),
                    ("赴浙务工专列", "浙江省协作区人社局", "劳务协作", "0", 120, "已完成"),
                    ("农产品消费帮扶专柜", "浙江省协作区商务局", "消费帮扶", "300000", 0, "实施中"),
                    ("乡村医生进修", "浙江省协作区卫健局", "人才交流", "80000", 0, "实施中")][: len(villages)])]
    bulk_create_with_history(projects, EastWestProject, default_user=admin)
    meetings = []
    behind = {v.code for v in ctx.villages[1:3]}
    for village in ctx.villages:
        for w in range(8):
            if village.code in behind and w < 2:
                continue
            held = today - dt.timedelta(days=7 * w + rng.randint(0, 6))
            meetings.append(Meeting(region_code=village.code, kind="村级每周研判", held_on=held,
                                    attendees="村支书、村主任、第一书记、工作队员、信息监测员",
                                    households=rng.randint(0, 4), outcome="无新增风险户" if rng.random() < 0.6 else
                                    "拟纳入监测 1 户，报镇审核", created_by=admin, updated_by=admin))
    for m in range(6):   # the 10th of this month (if past) and of the five months before: one a month
        months = today.year * 12 + today.month - 1 - m
        first = dt.date(months // 12, months % 12 + 1, 10)
        if first <= today:
            meetings.append(Meeting(region_code=ctx.county.code, kind="部门数据比对联席会议", held_on=first,
                                    attendees="乡村振兴局、民政局、医保局、卫健委、残联", households=rng.randint(5, 30),
                                    outcome="比对发现风险户已反馈乡镇核实", created_by=admin, updated_by=admin))
    bulk_create_with_history(meetings, Meeting, batch_size=2000, default_user=admin)
    return {"leader_links": len(links), "leader_visits": len(visits), "east_west_projects": len(projects),
            "meetings": len(meetings)}


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    for model in (AssistDayVisit, Meeting, EastWestProject, LeaderVisit, LeaderLink, CampaignVisit, Campaign, TeamVisit, CadreYear, Attendance, AssistUnit, StationedCadre):
        model.objects.filter(scope).delete()
        model.history.filter(scope).delete()   # after: deleting rows records their deletion
