"""The national 防返贫监测信息系统's exports import as they are (issue #19): their headers, values and names."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
import xlsxwriter
from django.urls import reverse

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.core.errors import UserFacingError
from gonggu.registry.importing import registry_import, registry_json
from gonggu.registry.models import Household, IncomeAccount, Person
from gonggu.registry.spec import NATIONAL_LIFTED, NATIONAL_MONITORED

from .test_import_helpers import id_number

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)

LIFTED_HEADER = ["序号", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数",
                 "与户主关系", "民族", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工时间（月）",
                 "是否参加大病保险", "致贫原因"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def lifted_rows(hh="4101220001", village="东村", town="城关镇", county="中牟县", ids=None):
    ids = ids or [id_number(), id_number(dt.date(2011, 5, 1)), id_number(dt.date(2016, 2, 3), male=False)]
    members = [("户主", "张大", "汉族", "小学", "非在校生", "健康", "普通劳动力", "10"),
               ("之子", "张二", "汉族", "小学", "八年级", "健康", "无劳动力", "0"),
               ("之女", "张三", "回族", "", "小学二年级", "长期慢性病", "无劳动力", "0")]
    return [["", county, town, village, "东组", hh, f"{hh}0{i}", name, number, "3", relation, nation, school_level,
             school, health, labour, months, "是", "因病"]
            for i, ((relation, name, nation, school_level, school, health, labour, months), number)
            in enumerate(zip(members, ids, strict=True), start=1)]


def write_xlsx(path, header, rows, *, title="中牟县脱贫人口基础信息表", group_row=True):
    """As the national system exports it: a title row, a row of merged group titles, then the header."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("基础信息")
    sheet.write_row(0, 0, [title])
    at = 1
    if group_row:
        sheet.merge_range(1, 0, 1, 6, "户基本信息")
        sheet.merge_range(1, 7, 1, len(header) - 1, "家庭成员信息")
        at = 2
    sheet.write_row(at, 0, header)
    for i, row in enumerate(rows, start=at + 1):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def write_csv(path, header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_lifted_households_export_imports_with_its_headers_values_and_names(tmp_path, regions, county_admin):
    path = write_xlsx(tmp_path / "脱贫人口.xlsx", LIFTED_HEADER, lifted_rows())
    result = registry_import(path=path, user=county_admin)
    assert result.rejected == []
    assert result.recognised == NATIONAL_LIFTED.title
    assert registry_json(result)["recognised_format"] == NATIONAL_LIFTED.title
    assert "识别为国家防返贫监测信息系统导出的脱贫人口基础信息表" in result.summary()
    household = Household.objects.get(household_no="4101220001")
    assert household.village == regions["village"] and household.household_type == "脱贫户"
    assert household.extra == {"人数": "3", "自然村": "东组", "致贫原因": "因病"}
    people = {p.name: p for p in Person.objects.all()}
    assert (people["张二"].relation, people["张二"].school_status, people["张二"].labour_ability) == ("子", "初中", "无劳动力")
    assert (people["张三"].relation, people["张三"].school_status, people["张三"].health) == ("女", "小学", "长期慢性病")
    assert people["张大"].work_months == 10 and people["张大"].relation == "户主"
    assert people["张三"].extra == {"人编号": "410122000103", "民族": "回族", "是否参加大病保险": "是"}
    assert people["张大"].extra["文化程度"] == "小学"
    # The export has no income: no income account is made up.
    assert not IncomeAccount.objects.exists()


def test_the_same_export_again_changes_nothing(tmp_path, regions, county_admin):
    path = write_xlsx(tmp_path / "脱贫人口.xlsx", LIFTED_HEADER, lifted_rows())
    registry_import(path=path, user=county_admin)
    again = registry_import(path=path, user=county_admin)
    c = again.counts
    assert (c.persons_unchanged, c.persons_updated, c.households_unchanged, c.households_updated) == (3, 0, 1, 0)


def test_a_changed_kept_column_updates_the_person(tmp_path, regions, county_admin):
    ids = [id_number(), id_number(dt.date(2011, 5, 1)), id_number(dt.date(2016, 2, 3), male=False)]
    registry_import(path=write_csv(tmp_path / "a.csv", LIFTED_HEADER, lifted_rows(ids=ids)), user=county_admin)
    rows = lifted_rows(ids=ids)
    rows[0][12] = "初中"   # 文化程度 of the head
    result = registry_import(path=write_csv(tmp_path / "b.csv", LIFTED_HEADER, rows), user=county_admin)
    assert result.counts.persons_updated == 1
    assert Person.objects.get(name="张大").extra["文化程度"] == "初中"


def test_village_names_unknown_or_twice_in_the_county_are_row_errors_naming_them(tmp_path, regions, county_admin):
    # A second 东村, in the county's other township: the name alone no longer says which.
    make_region("410122101203", "东村", Level.VILLAGE, regions["township2"])
    rows = (lifted_rows("A1", town="")[:1] + lifted_rows("A2", village="不存在村")[:1]
            + lifted_rows("A3", town="白沙镇")[:1] + lifted_rows("A4", county="不存在县")[:1])
    result = registry_import(path=write_csv(tmp_path / "names.csv", LIFTED_HEADER, rows), user=county_admin)
    reasons = {p.row: (p.column, p.reason) for p in result.rejected}
    assert reasons[2][0] == "行政村" and "行政村「东村」在中牟县有 2 个" in reasons[2][1]
    assert "城关镇" in reasons[2][1] and "白沙镇" in reasons[2][1]
    assert "中牟县城关镇没有行政村「不存在村」" in reasons[3][1]
    assert 4 not in reasons   # the township tells the two apart
    assert "没有县（市、区）「不存在县」" in reasons[5][1]
    assert Household.objects.get().region_code == "410122101203"


def test_a_monitored_households_export_with_its_own_type_column(tmp_path, regions, county_admin):
    header = ["县", "乡镇", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "健康状况", "劳动技能", "监测对象类别",
              "识别监测时间", "风险是否已消除", "风险消除方式", "致贫/返贫风险1"]
    rows = [["中牟县", "白沙镇", "南村", "M1", "李一", id_number(), "户主", "患有大病", "弱劳动力", "突发严重困难户",
             "202403", "否", "", "因病"]]
    result = registry_import(path=write_csv(tmp_path / "监测对象.csv", header, rows), user=county_admin)
    assert result.rejected == [] and result.recognised == NATIONAL_MONITORED.title
    household = Household.objects.get(household_no="M1")
    assert (household.household_type, household.monitoring_type) == ("监测户", "突发严重困难户")
    assert household.village == regions["village_c"]
    assert household.extra == {"识别监测时间": "202403", "风险是否已消除": "否", "致贫/返贫风险1": "因病"}
    assert Person.objects.get().labour_ability == "弱劳动力或半劳动力"


def test_an_export_with_an_unknown_header_set_is_refused_with_one_message(tmp_path, regions, county_admin):
    header = ["户编号", "人编号", "证件号码", "姓名", "家庭住址"]
    path = write_csv(tmp_path / "其他导出.csv", header, [["X1", "X101", id_number(), "王五", "某地"]])
    with pytest.raises(UserFacingError) as exc:
        registry_import(path=path, user=county_admin)
    assert "表头不是可识别的格式" in exc.value.message and "劳动技能" in exc.value.message
    assert NATIONAL_LIFTED.title in exc.value.message
    assert not Household.objects.exists() and not Person.objects.exists()


def test_a_file_of_the_registry_format_says_so(tmp_path, regions, county_admin):
    from .test_import_helpers import household
    from .test_import_helpers import write_csv as registry_csv

    result = registry_import(path=registry_csv(tmp_path, household("H1", 2)), user=county_admin)
    assert result.recognised == "" and registry_json(result)["recognised_format"] == "农户台账（本系统格式）"
    assert Person.objects.filter(extra={}).count() == 2


def test_the_household_page_shows_the_kept_columns(tmp_path, regions, county_admin, client):
    registry_import(path=write_xlsx(tmp_path / "x.xlsx", LIFTED_HEADER, lifted_rows()), user=county_admin)
    client.force_login(county_admin)
    page = client.get(reverse("household_detail", args=[Household.objects.get().pk])).content.decode()
    assert "其他信息" in page and "致贫原因" in page and "因病" in page and "回族" in page


@pytest.mark.django_db(transaction=True)
def test_upload_on_the_import_page_shows_the_recognised_format_and_then_the_kept_columns(tmp_path, county_admin,
                                                                                         login, regions):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonggu.registry.models import RegistryBatch

    path = write_xlsx(tmp_path / "脱贫人口.xlsx", LIFTED_HEADER, lifted_rows())
    client = login(county_admin)
    client.post(reverse("registry_import"), {"file": SimpleUploadedFile("脱贫人口.xlsx", path.read_bytes())})
    batch = RegistryBatch.objects.get()
    assert batch.status == RegistryBatch.Status.VALIDATED and batch.persons == 3
    page = client.get(reverse("registry_import_batch", args=[batch.pk])).content.decode()
    assert f"识别的格式：{NATIONAL_LIFTED.title}" in page and "表头在第 3 行" in page
    client.post(reverse("registry_import_confirm", args=[batch.pk]))
    household = Household.objects.get()
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "其他信息" in page and "东组" in page and "是否参加大病保险" in page
