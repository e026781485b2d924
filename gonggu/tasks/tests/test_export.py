"""The .xlsx export: the document's own columns, its headings as grouped rows, progress and status."""

import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import seed_file
from gonggu.tasks.export import chinese_number, heading_label, task_list_xlsx, task_text
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.parsing import parse_file
from gonggu.tasks.services import report_submit, task_close, task_list_import


def rows_of(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["任务清单"]
    return book.get_sheet_by_name("任务清单").to_python(skip_empty_area=False)


def test_numbers_and_labels():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 30)] == ["一", "九", "十", "十一", "二十", "三十"]
    assert heading_label(0, 2, "稳步增收") == "二、稳步增收"
    assert heading_label(1, 3, "教育帮扶") == "（三）教育帮扶"
    assert task_text("动态识别监测对象", "建立信息监测员队伍。") == "动态识别监测对象。建立信息监测员队伍。"
    assert task_text("加强党建", "加强党建，推进治理。") == "加强党建，推进治理。"


@pytest.mark.django_db
def test_export_in_the_numbered_list_layout(regions, county_admin, department_user, time_machine):
    time_machine.move_to(dt.datetime(2024, 6, 10, 9, 0))
    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    task_list = make_list(county_admin, regions["county"])
    first = task_list.tasks.get(no="1")
    report_submit(user=department_user, task=first, unit=lead, progress="已组建监测员队伍 120 人")
    task_close(user=county_admin, task=task_list.tasks.get(no="3"), note="已完成")
    rows = rows_of(task_list_xlsx(task_list, today=dt.date(2024, 6, 10)))
    assert rows[0][0] == "某县巩固拓展脱贫攻坚成果工作任务清单"
    assert rows[1] == ["序号", "工作任务", "牵头单位", "进展情况", "状态"]  # 004's shape: no deadline column
    assert rows[2][0] == "一、加强动态监测帮扶"
    assert rows[3][:3] == ["1", "动态识别监测对象。建立信息监测员队伍，每周研判一次。", "县乡村振兴局"]
    assert rows[3][3] == "县乡村振兴局（2024-06-10）：已组建监测员队伍 120 人"
    assert rows[3][4] == "正常推进"
    assert rows[4][:3] == ["2", "强化数据比对共享。每月与民政、医保等部门开展一次数据比对。", "县乡村振兴局、县民政局"]
    assert rows[5][0] == "二、稳步增收"
    assert rows[6][0] == "3" and rows[6][4].startswith("已办结销号")
    assert len(rows) == 8


@pytest.mark.django_db
def test_export_of_the_beian_table_keeps_its_columns_and_two_heading_levels(regions, county_admin):
    path = seed_file("003_30a29f2321ea6e96.txt")
    task_list = task_list_import(user=county_admin, region=regions["county"], parsed=parse_file(path))
    rows = rows_of(task_list_xlsx(task_list, today=dt.date(2023, 6, 1)))
    assert rows[1] == ["序号", "工作任务", "牵头单位", "责任单位", "完成时限", "进展情况", "状态"]
    assert rows[2][0] == "一、健全完善防止返贫监测和帮扶机制"
    assert rows[3][0].startswith("（一）")
    task_rows = [r for r in rows[2:] if r[1]]
    assert len(task_rows) == 82
    by_no = {r[0]: r for r in task_rows if r[0]}
    assert by_no["16"][4].startswith("2023") and "（2023-10-31）" in by_no["16"][4]
    assert any("待人工确定" in r[4] for r in task_rows)
    headings = [r[0] for r in rows[2:] if not r[1]]
    assert sum(1 for h in headings if h[1:2] == "、") == 9  # nine sections 一 … 九


@pytest.mark.django_db
def test_export_of_the_henan_table_has_its_evaluation_column(regions, county_admin):
    path = seed_file("000_43a5464a2cf5361e.txt")
    task_list = task_list_import(user=county_admin, region=regions["county"], parsed=parse_file(path))
    rows = rows_of(task_list_xlsx(task_list))
    assert rows[1] == ["序号", "任务分解及工作要求", "评价方式", "责任单位", "进展情况", "状态"]
    assert rows[2][0] == "一、责任落实方面" and rows[3][0] == "（一）党委和政府主体责任"
