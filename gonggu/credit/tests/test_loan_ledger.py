"""The credit ledgers through the pattern: loans imported with bad rows given back in the 退回表 (dates out of
order, amounts that cannot be), re-import updating a loan in place, the demand survey matched by household."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from gonggu.credit.models import Loan, LoanDemand
from gonggu.dataio.intake import intake_run
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
UNKNOWN = make_id_number("410122", dt.date(1990, 1, 1), 31)
LOAN = ("身份证号,姓名,贷款合同编号,放贷银行,贷款金额（元）,放款日期,到期日期,贷款用途,享受贴息的本金（元）,续贷或展期次数,"
        "续贷（展期）后到期日期,结清日期")


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


def test_loans_import_with_bad_rows_back_and_update_in_place(people, county_admin, login, tmp_path):
    a, b, c = people
    result = intake_run("ledger.loan", user=county_admin, path=_file(tmp_path, "贷款.csv", LOAN, [
        f"{a.id_number},,XD001,县农商银行,50000,2025-03-01,2028-03-01,养殖,50000,0,,",
        f"{b.id_number},,XD002,县农商银行,50000,2025-03-01,2024-03-01,养殖业,50000,0,,",     # due before issued
        f"{b.id_number},,XD003,县农商银行,30000,2025-03-01,2028-03-01,养殖业,40000,0,,",     # subsidy above amount
        f"{c.id_number},,XD004,县农商银行,30000,2025-03-01,2028-03-01,养殖业,30000,0,2029-03-01,",  # no renewal
        f"{c.id_number},,XD005,县农商银行,30000,2025-03-01,2028-03-01,养殖业,30000,1,2027-03-01,",  # shorter
        f"{c.id_number},,XD006,县农商银行,30000,2025-03-01,2028-03-01,养殖业,30000,0,,2025-02-01",  # repaid first
        f"{c.id_number},,XD007,县农商银行,0,2025-03-01,2028-03-01,养殖业,0,0,,",              # nothing lent
        f"{c.id_number},,XD008,县农商银行,30000,2025-03-01,2028-03-01,买车,30000,0,,",          # not a purpose
        f"{UNKNOWN},,XD009,县农商银行,30000,2025-03-01,2028-03-01,养殖业,30000,0,,",
    ]))
    assert (result.accepted, result.rejected_rows) == (1, 8)
    reasons = _reasons(result)
    assert "不晚于放款日期" in reasons[3] and "多于贷款金额" in reasons[4] and "次数却为 0" in reasons[5]
    assert "不晚于原到期日期" in reasons[6] and "早于放款日期" in reasons[7] and "大于 0" in reasons[8]
    assert "不是允许的取值" in reasons[9] and "不在农户台账中" in reasons[10]
    row = Loan.objects.get()
    assert (row.loan_no, row.purpose, row.amount) == ("XD001", "养殖业", Decimal("50000.00"))

    # Renewed once and later repaid: the same contract number updates the row; its history keeps both.
    again = intake_run("ledger.loan", user=county_admin, path=_file(tmp_path, "2.csv", LOAN, [
        f"{a.id_number},,XD001,县农商银行,50000,2025-03-01,2028-03-01,养殖业,50000,1,2029-03-01,2029-01-05"]))
    assert (again.written.created, again.written.updated) == (0, 1)
    row.refresh_from_db()
    assert row.renewals == 1 and row.repaid_on == dt.date(2029, 1, 5) and row.history.count() == 2
    page = login(county_admin).get(reverse("ledger_row", args=["loan", row.pk])).content.decode()
    assert "XD001" in page and "结清日期" in page


def test_demand_survey_matches_any_member_of_the_household(people, county_admin, tmp_path):
    a, _b, _c = people
    spouse = PersonFactory(household=a.household, relation="配偶")
    header = "身份证号,姓名,摸排日期,有贷款意愿,符合贷款条件,需求金额（元）,备注"
    result = intake_run("ledger.loan_demand", user=county_admin, path=_file(tmp_path, "需求.csv", header, [
        f"{spouse.id_number},,2025-03-01,是,是,50000,", f"{a.id_number},,2025/13/01,是,否,,"]))
    assert (result.accepted, result.rejected_rows) == (1, 1)
    row = LoanDemand.objects.get()
    assert row.household_id == a.household_id and row.person_id is None and row.willing and row.eligible
