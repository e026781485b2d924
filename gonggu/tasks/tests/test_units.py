"""The units directory: names kept as written, mapped exactly or by alias, new names confirmed by a person."""

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.models import TaskUnit, Unit, UnitAlias, UnitKind
from gonggu.tasks.selectors import unmapped_names
from gonggu.tasks.services import unit_create, unit_name_confirm, unit_names_create_all, unit_update
from gonggu.tasks.units import unit_key


def test_unit_key_folds_blanks_and_full_width():
    assert unit_key("县 卫健局") == unit_key("县卫健局")
    assert unit_key("ＸＸ县人行") == "XX县人行"


@pytest.mark.django_db
def test_spaces_inside_names_still_match(regions, county_admin):
    unit = make_unit(county_admin, "县卫健局", regions["county"])
    task_list = make_list(county_admin, regions["county"], "清单\n一、健康\n1.家庭医生签约。做实签约服务。（县 卫健局）\n")
    link = TaskUnit.objects.get(task__task_list=task_list)
    assert link.name == "县卫健局" or link.name == "县 卫健局"
    assert link.unit == unit


@pytest.mark.django_db
def test_confirm_new_name_by_creating_a_unit(regions, county_admin):
    task_list = make_list(county_admin, regions["county"])
    assert {n["name"] for n in unmapped_names(task_list)} == {"县乡村振兴局", "县民政局", "县农业农村局", "县人行"}
    unit = unit_name_confirm(user=county_admin, task_list=task_list, name="县乡村振兴局", action="create",
                             kind=UnitKind.DEPARTMENT)
    assert unit.region == regions["county"]
    assert TaskUnit.objects.filter(task__task_list=task_list, name="县乡村振兴局", unit=unit).count() == 2
    assert "县乡村振兴局" not in {n["name"] for n in unmapped_names(task_list)}


@pytest.mark.django_db
def test_confirm_name_as_alias_maps_this_and_later_lists(regions, county_admin):
    bank = make_unit(county_admin, "中国人民银行某县支行", regions["county"])
    first = make_list(county_admin, regions["county"])
    unit_name_confirm(user=county_admin, task_list=first, name="县人行", action="alias", unit=bank)
    assert UnitAlias.objects.get(unit=bank).name == "县人行"
    assert TaskUnit.objects.get(task__task_list=first, name="县人行").unit == bank
    second = make_list(county_admin, regions["county"])
    assert TaskUnit.objects.get(task__task_list=second, name="县人行").unit == bank


@pytest.mark.django_db
def test_alias_needs_a_unit_and_a_name_on_the_list(regions, county_admin):
    task_list = make_list(county_admin, regions["county"])
    with pytest.raises(UserFacingError, match="选择对应的已有单位"):
        unit_name_confirm(user=county_admin, task_list=task_list, name="县人行", action="alias", unit=None)
    with pytest.raises(UserFacingError, match="没有单位名称"):
        unit_name_confirm(user=county_admin, task_list=task_list, name="县财政局", action="create")


@pytest.mark.django_db
def test_ambiguous_name_is_not_mapped_automatically(regions, county_admin):
    make_unit(county_admin, "城关镇人民政府", regions["township"], kind=UnitKind.TOWNSHIP, aliases=["镇政府"])
    make_unit(county_admin, "白沙镇人民政府", regions["township2"], kind=UnitKind.TOWNSHIP, aliases=["镇政府"])
    task_list = make_list(county_admin, regions["county"], "清单\n一、治理\n1.乡村治理。推进积分制。（镇政府）\n")
    assert TaskUnit.objects.get(task__task_list=task_list).unit is None
    assert [n["name"] for n in unmapped_names(task_list)] == ["镇政府"]


@pytest.mark.django_db
def test_unit_names_and_aliases_are_unique_in_a_region(regions, county_admin):
    make_unit(county_admin, "县人社局", regions["county"], aliases=["人社局"])
    with pytest.raises(UserFacingError, match="已被单位"):
        make_unit(county_admin, "县 人社局", regions["county"])
    with pytest.raises(UserFacingError, match="已被单位"):
        make_unit(county_admin, "县人力资源和社会保障局", regions["county"], aliases=["人社局"])


@pytest.mark.django_db
def test_members_must_be_able_to_report_and_sit_over_the_unit(regions, county_admin, department_user,
                                                            township_reviewer, leader):
    county = regions["county"]
    unit = make_unit(county_admin, "县民政局", county, members=[department_user])
    assert list(unit.members.all()) == [department_user]
    with pytest.raises(UserFacingError, match="不能填报任务进展"):
        unit_update(user=county_admin, unit=unit, name=unit.name, kind=unit.kind, is_active=True, aliases=[],
                    members=[leader])
    # A township reviewer acts for units inside the township, not for a county department.
    with pytest.raises(UserFacingError, match="所属区划不包含"):
        unit_update(user=county_admin, unit=unit, name=unit.name, kind=unit.kind, is_active=True, aliases=[],
                    members=[township_reviewer])
    town = make_unit(county_admin, "城关镇", regions["township"], kind=UnitKind.TOWNSHIP, members=[township_reviewer])
    assert town.members.get() == township_reviewer


