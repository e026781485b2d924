"""Demo history of monitoring for the demo county (gonggu demo): records of every 监测户, measures and visits,
a few households at each step of the live procedure in the first village, a few eliminated, and a few with
the compliance problems counties really meet (late approval, missed visits, measures that do not fit)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType, LabourAbility, PersonStatus, Relation
from gonggu.registry.models import Household, Person

from .choices import DEVELOPMENTAL, RISK_MEASURE, Channel, MeasureCategory
from .eligibility import age_on
from .models import (
    CaseEvent,
    Clue,
    Elimination,
    Measure,
    MonitoringCase,
    NoLabourDesignation,
    Notice,
    Visit,
)
from .workflow import CaseStatus, Procedure

RISKS = ["因病", "因残", "因学", "因灾", "因意外事故", "因产业项目失败", "因务工就业不稳", "缺劳动力", "住房安全", "饮水安全"]
CONTENT = {
    MeasureCategory.INDUSTRY: "发放产业奖补，发展庭院种植", MeasureCategory.EMPLOYMENT: "推荐到县产业园务工",
    MeasureCategory.PUBLIC_POST: "安排乡村保洁公益岗位", MeasureCategory.MICROCREDIT: "脱贫人口小额信贷 5 万元",
    MeasureCategory.TRAINING: "参加电工技能培训", MeasureCategory.HEALTH: "落实医疗救助和家庭医生签约",
    MeasureCategory.EDUCATION: "落实雨露计划和教育资助", MeasureCategory.HOUSING: "危房改造",
    MeasureCategory.WATER: "接通自来水管网", MeasureCategory.SOCIAL_PROTECTION: "纳入农村低保",
    MeasureCategory.SOCIAL: "爱心企业结对帮扶",
}
VISIT_NOTES = ["措施落实到位，家庭收入稳定", "了解务工和收入情况，无新增困难", "走访了解病人康复情况，医疗费用已报销",
               "子女按时上学，资助已到账", "庭院种植长势良好", "提醒按时缴纳医保费用"]


def _d(today: dt.date, days_ago: int) -> dt.date:
    return today - dt.timedelta(days=days_ago)


def demo_monitoring(ctx) -> dict:
    rng = ctx.rng.__class__(f"gonggu-monitoring-{ctx.seed}")
    today = ctx.today
    prefix = ctx.county.prefix
    users = ctx.users
    clerk, reviewer, admin, officer = (users.get(n) for n in ("cunyuan", "xiangzhen", "admin", "bangfu"))
    monitored = list(Household.objects.filter(in_scope_q("region_code", prefix),
                                              household_type=HouseholdType.MONITORED).order_by("id"))
    members: dict[int, list[Person]] = defaultdict(list)
    for p in Person.objects.filter(in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE,
                                   household__household_type=HouseholdType.MONITORED).order_by("id"):
        members[p.household_id].append(p)
    cases, measures, visits = [], [], []
    plans = []
    counts = defaultdict(int)
    with transaction.atomic():
        for i, hh in enumerate(monitored):
            people = members.get(hh.pk, [])
            risks = rng.sample(RISKS, k=rng.choice((1, 1, 2)))
            found = _d(today, rng.randint(120, 900))
            late = rng.random() < 0.08                          # a record approved after the 15-day limit
            approved = found + dt.timedelta(days=rng.randint(17, 30) if late else rng.randint(8, 14))
            notice_start = found + dt.timedelta(days=rng.randint(1, 3))
            eliminated = None
            if i % 4 == 1 and (today - approved).days > 150:
                eliminated = approved + dt.timedelta(days=rng.randint(100, 300))
                eliminated = min(eliminated, _d(today, 10))
            case = MonitoringCase(
                household=hh, region_code=hh.region_code, channel=rng.choice(Channel.values), discovered_on=found,
                monitoring_type=hh.monitoring_type or "边缘易致贫户", risk_types="、".join(risks),
                status=CaseStatus.ELIMINATED if eliminated else CaseStatus.MONITORING,
                notice_start=notice_start, notice_end=notice_start + dt.timedelta(days=4),
                county_approved_on=approved, entered_on=approved + dt.timedelta(days=rng.randint(1, 8)),
                officer=officer if officer and hh.region_code == officer.region.code else None,
                officer_name=(officer.full_name if officer and hh.region_code == officer.region.code
                              else rng.choice(["张建国", "李红梅", "王志强", "赵丽", "刘洋", "陈静"])),
                officer_unit=rng.choice(["县农业农村局", "县人社局", "县医保局", "镇政府", "县教体局"]),
                officer_assigned_on=approved + dt.timedelta(days=rng.randint(1, 6)),
                plan_on=approved + dt.timedelta(days=rng.randint(2, 9)),
                plan_summary="根据风险类型和家庭劳动力情况，因户施策：" + "、".join(risks),
                eliminated_on=eliminated, elimination_method="稳定消除" if eliminated else "",
                elim_notice_start=eliminated - dt.timedelta(days=12) if eliminated else None,
                elim_notice_end=eliminated - dt.timedelta(days=8) if eliminated else None,
                imported=True,
            )
            cases.append(case)
            plans.append((case, people, risks, i))
        MonitoringCase.objects.bulk_create(cases, batch_size=500)
        for case, people, risks, i in plans:
            start = case.plan_on
            wrong = i % 11 == 5                                 # a measure that does not answer the risk
            for risk in risks:
                category = RISK_MEASURE.get(risk)
                if category and not wrong:
                    measures.append(_measure(case, category, start, None))
            capable = [p for p in people if p.labour_ability in (LabourAbility.ORDINARY, LabourAbility.SKILLED)
                       and 16 <= age_on(p.birth_date, today) <= 59]
            if capable and i % 9 != 4:                          # most labour-capable households have work
                category = rng.choice(sorted(DEVELOPMENTAL))
                measures.append(_measure(case, category, start, None, capable[0] if category ==
                                         MeasureCategory.PUBLIC_POST else None))
            elif not capable:
                measures.append(_measure(case, MeasureCategory.SOCIAL_PROTECTION, start, None))
            end = case.eliminated_on or today
            day = case.county_approved_on + dt.timedelta(days=rng.randint(5, 20))
            skip = i % 6 == 2                                   # visits stopped two months ago
            while day <= end - dt.timedelta(days=(62 if skip else 0)):
                visits.append(Visit(household_id=case.household_id, case=case, region_code=case.region_code,
                                    visited_on=day, visitor=case.officer, visitor_name=case.officer_name,
                                    content=rng.choice(VISIT_NOTES), imported=True))
                day += dt.timedelta(days=rng.randint(24, 31))
        Measure.objects.bulk_create(measures, batch_size=1000)
        Visit.objects.bulk_create(visits, batch_size=1000)
        counts["eliminated"] = sum(1 for c in cases if c.eliminated_on)
        counts["live"] = _live_procedure(ctx, rng, clerk, reviewer, admin, officer)
    return {"monitoring_cases": len(cases) + counts["live"], "monitoring_measures": len(measures),
            "monitoring_visits": len(visits), "monitoring_eliminated": counts["eliminated"]}


def _measure(case, category, start, end, beneficiary=None) -> Measure:
    return Measure(household_id=case.household_id, case=case, region_code=case.region_code, category=category,
                   start_on=start, end_on=end, beneficiary=beneficiary,
                   beneficiary_id_number=beneficiary.id_number if beneficiary else "",
                   content=CONTENT.get(category, ""), imported=True)


def _live_procedure(ctx, rng, clerk, reviewer, admin, officer) -> int:
    """Households of the first village at each step, so every persona finds work waiting in the demo."""
    if clerk is None or clerk.region is None:
        return 0
    today = ctx.today
    village = clerk.region
    ordinary = list(Household.objects.filter(region_code=village.code, household_type=HouseholdType.ORDINARY)
                    .order_by("id")[:10])
    if len(ordinary) < 10:
        return 0
    heads = dict(Person.objects.filter(household__in=ordinary, relation=Relation.HEAD).values_list(
        "household_id", "id_number"))
    # One self-declared clue waiting for the village.
    Clue.objects.create(channel=Channel.SELF_DECLARED, discovered_on=_d(today, 1), village=village,
                        region_code=village.code, household=ordinary[0], name=ordinary[0].head_name,
                        id_number=heads.get(ordinary[0].pk, ""), phone="13800000000",
                        difficulty="丈夫务工时摔伤，半年不能干活", risk_types="因意外事故", receipt_code="DEMO-2026")
    stages = [
        (ordinary[1], CaseStatus.VERIFYING, 2), (ordinary[2], CaseStatus.SELECTING, 4),
        (ordinary[3], CaseStatus.NOTICE, 5), (ordinary[4], CaseStatus.NOTICE, 9),
        (ordinary[5], CaseStatus.COUNTY, 11), (ordinary[6], CaseStatus.ANNOUNCE, 13),
        (ordinary[7], CaseStatus.VERIFYING, 16),
    ]
    notice = None
    for n, (hh, status, days_ago) in enumerate(stages):
        found = _d(today, days_ago)
        clue = Clue.objects.create(channel=Channel.CADRE, discovered_on=found, village=village, region_code=village.code,
                                   household=hh, name=hh.head_name, difficulty="基层干部排查发现：家人患病，支出大",
                                   risk_types="因病", status=Clue.Status.ACCEPTED, handled_on=found, handled_by=clerk,
                                   created_by=clerk)
        case = MonitoringCase.objects.create(household=hh, region_code=hh.region_code, clue=clue, channel=clue.channel,
                                             discovered_on=found, risk_types="因病", status=status,
                                             green_channel=n == 6, green_channel_reason="突发重病，先行救助" if n == 6 else "",
                                             created_by=clerk)
        events = [("open", "受理线索并启动识别程序", found, clerk)]
        if status != CaseStatus.VERIFYING:
            case.verified_on, case.verified_by, case.monitoring_type = found, clerk, "边缘易致贫户"
            case.verification_form = {"findings": "入户核实：家庭成员患病，医疗支出较大，收入下降"}
            case.commitment_signed_on, case.compared_on = found, found + dt.timedelta(days=1)
            case.comparison_results = {"warnings": [], "findings": [], "note": "部门数据比对无异常"}
            events += [("verify", "入户核实", found, clerk), ("compare", "信息比对", case.compared_on, clerk)]
        if status in (CaseStatus.NOTICE, CaseStatus.COUNTY, CaseStatus.ANNOUNCE):
            start = found + dt.timedelta(days=1)
            notice = Notice.objects.create(kind=Notice.Kind.IDENT_NOTICE, village=village, region_code=village.code,
                                           issuer=f"{village.name}村民委员会",
                                           title=f"{village.name}防止返贫监测对象初选名单公示", start_on=start,
                                           end_on=start + dt.timedelta(days=4), posted_on=start,
                                           posted_place="村委会公示栏", created_by=clerk)
            notice.cases.add(case)
            case.selected_on, case.notice, case.notice_start, case.notice_end = (
                found + dt.timedelta(days=1), notice, notice.start_on, notice.end_on)
            events.append(("select", "村级初选并公示", case.selected_on, clerk))
        if status in (CaseStatus.COUNTY, CaseStatus.ANNOUNCE):
            case.township_reviewed_on = case.notice_end + dt.timedelta(days=1)
            events.append(("township_review", "乡级审核", case.township_reviewed_on, reviewer))
        if status == CaseStatus.ANNOUNCE:
            case.county_approved_on, case.approval_body = case.township_reviewed_on + dt.timedelta(days=1), \
                "县级党委农村工作领导小组批准"
            events.append(("county_approve", "县级审批", case.county_approved_on, admin))
        if n == 6:
            case.plan_on, case.plan_summary = found, "绿色通道：先行临时救助，再落实健康帮扶"
            Measure.objects.create(household=hh, case=case, region_code=hh.region_code,
                                   category=MeasureCategory.SOCIAL_PROTECTION, start_on=found, content="临时救助 3000 元")
        case.save()
        CaseEvent.objects.bulk_create([CaseEvent.build(case, u, a, procedure=Procedure.IDENTIFICATION, label=label,
                                                       on_date=on) for a, label, on, u in events])
    return len(stages) + _officer_cases(ctx, ordinary[8:10], village, clerk, admin, officer)


def _officer_cases(ctx, households, village, clerk, admin, officer) -> int:
    """Two monitored households of the first village looked after by the demo 帮扶责任人: one due for its monthly
    visit, one included five months ago whose risk may now be eliminated."""
    from gonggu.registry.services import household_update

    if officer is None or admin is None:
        return 0
    today = ctx.today
    for hh, approved_ago, last_visit_ago in ((households[0], 45, 35), (households[1], 150, 6)):
        approved = _d(today, approved_ago)
        found = approved - dt.timedelta(days=9)
        case = MonitoringCase.objects.create(
            household=hh, region_code=hh.region_code, channel=Channel.DEPARTMENT, discovered_on=found,
            monitoring_type="边缘易致贫户", risk_types="因病", status=CaseStatus.MONITORING,
            verified_on=found + dt.timedelta(days=1), commitment_signed_on=found + dt.timedelta(days=1),
            compared_on=found + dt.timedelta(days=2), selected_on=found + dt.timedelta(days=2),
            notice_start=found + dt.timedelta(days=3), notice_end=found + dt.timedelta(days=7),
            township_reviewed_on=found + dt.timedelta(days=8), county_approved_on=approved,
            approval_body="县级党委农村工作领导小组批准", announced_on=approved + dt.timedelta(days=1),
            entered_on=approved + dt.timedelta(days=2), officer=officer, officer_name=officer.full_name,
            officer_unit="县乡村振兴局", officer_assigned_on=approved + dt.timedelta(days=3),
            plan_on=approved + dt.timedelta(days=4), plan_summary="落实健康帮扶，推荐家庭劳动力就近务工",
            verification_form={"findings": "家人患慢性病，年医疗支出较大"}, created_by=clerk)
        for category in (MeasureCategory.HEALTH, MeasureCategory.EMPLOYMENT):
            Measure.objects.create(household=hh, case=case, region_code=hh.region_code, category=category,
                                   start_on=approved + dt.timedelta(days=4), content=CONTENT[category])
        day = approved + dt.timedelta(days=10)
        while day <= _d(today, last_visit_ago):
            Visit.objects.create(household=hh, case=case, region_code=hh.region_code, visited_on=day, visitor=officer,
                                 visitor_name=officer.full_name, content="走访了解病人康复和务工情况")
            day += dt.timedelta(days=28)
        Visit.objects.create(household=hh, case=case, region_code=hh.region_code, visited_on=_d(today, last_visit_ago),
                             visitor=officer, visitor_name=officer.full_name, content="收入稳定，医疗费用已报销")
        # Included households are 监测户 in the registry (through the registry's own service, audited).
        household_update(actor=admin, household=hh, household_type=HouseholdType.MONITORED,
                         monitoring_type="边缘易致贫户", relocated=hh.relocated)
    return len(households)


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    Measure.objects.filter(scope).delete()
    Visit.objects.filter(scope).delete()
    NoLabourDesignation.objects.filter(scope).delete()
    Elimination.objects.filter(scope).delete()
    MonitoringCase.objects.filter(scope).delete()
    Notice.objects.filter(scope).delete()
    Clue.objects.filter(scope).delete()
