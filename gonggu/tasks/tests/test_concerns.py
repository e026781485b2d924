"""The handbook's 关注问题 shipped as data and attached to tasks as a self-check."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import seed_file
from gonggu.core.errors import UserFacingError
from gonggu.tasks.concerns import DATA_FILE, concern_areas, suggest_area
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.models import ConcernCheck, TaskConcern
from gonggu.tasks.parsing import parse_concerns, parse_file
from gonggu.tasks.services import concern_check, concerns_attach, concerns_autoattach, task_list_import


def test_shipped_data_has_the_eighteen_areas():
    areas = concern_areas()
    assert len(areas) == 18
    assert areas[0]["path"] == ["责任落实方面", "党委和政府主体责任"]
    assert sum(len(a["items"]) for a in areas) == 68


def test_shipped_data_matches_the_handbook():
    path = seed_file("001_5c18c60bd560c7e4.txt")
    assert json.loads(DATA_FILE.read_text(encoding="utf-8")) == parse_concerns(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_build_command_writes_the_file(tmp_path):
    path = seed_file("001_5c18c60bd560c7e4.txt")
    out = tmp_path / "concerns.json"
    stdout = StringIO()
    call_command("tasks_build_concerns", str(path), "--output", str(out), "--format", "json", stdout=stdout)
    assert json.loads(stdout.getvalue())["areas"] == 18
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 18


@pytest.mark.parametrize("path, expected", [
    (["政策落实方面", "住房安全保障"], "政策落实方面 / 住房安全"),
    (["政策落实方面", "饮水安全保障"], "政策落实方面 / 安全饮水"),
    (["工作落实方面", "脱贫地区产业发展及资金项目管理"], "工作落实方面 / 帮扶产业发展及资金项目管理"),
    (["责任落实方面", "相关行业部门责任"], "责任落实方面 / 行业部门责任"),
    (["稳步增收提升“两不愁”水平"], None),
])
def test_suggested_area(path, expected):
    area = suggest_area(path)
    assert (area["key"] if area else None) == expected


@pytest.mark.django_db
def test_autoattach_on_the_henan_list(regions, county_admin):
    path = seed_file("000_43a5464a2cf5361e.txt")
    task_list = task_list_import(user=county_admin, region=regions["county"], parsed=parse_file(path))
    added = concerns_autoattach(user=county_admin, task_list=task_list)
    first = task_list.tasks.get(seq=1)
    assert list(first.concerns.order_by("area").values_list("area", flat=True).distinct()) == ["责任落实方面 / 党委和政府主体责任"]
    assert first.concerns.count() == 3
    assert added == TaskConcern.objects.filter(task__task_list=task_list).count() > 100
    assert concerns_autoattach(user=county_admin, task_list=task_list) == 0  # idempotent


@pytest.mark.django_db
def test_unit_ticks_its_self_check(regions, county_admin, department_user, township_reviewer):
    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    task = make_list(county_admin, regions["county"]).tasks.get(no="1")
    assert concerns_attach(user=county_admin, task=task, area_key="工作落实方面 / 防止返贫动态监测和帮扶") == 5
    concern = task.concerns.order_by("position").first()
    check = concern_check(user=department_user, concern=concern, unit=lead, checked=True, note="已对照排查")
    assert check.checked and check.checked_by == department_user
    concern_check(user=department_user, concern=concern, unit=lead, checked=False)
    assert ConcernCheck.objects.get().checked is False
    with pytest.raises(UserFacingError):
        concern_check(user=township_reviewer, concern=concern, unit=lead, checked=True)
    with pytest.raises(UserFacingError):
        concerns_attach(user=department_user, task=task, area_key="工作落实方面 / 乡村治理")
    with pytest.raises(UserFacingError, match="没有"):
        concerns_attach(user=county_admin, task=task, area_key="不存在的领域")
