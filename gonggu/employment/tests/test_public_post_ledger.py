"""The ledger pattern end to end, on its first kind (公益岗位台账): import with the 退回表 round trip, upsert,
scope, the list with filters and export, entry and edit forms with history, the snapshot table and rules."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.dataio.intake import intake_run
from gonggu.dataio.models import IntakeBatch
from gonggu.dataio.writers import write_xlsx
from gonggu.employment.models import PublicPost
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.rules.engine import run_rules
from gonggu.rules.services import param_set

from .factories import public_post

pytestmark = pytest.mark.django_db
UNKNOWN = make_id_number("410122", dt.date(1990, 1, 1), 31)
HEADER = "身份证号,姓名,岗位名称,上岗日期,退岗日期,月岗位补贴（元）,第几次安置,签订岗位协议,购买意外伤害保险"


@pytest.fixture
def people(regions):
    mine = [PersonFactory(household=HouseholdFactory(village=regions["village"])) for _ in range(3)]
    other = PersonFactory(household=HouseholdFactory(village=regions["other_village"]))
    return mine, other


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_import_rejects_what_cannot_be_stored_and_the_returns_file_imports_once_corrected(
        people, county_admin, login, tmp_path):
    (a, b, c), other = people
    path = tmp_path / "公益岗位.csv"
    lines = [HEADER,
             f"{a.id_number},{a.name},保洁员,2025-03-01,,1200,1,是,是",
             f"{b.id_number},{b.name},护林员,2025/13/01,,1200,1,是,否",           # no such date
             f"{c.id_number},{c.name},护路员,2025-03-01,,-50,1,是,是",            # negative subsidy
             f"{UNKNOWN},查无此人,保洁员,2025-03-01,,1200,1,是,是",              # not in the registry
             f"{other.id_number},{other.name},保洁员,2025-03-01,,1200,1,是,是",   # another county
             f"{a.id_number},{a.name},保洁员,2025-03-01,,1300,1,是,是"]            # repeats row 2
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    result = intake_run("ledger.public_post", path=path, user=county_admin)
    assert (result.rows, result.accepted, result.rejected_rows) == (6, 1, 5)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "不是真实的日期" in reasons[3] and "负数" in reasons[4] and "不在农户台账中" in reasons[5]
    assert "管辖" in reasons[6] and "第 2 行" in reasons[7]
    row = PublicPost.objects.get()
    assert (row.person, row.household_id, row.region_code) == (a, a.household_id, a.region_code)
    assert row.monthly_subsidy == Decimal("1200.00") and row.agreement and row.insured
    assert row.batch_id == result.batch.pk and row.history.count() == 1

    # The 退回表: the file's own columns plus 错误原因, one line per rejected row, full numbers (audited).
    client = login(county_admin)
    response = client.post(reverse("intake_returns", args=[result.batch.pk]))
    assert response.status_code == 200
    returned = _rows(response.content)
    assert returned[0] == [*HEADER.split(","), "错误原因"]
    assert [r[0] for r in returned[1:]] == [b.id_number, c.id_number, UNKNOWN, other.id_number,
                                            a.id_number]
    assert "原第 3 行" in returned[1][-1] and "上岗日期" in returned[1][-1]
    assert AuditEvent.objects.filter(action="export_pii", object_type="intake_batch").exists()

    # Corrected where it can be, sent back as it is (错误原因 included): the fixed rows import, nothing twice.
    fixed = [returned[0]] + [list(r) for r in returned[1:3]]
    fixed[1][3], fixed[2][5] = "2025-04-01", "1100"
    again = tmp_path / "退回表已改.xlsx"
    again.write_bytes(write_xlsx([("退回表", fixed[0], fixed[1:])], text_columns=set(fixed[0])))
    second = intake_run("ledger.public_post", path=again, user=county_admin)
    assert (second.accepted, second.rejected_rows, second.unknown_columns) == (2, 0, ["错误原因"])
    assert PublicPost.objects.count() == 3


def test_reimport_updates_in_place_and_counts_unchanged(people, county_admin, tmp_path):
    (a, b, _c), _other = people
    first = tmp_path / "1.csv"
    first.write_text(f"{HEADER}\n{a.id_number},,保洁员,2025-03-01,,1200,1,是,是\n"
                     f"{b.id_number},,护林员,2025-03-01,,1200,1,是,是\n", encoding="utf-8")
    intake_run("ledger.public_post", path=first, user=county_admin)
    second = tmp_path / "2.csv"
    second.write_text(f"{HEADER}\n{a.id_number},,保洁员,2025-03-01,2025-06-30,1200,1,是,是\n"
                      f"{b.id_number},,护林员,2025-03-01,,1200,1,是,是\n", encoding="utf-8")
    result = intake_run("ledger.public_post", path=second, user=county_admin)
    assert (result.written.created, result.written.updated, result.written.unchanged) == (0, 1, 1)
    row = PublicPost.objects.get(person=a)
    assert row.end_date == dt.date(2025, 6, 30) and row.history.count() == 2
    assert PublicPost.objects.count() == 2
    # The same file again is recognised and not counted twice.
    assert intake_run("ledger.public_post", path=second, user=county_admin).duplicate_of is not None


def test_village_clerk_enters_and_edits_a_row_with_history(people, village_clerk, other_county_user, login):
    (a, _b, _c), other = people
    client = login(village_clerk)
    page = client.get(reverse("ledger_new", args=["public_post"]))
    assert page.status_code == 200 and "岗位名称" in page.content.decode()
    data = {"id_number_input": a.id_number, "post_name": "保洁员", "post_type": "保洁", "start_date": "2025-03-01",
            "monthly_subsidy": "1100", "placement_no": "1", "agreement": "on"}
    response = client.post(reverse("ledger_new", args=["public_post"]), data)
    row = PublicPost.objects.get()
    assert response["Location"] == reverse("ledger_row", args=["public_post", row.pk])
    assert row.created_by == village_clerk and row.person == a and row.batch is None and not row.insured

    edit = client.get(reverse("ledger_edit", args=["public_post", row.pk])).content.decode()
    version = row.updated_at.isoformat()
    assert version in edit
    client.post(reverse("ledger_edit", args=["public_post", row.pk]),
                {**data, "monthly_subsidy": "1300", "insured": "on", "version": version})
    row.refresh_from_db()
    assert row.monthly_subsidy == Decimal("1300.00") and row.insured
    detail = client.get(reverse("ledger_row", args=["public_post", row.pk])).content.decode()
    assert "1100.00 → 1300.00" in detail and "购买意外伤害保险" in detail

    # A stale form (someone saved in between) is refused with who changed it, not overwritten.
    stale = client.post(reverse("ledger_edit", args=["public_post", row.pk]),
                        {**data, "monthly_subsidy": "900", "version": version})
    assert "已被" in stale.content.decode()
    row.refresh_from_db()
    assert row.monthly_subsidy == Decimal("1300.00")

    # A person outside the clerk's village: refused on the form; the row is invisible to another county.
    refused = client.post(reverse("ledger_new", args=["public_post"]), {**data, "id_number_input": other.id_number})
    assert "管辖范围" in refused.content.decode() and PublicPost.objects.count() == 1
    assert login(other_county_user).get(reverse("ledger_row", args=["public_post", row.pk])).status_code == 404


def test_list_filters_and_export_with_the_same_filters(people, county_admin, village_clerk, leader, login):
    (a, b, c), _other = people
    public_post(a, insured=True)
    public_post(b, insured=False)
    public_post(c, insured=False, post_name="护林员")
    client = login(county_admin)
    page = client.get(reverse("ledger_list", args=["public_post"]), {"insured": "False"}).content.decode()
    assert b.name in page and c.name in page and a.name not in page
    assert a.id_number not in page and a.id_number[:6] + "********" in page.replace(a.id_number, "")  # masked
    response = client.post(reverse("ledger_export", args=["public_post"]), {"insured": "False"})
    rows = _rows(response.content)
    assert rows[0][:3] == ["身份证号", "姓名", "岗位名称"] and len(rows) == 3
    assert all("*" in r[0] for r in rows[1:])
    assert AuditEvent.objects.filter(action="export", object_type="ledger_public_post").exists()
    # GET does not export; a leader sees the list but may not enter rows.
    assert client.get(reverse("ledger_export", args=["public_post"])).status_code == 405
    leader_client = login(leader)
    assert leader_client.get(reverse("ledger_list", args=["public_post"])).status_code == 200
    assert leader_client.get(reverse("ledger_new", args=["public_post"])).status_code == 403


def test_ledger_index_and_pages_fit_a_phone(people, village_clerk, login):
    client = login(village_clerk)
    index = client.get(reverse("ledger_index")).content.decode()
    assert "稳岗就业" in index and "公益岗位台账" in index
    template = client.get(reverse("intake_template", args=["ledger.public_post"]))
    assert _rows(template.content)[0][:3] == ["身份证号", "姓名", "岗位名称"]


@time_machine.travel(dt.datetime(2025, 7, 1, 9, 0), tick=False)
def test_rules_read_the_ledger_table(people, regions):
    (a, b, c), _other = people
    param_set(name="min_wage_monthly", value="2000")
    public_post(a, subsidy="999.99")
    public_post(b, post_name="保洁员")
    public_post(b, post_name="护林员")
    public_post(c, subsidy="1000")
    result = run_rules(kinds=["ledger"], as_of=dt.date(2025, 6, 30), prefix=regions["county"].prefix, store=False)
    found = {(f["rule"], f["id_number"]) for f in result.findings.to_pylist()
             if f["rule"] in ("POST-SUBSIDY-LOW", "POST-MULTIPLE", "POST-PLACEMENTS", "POST-LOST-LABOUR")}
    assert ("POST-SUBSIDY-LOW", a.id_number) in found and ("POST-SUBSIDY-LOW", c.id_number) not in found
    assert ("POST-MULTIPLE", b.id_number) in found and len(found) == 2


def test_import_format_is_one_of_the_pipelines(county_admin, login):
    assert IntakeBatch.objects.count() == 0
    page = login(county_admin).get(reverse("intake_home")).content.decode()
    assert "公益岗位台账" in page and "工作台账 · 稳岗就业" in page
