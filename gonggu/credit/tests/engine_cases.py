"""The credit rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py): each builds
a household (or a township of its own) and says whether its rule must fire at 2025-06-30. The case that makes
the scenario's own township fire comes last and counts what the cases before it left there."""

import datetime as dt
import itertools
from decimal import Decimal

from django.db.models import Sum

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.rules.tests import builders
from gonggu.rules.tests.builders import person

from ..models import Loan
from .factories import demand, loan

PARAMS = [("loan_overdue_rate", "0.02", None)]
D = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)
_townships = itertools.count(600)
_members = itertools.count(1)


def _loans(*specs, kind="脱贫户"):
    """A household with loans, each (amount, extra fields)."""
    def build(sc):
        h = sc.household(kind=kind)
        p = person(h)
        for amount, fields in specs:
            loan(p, amount, **fields)
        return h
    return build


def _own_borrower(village):
    h = builders.household(village, kind="脱贫户", no=f"L{village.code[6:9]}{next(_members):05d}")
    return person(h)


def _rate(normal: str, overdue: str, **overdue_fields):
    """A township of its own with one loan in order and one overdue since 2025-06-01."""
    def build(sc):
        county = sc.villages[0].parent.parent
        n = next(_townships)
        township = make_region(f"{county.code[:6]}{n:03d}000", f"乡镇{n}", Level.TOWNSHIP, county)
        village = make_region(f"{county.code[:6]}{n:03d}201", f"村{n}", Level.VILLAGE, township)
        loan(_own_borrower(village), normal)
        fields = {"due": dt.date(2025, 6, 1), **overdue_fields}   # a copy: the case is built once per scenario copy
        loan(_own_borrower(village), overdue, issued=dt.date(2024, 6, 1), **fields)
        return township.code
    return build


def _rate_here(sc):
    township = sc.villages[0].parent
    total = Loan.objects.filter(region_code__startswith=township.code[:9]).aggregate(s=Sum("amount"))["s"] or 0
    h = sc.household(kind="脱贫户")
    loan(person(h), str(max(Decimal(total), Decimal(1000))), issued=dt.date(2024, 1, 1), due=dt.date(2025, 1, 1))
    return township.code


def _demand(surveyed, *, kind="脱贫户", willing=True, eligible=True, loans=(), later=None):
    def build(sc):
        h = sc.household(kind=kind)
        p = person(h)
        demand(p, surveyed, willing=willing, eligible=eligible)
        if later:
            demand(p, later, willing=False)
        for fields in loans:
            loan(p, "30000", **fields)
        return h
    return build


SURVEYED = dt.date(2025, 5, 30)   # 31 days before D: past the 30 days

CASES = [
    ("LOAN-OVER-CAP", "exactly 100000", _loans(("60000", {}), ("40000", {})), False),
    ("LOAN-OVER-CAP", "a cent over", _loans(("60000", {}), ("40000.01", {})), True),
    ("LOAN-OVER-CAP", "one repaid on D", _loans(("60000", {"repaid_on": D}), ("50000", {})), False),
    ("LOAN-OVER-CAP", "one repaid the day after D", _loans(("60000", {"repaid_on": D + DAY}), ("50000", {})), True),
    ("LOAN-OVER-CAP", "second issued after D", _loans(("60000", {}), ("50000", {"issued": D + DAY})), False),
    ("LOAN-SUBSIDY-OVER", "50000 subsidised", _loans(("80000", {"subsidised": "50000"})), False),
    ("LOAN-SUBSIDY-OVER", "a cent more", _loans(("80000", {"subsidised": "50000.01"})), True),
    ("LOAN-RENEWED-TWICE", "renewed twice", _loans(("50000", {"renewals": 2})), True),
    ("LOAN-RENEWED-TWICE", "renewed once", _loans(("50000", {"renewals": 1})), False),
    ("LOAN-OVERDUE-RATE", "exactly 2%", _rate("98000", "2000"), False),
    ("LOAN-OVERDUE-RATE", "a cent over 2%", _rate("97999.99", "2000.01"), True),
    ("LOAN-OVERDUE-RATE", "extended", _rate("50000", "50000", renewals=1, extended_due_on=dt.date(2026, 6, 1)), False),
    ("LOAN-OVERDUE-RATE", "due on D", _rate("50000", "50000", due=D), False),
    ("LOAN-OVERDUE-RATE", "overdue but repaid", _rate("50000", "50000", repaid_on=dt.date(2025, 6, 20)), False),
    ("LOAN-NOT-REACHED", "31 days, no loan", _demand(SURVEYED), True),
    ("LOAN-NOT-REACHED", "30 days: still in time", _demand(SURVEYED + DAY), False),
    ("LOAN-NOT-REACHED", "loan since", _demand(SURVEYED, loans=[{"issued": dt.date(2025, 6, 10)}]), False),
    ("LOAN-NOT-REACHED", "old loan repaid before the survey",
     _demand(SURVEYED, loans=[{"issued": dt.date(2022, 1, 1), "repaid_on": dt.date(2024, 1, 1)}]), True),
    ("LOAN-NOT-REACHED", "loan still outstanding", _demand(SURVEYED, loans=[{"issued": dt.date(2024, 1, 1)}]), False),
    ("LOAN-NOT-REACHED", "not willing", _demand(SURVEYED, willing=False), False),
    ("LOAN-NOT-REACHED", "not eligible", _demand(SURVEYED, eligible=False), False),
    ("LOAN-NOT-REACHED", "一般农户", _demand(SURVEYED, kind="一般农户"), False),
    ("LOAN-NOT-REACHED", "later survey: no longer willing", _demand(SURVEYED, later=dt.date(2025, 6, 10)), False),
    # Last: counts what the cases above left in the scenario's township.
    ("LOAN-OVERDUE-RATE", "the scenario's township", _rate_here, True),
]
