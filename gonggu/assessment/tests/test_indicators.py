"""The 2025 indicator system ships as data (seed 002 附件2) and a county can copy and adjust it."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import seed_file
from gonggu.assessment import services
from gonggu.assessment.figures import FIGURES
from gonggu.assessment.loader import SHIPPED, read_system_file, validate
from gonggu.assessment.models import DeductionType, Indicator, IndicatorSystem, KeyTask
from gonggu.assessment.selectors import indicator_system_for
from gonggu.core.errors import UserFacingError


@pytest.mark.django_db
def test_migration_ships_the_2025_system():
    system = IndicatorSystem.objects.get(year=2025, region_code="")
    assert system.title == "2025年度巩固拓展脱贫攻坚成果考核指标体系"
    assert [c.name for c in system.categories.order_by("order")] == ["责任落实", "政策落实", "工作落实", "成效巩固", "负面事项"]
    indicators = list(system.indicators.order_by("order"))
    assert [i.code for i in indicators] == [str(n) for n in range(1, 14)]
    assert [i.category.no for i in indicators] == ["一", "二", "二", "三", "三", "三", "三", "三", "三", "四", "四", "四", "五"]
    by_code = {i.code: i for i in indicators}
    assert by_code["7"].name == "防止返贫致贫监测帮扶情况"
    assert by_code["11"].responsible == "国家统计局江西调查总队" and by_code["11"].method == ""
    assert by_code["2"].data_source.startswith("实地考核；省教育厅、省卫健委")
    assert len(by_code["1"].responsible_list) == 12
    assert KeyTask.objects.filter(system=system).count() == 14
    assert KeyTask.objects.get(system=system, no=11).indicator.code == "9"
    points = {d.type: d.points for d in DeductionType.objects.filter(indicator__system=system)}
    assert points["党中央国务院通报批评"] == Decimal("1") and points["规模性返贫"] is None
    assert len(points) == 9


def test_contents_are_transcribed_from_the_seed():
    """Every indicator's content appears in the seed once line breaks and blanks are ignored."""
    SEED = seed_file("002_5ee456953034f603.txt").read_text(encoding="utf-8")  # noqa: N806 - the seed's text
    flat = "".join(SEED.split())
    data = read_system_file(SHIPPED)
    for category in data["categories"]:
        for ind in category["indicators"]:
            assert "".join(ind["content"].split()) in flat, ind["code"]
            for body in ind["responsible"]:
                assert body in flat, body
            for d in ind.get("deductions", []):
                assert "".join(d["wording"].split()) in flat, d["wording"]


def test_every_linked_figure_is_registered():
    data = read_system_file(SHIPPED)
    linked = {f for c in data["categories"] for i in c["indicators"] for f in i["figures"]}
    assert linked <= set(FIGURES)
    assert {f.indicator for f in FIGURES.values()} <= {i["code"] for c in data["categories"] for i in c["indicators"]}


def test_validation_collects_every_problem():
    problems = validate({"year": 1900, "title": "x", "categories": [
        {"no": "一", "name": "a", "indicators": [{"code": "1", "name": "n", "content": "c"},
                                               {"code": "1", "name": "", "content": "c",
                                                "deductions": [{"code": "D1", "type": "t", "wording": "w",
                                                                "points": "abc"}]}]}],
        "key_tasks": [{"no": 1, "indicator": "9"}]})
    text = "；".join(problems)
    assert "1900" in text and "重复" in text and "缺少 code、name 或 content" in text and "abc" in text and "重点任务 1" in text


@pytest.mark.django_db
def test_load_command_is_idempotent(tmp_path):
    from django.core.management import call_command

    call_command("load_indicators", str(SHIPPED))
    call_command("load_indicators", str(SHIPPED))
    assert IndicatorSystem.objects.filter(year=2025, region_code="").count() == 1
    assert Indicator.objects.filter(system__year=2025, system__region_code="").count() == 13


