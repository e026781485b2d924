"""A unit's staff member files a progress report in the browser and the board changes."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD
from gonggu.core.tests.files import jpeg
from gonggu.tasks.factories import make_list, make_unit
from gonggu.tasks.models import ProgressReport, ReportSlot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_reports_progress_and_the_board_turns_green(page, live_server, regions, county_admin, department_user,
                                                         settings, tmp_path):
    settings.DATA_DIR = tmp_path
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(
        ("http://localhost", "http://127.0.0.1", "data:")) else None)
    lead = make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    task = make_list(county_admin, regions["county"]).tasks.get(no="1")
    today = timezone.localdate()
    ReportSlot.objects.create(task=task, unit=lead, period_key="M", period_start=today - dt.timedelta(days=30),
                              period_end=today - dt.timedelta(days=3), due_date=today - dt.timedelta(days=3))

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "department_user")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/tasks/board/")
    row = page.locator(f"tr[data-task='{task.pk}']")
    assert row.get_attribute("data-light") == "red"
    assert page.locator("[data-count=red]").inner_text() == "1"

    row.locator("a", has_text="动态识别监测对象").click()
    page.fill("textarea[name=progress]", "已组建信息监测员队伍，完成首轮排查。")
    page.fill("input[name=percent]", "50")
    page.set_input_files("input[name=files]", files=[
        {"name": "排查照片.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.click("form.report-form button:has-text('报送')")
    page.wait_for_selector("text=进展已报送")
    assert page.locator(".card.report").first.inner_text().count("已组建信息监测员队伍") == 1
    assert "排查照片.jpg" in page.locator(".card.report").first.inner_text()

    page.goto(live_server.url + "/tasks/board/")
    assert page.locator(f"tr[data-task='{task.pk}']").get_attribute("data-light") == "green"
    assert page.locator("[data-count=red]").inner_text() == "0"
    assert ProgressReport.objects.get().evidence.get().original_name == "排查照片.jpg"
    assert external == []


def test_county_corrects_a_preview_row_in_place(page, live_server, regions, county_admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    text = "某县清单\n一、监测\n1.排查。全面排查。（县乡村振兴局）\n2.比对。数据比对。（县民政局）\n某县办公室 2025年3月1日印发\n"
    source = tmp_path / "清单.txt"
    source.write_text(text, encoding="utf-8")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "county_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/tasks/import/")
    page.set_input_files("input[name=file]", str(source))
    page.click("button:has-text('上传并预览')")
    page.wait_for_selector("table.preview")
    page.locator("#row-1 a:has-text('修改')").click()
    page.wait_for_selector("#row-1 input[name=deadline_text]")
    page.fill("#row-1 input[name=deadline_text]", "2025年6月底")
    page.click("#row-1 button:has-text('保存此行')")
    page.wait_for_selector("#row-1 >> text=2025-06-30")
    page.click("button:has-text('保存任务清单')")
    page.wait_for_selector("h1:has-text('确认单位名称')")
    assert "县民政局" in page.locator("table").first.inner_text()
