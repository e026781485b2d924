"""一张图: figures from the registry, the map's areas and boundaries, concentrations, duties; leaders read 督办."""

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.assessment.figures import FIGURES
from gonggu.monitoring.tests.factories import CaseFactory, household
from gonggu.registry.choices import HouseholdType
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.models import Task
from gonggu.web.workbench.geo import geo_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions, time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 10, 9, 0))
    for _ in range(3):
        household(regions["village"], household_type=HouseholdType.MONITORED)
    household(regions["village"])
    household(regions["village_c"])
    hh = household(regions["village_c"], household_type=HouseholdType.MONITORED)
    CaseFactory(household=hh, county_approved_on=dt.date(2025, 5, 20))
    return regions


def test_cockpit_shows_figures_map_and_concentrations(county, leader, login):
    client = login(leader)
    response = client.get(reverse("cockpit"))
    assert response.status_code == 200
    page = response.content.decode()
    for figure in list(FIGURES.values())[:3]:
        assert figure.title in page
    data = response.context["chart"]
    assert {f["properties"]["name"] for f in data["geo"]["features"]} == {"城关镇", "白沙镇"}
    assert response.context["schematic"] is True
    assert [a["url"] for a in data["areas"]][0] == reverse("cockpit") + "?region=410122100000&figure=" + \
        response.context["figure"]
    villages = response.context["villages"]
    assert villages[0].name == "东村" and villages[0].monitored == 3 and villages[0].share_text == "75.0%"
    assert {t["name"] for t in response.context["townships"]} == {"城关镇", "白沙镇"}
    trends = data["trends"]
    assert len(trends["months"]) == 12 and trends["months"][-1] == "2025-06"
    assert trends["series"][0]["values"][-2] == 1      # the case approved in May
    assert "vendor/echarts-5.6.0.min.js" in page and "web/cockpit.js" in page


def test_drill_to_township_then_village_household_list(county, leader, login):
    client = login(leader)
    response = client.get(reverse("cockpit"), {"region": "410122100000"})
    assert response.status_code == 200
    areas = response.context["chart"]["areas"]
    east = next(a for a in areas if a["name"] == "东村")
    assert east["url"] == reverse("household_list") + "?region=410122100201"
    listing = client.get(east["url"]).content.decode()
    assert listing.count("/registry/households/") >= 4


def test_cockpit_stays_in_scope(county, login):
    township_leader = make_user("xz_leader", Role.LEADER, county["township"])
    client = login(township_leader)
    assert client.get(reverse("cockpit")).status_code == 200
    assert client.get(reverse("cockpit"), {"region": "410122101000"}).status_code == 404
    assert client.get(reverse("cockpit"), {"region": "410181000000"}).status_code == 404


def test_village_users_have_no_cockpit(village_clerk, login):
    assert login(village_clerk).get(reverse("cockpit")).status_code == 403


def test_chosen_figure_colours_the_map(county, leader, login):
    code = list(FIGURES)[-1]
    response = login(leader).get(reverse("cockpit"), {"figure": code})
    assert response.context["figure"] == code
    assert response.context["chart"]["figure"] == FIGURES[code].title


def test_concentrations_export(county, leader, login):
    response = login(leader).get(reverse("cockpit_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0][:2] == ["乡镇", "村"] and len(rows) == 3
    assert rows[1][:3] == ["城关镇", "东村", "410122100201"]


def _geojson(features):
    return SimpleUploadedFile("边界.geojson", json.dumps({"type": "FeatureCollection", "features": features},
                                                         ensure_ascii=False).encode(), content_type="application/json")


def _square(code, name, x):
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}}


def test_county_uploads_boundaries_and_the_map_uses_them(county, county_admin, login):
    client = login(county_admin)
    response = client.post(reverse("cockpit_boundaries"), {"file": _geojson([
        _square("410122100", "城关镇", 113.0), _square("410122101000", "白沙镇", 114.0)])}, follow=True)
    assert "已载入地图边界：2 个要素" in response.content.decode()
    assert geo_path("410122").is_file()
    page = client.get(reverse("cockpit"))
    assert page.context["schematic"] is False
    coords = [f["geometry"]["coordinates"][0][0][0] for f in page.context["chart"]["geo"]["features"]]
    assert sorted(coords) == [113.0, 114.0]
    geo_path("410122").unlink()


def test_bad_boundaries_are_refused_in_words(county, county_admin, login):
    client = login(county_admin)
    bad = SimpleUploadedFile("边界.geojson", b"{not json", content_type="application/json")
    page = client.post(reverse("cockpit_boundaries"), {"file": bad}, follow=True).content.decode()
    assert "文件 边界.geojson 不是有效的 GeoJSON" in page
    point = {"type": "Feature", "properties": {"name": "城关镇"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    page = client.post(reverse("cockpit_boundaries"), {"file": _geojson([point])}, follow=True).content.decode()
    assert "第 1 个要素不是面" in page
    assert not geo_path("410122").exists()


def test_leader_cannot_upload_boundaries(county, leader, login):
    response = login(leader).post(reverse("cockpit_boundaries"), {"file": _geojson([_square("410122100", "城关镇", 1)])})
    assert response.status_code == 403


def test_leader_reads_the_supervision_board_read_only(regions, county_admin, leader, login):
    make_unit(county_admin, "县乡村振兴局", regions["county"])
    make_list(county_admin, regions["county"])
    task = Task.objects.filter(region_code__startswith="410122").first()
    client = login(leader)
    assert client.get(reverse("task_home")).url == reverse("task_board")
    board = client.get(reverse("task_board"))
    assert board.status_code == 200 and task.title in board.content.decode()
    detail = client.get(reverse("task_detail", args=[task.pk]))
    assert detail.status_code == 200 and detail.context["manager"] is False
    assert detail.context["report_form"] is None
    assert client.post(reverse("task_close", args=[task.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("task_deadline", args=[task.pk]), {"due_date": "2030-01-01"}).status_code == 403


def test_menu_offers_the_cockpit_only_where_it_opens(village_clerk, leader, county_admin):
    from gonggu.web.navigation import nav_for

    def labels(user):
        return [i["label"] for i in nav_for(user, "/")]

    assert "一张图" not in labels(village_clerk)
    assert "一张图" in labels(leader) and "一张图" in labels(county_admin)
    assert "任务清单" in labels(leader)
