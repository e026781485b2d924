"""安置区脱贫人口人均纯收入与全国和全省农民收入的比值同比提升: the rule over the sites, the sites' income page and
its drill-down and exports (the 指标5 figure counting the rule's findings: assessment/tests/test_reloc_income_figure.py)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.registry.factories import HouseholdFactory, IncomeAccountFactory, PersonFactory
from gonggu.rules.engine import run_rules
from gonggu.rules.services import param_set

from .factories import relocated_household, resettlement_site

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 30)
RULE = "RELOC-SITE-INCOME-RATIO"


def _income(household, year: int, per_capita: str, size: int = 2):
    net = Decimal(per_capita) * size
    return IncomeAccountFactory(household=household, year=year, wage=net, business=0, transfer=0, business_expense=0,
                                household_size=size, net_income=net, per_capita=Decimal(per_capita))


def _relocated(village, site: str, incomes: dict[int, str], kind: str = "脱贫户"):
    head = PersonFactory(household=HouseholdFactory(village=village, household_type=kind, relocated=True))
    relocated_household(head, site_name=site)
    for year, pc in incomes.items():
        _income(head.household, year, pc)
    return head.household


def _rural(province: dict[int, str], nation: dict[int, str]):
    for year, value in province.items():
        param_set(name="rural_income_province", value=value, year=year)
    for year, value in nation.items():
        param_set(name="rural_income_national", value=value, year=year)


@pytest.fixture
def sites(regions):
    """Three sites of the county: one whose ratios rose, one whose income rose slower than the province's, one whose
    only 脱贫户 has no income of the year before (not comparable)."""
    v, v2 = regions["village"], regions["village_c"]
    resettlement_site(v.code, "幸福社区安置点")
    resettlement_site(v2.code, "阳光社区安置点")
    resettlement_site(v2.code, "新建安置点")
    # 幸福: 10000 → 11000 per person (+10 %); the province 20000 → 21000 (+5 %), the nation 21000 → 22000.
    _relocated(v, "幸福社区安置点", {2023: "10000", 2024: "11000"})
    _relocated(v, "幸福社区安置点", {2023: "10000", 2024: "11000"})
    _relocated(v, "幸福社区安置点", {2023: "1000", 2024: "1000"}, kind="一般农户")   # not 脱贫人口: not counted
    # 阳光: 10000 → 10200 (+2 %): both ratios fall.
    _relocated(v2, "阳光社区安置点", {2023: "10000", 2024: "10200"})
    _relocated(v2, "新建安置点", {2024: "9000"})
    return v, v2


def test_the_rule_finds_the_site_whose_ratio_did_not_rise(sites):
    v, v2 = sites
    _rural({2023: "20000", 2024: "21000"}, {2023: "21000", 2024: "22000"})
    run = run_rules(codes=[RULE], as_of=AS_OF, store=False)
    assert run.skipped == []
    findings = run.findings.to_pylist()
    assert [(f["region_code"], f["household_id"]) for f in findings] == [(v2.code, None)]
    detail = findings[0]["detail"]
    # 10000 ÷ 20000 = 50.0 % → 10200 ÷ 21000 = 48.5 %; 10000 ÷ 21000 = 47.6 % → 10200 ÷ 22000 = 46.3 %.
    assert "阳光社区安置点" in detail and "2023 年 10000 元 → 2024 年 10200 元" in detail
    assert "50.0% → 48.5%" in detail and "47.6% → 46.3%" in detail


def test_a_ratio_equal_to_last_year_is_not_a_rise(sites):
    # The province's income rose 10 % like 幸福's: its ratio stays 50 %, which is not 同比提升.
    _rural({2023: "20000", 2024: "22000"}, {2023: "21000", 2024: "22000"})
    run = run_rules(codes=[RULE], as_of=AS_OF, store=False)
    sites_found = {f["detail"].split("」")[0].lstrip("「") for f in run.findings.to_pylist()}
    assert sites_found == {"幸福社区安置点", "阳光社区安置点"}


def test_a_missing_year_of_the_parameters_is_reported_not_a_zero(sites):
    _rural({2024: "21000"}, {2023: "21000", 2024: "22000"})
    run = run_rules(codes=[RULE], as_of=AS_OF, store=False)
    assert run.findings.num_rows == 0
    assert any(s["rule"] == RULE and "2023" in s["reason"] for s in run.skipped)


def test_the_sites_page_shows_each_site_and_drills_to_its_households(sites, village_clerk, county_admin, login):
    v, v2 = sites
    _rural({2023: "20000", 2024: "21000"}, {2023: "21000", 2024: "22000"})
    client = login(county_admin)
    page = client.get(reverse("employment_site_income")).content.decode()
    assert "幸福社区安置点" in page and "阳光社区安置点" in page
    assert "50.0%" in page and "52.4%" in page                 # 幸福: 10000 ÷ 20000 → 11000 ÷ 21000
    assert "未同比提升" in page and "同比提升" in page and "缺少上年收入记录" in page    # 新建: one year only
    assert "未同比提升的安置点 <strong>1</strong> 个" in page
    # The ledger list of the sites links here.
    assert reverse("employment_site_income") in client.get(reverse("ledger_list", args=["resettlement_site"])).content.decode()

    from gonggu.employment.models import ResettlementSite

    site = ResettlementSite.objects.get(name="幸福社区安置点")
    drill = client.get(reverse("employment_site_income_households", args=[site.pk])).content.decode()
    # Two 脱贫户 of the site with their incomes; the 一般农户 moved there is not 脱贫人口.
    cell = '<td data-label="本年人均纯收入（元）">'
    assert drill.count(cell) == 2 and drill.count(cell + "11000.00<") == 2
    # A village clerk of the other village sees neither the site nor its households.
    other = login(village_clerk).get(reverse("employment_site_income")).content.decode()
    assert "阳光社区安置点" not in other
    far = ResettlementSite.objects.get(name="阳光社区安置点")
    assert login(village_clerk).get(reverse("employment_site_income_households", args=[far.pk])).status_code == 404


def test_the_sites_page_names_a_missing_parameter(sites, county_admin, login):
    page = login(county_admin).get(reverse("employment_site_income")).content.decode()
    assert "缺少参数" in page and "2023 年全省农村居民人均可支配收入" in page and "缺少全省或全国农民收入参数" in page


def test_both_lists_export_with_the_filter_and_are_audited(sites, county_admin, login):
    from gonggu.core.models import AuditEvent
    from gonggu.employment.models import ResettlementSite

    v, v2 = sites
    _rural({2023: "20000", 2024: "21000"}, {2023: "21000", 2024: "22000"})
    client = login(county_admin)
    response = client.post(reverse("employment_site_income_export"), {"region": v2.code})
    assert response.status_code == 200
    rows = list(CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python())
    names = {c for r in rows[2:] for c in r if isinstance(c, str) and c.endswith("安置点") and c != "安置点"}
    assert names == {"阳光社区安置点", "新建安置点"}                 # the filter of the page: the other village only
    event = AuditEvent.objects.get(action="export", object_type="employment.site_income")
    assert event.detail["filters"] == {"region": v2.code}

    site = ResettlementSite.objects.get(name="幸福社区安置点")
    response = client.post(reverse("employment_site_income_households_export", args=[site.pk]))
    rows = list(CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python())
    assert sum(1 for r in rows if "11000.00" in [str(c) for c in r] or 11000 in r) == 2
    assert AuditEvent.objects.filter(action="export", object_type="employment.site_income_households").exists()

