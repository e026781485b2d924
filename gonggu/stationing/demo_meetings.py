"""Demo rows for the meetings' households and the 周三帮扶日: each weekly review discusses one or two of its
village's households (those with clues or cases first), each 联席会议 a few of the county's monitored households;
every 定点帮扶 village has its Wednesdays of the last eight weeks, but one village missed the last one."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.monitoring.models import Clue, MonitoringCase
from gonggu.registry.models import Household

from .models import AssistDayVisit, AssistUnit, Meeting
from .services import JOINT, meeting_discuss

CONCLUSIONS = ["继续监测帮扶，跟进措施落实", "拟纳入监测，报镇审核", "收入稳定，暂无返贫风险", "拟申请风险消除，继续观察"]
PROBLEMS = ["医疗报销未到账", "产业奖补未兑付", "孩子上学资助未申请", "饮水管道漏水", "公益岗位工资延迟"]


def demo_meetings_and_assist_days(ctx, rng: random.Random, admin) -> dict:
    scope = in_scope_q("region_code", ctx.county.prefix)
    watched: dict[str, list] = defaultdict(list)
    ids = set(MonitoringCase.objects.filter(scope).values_list("household_id", flat=True))
    ids |= set(Clue.objects.filter(scope, household__isnull=False).values_list("household_id", flat=True))
    for h in Household.objects.filter(pk__in=ids).order_by("id"):
        watched[h.region_code].append(h)
    others: dict[str, list] = defaultdict(list)   # a village without clues or cases reviews its other households
    for h in Household.objects.filter(scope).exclude(pk__in=ids).order_by("id"):
        if len(others[h.region_code]) < 6:
            others[h.region_code].append(h)
    discussed = 0
    for m in Meeting.objects.filter(scope, kind="村级每周研判").order_by("region_code", "held_on"):
        pool = watched.get(m.region_code) or others.get(m.region_code) or []
        for h in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
            meeting_discuss(m, h, rng.choice(CONCLUSIONS))
            discussed += 1
    county_pool = [h for hs in (watched or others).values() for h in hs]
    for m in Meeting.objects.filter(scope, kind=JOINT):
        for h in rng.sample(county_pool, min(len(county_pool), 4)):
            meeting_discuss(m, h, "部门比对发现风险，反馈乡镇核实")
            discussed += 1
    return {"meeting_households": discussed, "assist_day_visits": _assist_days(ctx, rng, admin)}


def _assist_days(ctx, rng: random.Random, admin) -> int:
    today = ctx.today
    last_wednesday = today - dt.timedelta(days=(today.weekday() - 2) % 7 or 7)
    units = list(AssistUnit.objects.filter(in_scope_q("region_code", ctx.county.prefix)).order_by("id"))
    villages = {u.region_code: u.unit for u in units}
    households = defaultdict(list)
    for h in Household.objects.filter(region_code__in=villages).order_by("id"):
        households[h.region_code].append(h)
    missed = sorted(villages)[1] if len(villages) > 1 else None
    rows = []
    for code, unit in sorted(villages.items()):
        for w in range(8):
            day = last_wednesday - dt.timedelta(days=7 * w)
            if (code == missed and w == 0) or not households[code]:
                continue
            helper = rng.choice("王李张刘陈杨") + rng.choice(["建华", "红梅", "志刚", "晓东"])
            for h in rng.sample(households[code], min(len(households[code]), rng.randint(3, 6))):
                problem = rng.choice(PROBLEMS) if rng.random() < 0.2 else ""
                rows.append(AssistDayVisit(region_code=code, household=h, day=day, helper=helper, unit=unit,
                                           policy_review=True, briefing=rng.random() < 0.9, problem=problem,
                                           solved=bool(problem) and rng.random() < 0.6, created_by=admin,
                                           updated_by=admin))
    bulk_create_with_history(rows, AssistDayVisit, batch_size=2000, default_user=admin)
    return len(rows)