@pytest.mark.django_db
def test_county_copies_a_year_and_adjusts_it(county_admin, regions):
    shipped = IndicatorSystem.objects.get(year=2025, region_code="")
    own = services.indicator_system_copy(source=shipped, year=2026, user=county_admin)
    assert own.region_code == "410122000000" and own.based_on == shipped
    assert own.indicators.count() == 13 and own.key_tasks.count() == 14
    assert indicator_system_for(year=2026, county_code="410122000000") == own
    with pytest.raises(UserFacingError, match="没有 2026"):
        indicator_system_for(year=2026, county_code="410181000000")
    services.deduction_points_update(system=own, user=county_admin, points={"D6": "1", "D9": ""})
    assert own.deduction_types().get(code="D6").points == Decimal("1")
    ind = own.indicators.get(code="7")
    services.indicator_update(indicator=ind, user=county_admin, name=ind.name, content="本县调整的内容", method="实地考核",
                              responsible="县农业农村局，县乡村振兴局", target_text="", score="10",
                              figures=["MON-VISIT-MONTHLY"])
    ind.refresh_from_db()
    assert ind.responsible == "县农业农村局、县乡村振兴局" and ind.score == Decimal("10")
    with pytest.raises(UserFacingError, match="未知的自评测算项"):
        services.indicator_update(indicator=ind, user=county_admin, name="x", content="y", method="", responsible="",
                                  target_text="", score="", figures=["NOPE"])
    with pytest.raises(UserFacingError, match="已存在"):
        services.indicator_system_copy(source=shipped, year=2026, user=county_admin)


@pytest.mark.django_db
def test_shipped_system_is_not_edited_in_place(county_admin, township_reviewer):
    shipped = IndicatorSystem.objects.get(year=2025, region_code="")
    with pytest.raises(UserFacingError, match="复制为本县"):
        services.deduction_points_update(system=shipped, user=county_admin, points={"D1": "2"})
    with pytest.raises(UserFacingError, match="县级"):
        services.indicator_system_copy(source=shipped, year=2026, user=township_reviewer)


@pytest.mark.django_db
def test_pages_permissions_and_scope(login, county_admin, township_reviewer, village_clerk, other_county_user,
                                     department_user):
    shipped = IndicatorSystem.objects.get(year=2025, region_code="")
    own = services.indicator_system_copy(source=shipped, year=2026, user=county_admin)
    client = login(county_admin)
    page = client.get(reverse("assessment_indicator_system", args=[shipped.pk])).content.decode()
    assert "防止返贫致贫监测帮扶情况" in page and "复制为本县指标体系" in page and "受到党中央、国务院通报批评" in page
    ind = own.indicators.get(code="9")
    assert client.get(reverse("assessment_indicator_edit", args=[own.pk, ind.pk])).status_code == 200
    response = client.post(reverse("assessment_indicator_points", args=[own.pk]), {"points_D2": "0.6"})
    assert response.status_code == 302
    assert own.deduction_types().get(code="D2").points == Decimal("0.6")
    exported = json.loads(client.get(reverse("assessment_indicator_export", args=[own.pk])).content)
    assert exported["year"] == 2026
    assert [d["points"] for d in exported["categories"][4]["indicators"][0]["deductions"]][:2] == ["1.00", "0.60"]
    # Another county's user does not see this county's own system: 404, like a missing one.
    assert login(other_county_user).get(reverse("assessment_indicator_system", args=[own.pk])).status_code == 404
    assert login(other_county_user).get(reverse("assessment_indicator_system", args=[shipped.pk])).status_code == 200
    # A township reviewer sees it but cannot edit indicators (county-level work).
    assert login(township_reviewer).get(reverse("assessment_indicator_system", args=[own.pk])).status_code == 200
    assert login(township_reviewer).get(reverse("assessment_indicator_edit", args=[own.pk, ind.pk])).status_code == 403
    assert login(village_clerk).get(reverse("assessment_indicator_edit", args=[own.pk, ind.pk])).status_code == 403
    assert login(village_clerk).post(reverse("assessment_indicator_copy", args=[shipped.pk]),
                                     {"year": "2027"}).status_code == 403
    assert login(department_user).get(reverse("assessment_indicators")).status_code == 200
