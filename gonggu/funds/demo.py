"""Demo funds, project library and assets for the demo county (gonggu demo): three fund years of allocations
(中央, 省级, 市级, 县级) arranged to each year's projects, a library with projects at every step, payments by
progress, the assets accepted projects left (光伏 stations from earlier years too) and their income — with the
problems counties really meet: an allocation executed late, a late acceptance, an asset not registered in
time, a year whose central industry share is below 60 %, a level whose funds fell, a project funded before
it entered the library, cash handed out, a 光伏 station below its marks, a disposal without approval, industry
projects not yet classified by the 四个一批 this year, and a quarter without the county's fund inspection."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.monitoring.deadlines import holiday_overrides
from gonggu.registry.models import Person

from .models import (
    Asset,
    AssetIncome,
    ConsumptionPurchase,
    FundAllocation,
    FundInspection,
    FundUse,
    Payment,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
)
from .rule_defs import working_days_after
from .workflow import status_from_dates

CENT = Decimal("0.01")
INDUSTRY = ["食用菌大棚", "中药材种植基地", "肉牛养殖场", "冷链仓储", "农产品加工车间", "花椒种植基地", "特色林果基地", "蔬菜大棚"]
INFRA = ["通村道路硬化", "灌溉水渠", "安全饮水巩固提升", "生产便道", "桥涵"]
EMPLOYMENT = ["帮扶车间", "技能培训"]
BUILDING = ["村内人居环境整治", "村级综合服务设施"]
LINKS = ["务工带动、订单收购", "入股分红、务工带动", "资产租赁收益分配", "订单收购、技术服务"]
SOURCES = ["中央", "中央", "中央", "省级", "省级", "市级", "县级"]
# Central money to industry, by fund year (oldest first): the last year falls below 60 %.
INDUSTRY_SHARE = [Decimal("0.64"), Decimal("0.67"), Decimal("0.57")]


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_DOWN)


def demo_funds(ctx) -> dict:
    rng = ctx.rng.__class__(f"gonggu-funds-{ctx.seed}")
    today = ctx.today
    county = ctx.county.code
    villages = list(ctx.villages)
    township_names = {t.prefix: t.name for t in ctx.townships}
    overrides = holiday_overrides()
    years = [today.year - 2, today.year - 1, today.year]
    projects: list[Project] = []
    allocations: list[FundAllocation] = []
    uses: list[FundUse] = []
    payments: list[Payment] = []
    assets: list[Asset] = []
    incomes: list[AssetIncome] = []

    def wd(start: dt.date, n: int) -> dt.date:
        return working_days_after(start, n, overrides)

    def capped(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= today else None

    # Each level's yearly amount grows a little; the 县级 funds of the middle year fall.
    base = [Decimal(rng.randint(20, 60) * 100000) for _ in SOURCES]
    seq = 0
    for yi, year in enumerate(years):
        # The year's projects: one or two per village, proposed in the autumn before.
        year_projects: list[Project] = []
        for village in villages:
            for _ in range(rng.choice((1, 1, 2))):
                seq += 1
                kind = rng.choices(["产业发展", "基础设施", "就业帮扶", "乡村建设"], weights=[60, 25, 10, 5])[0]
                # Each year's plan has both industry and other projects, however few villages.
                kind = {0: "基础设施", 1: "产业发展"}.get(len(year_projects), kind)
                name = village.name + rng.choice({"产业发展": INDUSTRY, "基础设施": INFRA, "就业帮扶": EMPLOYMENT,
                                                  "乡村建设": BUILDING}[kind])
                operating = kind == "产业发展" or (kind == "就业帮扶" and rng.random() < 0.5)
                proposed = dt.date(year - 1, rng.randint(9, 11), rng.randint(1, 28))
                reviewed = proposed + dt.timedelta(days=rng.randint(10, 20))
                entered = reviewed + dt.timedelta(days=rng.randint(5, 15))
                published = entered + dt.timedelta(days=rng.randint(2, 5))
                planned = dt.date(year, rng.randint(1, 2), rng.randint(1, 28))
                p = Project(region_code=village.code, project_no=f"{year}-{village.code[6:9]}-{seq:04d}", name=name,
                            year=year, project_type=kind, operating=operating,
                            implementer=township_names.get(village.code[:9], "") + "人民政府",
                            link_mechanism=rng.choice(LINKS) if operating else "",
                            performance_targets=f"带动脱贫户和监测户 {rng.randint(8, 60)} 户增收",
                            proposed_on=proposed, reviewed_on=reviewed, entered_on=entered, published_on=published,
                            published_place=rng.choice(["村务公开栏", "乡镇政务公开栏", "县政府网站"]),
                            planned_on=planned)
                year_projects.append(p)
        # A few of the current year's proposals are still on their way to the plan.
        if year == today.year:
            for p in year_projects[-max(2, len(year_projects) // 8):]:
                p.planned_on = None
                if rng.random() < 0.5:
                    p.published_on = p.entered_on = None
        planned_projects = [p for p in year_projects if p.planned_on is not None]
        industry = [p for p in planned_projects if p.project_type == "产业发展"]
        others = [p for p in planned_projects if p.project_type != "产业发展"]

        # Allocations of the year; the 县级 total of the middle year is below the first year's.
        for i, source in enumerate(SOURCES):
            amount = base[i] + Decimal(yi * 100000)
            if source == "县级":
                amount = Decimal(3000000 if yi != 1 else 2400000)
            issued = dt.date(year, 2 + i, rng.randint(3, 20))
            if issued > today:
                continue
            a = FundAllocation(region_code=county, doc_no=f"{source}衔接〔{year}〕{10 + i}号", issued_on=issued,
                               year=year, source=source, amount=amount)
            allocations.append(a)
            # Arranged within 3–12 working days; one allocation a year is late (20 working days).
            late = i == 3
            executed = wd(issued, 20 if late else rng.randint(3, 12))
            if executed > today:
                continue
            share = INDUSTRY_SHARE[yi] if source == "中央" else Decimal("0.5")
            for group, part in ((industry, share), (others, 1 - share)):
                chosen = rng.sample(group, k=min(len(group), rng.randint(4, 8))) if group else []
                if not chosen:
                    continue
                each = _q(amount * part / len(chosen))
                for p in chosen:
                    uses.append(FundUse(region_code=county, doc_no=a.doc_no, project_no=p.project_no,
                                        executed_on=executed, amount=each))
                    field = {"中央": "central_funds", "省级": "provincial_funds", "市级": "city_funds",
                             "县级": "county_funds"}[source]
                    setattr(p, field, getattr(p, field) + each)
        for p in year_projects:
            if p.planned_total == 0:
                p.county_funds = Decimal(rng.randint(5, 30) * 10000)

        # Implementation: started in spring, completed in autumn, accepted within a few working days.
        for p in planned_projects:
            p.started_on = capped(p.planned_on + dt.timedelta(days=rng.randint(20, 60)))
            if p.started_on is None:
                continue
            p.completed_on = capped(p.started_on + dt.timedelta(days=rng.randint(90, 200)))
            if p.completed_on is None:
                continue
            late = rng.random() < 0.1
            p.accepted_on = capped(wd(p.completed_on, rng.randint(9, 15) if late else rng.randint(2, 7)))
        projects += year_projects

    # A project of this year funded before it entered the library (only proposed and reviewed).
    by_number = {p.project_no: p for p in projects}
    outside = next((p for p in reversed(projects) if p.entered_on is None and p.year == today.year), None)
    donor = next((u for u in reversed(uses) if u.doc_no.startswith("省级") and by_number[u.project_no].year == today.year
                  and u.amount > 100000), None)
    if outside is not None and donor is not None:
        donor.amount -= 100000
        by_number[donor.project_no].provincial_funds -= 100000
        uses.append(FundUse(region_code=county, doc_no=donor.doc_no, project_no=outside.project_no,
                            executed_on=donor.executed_on, amount=Decimal(100000)))
        outside.provincial_funds += 100000
    funded_numbers = {u.project_no for u in uses}
    lost = next((p for p in projects if p.operating and p.entered_on and p.project_no in funded_numbers
                 and p.year == years[0]), None)
    if lost is not None:
        lost.link_mechanism = ""
    for p in projects:
        p.status = status_from_dates({n: getattr(p, n) for n in (
            "proposed_on", "reviewed_on", "entered_on", "published_on", "planned_on", "started_on", "completed_on",
            "accepted_on")})
    for p in projects[:3]:
        if p.status == ProjectStatus.PROPOSED:
            p.status = ProjectStatus.REJECTED
    _four_batch(rng, projects, today)

    # Payments by progress: an advance, progress, and the rest after acceptance.
    arranged: dict[str, Decimal] = defaultdict(Decimal)
    for u in uses:
        arranged[u.project_no] += u.amount
    vouchers = 0
    for number, total in arranged.items():
        p = by_number[number]
        first = min(u.executed_on for u in uses if u.project_no == number)
        plan = [("预付款", Decimal("0.3"), first + dt.timedelta(days=10)),
                ("进度款", Decimal("0.4"), (p.started_on or first) + dt.timedelta(days=60)),
                ("结算款", None, (p.accepted_on or today) + dt.timedelta(days=15))]
        paid = Decimal(0)
        for kind, part, on in plan:
            if on > today or (kind == "结算款" and p.accepted_on is None):
                break
            amount = total - paid if part is None else _q(total * part)
            vouchers += 1
            payments.append(Payment(region_code=county, voucher_no=f"ZF{on.year}-{vouchers:05d}", project_no=number,
                                    paid_on=on, kind=kind, amount=amount, payee=p.implementer))
            paid += amount

    # Assets of accepted projects; most registered within three months.
    asset_no = 0
    for p in projects:
        if p.accepted_on is None or p.project_type not in ("产业发展", "基础设施"):
            continue
        asset_no += 1
        village_name = next((v.name for v in villages if v.code == p.region_code), "")
        household = p.project_type == "产业发展" and rng.random() < 0.15
        cls = "到户类" if household else "经营性" if p.project_type == "产业发展" else "公益性"
        late = asset_no % 15 == 1
        registered = capped(p.accepted_on + dt.timedelta(days=rng.randint(100, 140) if late else rng.randint(10, 80)))
        owner = {"经营性": f"{village_name}股份经济合作社", "公益性": township_names.get(p.region_code[:9], "") + "人民政府",
                 "到户类": "受益农户"}[cls]
        assets.append(Asset(region_code=p.region_code, asset_no=f"ZC{p.year}-{asset_no:04d}", name=p.name,
                            project_no=p.project_no, asset_class=cls, owner=owner,
                            manager=rng.choice(["村集体经济组织", "专业合作社", "村委会"]) if cls != "到户类" else "受益农户",
                            value=arranged.get(p.project_no) or p.planned_total, formed_on=p.accepted_on,
                            registered_on=registered))
    # 光伏 stations of earlier years, one below its fault-rate mark and one below its online mark.
    for i, village in enumerate(villages[:6]):
        fault, online = (Decimal("0.40"), Decimal("99.60"))
        if i == 1:
            fault = Decimal("1.60")
        if i == 2:
            online = Decimal("98.20")
        assets.append(Asset(region_code=village.code, asset_no=f"GF2018-{i + 1:03d}", name=f"{village.name}村级光伏电站",
                            asset_class="经营性", owner=f"{village.name}股份经济合作社", manager="县光伏运维公司",
                            value=Decimal(rng.randint(28, 40) * 10000), formed_on=dt.date(2018, 6, 30),
                            registered_on=dt.date(2018, 9, 30), photovoltaic=True, pv_fault_rate=fault,
                            pv_online_rate=online))
    # One old asset disposed after evaluation but without approval.
    operating = [a for a in assets if a.asset_class == "经营性" and not a.photovoltaic]
    if operating:
        old = operating[0]
        old.disposed_on, old.disposal_evaluated, old.disposal_approved = capped(
            old.formed_on + dt.timedelta(days=300)) or today, True, False

    # Income of operating assets and stations, by year; two years handed out as cash.
    handouts = 0
    for a in assets:
        if a.asset_class != "经营性" or a.formed_on is None:
            continue
        for year in range(max(a.formed_on.year + 1, years[0]), today.year):
            income = _q(a.value * Decimal(rng.randint(5, 9)) / 100)
            way = rng.choice(["设置公益岗位", "与劳动或条件挂钩", "村级公益事业"])
            if a.photovoltaic and handouts < 2:
                way, handouts = "简单发钱发物", handouts + 1
            incomes.append(AssetIncome(region_code=a.region_code, asset_no=a.asset_no, year=year, income=income,
                                       distributed=_q(income * Decimal("0.8")), distribution=way,
                                       plan_published=rng.random() < 0.9))

    # Beneficiaries of the industry projects: members of lifted or monitored households in the village.
    people: dict[str, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(in_scope_q("region_code", ctx.county.prefix),
                                        household__household_type__in=("脱贫户", "监测户")).order_by("id"):
        people[person.region_code].append(person)
    beneficiaries = []
    for p in projects:
        if p.project_type != "产业发展" or p.planned_on is None or not people.get(p.region_code):
            continue
        for person in rng.sample(people[p.region_code], k=min(len(people[p.region_code]), rng.randint(3, 8))):
            beneficiaries.append(ProjectBeneficiary(
                region_code=person.region_code, person=person, household_id=person.household_id,
                id_number=person.id_number, project_no=p.project_no, benefit=rng.choice(["务工", "分红", "订单收购"])))

    # 消费帮扶: the county's budget units, last year; one bought too little through the 832 platform.
    purchases = []
    for i, unit in enumerate(["县乡村振兴局", "县教育局", "县卫生健康委员会", "县财政局", "县农业农村局", "县人民医院"]):
        canteen = Decimal(rng.randint(10, 60) * 10000)
        share = Decimal("0.06") if i == 4 else Decimal(rng.randint(11, 18)) / 100
        purchases.append(ConsumptionPurchase(region_code=county, unit=unit, year=today.year - 1,
                                             canteen_purchases=canteen, platform_purchases=_q(canteen * share)))

    inspections = _inspections(rng, county, sorted({a.year for a in allocations}), today)

    user = ctx.users.get("admin")
    with transaction.atomic():
        for model, rows in ((Project, projects), (FundAllocation, allocations), (FundUse, uses),
                            (Payment, payments), (Asset, assets), (AssetIncome, incomes),
                            (ProjectBeneficiary, beneficiaries), (ConsumptionPurchase, purchases),
                            (FundInspection, inspections)):
            for row in rows:
                row.created_by = row.updated_by = user
            bulk_create_with_history(rows, model, batch_size=2000, default_user=user)
    return {"项目": len(projects), "资金下达": len(allocations), "预算执行": len(uses), "拨付": len(payments),
            "资产": len(assets), "收益分配": len(incomes), "受益对象": len(beneficiaries), "消费帮扶采购": len(purchases),
            "“四个一批”分类": sum(1 for p in projects if p.four_batch), "督查检查": len(inspections)}


FOUR_BATCH = [("巩固", 60, "经营正常，联农带农效果好，继续巩固"), ("升级", 20, "市场前景好，扩大规模、延伸加工链条"),
              ("盘活", 12, "设施部分闲置，引进经营主体盘活"), ("调整", 8, "产业不适应市场，调整为其他产业或用途")]


def _four_batch(rng, projects: list[Project], today: dt.date) -> None:
    """四个一批: the industry projects completed before this year are classified this year by the county's 农业农村局,
    bar one in seven (some classified only last year, some never): rule INDUSTRY-FOUR-BATCH lists those."""
    candidates = [p for p in projects if p.project_type == "产业发展" and p.completed_on is not None
                  and p.completed_on.year < today.year]
    this_year = dt.date(today.year, 1, 2)
    for i, p in enumerate(candidates):
        batch, _w, basis = rng.choices(FOUR_BATCH, weights=[w for _b, w, _t in FOUR_BATCH])[0]
        if i % 7 == 3:
            continue                                   # never classified
        if i % 7 == 5:
            on = max(p.completed_on, dt.date(today.year - 1, 12, 1)) if p.completed_on.year < today.year - 1 else None
            if on is None:
                continue
        else:
            on = this_year + dt.timedelta(days=rng.randint(0, max(0, min((today - this_year).days, 150))))
            on = min(on, today)
        p.four_batch, p.four_batch_on, p.four_batch_basis = batch, on, basis
        p.four_batch_by = "县农业农村局、" + (p.implementer or "乡镇人民政府")[:40]


def _inspections(rng, county: str, years: list[int], today: dt.date) -> list[FundInspection]:
    """The county's inspection of fund use, one a quarter of each fund year, up to today; the third quarter of
    the middle year was missed (rule FUND-INSPECT-QUARTER)."""
    found = ["个别项目资金拨付进度滞后", "项目公示牌内容不全", "未发现问题", "1 个项目验收资料不齐全", "资产台账未及时更新"]
    rows = []
    for year in years:
        for quarter in range(1, 5):
            if len(years) > 1 and year == years[len(years) // 2] and quarter == 3:
                continue
            day = dt.date(year, 3 * quarter - 1, rng.randint(10, 25))
            if day > today:
                break
            problem = rng.choice(found)
            done = day + dt.timedelta(days=rng.randint(10, 30)) if problem != "未发现问题" else None
            rows.append(FundInspection(
                region_code=county, inspected_on=day, inspectors="县财政局、县乡村振兴局联合督查组",
                scope=f"{year} 年第{quarter}季度全县衔接资金项目", findings=problem,
                rectification="已督促整改到位" if done and done <= today else ("" if done is None else "正在整改"),
                rectified_on=done if done and done <= today else None))
    return rows


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    for model in (FundInspection, ConsumptionPurchase, ProjectBeneficiary, AssetIncome, Asset, Payment, FundUse, FundAllocation):
        model.objects.filter(scope).delete()
    Project.objects.filter(scope).delete()
