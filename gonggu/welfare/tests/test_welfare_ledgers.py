"""The welfare ledgers through the pattern: 低保渐退 matched by any member of the household, 临时救助 with bad rows
given back in the 退回表 (dates out of order, amounts that cannot be, approver words offices write)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.departments import Department
from gonggu.dataio.intake import intake_run
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.welfare.models import DibaoGrace, TemporaryAssistance

pytestmark = pytest.mark.django_db
UNKNOWN = make_id_number("410122", dt.date(1990, 1, 1), 31)


@pytest.fixture
def people(regions):
    return [PersonFactory(household=HouseholdFactory(village=regions["village"])) for _ in range(3)]


def _file(tmp_path, name, header, lines):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _reasons(result) -> dict[int, str]:
    reasons: dict[int, str] = {}
    for p in result.rejected:
        reasons[p.row] = reasons.get(p.row, "") + p.reason
    return reasons


def test_grace_rows(people, regions, login, tmp_path):
    a, b, _c = people
    mz = make_user("mz", Role.DEPARTMENT_USER, regions["county"], department=Department.MZ)
    header = "身份证号,姓名,渐退期开始日期,渐退期结束日期,渐退原因"
    result = intake_run("ledger.dibao_grace", user=mz, path=_file(tmp_path, "渐退.csv", header, [
        f"{a.id_number},,2025-01-01,,就业", f"{b.id_number},,2025-03-01,2025-02-01,就业",
        f"{UNKNOWN},,2025-01-01,,就业"]))
    assert (result.accepted, result.rejected_rows) == (1, 2)
    reasons = _reasons(result)
    assert "早于开始日期" in reasons[3] and "不在农户台账中" in reasons[4]
    row = DibaoGrace.objects.get()
    assert row.household_id == a.household_id and row.person_id is None
    assert login(mz).get(reverse("intake_format", args=["ledger.dibao_grace"])).status_code == 200


def test_temporary_assistance_rows(people, county_admin, tmp_path):
    a, b, c = people
    header = "身份证号,姓名,发放日期,救助金额（元）,救助事由,审批单位,已报县级民政部门备案"
    result = intake_run("ledger.temporary_assistance", user=county_admin, path=_file(tmp_path, "临救.csv", header, [
        f"{a.id_number},,2025-03-01,2000,因病致困,乡镇,是",
        f"{b.id_number},,2025-03-01,5000,因灾,县民政局,否",
        f"{c.id_number},,2025-03-01,0,因灾,乡镇,否",               # nothing paid
        f"{c.id_number},,2025-04-01,3000,因灾,县级,是",             # the county's own approval is not filed
        f"{c.id_number},,2025-05-01,3000,赌博,乡镇,是",             # not a cause
    ]))
    assert (result.accepted, result.rejected_rows) == (2, 3)
    reasons = _reasons(result)
    assert "大于 0" in reasons[4] and "无需报备" in reasons[5] and "不是允许的取值" in reasons[6]
    row = TemporaryAssistance.objects.get(person=a)
    assert (row.cause, row.approver, row.filed, row.amount) == ("因病", "乡镇（街道）", True, Decimal("2000.00"))
    assert TemporaryAssistance.objects.get(person=b).approver == "县级民政部门"
