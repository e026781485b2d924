"""Demo rows of 三保障和饮水安全 for the demo county (gonggu demo): a 危房改造 for most houses the 住建 list rates C or
D, at every step of the procedure, a few with the problems counties meet (too small, moved in before acceptance,
subsidy unpaid, old house standing); dropout files with their persuasions; 送教上门 visits; each village's water
and a few water problems, open and closed. The ledger checks that follow (demo_ledger_rules) turn the problems
into findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import PersonStatus
from gonggu.registry.models import Person
from gonggu.sources.models import Fact

from .models import (
    DropoutFile,
    DropoutScreening,
    HealthService,
    HomeTeachingVisit,
    HouseInspection,
    HousingRenovation,
    IdleDangerousHouse,
    Persuasion,
    SeriousIllness,
    VillageClinic,
    VillageWater,
    WaterProblem,
    WaterTraining,
)
from .workflow import min_floor_area

MODELS = (HousingRenovation, HouseInspection, IdleDangerousHouse, DropoutFile, Persuasion, HomeTeachingVisit,
          VillageWater, WaterProblem, WaterTraining, HealthService, VillageClinic, SeriousIllness, DropoutScreening)
# Where each demo renovation stands: the steps done, in order (status, date field), then what is odd about it.
STEPS = [("已村级评议", "village_reviewed_on"), ("已乡镇审核", "township_reviewed_on"), ("已县级审批", "county_approved_on"),
         ("施工中", "started_on"), ("已竣工", "completed_on"), ("已验收", "accepted_on"), ("已拨付", "paid_on"),
         ("已销号", "closed_on")]
ODDITIES = ["area_low", "moved_in_early", "unpaid", "old_standing", "subsidy_over", None, None]


def _d(today: dt.date, days_ago: int) -> dt.date:
    return today - dt.timedelta(days=days_ago)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _owner(p: Person, **extra) -> dict:
    return {"region_code": p.region_code, "household_id": p.household_id, "id_number": p.id_number, **extra}


def _renovations(ctx, rng, admin) -> list[HousingRenovation]:
    today = ctx.today
    prefix = ctx.county.prefix
    latest: dict[int, tuple] = {}
    for number, grade, as_of, row in Fact.objects.filter(source="zj_housing").values_list(
            "id_number", "grade", "as_of", "row_number").order_by("as_of", "batch_id", "row_number"):
        latest[number] = (grade, as_of, row)
    people = {p.id_number: p for p in Person.objects.filter(in_scope_q("region_code", prefix),
                                                             id_number__in=list(latest)).select_related("household")}
    candidates = [(people[n], g) for n, (g, _a, _r) in sorted(latest.items()) if n in people and g in ("C", "D")]
    # A small county's list has few C and D houses: a few more households applied after the village's own check,
    # so that every step of the procedure shows.
    heads = Person.objects.filter(in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE, relation="户主",
                                  household__household_type__in=("脱贫户", "监测户")).select_related("household")
    extra = [p for p in heads.order_by("id")[:60] if p.id_number not in latest]
    candidates += [(p, rng.choice("CD")) for p in rng.sample(extra, min(len(extra), max(0, 14 - len(candidates))))]
    rows, seen = [], set()
    for i, (p, grade) in enumerate(candidates):
        if p.household_id in seen:
            continue
        seen.add(p.household_id)
        if i % 6 == 5 and p.id_number in latest:
            continue   # left out of the plan: HOUSE-NOT-PLANNED finds it
        size = max(p.household.members.filter(status=PersonStatus.ACTIVE).count(), 1)
        kind = "维修加固" if grade == "C" else rng.choice(["拆除重建", "拆除重建", "选址新建"])
        applied = _d(today, rng.randint(150, 300))
        row = HousingRenovation(**_owner(p), plan_year=applied.year, grade=f"{grade}级", renovation_type=kind,
                                household_size=size, applied_on=applied, created_by=admin, updated_by=admin,
                                status="已申请")
        done = len(rows) % (len(STEPS) + 1)   # 0 … 8 steps done
        on = applied
        for status, field in STEPS[:done]:
            on = on + dt.timedelta(days=rng.randint(5, 20))
            setattr(row, field, min(on, today))
            row.status = status
        subsidy = Decimal(16000 if kind == "维修加固" else 40000)
        if row.county_approved_on:
            row.subsidy = subsidy
        if row.completed_on and kind != "维修加固":
            row.floor_area = min_floor_area(size) + rng.randint(2, 20)
        oddity = ODDITIES[len(rows) % len(ODDITIES)]
        if row.accepted_on:
            row.moved_in_on = row.accepted_on + dt.timedelta(days=rng.randint(3, 15))
            row.old_house_demolished = kind == "选址新建"
        if row.paid_on:
            row.paid_amount, row.paid_to_card = subsidy, True
        if oddity == "area_low" and row.floor_area:
            row.floor_area = min_floor_area(size) - 5
        elif oddity == "moved_in_early" and row.completed_on:
            row.moved_in_on = row.completed_on + dt.timedelta(days=1)
            if row.accepted_on:
                row.accepted_on = max(row.accepted_on, row.moved_in_on + dt.timedelta(days=5))
        elif oddity == "unpaid" and row.accepted_on and not row.paid_on:
            row.accepted_on = min(row.accepted_on, _d(today, 45))
        elif oddity == "subsidy_over" and row.subsidy:
            row.subsidy = row.subsidy + 3000
            if row.paid_amount:
                row.paid_amount = row.subsidy
        elif oddity == "old_standing" and row.accepted_on and kind == "选址新建" and not row.closed_on:
            row.old_house_demolished = False
        rows.append(row)
    return rows


def _houses(ctx, rng, admin):
    """Hazards found in the routine checks (one not appraised in time) and long-empty dangerous houses (one whose
    checks lapsed, one someone has moved back into)."""
    today = ctx.today
    heads = list(Person.objects.filter(in_scope_q("region_code", ctx.county.prefix), status=PersonStatus.ACTIVE,
                                       relation="户主").order_by("-id")[:8])
    inspections, idle = [], []
    for i, p in enumerate(heads[:4]):
        on = _d(today, 20 + 25 * i)
        appraised = on + dt.timedelta(days=12) if i % 2 == 0 else None
        inspections.append(HouseInspection(**_owner(p), inspected_on=on, inspector="村监测员", hazard="墙体出现裂缝",
                                           previous_grade="B", appraised_on=appraised,
                                           appraisal_grade="C" if appraised else "", created_by=admin,
                                           updated_by=admin))
    for i, p in enumerate(heads[4:8]):
        idle.append(IdleDangerousHouse(**_owner(p), listed_on=_d(today, 300), grade="D", warning_posted=True,
                                       checker="村监测员", last_checked_on=_d(today, 150 if i == 1 else 20 + i),
                                       occupied=i == 2, created_by=admin, updated_by=admin))
    return inspections, idle


def _children(ctx, low: int, high: int) -> list[Person]:
    people = Person.objects.filter(in_scope_q("region_code", ctx.county.prefix), status=PersonStatus.ACTIVE).order_by("id")
    return [p for p in people if p.birth_date and low <= _age(p.birth_date, ctx.today) <= high]


def _education(ctx, rng, admin):
    today = ctx.today
    pupils = _children(ctx, 7, 15)
    files, persuasions, visits = [], [], []
    # Four dropouts: returned after three persuasions; three persuasions, still out; one attempt only (late);
    # reported after three, deferred after three joint persuasions with approval.
    for i, p in enumerate(pupils[:4]):
        found = _d(today, 60 + 10 * i)
        f = DropoutFile(**_owner(p), person=p, found_on=found, kind=["疑似辍学", "辍学", "辍学", "辍学"][i],
                        school="城关镇第一初级中学", grade_level="初二", reason=["厌学", "外出务工", "家庭困难", "厌学"][i],
                        created_by=admin, updated_by=admin)
        attempts = [3, 3, 1, 3][i]
        dates = [found + dt.timedelta(days=4 + 7 * k) for k in range(attempts)]
        for k, on in enumerate(dates):
            back = i == 0 and k == attempts - 1
            persuasions.append(Persuasion(**_owner(p), person=p, persuaded_on=on, persuaders="班主任、村支书",
                                          outcome="已复学" if back else "未复学", content="入户做家长和学生工作",
                                          created_by=admin, updated_by=admin))
        if i == 0:
            f.status, f.returned_on = "已复学", dates[-1]
        elif i == 3:
            f.status, f.reported_on = "已批准延缓入学或休学", dates[-1] + dt.timedelta(days=3)
            for k in range(3):
                persuasions.append(Persuasion(**_owner(p), person=p, joint=True,
                                              persuaded_on=f.reported_on + dt.timedelta(days=3 + 5 * k),
                                              persuaders="县联合劝返工作组", outcome="未复学",
                                              created_by=admin, updated_by=admin))
            f.approved_on, f.approved_by = f.reported_on + dt.timedelta(days=25), "县人民政府"
        files.append(f)
    # 送教上门: two children, one served twice a month, one only once last month.
    first_of_month = today.replace(day=1)
    for i, p in enumerate(pupils[4:6]):
        for months_back in (1, 2, 3):
            month_start = (first_of_month - dt.timedelta(days=28 * months_back)).replace(day=1)
            days = (5, 19) if i == 0 or months_back > 1 else (12,)
            for day in days:
                visits.append(HomeTeachingVisit(**_owner(p), person=p, visited_on=month_start.replace(day=day),
                                                class_hours=3, teacher="特教王老师", content="生活自理和识字训练",
                                                created_by=admin, updated_by=admin))
    return files, persuasions, visits


def _water(ctx, rng, admin):
    rows, problems = [], []
    year = ctx.today.year
    for i, v in enumerate(ctx.villages):
        rows.append(VillageWater(
            region_code=v.code, year=year, supply_mode="分散供水" if i % 5 == 4 else "集中供水",
            litres_per_day=Decimal(35 if i % 7 == 3 else rng.randint(50, 90)), low_rain=False,
            fetch_minutes=Decimal(15) if i % 5 == 4 else None, fetch_distance_m=Decimal(600) if i % 5 == 4 else None,
            fetch_height_m=Decimal(10) if i % 5 == 4 else None,
            short_days=20 if i % 6 == 2 else rng.randint(0, 10), quality_ok=i % 9 != 1,
            quality_tested_on=_d(ctx.today, rng.randint(20, 200)), manager="" if i % 8 == 5 else f"{v.name[:1]}水管",
            fee_rate=Decimal(rng.choice(["96.5", "98.0", "92.0", "99.1"])), created_by=admin, updated_by=admin))
        if i % 3 == 0:
            found = _d(ctx.today, rng.randint(30, 120))
            closed = found + dt.timedelta(days=20) if i % 2 == 0 else None
            problems.append(WaterProblem(
                region_code=v.code, found_on=found, category=rng.choice(["水量", "水质", "工程设施"]),
                description="管网末端夏季水压不足" if i % 2 else "水源井消毒设施损坏", deadline=found + dt.timedelta(days=25),
                measure="更换加压泵、维修消毒设施", closed_on=closed, evidence="维修照片、回访记录" if closed else "",
                created_by=admin, updated_by=admin))
    trainings = []
    last_year = ctx.today.year - 1
    for t, township in enumerate(ctx.townships):
        rows.extend(VillageWater(region_code=v.code, year=last_year, supply_mode="集中供水", litres_per_day=Decimal(60),
                                 short_days=3, quality_ok=True, quality_tested_on=dt.date(last_year, 6, 1),
                                 manager="水管员", fee_rate=Decimal("96"), created_by=admin, updated_by=admin)
                    for v in ctx.villages if v.code.startswith(township.prefix))
        for k in range(3 if t % 2 == 0 else 2):
            trainings.append(WaterTraining(region_code=township.code, held_on=dt.date(last_year, 3 + 3 * k, 15),
                                           level="镇级", trainees=rng.randint(8, 20), topic="管网巡检和消毒",
                                           created_by=admin, updated_by=admin))
    for k in range(2):
        trainings.append(WaterTraining(region_code=ctx.county.code, held_on=dt.date(last_year, 4 + 5 * k, 20),
                                       level="县级", trainees=40, topic="水管员业务培训", created_by=admin,
                                       updated_by=admin))
    return rows, problems, trainings


def _quarter_start(day: dt.date, back: int) -> dt.date:
    """The first day of the quarter `back` quarters before the one of `day`."""
    index = day.year * 4 + (day.month - 1) // 3 - back
    return dt.date(index // 4, index % 4 * 3 + 1, 1)


def _screenings(ctx, rng, admin, files: list[DropoutFile]) -> list[DropoutScreening]:
    """A screening round per township and quarter for the last year; the second township missed the last whole
    quarter (DROPOUT-SCREEN-QUARTER), and the first one's round of that quarter found one more dropout than it
    filed (DROPOUT-SCREEN-UNFILED). Each round reports the files its township opened in its quarter."""
    rows = []
    for t, township in enumerate(ctx.townships):
        for back in range(4, -1, -1):
            start = _quarter_start(ctx.today, back)
            on = start + dt.timedelta(days=20 + rng.randint(0, 30))
            if on > ctx.today or (t == 1 and back == 1):
                continue
            end = _quarter_start(ctx.today, back - 1)
            found = sum(1 for f in files if f.region_code.startswith(township.prefix) and start <= f.found_on < end)
            rows.append(DropoutScreening(
                region_code=township.code, screened_on=on, screeners=f"{township.name}中心校、乡教办", schools=rng.randint(4, 9),
                children=rng.randint(600, 1500), found=found + (1 if t == 0 and back == 1 else 0),
                note="逐校核对学籍名单和在校名单，入户核实未到校学生", created_by=admin, updated_by=admin))
    return rows


def _household_water(ctx, admin) -> list[WaterProblem]:
    """Water problems of single monitored households: one still open (its record cannot be eliminated), one closed;
    and one a household's record was marked eliminated before it was closed (WATER-CASE-ELIMINATED-OPEN)."""
    from gonggu.monitoring.models import MonitoringCase

    scope = in_scope_q("region_code", ctx.county.prefix)
    monitored = list(MonitoringCase.objects.filter(scope, status="monitoring").select_related("household")
                     .order_by("id")[:2])
    gone = MonitoringCase.objects.filter(scope, eliminated_on__isnull=False).order_by("-eliminated_on", "id").first()
    rows = []
    for i, case in enumerate(monitored + ([gone] if gone else [])):
        head = case.household.members.order_by("id").first()
        if head is None:
            continue
        if i == 2:
            found = case.eliminated_on - dt.timedelta(days=10)
            closed = min(case.eliminated_on + dt.timedelta(days=15), ctx.today)
        else:
            found = _d(ctx.today, 20 + 30 * i)
            closed = None if i == 0 else found + dt.timedelta(days=12)
        rows.append(WaterProblem(
            region_code=case.region_code, household=case.household, household_id_number=head.id_number,
            found_on=found, category=["水质", "方便程度", "水量"][i],
            description=["自家水井水质浑浊", "入户管道损坏，需到邻居家取水", "入户水管冬季冻裂"][i],
            deadline=found + dt.timedelta(days=30), measure="接通集中供水入户管道", closed_on=closed,
            evidence="入户回访记录、照片" if closed else "", created_by=admin, updated_by=admin))
    return rows


