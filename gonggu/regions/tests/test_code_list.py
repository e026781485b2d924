"""The statistics bureau's code list as published: its two irregular shapes, reloads and a new year's list."""

import json

import pytest
from django.core.management import call_command

from conftest import make_household
from gonggu.core.errors import UserFacingError
from gonggu.dataio.models import IntakeBatch
from gonggu.regions.models import Region
from gonggu.regions.selectors import regions_in_scope
from gonggu.regions.services import RegionFileError, regions_load

from .test_load_regions import GOOD, write_csv

HEADER = ["统计用区划代码", "名称", "级别", "上级代码", "城乡分类代码"]

# 东莞 and 中山 have no counties: their towns carry 00 in the county digits and hang under the city.
DONGGUAN = [
    ["440000000000", "广东省", "省", "", ""],
    ["441900000000", "东莞市", "市", "440000000000", ""],
    ["441900003000", "东城街道", "乡", "441900000000", ""],
    ["441900003001", "东泰社区居委会", "村", "441900003000", "111"],
    ["441900101000", "石碣镇", "乡", "441900000000", ""],
    ["441900101201", "四甲村委会", "村", "441900101000", "220"],
    ["442000000000", "中山市", "市", "440000000000", ""],
    ["442000001000", "石岐街道", "乡", "442000000000", ""],
    ["442000001001", "太平社区居委会", "村", "442000001000", "111"],
]
# 省直辖县级行政区划 as published: a 市-level row 4190…, the county-level city under it.
JIYUAN = [
    ["410000000000", "河南省", "省", "", ""],
    ["419000000000", "省直辖县级行政区划", "市", "410000000000", ""],
    ["419001000000", "济源市", "县", "419000000000", ""],
    ["419001001000", "沁园街道", "乡", "419001000000", ""],
    ["419001001001", "沁园社区居委会", "村", "419001001000", "111"],
    ["650000000000", "新疆维吾尔自治区", "省", "", ""],
    ["659000000000", "自治区直辖县级行政区划", "市", "650000000000", ""],
    ["659001000000", "石河子市", "县", "659000000000", ""],
    ["659001001000", "新城街道", "乡", "659001000000", ""],
]


def csv_of(tmp_path, rows, name="list.csv"):
    return write_csv(tmp_path / name, rows, header=HEADER)


@pytest.mark.django_db
def test_towns_directly_under_a_city_without_counties(tmp_path):
    result = regions_load(csv_of(tmp_path, DONGGUAN))
    assert result.written.created == len(DONGGUAN) and result.unknown_columns == ["城乡分类代码"]
    town = Region.objects.get(code="441900003000")
    assert (town.level, town.parent.code, town.prefix) == ("township", "441900000000", "441900003")
    assert Region.objects.get(code="441900003001").full_name() == "广东省东莞市东城街道东泰社区居委会"
    # Scoping by code prefix still works: the city's prefix covers its towns and villages, not 中山's.
    in_city = set(regions_in_scope("4419").values_list("code", flat=True))
    assert in_city == {r[0] for r in DONGGUAN[1:6]}
    assert set(regions_in_scope(town.prefix).values_list("code", flat=True)) == {"441900003000", "441900003001"}


@pytest.mark.django_db
def test_province_administered_counties_under_their_published_parent(tmp_path):
    regions_load(csv_of(tmp_path, JIYUAN))
    jiyuan = Region.objects.get(code="419001000000")
    assert (jiyuan.level, jiyuan.parent.name, jiyuan.parent.level) == ("county", "省直辖县级行政区划", "city")
    assert Region.objects.get(code="659001001000").full_name() == "新疆维吾尔自治区自治区直辖县级行政区划石河子市新城街道"
    assert regions_in_scope("41").filter(code="419001001001").exists()


@pytest.mark.django_db
def test_province_administered_county_directly_under_its_province(tmp_path):
    """Lists that leave out the 省直辖县级行政区划 row put 仙桃 straight under 湖北省."""
    rows = [["420000000000", "湖北省", "省", "", ""], ["429004000000", "仙桃市", "县", "420000000000", ""],
            ["429004001000", "沙嘴街道", "乡", "429004000000", ""]]
    regions_load(csv_of(tmp_path, rows))
    assert Region.objects.get(code="429004000000").parent.code == "420000000000"


@pytest.mark.django_db
@pytest.mark.parametrize("row,fragment", [
    # A town under a city is only right where the county digits are 00.
    (["441901003000", "错镇", "乡", "441900000000", ""], "乡的上级应为「县」级"),
    # A county straight under its province only with city digits 90.
    (["441901000000", "错县", "县", "440000000000", ""], "县的上级应为「市」级"),
])
def test_the_exceptions_are_only_where_the_codes_say_so(tmp_path, row, fragment):
    with pytest.raises(RegionFileError) as exc:
        regions_load(csv_of(tmp_path, [*DONGGUAN, row]))
    assert fragment in exc.value.message and Region.objects.count() == 0


@pytest.mark.django_db
def test_reloading_the_same_list_reports_everything_unchanged(tmp_path):
    path = csv_of(tmp_path, DONGGUAN + JIYUAN)
    regions_load(path)
    again = regions_load(path)
    w = again.written
    assert (w.created, w.updated, w.unchanged) == (0, 0, len(DONGGUAN + JIYUAN))
    changes = again.as_json()["changes"]
    assert {k: changes[k] for k in ("added", "renamed", "moved", "removed", "missing")} == dict.fromkeys(
        ("added", "renamed", "moved", "removed", "missing"), 0)
    assert Region.history.count() == len(DONGGUAN + JIYUAN)  # one "created" row each, nothing for the reload


