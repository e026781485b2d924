"""The resettlement sites' income against the province's and the nation's rural income (安置区脱贫人口人均纯收入与
全国和全省农民收入的比值同比提升, 001 第三部分 二（二）1): what the page of the sites shows, computed as the rule
RELOC-SITE-INCOME-RATIO computes it (relocation_rules.py) — the relocated 脱贫户 of each site in the 易地搬迁户后续扶持
台账, their income accounts of the latest income year Y and of Y−1 (纯收入合计 ÷ 人口合计), each year's ratio to the
parameters 全省/全国农村居民人均可支配收入 of that year.

Two grouped queries whatever the number of sites; the sites are those of the user's region, their households those
of the same county (a site's name is unique within a county).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, FilteredRelation, Max, Q, Sum
from django.db.models.functions import Substr

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType
from gonggu.registry.models import IncomeAccount
from gonggu.rules.params import ParamValues

from .models import RelocatedHousehold, ResettlementSite
from .relocation_rules import NATIONAL_INCOME, PROVINCE_INCOME


@dataclass
class SiteIncome:
    site: ResettlementSite
    households: int = 0                     # relocated 脱贫户 with an income account of year Y
    per_capita: Decimal | None = None       # year Y
    prev_per_capita: Decimal | None = None  # year Y−1
    province: Decimal | None = None         # ratio to the province's rural income, year Y
    prev_province: Decimal | None = None
    nation: Decimal | None = None
    prev_nation: Decimal | None = None

    @property
    def comparable(self) -> bool:
        return None not in (self.province, self.prev_province, self.nation, self.prev_nation)

    @property
    def risen(self) -> bool | None:
        """Both ratios above last year's (同比提升); None when not comparable."""
        if not self.comparable:
            return None
        return self.province > self.prev_province and self.nation > self.prev_nation

    @property
    def status(self) -> str:
        if self.per_capita is None:
            return "没有脱贫户收入记录"
        if self.prev_per_capita is None:
            return "缺少上年收入记录，无法比较"
        if not self.comparable:
            return "缺少全省或全国农民收入参数"
        return "同比提升" if self.risen else "未同比提升"


@dataclass
class SiteIncomes:
    year: int | None
    rows: list[SiteIncome]
    rural: dict[str, dict[int, Decimal | None]]   # parameter → {Y−1: value, Y: value}
    missing: list[str]                            # the parameter years not set, in words


def _pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _relocated_lifted(counties: set[str]):
    q = Q()
    for county in counties:
        q |= Q(region_code__startswith=county)
    return RelocatedHousehold.objects.filter(q, household__household_type=HouseholdType.LIFTED) if counties else \
        RelocatedHousehold.objects.none()


def sites_in_scope(user, region: str = ""):
    qs = ResettlementSite.objects.filter(in_scope_q("region_code", user.scope_prefix))
    if region:
        qs = qs.filter(region_code__startswith=region)
    return qs.order_by("region_code", "name")


def site_incomes(user, region: str = "") -> SiteIncomes:
    sites = list(sites_in_scope(user, region))
    counties = {s.region_code[:6] for s in sites}
    relocated = _relocated_lifted(counties)
    year = IncomeAccount.objects.filter(household_id__in=relocated.values("household_id")).aggregate(
        y=Max("year"))["y"]
    rows = {(s.region_code[:6], s.name): SiteIncome(site=s) for s in sites}
    values = ParamValues.load()
    rural: dict[str, dict[int, Decimal | None]] = {}
    missing: list[str] = []
    if year is not None:
        for name, label in ((PROVINCE_INCOME, "全省"), (NATIONAL_INCOME, "全国")):
            rural[name] = {y: values.yearly(name, y) for y in (year - 1, year)}
            missing += [f"{y} 年{label}农村居民人均可支配收入" for y, v in rural[name].items() if not v]
        sums = (relocated.filter(site_name__in={s.name for s in sites},
                                 household__incomes__year__in=(year - 1, year))
                .annotate(county=Substr("region_code", 1, 6))
                .values("county", "site_name", income_year=F("household__incomes__year"))
                .annotate(n=Count("household_id", distinct=True), net=Sum("household__incomes__net_income"),
                          size=Sum("household__incomes__household_size")).order_by())
        for s in sums:
            row = rows.get((s["county"], s["site_name"]))
            if row is None or not s["size"]:
                continue
            pc = Decimal(s["net"]) / Decimal(s["size"])
            if s["income_year"] == year:
                row.households, row.per_capita = s["n"], pc.quantize(Decimal("0.01"), ROUND_HALF_UP)
            else:
                row.prev_per_capita = pc.quantize(Decimal("0.01"), ROUND_HALF_UP)
            for name, attr in ((PROVINCE_INCOME, "province"), (NATIONAL_INCOME, "nation")):
                average = rural[name][s["income_year"]]
                if average:
                    setattr(row, attr if s["income_year"] == year else f"prev_{attr}", pc / average)
    return SiteIncomes(year=year, rows=list(rows.values()), rural=rural, missing=missing)


def percent(value: Decimal | None) -> str:
    shown = _pct(value)
    return "" if shown is None else f"{shown}%"


def site_households(user, site: ResettlementSite, year: int | None):
    """The site's relocated 脱贫户 in the user's region with their per-capita income of Y−1 and Y (drill-down)."""
    year = year or 0
    return (_relocated_lifted({site.region_code[:6]})
            .filter(in_scope_q("region_code", user.scope_prefix), site_name=site.name)
            .annotate(cur=FilteredRelation("household__incomes", condition=Q(household__incomes__year=year)),
                      prv=FilteredRelation("household__incomes", condition=Q(household__incomes__year=year - 1)))
            .values("household_id", "region_code", household_no=F("household__household_no"),
                    head_name=F("household__head_name"), pc=F("cur__per_capita"), size=F("cur__household_size"),
                    pc_prev=F("prv__per_capita"))
            .order_by("region_code", "household_no"))