def _health(ctx, rng, admin):
    """卫健's list: a family-doctor contract for adults of 脱贫户 and 监测户, some of them chronic patients (a few
    unsigned or not followed up last quarter); a clinic in every village (one without a licensed doctor, one small)."""
    today = ctx.today
    people = Person.objects.filter(in_scope_q("region_code", ctx.county.prefix), status=PersonStatus.ACTIVE,
                                   household__household_type__in=("脱贫户", "监测户")).order_by("id")
    services = []
    for i, p in enumerate(p for p in people[:400] if p.birth_date and _age(p.birth_date, today) >= 40):
        if i >= 60:
            break
        disease = ["高血压", "糖尿病", "", "", "高血压", "结核病", "", "严重精神障碍"][i % 8]
        signed = None if disease and i % 13 == 4 else today.replace(month=1, day=rng.randint(5, 28))
        follow = None
        if disease and signed:
            follow = _d(today, rng.randint(10, 60)) if i % 9 != 1 else _d(today, rng.randint(200, 260))
        services.append(HealthService(**_owner(p), person=p, year=today.year, signed_on=signed,
                                      doctor="村医" + "张王李赵"[i % 4] if signed else "", chronic_disease=disease,
                                      last_follow_up_on=follow if follow and follow >= (signed or follow) else None,
                                      created_by=admin, updated_by=admin))
    illnesses = [SeriousIllness(**_owner(p), person=p, disease=["脑卒中", "肺癌", "终末期肾病", "急性心肌梗死"][i % 4],
                                diagnosed_on=_d(today, 40 + 30 * i), hospital="县人民医院",
                                treated_on=None if i == 1 else _d(today, 35 + 30 * i), created_by=admin,
                                updated_by=admin)
                 for i, p in enumerate(people[100:106])]
    clinics = [VillageClinic(region_code=v.code, year=today.year, has_clinic=True,
                             building_area=Decimal(72 if i % 7 == 2 else rng.randint(85, 140)),
                             public_owned=i % 11 != 3, licensed_doctors=0 if i % 9 == 4 else rng.randint(1, 3),
                             created_by=admin, updated_by=admin)
               for i, v in enumerate(ctx.villages)]
    return services, clinics, illnesses