def _next_year(rows):
    """Renames 四甲村委会, moves nothing, adds one village, drops 太平社区居委会."""
    new = [r[:] for r in rows if r[0] != "442000001001"]
    for r in new:
        if r[0] == "441900101201":
            r[1] = "四甲社区居委会"
    new.append(["441900101202", "新村村委会", "村", "441900101000", "220"])
    return new


@pytest.mark.django_db
def test_a_new_years_list_reports_added_renamed_and_missing(tmp_path):
    regions_load(csv_of(tmp_path, DONGGUAN, "2023.csv"))
    result = regions_load(csv_of(tmp_path, _next_year(DONGGUAN), "2024.csv"))
    changes = result.as_json()["changes"]
    assert (changes["added"], changes["renamed"], changes["moved"]) == (1, 1, 0)
    assert changes["examples"]["renamed"] == [{"code": "441900101201", "old": "四甲村委会", "new": "四甲社区居委会"}]
    # Without --remove-missing the dropped village is reported and kept.
    assert (changes["missing"], changes["removed"]) == (1, 0)
    assert changes["examples"]["missing"] == [{"code": "442000001001", "name": "太平社区居委会", "level": "村"}]
    assert Region.objects.filter(code="442000001001").exists()
    assert Region.objects.get(code="441900101201").history.first().history_type == "~"


@pytest.mark.django_db
def test_a_new_years_list_removes_what_it_drops_when_asked(tmp_path):
    regions_load(csv_of(tmp_path, DONGGUAN, "2023.csv"))
    result = regions_load(csv_of(tmp_path, _next_year(DONGGUAN), "2024.csv"), remove_missing=True)
    assert (result.as_json()["changes"]["removed"], result.as_json()["changes"]["missing"]) == (1, 0)
    assert not Region.objects.filter(code="442000001001").exists()
    assert Region.history.filter(code="442000001001", history_type="-").exists()


@pytest.mark.django_db
def test_a_removed_village_with_households_is_refused_with_the_count(tmp_path):
    regions_load(csv_of(tmp_path, DONGGUAN, "2023.csv"))
    village = Region.objects.get(code="442000001001")
    for n in range(3):
        make_household(village, f"H{n}")
    with pytest.raises(UserFacingError) as exc:
        regions_load(csv_of(tmp_path, _next_year(DONGGUAN), "2024.csv"), remove_missing=True)
    assert "太平社区居委会（442000001001）仍有农户 3 户" in exc.value.message
    assert "未导入任何区划" in exc.value.message
    # Nothing half-written: the rename and the new village are not there either, and no batch.
    assert Region.objects.get(code="441900101201").name == "四甲村委会"
    assert not Region.objects.filter(code="441900101202").exists()
    assert IntakeBatch.objects.filter(format="regions").count() == 1


@pytest.mark.django_db
def test_a_partial_list_never_counts_its_neighbours_as_missing(tmp_path, county_admin):
    """A county's own list (with its province and city for context) leaves the rest of the tree alone."""
    before = Region.objects.count()
    result = regions_load(csv_of(tmp_path, [r + [""] for r in GOOD]), remove_missing=False)
    assert Region.objects.count() >= before
    assert result.as_json()["changes"]["removed"] == 0


@pytest.mark.django_db
def test_duplicate_code_is_one_clear_message_and_nothing_written(tmp_path, capsys):
    rows = [*DONGGUAN, ["441900003001", "重复社区", "村", "441900003000", "111"]]
    with pytest.raises(SystemExit) as exc:
        call_command("load_regions", str(csv_of(tmp_path, rows, "dup.csv")))
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "dup.csv" in err and "第 11 行" in err and "441900003001 与第 5 行重复" in err
    assert not Region.objects.exists() and not IntakeBatch.objects.exists()


@pytest.mark.django_db
def test_command_reports_the_changes(tmp_path, capsys):
    call_command("load_regions", str(csv_of(tmp_path, DONGGUAN, "2023.csv")))
    capsys.readouterr()
    call_command("load_regions", str(csv_of(tmp_path, _next_year(DONGGUAN), "2024.csv")), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["updated"], out["changes"]["missing"]) == (1, 1, 1)
    call_command("load_regions", str(csv_of(tmp_path, _next_year(DONGGUAN), "2024b.csv")), "--remove-missing")
    text = capsys.readouterr().out
    assert "撤销 1" in text and not Region.objects.filter(code="442000001001").exists()


@pytest.mark.django_db
def test_a_region_with_listed_rows_below_it_is_never_missing(tmp_path):
    """A list that names a village whose town (and city) it leaves out keeps that town and city."""
    regions_load(csv_of(tmp_path, DONGGUAN, "2023.csv"))
    rows = [DONGGUAN[0], ["441900101202", "新村村委会", "村", "441900101000", "220"]]
    result = regions_load(csv_of(tmp_path, rows, "part.csv"), remove_missing=True)
    assert result.as_json()["changes"]["removed"] == 6
    assert set(Region.objects.values_list("code", flat=True)) == {
        "440000000000", "441900000000", "441900101000", "441900101202"}
