"""A new county user's first imports, clicked through in a real browser (issue 12, "Done when"): a department
list as a GBK CSV and the registry as an Excel 97–2003 .xls, each through the pipeline's page (/intake/…): the
result page lists the rejected rows, the 退回表 downloads, and the corrected 退回表 imports as it is.

The .xls is written by the BIFF8 writer of the reader tests (`gonggu/dataio/tests/sheetfiles.py`): no xls
writer is installed on the machine or in the project's dependencies, and a file built in the test keeps its
rows next to the assertions instead of in a committed binary."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import browser_login
from gonggu.dataio.tests import sheetfiles
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.models import Person
from gonggu.registry.spec import REGISTRY_SPEC
from gonggu.registry.tests.test_import_helpers import household, person
from gonggu.sources.models import Fact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, live_server, key, path):
    """From the import page: the format's link (its title, in the list of formats), the file, the job, its result."""
    page.goto(live_server.url + "/intake/")
    page.click(f".card a[href='/intake/{key}/']")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('上传并导入')")
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")


def _returns(page, tmp_path) -> list[list]:
    with page.expect_download() as info:
        page.click("button:has-text('下载退回表')")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".xlsx" and "退回" in saved.name
    return CalamineWorkbook.from_filelike(io.BytesIO(saved.read_bytes())).get_sheet_by_index(0).to_python()


def _text_rows(rows: list[list]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in rows]


def test_a_gbk_department_list_rejected_rows_and_the_corrected_returns(page, live_server, regions, county_admin,
                                                                      tmp_path):
    zhang = PersonFactory(household=HouseholdFactory(village=regions["village"]), name="张三")
    li = PersonFactory(household=HouseholdFactory(village=regions["village"]), name="李四")
    path = tmp_path / "民政低保名单.csv"
    path.write_bytes(("身份证号,姓名,救助类别,状态\n"
                      f"{zhang.id_number},张三,低保,在保\n"
                      f"{li.id_number},李四,低保,保障中\n").encode("gbk"))
    browser_login(page, live_server, "county_admin")
    _upload(page, live_server, "dept.mz_assistance", path)
    page.wait_for_selector("h1:has-text('民政·低保特困等救助名单')")
    facts = page.locator("dl.facts").inner_text()           # what the reader made of the file
    assert "GB" in facts and "编码的 CSV" in facts
    reason = page.locator("td[data-label='原因']").first.inner_text()
    assert "「保障中」" in reason and li.id_number not in page.content()
    assert Fact.objects.count() == 1

    back = _returns(page, tmp_path)
    assert back[0][:4] == ["身份证号", "姓名", "救助类别", "状态"] and back[0][-1] == "错误原因"
    assert back[1][0] == li.id_number and len(back) == 2
    back[1][3] = "在保"                                    # the department corrects the cell, nothing else
    fixed = sheetfiles.xlsx(tmp_path / "民政低保名单_退回表_改好.xlsx", _text_rows(back))
    _upload(page, live_server, "dept.mz_assistance", fixed)
    page.wait_for_selector("td:has-text('没有拒收的行')")
    assert set(Fact.objects.values_list("name", "status")) == {("张三", "在保"), ("李四", "在保")}
    # The list's rows, on the department list's ledger page, masked.
    page.click("a:has-text('查看导入的数据')")
    page.click("a:has-text('在名单台账中查看')")
    page.wait_for_selector("h1:has-text('低保特困等救助名单')")
    assert "李四" in page.content() and li.id_number not in page.content()


def test_an_xls_registry_validated_confirmed_and_the_returns_imported(page, live_server, regions, county_admin,
                                                                      tmp_path):
    rows = household("H1", 2) + [person("H1", relation="子", 劳动能力="半劳力")]
    header = REGISTRY_SPEC.names
    path = sheetfiles.xls(tmp_path / "东村农户台账.xls", [header] + [[r.get(n, "") for n in header] for r in rows],
                          sheet="农户台账")
    browser_login(page, live_server, "county_admin")
    _upload(page, live_server, "registry", path)
    page.wait_for_selector("h1:has-text('农户台账')")
    assert "「半劳力」不是规定的取值" in page.content() and not Person.objects.exists()
    page.click("a:has-text('核对并确认导入')")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.wait_for_selector(".badge:has-text('已导入')")
    assert Person.objects.count() == 2

    back = _returns(page, tmp_path)
    col = {name: i for i, name in enumerate(back[0])}
    assert back[1][col["身份证号"]] == rows[2]["身份证号"] and "半劳力" in back[1][col["错误原因"]]
    back[1][col["劳动能力"]] = "普通劳动力"
    fixed = sheetfiles.xlsx(tmp_path / "东村农户台账_退回表.xlsx", _text_rows(back))
    _upload(page, live_server, "registry", fixed)
    page.click("a:has-text('核对并确认导入')")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.wait_for_selector(".badge:has-text('已导入')")
    assert Person.objects.count() == 3
    assert Person.objects.get(id_number=rows[2]["身份证号"]).household.household_no == "H1"