@pytest.mark.django_db
def test_only_managers_create_units_and_only_in_their_region(regions, county_admin, department_user,
                                                            other_county_user):
    with pytest.raises(UserFacingError):
        unit_create(user=department_user, name="县民政局", kind=UnitKind.DEPARTMENT, region=regions["county"])
    with pytest.raises(UserFacingError, match="管辖范围"):
        unit_create(user=other_county_user, name="县民政局", kind=UnitKind.DEPARTMENT, region=regions["county"])
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_renaming_a_unit_maps_names_that_now_match(regions, county_admin):
    task_list = make_list(county_admin, regions["county"])
    unit = make_unit(county_admin, "农业农村局", regions["county"])
    assert TaskUnit.objects.get(task__task_list=task_list, name="县农业农村局").unit is None
    unit_update(user=county_admin, unit=unit, name="农业农村局", kind=unit.kind, is_active=True,
                aliases=["县农业农村局"], members=[])
    assert TaskUnit.objects.get(task__task_list=task_list, name="县农业农村局").unit == unit


@pytest.mark.django_db
def test_create_all_new_names_at_once(regions, county_admin, django_assert_max_num_queries):
    make_unit(county_admin, "城关镇人民政府", regions["township"], kind=UnitKind.TOWNSHIP, aliases=["镇政府"])
    make_unit(county_admin, "白沙镇人民政府", regions["township2"], kind=UnitKind.TOWNSHIP, aliases=["镇政府"])
    text = "清单\n一、治理\n1.乡村治理。推进积分制。（镇政府）\n2.产业。壮大产业。（县农业农村局、白沙镇党委政府）\n"
    task_list = make_list(county_admin, regions["county"], text)
    with django_assert_max_num_queries(16):
        created = unit_names_create_all(user=county_admin, task_list=task_list)
    assert created == 2
    assert Unit.objects.get(name="白沙镇党委政府").region == regions["township2"]
    assert Unit.objects.get(name="县农业农村局").kind == UnitKind.DEPARTMENT
    assert [n["name"] for n in unmapped_names(task_list)] == ["镇政府"]  # ambiguous: left for a person


COLLECTIVE_LIST = (
    "某县任务清单\n一、监测帮扶\n"
    "1.开展集中排查。（牵头单位：县乡村振兴局；责任单位：各乡镇）\n"
    "2.落实帮扶措施。（牵头单位：县民政局；责任单位：城关镇、各乡镇）\n"
)


@pytest.mark.parametrize("name,collective", [
    ("各乡镇", True), ("各乡镇（街道）", True), ("各镇党委政府", True), ("各鄉鎮", True),
    ("城关镇", False), ("各部门", False), ("县乡村振兴局", False),
])
def test_townships_collective_names(name, collective):
    from gonggu.tasks.units import is_townships_collective

    assert is_townships_collective(name) is collective


@pytest.mark.django_db
def test_townships_collective_is_kept_and_expanded_on_assignment(regions, county_admin):
    from gonggu.tasks.services import task_townships_expand

    task_list = make_list(county_admin, regions["county"], COLLECTIVE_LIST)
    assert set(TaskUnit.objects.filter(task__task_list=task_list, role="responsible").values_list("name", flat=True)) \
        == {"各乡镇", "城关镇"}
    with pytest.raises(UserFacingError, match="还没有本县的乡镇单位"):
        task_townships_expand(user=county_admin, task_list=task_list, name="各乡镇")
    chengguan = make_unit(county_admin, "城关镇", regions["township"], kind=UnitKind.TOWNSHIP)
    baisha = make_unit(county_admin, "白沙镇", regions["township2"], kind=UnitKind.TOWNSHIP)
    other = regions["other_township"]  # a township unit of another county is never added
    Unit.objects.create(name="孝义街道", key=unit_key("孝义街道"), kind=UnitKind.TOWNSHIP, region=other,
                        region_code=other.code)
    added = task_townships_expand(user=county_admin, task_list=task_list, name="各乡镇")
    assert added == 3  # two on the first task; the second names 城关镇 already
    first, second = task_list.tasks.order_by("seq")
    assert {(u.name, u.unit_id) for u in first.assignments.filter(role="responsible")} == {
        ("各乡镇", None), ("城关镇", chengguan.pk), ("白沙镇", baisha.pk)}
    assert second.assignments.filter(role="responsible", unit=baisha).exists()
    assert task_townships_expand(user=county_admin, task_list=task_list, name="各乡镇") == 0  # idempotent
    with pytest.raises(UserFacingError, match="不是对各乡镇的统称"):
        task_townships_expand(user=county_admin, task_list=task_list, name="县民政局")