def demo_guarantees(ctx) -> dict:
    rng = ctx.rng.__class__(f"gonggu-guarantees-{ctx.seed}")
    admin = ctx.users.get("admin")
    with transaction.atomic():
        renovations = _renovations(ctx, rng, admin)
        files, persuasions, visits = _education(ctx, rng, admin)
        screenings = _screenings(ctx, rng, admin, files)
        water, problems, trainings = _water(ctx, rng, admin)
        problems += _household_water(ctx, admin)
        inspections, idle = _houses(ctx, rng, admin)
        services, clinics, illnesses = _health(ctx, rng, admin)
        for model, rows in ((HousingRenovation, renovations), (DropoutFile, files), (Persuasion, persuasions),
                            (HomeTeachingVisit, visits), (VillageWater, water), (WaterProblem, problems),
                            (HealthService, services), (VillageClinic, clinics), (SeriousIllness, illnesses), (WaterTraining, trainings),
                            (HouseInspection, inspections), (IdleDangerousHouse, idle),
                            (DropoutScreening, screenings)):
            if rows:
                bulk_create_with_history(rows, model, batch_size=2000, default_user=admin)
    return {"renovations": len(renovations), "house_inspections": len(inspections), "idle_houses": len(idle), "dropout_files": len(files), "home_teaching_visits": len(visits),
            "water_villages": len(water), "water_problems": len(problems), "health_services": len(services),
            "village_clinics": len(clinics), "dropout_screenings": len(screenings)}


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    for model in MODELS:
        model.history.filter(scope).delete()
        model.objects.filter(scope).delete()
