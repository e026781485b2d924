"""The department lists as ledgers of the pattern: list page (scoped, filtered, paged), row page and the .xlsx
export of the same filter, identity numbers masked, a department user seeing only their own lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.sources.factories import add_fact, make_batch

pytestmark = pytest.mark.django_db
LIST = reverse("ledger_list", args=["dept_mz_assistance"])


@pytest.fixture
def lists(regions):
    person = PersonFactory(household=HouseholdFactory(village=regions["village"]), name="张三")
    other = PersonFactory(household=HouseholdFactory(village=regions["village"]), name="李四")
    mine = make_batch("mz_assistance", as_of=dt.date(2025, 5, 1), region_code=regions["county"].code)
    add_fact(mine, person.id_number, name="张三", category="低保", status="在保")
    add_fact(mine, other.id_number, name="李四", category="特困", status="停保")
    add_fact(mine, "410122199001011237", name="王五", category="低保", status="在保")   # not in the registry
    theirs = make_batch("mz_assistance", as_of=dt.date(2025, 5, 1), region_code=regions["other_county"].code)
    add_fact(theirs, "410199199001011234", name="外县人", category="低保", status="在保")
    school = make_batch("jy_student", as_of=dt.date(2025, 5, 1), region_code=regions["county"].code)
    add_fact(school, person.id_number, name="张三", status="在校")
    return {"person": person, "batch": mine, "school": school}


def test_list_page_is_scoped_filtered_and_masked(lists, department_user, login):
    client = login(department_user)
    page = client.get(LIST).content.decode()
    assert "民政·低保特困等救助名单" in page and "张三" in page and "王五" in page and "外县人" not in page
    assert lists["person"].id_number not in page and lists["person"].id_number[:6] in page   # masked
    assert "录入一条" not in page and reverse("intake_format", args=["dept.mz_assistance"]) in page
    filtered = client.get(LIST, {"category": "特困"}).content.decode()
    assert "李四" in filtered and "张三" not in filtered
    assert "张三" in client.get(LIST, {"q": "张"}).content.decode()
    assert "王五" not in client.get(LIST, {"q": "张"}).content.decode()


def test_row_page_and_export_of_the_same_filter(lists, department_user, login):
    client = login(department_user)
    fact = lists["batch"].facts.get(name="李四")
    row = client.get(reverse("ledger_row", args=["dept_mz_assistance", fact.pk])).content.decode()
    assert "特困" in row and "停保" in row and "2025年5月1日" in row and fact.id_number not in row
    assert "修改" not in row                                   # a department sends a new list instead
    assert client.get(reverse("ledger_edit", args=["dept_mz_assistance", fact.pk])).status_code == 403

    response = client.post(reverse("ledger_export", args=["dept_mz_assistance"]), {"status": "在保"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["身份证号", "姓名", "救助类别", "状态"]
    assert sorted(r[1] for r in sheet[1:]) == ["张三", "王五"] and "*" in sheet[1][0]
    assert AuditEvent.objects.filter(action="export", object_type="ledger_dept_mz_assistance").exists()


def test_department_users_see_only_their_own_lists(lists, department_user, county_admin, other_county_user, login):
    client = login(department_user)                            # 民政
    index = client.get(reverse("ledger_index")).content.decode()
    assert "低保特困等救助名单" in index and "学生就学名单" not in index
    assert client.get(reverse("ledger_list", args=["dept_jy_student"])).status_code == 403
    school = lists["school"].facts.get()
    assert client.get(reverse("ledger_row", args=["dept_jy_student", school.pk])).status_code == 403
    # The county sees every list; another county sees none of these rows.
    assert "张三" in login(county_admin).get(reverse("ledger_list", args=["dept_jy_student"])).content.decode()
    other = login(other_county_user).get(LIST).content.decode()
    assert "外县人" in other and "张三" not in other
    assert login(other_county_user).get(reverse("ledger_row", args=["dept_mz_assistance", school.pk])).status_code == 404


def test_a_batch_page_links_its_rows_on_the_list(lists, department_user, login):
    client = login(department_user)
    detail = client.get(reverse("batch_detail", args=[lists["batch"].pk])).content.decode()
    assert f'{LIST}?batch={lists["batch"].pk}' in detail
    page = client.get(LIST, {"batch": lists["batch"].pk}).content.decode()
    assert "王五" in page and f"第 {lists['batch'].pk} 批导入的记录" in page
