"""The work-by-year ledger, the township targets and the 公益岗位 attendance through the ledger pattern: imports
with bad rows given back in the 退回表, entry forms that refuse what cannot be true, the take-over of a
year from the registry and from 人社's list, and who may import what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.departments import Department
from gonggu.dataio.intake import intake_run
from gonggu.employment.models import PostAttendance, WorkRecord, WorkTarget
from gonggu.employment.services import work_year_take_over
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.sources.factories import fact

from .factories import attendance, public_post, work_record

pytestmark = pytest.mark.django_db
UNKNOWN = make_id_number("410122", dt.date(1990, 1, 1), 31)
WORK = "身份证号,姓名,年度,务工月数,务工地点,就业方式,务工单位,跨省交通补助（元）,交通补助发放日期,信息来源"
ATTEND = "身份证号,姓名,岗位名称,月份,出勤天数,应发补贴（元）,实发补贴（元）,发放日期"


@pytest.fixture
def people(regions):
    return [PersonFactory(household=HouseholdFactory(village=regions["village"])) for _ in range(4)]


def _file(tmp_path, name, header, lines):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _reasons(result) -> dict[int, str]:
    reasons: dict[int, str] = {}
    for p in result.rejected:
        reasons[p.row] = reasons.get(p.row, "") + p.reason
    return reasons


def test_work_records_are_kept_per_year_and_bad_rows_go_back(people, county_admin, tmp_path):
    a, b, c, _d = people
    first = intake_run("ledger.work_record", user=county_admin, path=_file(tmp_path, "2024.csv", WORK, [
        f"{a.id_number},,2024,8,跨省,外出务工,某电子厂,500,2024-03-10,人社名单",
        f"{b.id_number},,2024,13,县内,,,,,",                          # 13 months
        f"{c.id_number},,2024,6,县内,,,300,,",                         # transport subsidy inside the county
        f"{a.id_number},,2025,5,省外,,,500,2024-12-30,",               # paid before the work year
        f"{UNKNOWN},,2024,6,县内,,,,,",                                 # not in the registry
    ]))
    assert (first.accepted, first.rejected_rows) == (1, 4)
    reasons = _reasons(first)
    assert "0–12" in reasons[3] and "省外" in reasons[4] and "早于务工年度" in reasons[5]
    assert "不在农户台账中" in reasons[6]
    row = WorkRecord.objects.get()
    assert (row.year, row.months, row.place, row.source) == (2024, 8, "省外", "人社名单")
    assert row.transport_subsidy == Decimal("500.00")

    # The next year is a row of its own; the same year again updates that year only.
    intake_run("ledger.work_record", user=county_admin, path=_file(tmp_path, "2025.csv", WORK, [
        f"{a.id_number},,2025,3,省内县外,,,,,", f"{b.id_number},,2024,12,县内,,,,,"]))
    again = intake_run("ledger.work_record", user=county_admin, path=_file(tmp_path, "2025b.csv", WORK, [
        f"{a.id_number},,2025,4,省内县外,,,,,"]))
    assert (again.written.created, again.written.updated) == (0, 1)
    assert dict(WorkRecord.objects.filter(person=a).values_list("year", "months")) == {2024: 8, 2025: 4}


def test_targets_are_for_townships(regions, county_admin, tmp_path):
    header = "行政区划代码,年度,务工就业目标人数,备注"
    result = intake_run("ledger.work_target", user=county_admin, path=_file(tmp_path, "t.csv", header, [
        f"{regions['township'].code},2025,120,", f"{regions['village'].code},2025,10,",
        f"{regions['other_township'].code},2025,10,", f"{regions['township2'].code},2025,-5,"]))
    assert (result.accepted, result.rejected_rows) == (1, 3)
    reasons = _reasons(result)
    assert "乡镇" in reasons[3] and "管辖" in reasons[4] and "大于或等于" in reasons[5]
    assert WorkTarget.objects.get().target == 120


def test_attendance_must_fall_in_a_term_and_one_post_a_month(people, county_admin, tmp_path):
    a, b, c, d = people
    public_post(a, post_name="保洁员", start=dt.date(2025, 3, 15), end=dt.date(2025, 6, 30))
    public_post(b, post_name="护林员", start=dt.date(2025, 1, 1))
    public_post(b, post_name="护路员", start=dt.date(2025, 1, 1))
    public_post(c, post_name="保洁员", start=dt.date(2025, 1, 1))
    attendance(c, dt.date(2025, 4, 1), post_name="保洁员")
    result = intake_run("ledger.post_attendance", user=county_admin, path=_file(tmp_path, "考勤.csv", ATTEND, [
        f"{a.id_number},,保洁员,2025-03,12,1200,1200,2025-04-10",       # the month the term began: fine
        f"{a.id_number},,保洁员,2025-07,22,1200,1200,2025-08-10",       # after the term
        f"{b.id_number},,护林员,2025-04,22,1200,,",                     # fine, not yet paid
        f"{b.id_number},,护路员,2025-04,22,1200,,",                     # second post, same month, in the file
        f"{d.id_number},,保洁员,2025-04,22,1200,,",                     # no such post
        f"{a.id_number},,保洁员,2025-04,31,1200,1200,2025-05-10",       # April has 30 days
        f"{a.id_number},,保洁员,2025-05,20,1200,1200,2025-04-30",       # paid before the month
        f"{a.id_number},,保洁员,2025-06,20,1200,1300,2025-07-10",       # paid more than due
        f"{c.id_number},,保洁员,2025-05,-3,1200,,",                     # negative days
    ]))
    assert (result.accepted, result.rejected_rows) == (2, 7)
    reasons = _reasons(result)
    assert "聘用期" in reasons[3] and "两个岗位" in reasons[5] and "没有「保洁员」岗位" in reasons[6]
    assert "超过" in reasons[7] and "早于考勤月份" in reasons[8] and "多于应发" in reasons[9]
    assert "出勤天数" in reasons[10]
    assert PostAttendance.objects.filter(person__in=[a, b]).count() == 2

    # Already recorded under another post in the database: refused on import as well.
    again = intake_run("ledger.post_attendance", user=county_admin, path=_file(tmp_path, "2.csv", ATTEND, [
        f"{b.id_number},,护路员,2025-04,22,1200,,"]))
    assert again.rejected_rows == 1 and "已有「护林员」" in _reasons(again)[2]


def test_entry_form_refuses_an_end_before_the_start_and_a_month_outside_the_term(people, village_clerk, login):
    a = people[0]
    client = login(village_clerk)
    post = {"id_number_input": a.id_number, "post_name": "保洁员", "start_date": "2025-03-01",
            "end_date": "2025-02-01", "monthly_subsidy": "1100", "placement_no": "1"}
    page = client.post(reverse("ledger_new", args=["public_post"]), post).content.decode()
    assert "早于上岗日期" in page
    client.post(reverse("ledger_new", args=["public_post"]), {**post, "end_date": ""})
    month = {"id_number_input": a.id_number, "post_name": "保洁员", "month": "2025-02-01", "days": "20",
             "subsidy_due": "1100"}
    page = client.post(reverse("ledger_new", args=["post_attendance"]), month).content.decode()
    assert "不在此人「保洁员」岗位的聘用期内" in page and not PostAttendance.objects.exists()
    response = client.post(reverse("ledger_new", args=["post_attendance"]), {**month, "month": "2025-03-01"})
    assert response.status_code == 302 and PostAttendance.objects.count() == 1
    record = {"id_number_input": a.id_number, "year": "2025", "months": "13", "source": "村级摸排"}
    page = client.post(reverse("ledger_new", args=["work_record"]), record).content.decode()
    assert "12" in page and not WorkRecord.objects.exists()


@time_machine.travel(dt.datetime(2026, 2, 1, 9, 0), tick=False)
def test_take_over_a_year_from_the_registry_and_from_the_rs_list(people, county_admin):
    a, b, c, d = people
    for p, months, place in ((a, 8, "省外"), (b, 3, "县内"), (c, 0, "")):
        p.work_months, p.work_place = months, place
        p.save()
    work_record(b, 2025, 10, source="村级摸排")          # entered by the village: kept
    result = work_year_take_over(year=2025, source="registry", prefix="410122", user=county_admin)
    assert (result.created, result.kept) == (1, 1)
    assert WorkRecord.objects.get(person=a, year=2025).source == "农户台账"
    assert WorkRecord.objects.get(person=b, year=2025).months == 10
    # The registry moves on to 2026; the 2025 row stays, 2026 gets its own.
    a.work_months = 2
    a.save()
    work_year_take_over(year=2026, source="registry", prefix="410122")
    assert dict(WorkRecord.objects.filter(person=a).values_list("year", "months")) == {2025: 8, 2026: 2}
    again = work_year_take_over(year=2025, source="registry", prefix="410122")
    assert (again.created, again.updated) == (0, 1) and WorkRecord.objects.get(person=a, year=2025).months == 2

    fact("rs_employment", d, as_of=dt.date(2025, 6, 30), status="已就业", work_place="跨省", work_months=5)
    fact("rs_employment", d, as_of=dt.date(2025, 12, 31), status="已就业", work_place="省外", work_months=9)
    fact("rs_employment", c, as_of=dt.date(2025, 12, 31), status="失业", work_months=0)
    rs = work_year_take_over(year=2025, source="rs", prefix="410122")
    assert rs.created == 1
    row = WorkRecord.objects.get(person=d, year=2025)
    assert (row.months, row.place, row.source) == (9, "省外", "人社名单")


def test_take_over_command_and_its_refusals(people, capsys):
    a = people[0]
    a.work_months, a.work_place = 7, "县内"
    a.save()
    call_command("work_year", "--year", "2025", "--dry-run", "--format", "json")
    assert '"created": 1' in capsys.readouterr().out and not WorkRecord.objects.exists()
    call_command("work_year", "--year", "2025")
    assert WorkRecord.objects.count() == 1
    with pytest.raises(SystemExit):
        call_command("work_year", "--year", "1999")
    assert "年度 1999" in capsys.readouterr().err


def test_rs_department_imports_work_records_but_not_posts(regions, login):
    rs = make_user("rs_user", Role.DEPARTMENT_USER, regions["county"], department=Department.RS)
    client = login(rs)
    assert client.get(reverse("intake_format", args=["ledger.work_record"])).status_code == 200
    assert client.get(reverse("intake_format", args=["ledger.public_post"])).status_code in (403, 404)


@time_machine.travel(dt.datetime(2026, 2, 1, 9, 0), tick=False)
def test_take_over_page_previews_then_writes_in_the_users_region(people, regions, township_reviewer, leader,
                                                                 login):
    a = people[0]
    a.work_months, a.work_place = 9, "省外"
    a.save()
    far = PersonFactory(household=HouseholdFactory(village=regions["village_c"]), work_months=5, work_place="县内")
    client = login(township_reviewer)
    url = reverse("employment_work_year")
    assert "年度务工转入" in client.get(url).content.decode()
    preview = client.post(url, {"year": "2025", "source": "registry", "preview": "1"}).content.decode()
    assert "新增 1 条" in preview and not WorkRecord.objects.exists()
    done = client.post(url, {"year": "2025", "source": "registry", "confirm": "1"})
    assert done.status_code == 302 and "year=2025" in done["Location"]
    assert list(WorkRecord.objects.values_list("person_id", "year", "months")) == [(a.pk, 2025, 9)]
    assert not WorkRecord.objects.filter(person=far).exists()      # another township: not the reviewer's
    refused = client.post(url, {"year": "2030", "source": "registry", "preview": "1"}).content.decode()
    assert "年度 2030 不对" in refused
    assert login(leader).get(url).status_code == 403
    mz = make_user("mz_user", Role.DEPARTMENT_USER, regions["county"], department=Department.MZ)
    assert login(mz).get(url).status_code == 403
