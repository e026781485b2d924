"""The import journey in a real browser: upload, read the report, confirm, decide on a missing member."""

import pytest

from conftest import browser_login
from gonggu.registry.models import Person, RegistryBatch

from .test_import_helpers import csv_text, household, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, live_server, path):
    page.goto(live_server.url + "/registry/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.wait_for_selector("h1:has-text('导入批次')")


def test_upload_report_confirm_and_decide(page, live_server, county_admin, tmp_path):
    rows = household("H1", 3) + household("H2", 2) + [person("H2", 劳动能力="半劳力")]
    first = tmp_path / "台账.csv"
    first.write_text(csv_text(rows), encoding="gbk")
    browser_login(page, live_server, "county_admin")
    _upload(page, live_server, first)
    assert "已校验，待确认" in page.content()
    assert "「半劳力」不是规定的取值" in page.content()
    assert rows[-1]["身份证号"] not in page.content()
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.wait_for_selector(".badge:has-text('已导入')")
    assert Person.objects.count() == 5

    second = tmp_path / "台账-第二次.csv"
    second.write_text(csv_text(rows[:4]), encoding="utf-8")     # H2's second member is gone
    _upload(page, live_server, second)
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("a:has-text('查看结果')")
    page.click("a:has-text('查看结果')")
    page.click("a:has-text('缺失成员')")
    page.select_option("select[name^=d_]", "deceased")
    page.click("button:has-text('保存本页的处理结果')")
    page.wait_for_selector("text=已处理 1 人")
    assert Person.objects.get(id_number=rows[4]["身份证号"]).status == "死亡"
    assert RegistryBatch.objects.latest("pk").missing_count == 0


def test_report_on_a_phone(phone_page, live_server, county_admin, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(csv_text(household("H1", 2) + [person("H1", 姓名="")]), encoding="utf-8")
    browser_login(phone_page, live_server, "county_admin")
    _upload(phone_page, live_server, path)
    cell = phone_page.locator("td[data-label='原因']").first
    assert cell.is_visible() and "不能为空" in cell.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
