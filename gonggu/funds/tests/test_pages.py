"""The funds pages: the overview, a project's whole life with the steps the user may take, the steps by
POST (refused ones explained), scope (another county's project is missing), and the printable 公告."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from gonggu.funds.models import Project, ProjectEvent

from .factories import allocation, asset, fund_use, income, payment, project

pytestmark = pytest.mark.django_db


@pytest.fixture
def life(regions):
    v, county = regions["village"].code, regions["county"].code
    p = project(v, no="XM-1", name="东村食用菌大棚", operating=True, completed_on=dt.date(2025, 5, 30),
                accepted_on=dt.date(2025, 6, 5), published_on=dt.date(2020, 1, 20), published_place="村务公开栏")
    a = allocation(county, doc_no="豫财农〔2025〕12号", source="中央", amount="1000")
    fund_use(a, p, amount="800")
    payment(p, region_code=county, amount="300")
    s = asset(v, project_no="XM-1", name="食用菌大棚", registered_on=dt.date(2025, 7, 1))
    income(s, year=2025, amount="5000", distributed="4000", distribution="设置公益岗位")
    return p


@time_machine.travel(dt.datetime(2025, 7, 10, 9, 0), tick=False)
def test_project_page_follows_one_project_from_allocation_to_income(life, county_admin, login,
                                                                    django_assert_max_num_queries):
    client = login(county_admin)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("funds_project", args=[life.pk])).content.decode()
    for text in ("东村食用菌大棚", "豫财农〔2025〕12号", "已安排 800.00 元，已拨付 300.00 元", "2025-06-05", "设置公益岗位",
                 "累计收益 5000.00 元，已分配 4000.00 元", "村务公开栏", "东村"):
        assert text in page, text
    for more in range(30):   # the overview's figures: a few queries, however many projects
        project(life.region_code, no=f"XM-M{more}")
    with django_assert_max_num_queries(16):
        home = client.get(reverse("funds_home")).content.decode()
    assert "东村食用菌大棚" in home and "1000.00" in home and "800.00" in home


@time_machine.travel(dt.datetime(2025, 7, 10, 9, 0), tick=False)
def test_steps_from_the_page(regions, village_clerk, township_reviewer, county_admin, login):
    p = project(regions["village"].code, no="XM-2", entered=None)
    clerk_page = login(village_clerk).get(reverse("funds_project", args=[p.pk])).content.decode()
    assert "可办理的步骤" not in clerk_page     # a clerk neither reviews nor enters
    client = login(township_reviewer)
    assert "审核论证" in client.get(reverse("funds_project", args=[p.pk])).content.decode()
    step = reverse("funds_project_step", args=[p.pk, "review"])
    response = client.post(step, {"on": "2025-07-11"}, follow=True)
    assert "不能晚于今天" in response.content.decode()
    client.post(step, {"on": "2025-07-01"})
    p.refresh_from_db()
    assert p.status == "reviewed" and ProjectEvent.objects.filter(project=p, action="review").exists()
    # Out of order: the plan before the library and its notice.
    out = login(county_admin).post(reverse("funds_project_step", args=[p.pk, "plan"]), {"on": "2025-07-02"},
                                   follow=True)
    assert "不能办理「纳入年度项目计划」" in out.content.decode()
    assert Project.objects.get(pk=p.pk).status == "reviewed"
    assert client.get(step).status_code == 405


def test_scope_and_roles(life, other_county_user, leader, login):
    assert login(other_county_user).get(reverse("funds_project", args=[life.pk])).status_code == 404
    assert login(other_county_user).post(reverse("funds_project_step", args=[life.pk, "start"]),
                                         {"on": "2025-07-01"}).status_code == 404
    page = login(leader).get(reverse("funds_project", args=[life.pk])).content.decode()
    assert "东村食用菌大棚" in page and "可办理的步骤" not in page


@time_machine.travel(dt.datetime(2025, 7, 10, 9, 0), tick=False)
def test_library_notice_prints_the_years_projects(regions, county_admin, login):
    project(regions["village"].code, no="XM-3", name="通村道路", project_type="基础设施", entered=dt.date(2025, 2, 1),
            published_place="村务公开栏")
    project(regions["village"].code, no="XM-4", name="去年的项目", entered=dt.date(2024, 2, 1))
    response = login(county_admin).get(reverse("funds_library_notice"), {"year": "2025"})
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年度巩固拓展脱贫攻坚成果和乡村振兴项目库公告" in text and "中牟县乡村振兴局" in text
    assert "共 1 个项目" in text and "2025年07月10日" in text
    cells = [c.text for c in doc.tables[0].rows[1].cells]
    assert cells[1:4] == ["XM-3", "通村道路", "东村"]


def test_rule_findings_on_the_overview_and_the_project_page(regions, county_admin, login):
    from gonggu.rules.engine import run_rules

    p = project(regions["village"].code, no="XM-9", name="西村冷库", completed_on=dt.date(2025, 5, 6))
    run_rules(kinds=["ledger"], as_of=dt.date(2025, 6, 30), prefix=regions["county"].prefix)
    client = login(county_admin)
    home = client.get(reverse("funds_home")).content.decode()
    assert "项目竣工后7个工作日内未组织验收" in home and "下达资金15个工作日内未开展预算执行" in home
    page = client.get(reverse("funds_project", args=[p.pk])).content.decode()
    assert "台账核查发现的问题" in page and "2025-05-06 竣工" in page and "至今未验收" in page
