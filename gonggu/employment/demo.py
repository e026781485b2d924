"""Demo employment ledgers for the demo county (gonggu demo): 公益岗位 placements with their monthly attendance and
pay, two years of work per person, and each township's target — with the problems counties really meet (a
subsidy below half the minimum wage, no agreement, a month without attendance, pay in arrears, a post given
to someone who cannot work, fewer stable workers than last year, a cross-province worker not yet paid the
transport subsidy), so every employment rule has findings to follow."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType, LabourAbility, PersonStatus
from gonggu.registry.models import Person
from gonggu.rules.models import Parameter
from gonggu.rules.services import param_set

from .models import (
    PostAttendance,
    PublicPost,
    RainDew,
    RelocatedHousehold,
    ResettlementSite,
    WorkRecord,
    Workshop,
    WorkshopWorker,
    WorkTarget,
)
from .services import work_year_take_over

POSTS = [("村级保洁员", "保洁"), ("生态护林员", "护林"), ("农村公路护路员", "护路"), ("水利设施管护员", "水利管护"),
         ("治安巡逻员", "治安巡逻"), ("残疾人公益专岗", "残疾人公益专岗")]
EMPLOYERS = ["县产业园鞋厂", "某电子厂（苏州）", "建筑工地（郑州）", "物流公司（广州）", "食品加工厂", "家政服务公司"]
DEMO_MIN_WAGE = "2000"   # a plausible monthly minimum wage for the demo (not an official figure)


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _months(start: dt.date, end: dt.date):
    d = start.replace(day=1)
    while d <= end:
        yield d
        d = (d + dt.timedelta(days=32)).replace(day=1)


def demo_employment(ctx) -> dict:
    rng = ctx.rng.__class__(f"gonggu-employment-{ctx.seed}")
    today, prefix = ctx.today, ctx.county.prefix
    admin = ctx.users.get("admin")
    if not Parameter.objects.filter(name="min_wage_monthly", year=None).exists():
        param_set(name="min_wage_monthly", value=DEMO_MIN_WAGE, user=admin)
    people = list(Person.objects.filter(in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE,
                                        household__household_type__in=[HouseholdType.LIFTED, HouseholdType.MONITORED])
                  .order_by("id").values_list("id", "household_id", "region_code", "id_number", "labour_ability",
                                              "work_months", "work_place", "birth_date"))
    adults = [p for p in people if 18 <= (today - p[7]).days // 365 <= 64]
    with transaction.atomic():
        posts, attendance = _posts(rng, adults, today, admin)
        bulk_create_with_history(posts, PublicPost, batch_size=2000, default_user=admin)
        bulk_create_with_history(attendance, PostAttendance, batch_size=2000, default_user=admin)
        records, targets = _work(rng, adults, ctx, admin)
        bulk_create_with_history(records, WorkRecord, batch_size=2000, default_user=admin)
        taken = work_year_take_over(year=today.year, source="registry", prefix=prefix, user=admin)
        # Most of this year's cross-province workers have had their transport subsidy (the rest: findings).
        away = WorkRecord.objects.filter(in_scope_q("region_code", prefix), year=today.year, place="省外")
        for row in away.order_by("id"):
            if rng.random() < 0.85:
                row.transport_subsidy = Decimal("500")
                row.transport_paid_on = today - dt.timedelta(days=rng.randint(20, 200))
                row.save(update_fields=["transport_subsidy", "transport_paid_on", "updated_at"])
        bulk_create_with_history(targets, WorkTarget, batch_size=2000, default_user=admin)
        shops, workers = _workshops(rng, adults, people, ctx, admin)
        bulk_create_with_history(shops, Workshop, batch_size=2000, default_user=admin)
        bulk_create_with_history(workers, WorkshopWorker, batch_size=2000, default_user=admin)
        students = _rain_dew(rng, ctx, admin)
        bulk_create_with_history(students, RainDew, batch_size=2000, default_user=admin)
        sites, relocated = _relocation(rng, ctx, admin)
        bulk_create_with_history(sites, ResettlementSite, batch_size=2000, default_user=admin)
        bulk_create_with_history(relocated, RelocatedHousehold, batch_size=2000, default_user=admin)
    return {"public_posts": len(posts), "post_attendance": len(attendance),
            "work_records": len(records) + taken.created, "work_targets": len(targets), "workshops": len(shops),
            "workshop_workers": len(workers), "rain_dew": len(students),
            "resettlement_sites": len(sites), "relocated_households": len(relocated)}


def _posts(rng, adults, today, admin):
    """About one in twelve working-age members of key households on a post; a few with the usual problems."""
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    candidates = [p for p in adults if p[4] in (LabourAbility.WEAK, LabourAbility.ORDINARY)]
    # Three who have lost their labour ability among them: POST-LOST-LABOUR.
    chosen = [p for p in adults if p[4] == LabourAbility.LOST][:3]
    chosen += rng.sample(candidates, k=min(len(candidates), max(12, len(candidates) // 12)))
    posts, attendance = [], []
    for i, (pid, hid, code, number, _labour, *_rest) in enumerate(chosen):
        name, kind = rng.choice(POSTS)
        start = dt.date(today.year - rng.choice((0, 1, 1, 2)), rng.randint(1, 12), 1)
        if start > today - dt.timedelta(days=40):
            start = dt.date(today.year - 1, rng.randint(1, 12), 1)
        end = None
        if i % 9 == 4 and i % 37 != 13:                # left this year: the township's count may fall
            end = _month_end(dt.date(today.year, rng.randint(1, max(1, today.month - 1)), 1))
        subsidy = Decimal(rng.choice(("1000", "1100", "1200", "1200", "1500")))
        if i % 23 == 7:
            subsidy = Decimal("800")                   # below half the minimum wage
        placement = 3 if i % 41 == 11 else rng.choice((1, 1, 1, 2))
        row = dict(region_code=code, person_id=pid, household_id=hid, id_number=number, created_by=admin,
                   updated_by=admin)
        posts.append(PublicPost(**row, post_name=name, post_type=kind, start_date=start, end_date=end,
                                monthly_subsidy=subsidy, placement_no=placement, agreement=i % 17 != 3,
                                insured=i % 19 != 5))
        if i % 37 == 13:                               # a second post at the same time
            posts.append(PublicPost(**row, post_name="村级保洁员" if name != "村级保洁员" else "生态护林员",
                                    post_type="保洁", start_date=start, monthly_subsidy=subsidy, agreement=True,
                                    insured=True))
        # Attendance from the start (at most 18 months back) to last month; a few gaps and arrears.
        first = max(start, dt.date(today.year - 1, today.month, 1))
        for month in _months(first, min(end or last_month_end, last_month_end)):
            if i % 13 == 2 and month == last_month_end.replace(day=1):
                continue                               # last month not recorded: POST-NO-ATTENDANCE
            unpaid = i % 29 == 8 and month >= (today - dt.timedelta(days=120)).replace(day=1)
            paid_on = min(_month_end(month) + dt.timedelta(days=rng.randint(5, 20)), today)
            attendance.append(PostAttendance(
                **row, post_name=name, month=month, days=rng.randint(18, 26), subsidy_due=subsidy,
                subsidy_paid=None if unpaid else subsidy, paid_on=None if unpaid else paid_on))
    return posts, attendance


def _work(rng, adults, ctx, admin):
    """Last year's work per person (this year's comes from the registry by the take-over), and targets."""
    today = ctx.today
    last = today.year - 1
    records, workers = [], defaultdict(int)
    townships = {t.code[:9]: t for t in ctx.townships}
    # One township had a better year last year: its stable workers fall this year (WORK-STABLE-FALL).
    falling = ctx.townships[1].code[:9] if len(ctx.townships) > 1 else ""
    for pid, hid, code, number, labour, months, place, _born in adults:
        if labour in (LabourAbility.LOST, LabourAbility.NONE):
            continue
        now = months or 0
        before = now
        if code.startswith(falling) and now and now < 6 and rng.random() < 0.8:
            before = rng.randint(6, 12)
        elif rng.random() < 0.3:
            before = max(0, min(12, now + rng.randint(-3, 3)))
        if now >= 1:
            workers[code[:9]] += 1
        if not before:
            continue
        where = place or rng.choice(("县内", "省内县外", "省外"))
        paid = where == "省外" and rng.random() < 0.85
        records.append(WorkRecord(
            region_code=code, person_id=pid, household_id=hid, id_number=number, year=last, months=before,
            place=where, channel="外出务工" if where != "县内" else rng.choice(("就近就业", "帮扶车间", "灵活就业")),
            employer=rng.choice(EMPLOYERS), transport_subsidy=Decimal("500") if paid else None,
            transport_paid_on=dt.date(last, rng.randint(2, 4), rng.randint(1, 28)) if paid else None,
            source=WorkRecord.Source.RS_LIST, created_by=admin, updated_by=admin))
    targets = []
    for i, (key, township) in enumerate(sorted(townships.items())):
        actual = workers.get(key, 0)
        target = actual + (rng.randint(3, 10) if i % 3 == 0 else -rng.randint(0, max(1, actual // 10)))
        targets.append(WorkTarget(region_code=township.code, year=today.year, target=max(target, 0),
                                  note="县下达的年度目标任务", created_by=admin, updated_by=admin))
    return records, targets


SHOP_TRADES = ["服装加工", "鞋帽加工", "电子元件", "假发制品", "食品包装", "手工编织", "箱包加工", "中药材初加工"]
SCHOOLS = [("县职业教育中心", "中职"), ("市技师学院", "技工院校"), ("省职业技术学院", "高职"), ("市卫生职业学院", "高职")]


def _workshops(rng, adults, people, ctx, admin):
    """One or two workshops in some villages of each township, a few closed this year, with their workers."""
    today = ctx.today
    by_village = defaultdict(list)
    for p in adults:
        if p[4] in (LabourAbility.WEAK, LabourAbility.ORDINARY):
            by_village[p[2]].append(p)
    lost = [p for p in people if p[4] == LabourAbility.LOST][:2]         # WORKSHOP-LOST-LABOUR
    names = {v.code: v.name for v in ctx.villages}
    shops, workers, n = [], [], 0
    closing = ctx.townships[-1].code[:9] if ctx.townships else ""         # this township's count falls
    for code in sorted(by_village):
        if rng.random() > 0.35 and not (code.startswith(closing) and n < 4):
            continue
        n += 1
        name = f"{names.get(code, '')}{rng.choice(SHOP_TRADES)}帮扶车间{n}"
        recognised = dt.date(today.year - rng.randint(1, 4), rng.randint(1, 12), 1)
        closed = None
        if code.startswith(closing) and n % 2 == 1:
            closed = dt.date(today.year, rng.randint(1, max(1, today.month - 1)), 15)
        shops.append(Workshop(region_code=code, name=name, kind=rng.choice(Workshop.Kind.values[:2]),
                              operator=f"{rng.choice(SHOP_TRADES)}有限公司", recognised_on=recognised, closed_on=closed,
                              jobs=rng.randint(20, 60), created_by=admin, updated_by=admin))
        staff = rng.sample(by_village[code], k=min(len(by_village[code]), rng.randint(3, 8)))
        if lost:
            staff.append(lost.pop())
        for pid, hid, person_code, number, *_rest in staff:
            start = max(recognised, dt.date(today.year - 1, rng.randint(1, 12), 1))
            end = closed or (dt.date(today.year, rng.randint(1, today.month), 1) if rng.random() < 0.15 else None)
            workers.append(WorkshopWorker(
                region_code=person_code, person_id=pid, household_id=hid, id_number=number, workshop_name=name,
                start_date=start, end_date=end if end and end >= start else None,
                monthly_wage=Decimal(rng.choice(("2200", "2400", "2600", "3000"))), created_by=admin,
                updated_by=admin))
    return shops, workers


def _rain_dew(rng, ctx, admin):
    """Students aged 15–21 of key households (and one of an ordinary household) for two school years;
    last year's graduates with where they went — one township below 90 %."""
    today = ctx.today
    young = list(Person.objects.filter(in_scope_q("region_code", ctx.county.prefix), status=PersonStatus.ACTIVE,
                                       birth_date__gt=today - dt.timedelta(days=21 * 365),
                                       birth_date__lte=today - dt.timedelta(days=15 * 365))
                 .order_by("id").values_list("id", "household_id", "region_code", "id_number",
                                             "household__household_type"))
    key = [p for p in young if p[4] != HouseholdType.ORDINARY]
    ordinary = [p for p in young if p[4] == HouseholdType.ORDINARY][:1]    # RAIN-DEW-INELIGIBLE
    chosen = rng.sample(key, k=min(len(key), max(10, len(key) // 4))) + ordinary
    low = chosen[0][2][:9] if chosen else ""        # the township of the first graduate
    rows, low_graduates = [], 0
    for i, (pid, hid, code, number, _kind) in enumerate(chosen):
        school, level = rng.choice(SCHOOLS)
        graduated = i % 3 == 0
        destination = ""
        if graduated:                                   # one where the person went, on each of their rows
            unplaced = rng.random() < 0.04
            if code.startswith(low):
                unplaced = low_graduates % 4 == 0       # one in four there: RAIN-DEW-RATE-LOW
                low_graduates += 1
            destination = "未就业" if unplaced else rng.choice(("就业", "就业", "就业", "升学", "参军"))
        for year in ((today.year - 2, today.year - 1) if graduated else (today.year - 1, today.year)):
            subsidy = Decimal("3000")
            if year == today.year - 1 and i % 17 == 5:
                subsidy = Decimal("1500")                                 # half paid: RAIN-DEW-UNPAID
            rows.append(RainDew(
                region_code=code, person_id=pid, household_id=hid, id_number=number, year=year, school=school,
                level=level, subsidy=None if year == today.year and today.month < 10 else subsidy,
                paid_on=dt.date(year, 11, rng.randint(1, 28)) if year < today.year or today.month >= 12 else None,
                graduation_year=today.year - 1 if graduated else None, destination=destination,
                created_by=admin, updated_by=admin))
    return rows


def _care_area(i: int, households: int) -> Decimal:
    """Enough care space (30 ㎡ per 100 households) except at the second township's site, 10 ㎡ short."""
    need = (Decimal(households) * Decimal("0.3")).quantize(Decimal(1), rounding=ROUND_CEILING)
    return Decimal("80") if i == 0 else need - 10 if i == 1 else need


def _relocation(rng, ctx, admin):
    """One 安置点 per township in its first village — the first a large site without an employment service
    station, the second short of care space — and the key households the registry marks 易地搬迁 (or, if it marks
    none, one in twenty key households) as their residents: an industry and a member in stable employment for
    most, one in nine without an industry, one in seven with nobody employed."""
    sites, site_of = [], {}
    for i, township in enumerate(ctx.townships):
        village = next((v for v in ctx.villages if v.code.startswith(township.code[:9])), None)
        if village is None:
            continue
        name = f"{township.name}幸福社区安置点"
        households, persons = (260, 1020) if i == 0 else (rng.randint(40, 120), rng.randint(150, 500))
        sites.append(ResettlementSite(
            region_code=village.code, name=name, site_type="大中型" if persons >= 800 else "小微型",
            households=households, persons=persons, service_station=i != 0,
            care_area=_care_area(i, households), created_by=admin, updated_by=admin))
        site_of[township.code[:9]] = name
    members = list(Person.objects.filter(in_scope_q("region_code", ctx.county.prefix), status=PersonStatus.ACTIVE,
                                         household__household_type__in=[HouseholdType.LIFTED,
                                                                        HouseholdType.MONITORED])
                   .order_by("household_id", "id").values_list("id", "household_id", "region_code", "id_number",
                                                               "name", "labour_ability", "household__relocated"))
    by_household: dict[int, list] = defaultdict(list)
    for m in members:
        by_household[m[1]].append(m)
    # The registry's 易地搬迁 households, topped up with one in twenty key households if it marks few.
    marked = [h for h, ms in by_household.items() if ms[0][6]]
    chosen = marked if len(marked) >= 30 else marked + [h for i, h in enumerate(by_household)
                                                        if i % 20 == 0 and h not in set(marked)]
    able = (LabourAbility.ORDINARY, LabourAbility.SKILLED, LabourAbility.WEAK)
    rows = []
    for i, household_id in enumerate(chosen):
        first = by_household[household_id][0]
        site = site_of.get(first[2][:9])
        if site is None:
            continue
        worker = next((m[4] for m in by_household[household_id] if m[5] in able), "")
        if i % 7 == 3:
            worker = ""                                      # RELOC-HH-NO-STABLE-JOB (if anyone can work)
        rows.append(RelocatedHousehold(
            region_code=first[2], person_id=first[0], household_id=household_id, id_number=first[3],
            site_name=site, moved_year=rng.choice((2017, 2018, 2019, 2020)),
            industry="" if i % 9 == 4 else rng.choice(("食用菌种植", "中药材种植", "肉牛养殖", "光伏收益分红", "茶叶")),
            worker_name=worker, job=rng.choice(("帮扶车间", "外出务工", "公益岗位", "产业园区")) if worker else "",
            created_by=admin, updated_by=admin))
    return sites, rows


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    for model in (PostAttendance, PublicPost, WorkRecord, WorkTarget, WorkshopWorker, Workshop, RainDew,
                  RelocatedHousehold, ResettlementSite):
        model.objects.filter(scope).delete()
        model.history.filter(scope).delete()
