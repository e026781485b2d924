"""A household declares on a phone; the village, township and county take it to approval in the browser."""

import datetime as dt

import docx
import pytest
import time_machine

from conftest import PASSWORD

from ..models import Clue, MonitoringCase
from ..workflow import CaseStatus
from .factories import PNG, household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def travel(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(day + "T09:00:00+08:00"), tick=True)


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")


def test_declaration_to_county_approval(page, phone_page, live_server, regions, village_clerk, township_reviewer,
                                        county_admin, tmp_path):
    hh = household(regions["village"])
    head = hh.members.get()
    external = []
    for p in (page, phone_page):
        p.on("request", lambda r: external.append(r.url)
             if not r.url.startswith((live_server.url, "data:", "blob:")) else None)

    with travel("2025-03-03"):
        # 1. The household declares on a phone, without logging in.
        phone_page.goto(live_server.url + "/monitoring/declare/")
        phone_page.fill("#id_name", head.name)
        phone_page.fill("#id_id_number", head.id_number)
        phone_page.fill("#id_phone", "13912345678")
        phone_page.select_option("#id_county", regions["county"].code)
        phone_page.select_option("#id_township", regions["township"].code)
        phone_page.wait_for_selector(f"#id_village option[value='{regions['village'].code}']", state="attached")
        phone_page.select_option("#id_village", regions["village"].code)
        phone_page.check("input[name=risk_types][value=因病]")
        phone_page.fill("#id_difficulty", "妻子住院，自付三万多元")
        phone_page.click("button:has-text('提交申报')")
        receipt = phone_page.locator("#receipt").inner_text().strip()
        assert len(receipt) == 9 and head.id_number not in phone_page.content()
        clue = Clue.objects.get(receipt_code=receipt)
        assert clue.household == hh

        # 2. The village clerk starts the procedure, records the home visit, compares, selects and posts the notice.
        login(page, live_server, "village_clerk")
        page.goto(live_server.url + "/monitoring/")
        page.click(f"a[href='/monitoring/clues/{clue.pk}/']")
        page.click("button:has-text('启动识别程序')")
        page.wait_for_url("**/monitoring/cases/*/")
        form = page.locator("form[data-step=verify]")
        form.locator("textarea[name=findings]").fill("妻子患病住院，医保报销后自付 3.2 万元，家庭收入下降")
        form.locator("select[name=monitoring_type]").select_option("突发严重困难户")
        form.locator("input[name=risk_types][value=因病]").check()
        form.locator("input[name=commitment_signed_on]").fill("2025-03-03")
        scan = tmp_path / "承诺授权书.png"
        scan.write_bytes(PNG)
        form.locator("input[name=commitment_scan]").set_input_files(str(scan))
        form.locator("button").click()
        page.wait_for_selector("form[data-step=compare]")
        page.locator("form[data-step=compare] button").click()
        page.wait_for_selector("form[data-step=select]")
        select = page.locator("form[data-step=select]")
        select.locator("input[name=notice_start]").fill("2025-03-04")
        select.locator("input[name=notice_end]").fill("2025-03-08")
        select.locator("button").click()
        page.wait_for_selector("text=村内公示/待乡级审核")
        case = MonitoringCase.objects.get(household=hh)
        assert case.status == CaseStatus.NOTICE

        page.click("a:has-text('监测对象初选名单公示')")
        page.wait_for_url("**/monitoring/notices/*/")
        page.fill("input[name=place]", "东村村委会公示栏")
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=张贴于 东村村委会公示栏")
        with page.expect_download() as download:
            page.click("#docx")
        document = docx.Document(download.value.path())
        cells = [c.text for row in document.tables[0].rows for c in row.cells]
        assert head.name in cells and head.id_number not in cells

    with travel("2025-03-09"):
        # 3. The township reviews once the notice window has closed.
        login(page, live_server, "township_reviewer")
        page.goto(live_server.url + "/monitoring/")
        page.click(f"a[href='/monitoring/cases/{case.pk}/']")
        page.locator("form[data-step=township_review] button").click()
        page.wait_for_selector("text=待县级审批")

    with travel("2025-03-10"):
        # 4. The county approves.
        login(page, live_server, "county_admin")
        page.goto(live_server.url + f"/monitoring/cases/{case.pk}/")
        page.locator("form[data-step=county_approve] button").click()
        page.wait_for_selector("text=待结果公告")
    case.refresh_from_db()
    assert case.status == CaseStatus.ANNOUNCE and case.county_approved_on == dt.date(2025, 3, 10)
    assert (case.discovered_on, case.notice_start, case.township_reviewed_on) == (
        dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 9))
    assert external == []
