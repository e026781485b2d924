"""The journey of the issue, in a browser: self-evaluation → a township's failing figure → its households →
a rectification problem in one click → the 一口清 of a village, printable."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from gonggu.assessment.models import Problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_evaluation_to_problem_to_brief(page, live_server, county_admin, county_data, regions):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", county_admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.goto(live_server.url + reverse("assessment_self"))
    assert "中牟县自评" in page.inner_text("h1")
    # The township matrix: the 零就业 cell of 城关镇 is red; it leads to the households.
    page.click(f"a[href='{reverse('assessment_drill', args=[regions['township'].code, 'ZERO-EMPLOYMENT'])}']")
    assert "城关镇：零就业家庭" in page.inner_text("h1")
    table = page.inner_text("table.list")
    assert "H1" in table and "H3" in table
    page.click("text=生成整改问题")
    page.fill("textarea[name=measures]", "人社所逐户推送岗位，公益岗位托底")
    page.click("button.primary")
    page.wait_for_selector("text=已保存")
    problem = Problem.objects.get()
    assert problem.source == "自评" and problem.measures.startswith("人社所")
    assert "城关镇零就业家庭" in page.inner_text("h1")
    page.goto(live_server.url + reverse("assessment_brief_region", args=[regions["village"].code]))
    assert "东村巩固拓展脱贫攻坚成果“一口清”" in page.inner_text("article.brief")
    page.emulate_media(media="print")
    assert not page.is_visible("nav.subnav") and not page.is_visible("header.topbar")
    with page.expect_download() as download:
        page.emulate_media(media="screen")
        page.click("text=下载 Word")
    assert download.value.suggested_filename.endswith(".docx")
