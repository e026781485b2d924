"""易地搬迁后续扶持 ledgers through the pattern: sites and relocated households imported with bad rows given back
in the 退回表, names that must match, the list page and the findings of the rules over them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonggu.dataio.intake import intake_run
from gonggu.employment.models import RelocatedHousehold, ResettlementSite
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.rules.engine import run_rules

from .factories import resettlement_site

pytestmark = pytest.mark.django_db
SITE = "行政区划代码,安置点名称,安置点类型,搬迁户数,搬迁人数,设有公共就业服务站（窗口）,养老服务设施面积（㎡）"
HOUSEHOLD = "身份证号,姓名,安置点名称,搬迁年度,致富产业,稳定就业人员,就业岗位或方式"


def _file(tmp_path, name, header, lines):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _reasons(result) -> dict[int, str]:
    reasons: dict[int, str] = {}
    for p in result.rejected:
        reasons[p.row] = reasons.get(p.row, "") + p.reason
    return reasons


def test_sites_import_with_bad_rows_given_back(regions, county_admin, tmp_path):
    v, v2 = regions["village"].code, regions["village_c"].code
    resettlement_site(v2, "阳光社区安置点")
    result = intake_run("ledger.resettlement_site", user=county_admin, path=_file(tmp_path, "安置点.csv", SITE, [
        f"{v},幸福社区安置点,大中型,260,1020,否,60",
        f"{v},阳光社区安置点,小微型,50,200,是,15",        # the name is taken in the county
        f"{v},和谐社区安置点,小微型,50,40,是,15",          # fewer persons than households
        f"{v},团结社区安置点,超大型,50,200,是,15",         # no such type
        f"{v},新村安置点,小微型,五十,200,是,15",            # a count that is not a number
    ]))
    assert (result.accepted, result.rejected_rows) == (1, 4)
    reasons = _reasons(result)
    assert "已有名为「阳光社区安置点」" in reasons[3] and "少于搬迁户数" in reasons[4]
    assert "不是允许的取值" in reasons[5] and reasons[6]
    site = ResettlementSite.objects.get(name="幸福社区安置点")
    assert (site.households, site.persons, site.service_station, str(site.care_area)) == (260, 1020, False, "60.00")


def test_relocated_households_import_and_the_rules_find_them(regions, county_admin, village_clerk, login, tmp_path):
    v = regions["village"]
    resettlement_site(v.code, "幸福社区安置点", households=260, persons=1020, care_area="60")
    heads = [PersonFactory(household=HouseholdFactory(village=v), labour_ability="普通劳动力") for _ in range(3)]
    a, b, c = heads
    result = intake_run("ledger.relocated_household", user=county_admin, path=_file(
        tmp_path, "搬迁户.csv", HOUSEHOLD, [
            f"{a.id_number},,幸福社区安置点,2018,食用菌种植,{a.name},帮扶车间",
            f"{b.id_number},,幸福社区安置点,2019,,,",                     # no industry, nobody employed: stored
            f"{c.id_number},,不存在安置点,2019,茶叶,{c.name},外出务工",   # no such site in the county
            f"{c.id_number},,幸福社区安置点,2019,茶叶,不是本户的人,外出务工",  # not a member of the household
        ]))
    assert (result.accepted, result.rejected_rows) == (2, 2)
    reasons = _reasons(result)
    assert "没有「不存在安置点」" in reasons[4] and "不是本户在册成员" in reasons[5]
    assert set(RelocatedHousehold.objects.values_list("household_id", flat=True)) == {a.household_id, b.household_id}

    run = run_rules(codes=["RELOC-SITE-NO-STATION", "RELOC-SITE-CARE-SPACE", "RELOC-HH-NO-INDUSTRY",
                           "RELOC-HH-NO-STABLE-JOB"], as_of=dt.date(2025, 6, 30), store=False)
    found = {(f["rule"], f["household_id"] or f["region_code"]) for f in run.findings.to_pylist()}
    # 1020 people and no station; 60 ㎡ < 78 ㎡ for 260 households; b has neither industry nor a worker.
    assert found == {("RELOC-SITE-NO-STATION", v.code), ("RELOC-SITE-CARE-SPACE", v.code),
                     ("RELOC-HH-NO-INDUSTRY", b.household_id), ("RELOC-HH-NO-STABLE-JOB", b.household_id)}

    page = login(village_clerk).get(reverse("ledger_list", args=["relocated_household"])).content.decode()
    assert "易地搬迁户后续扶持台账" in page and "食用菌种植" in page and a.id_number not in page
