"""Demo 小额信贷 ledgers for the demo county (gonggu demo): loans to about a quarter of the key households, a
demand survey this year, and the problems counties meet — a household above 100,000 yuan, interest subsidy on
more than 50,000, a loan renewed twice, overdue loans piling up in one township, willing households without a
loan — so every credit rule has findings to follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType, PersonStatus, Relation
from gonggu.registry.models import Person
from gonggu.rules.models import Parameter
from gonggu.rules.services import param_set

from .models import Loan, LoanDemand

BANKS = ["县农商银行", "邮储银行县支行", "农业银行县支行"]
DEMO_OVERDUE_RATE = "0.02"   # a plausible standard for the demo (the county sets its own)


def _years_later(d: dt.date, n: int) -> dt.date:
    return d.replace(year=d.year + n, day=28 if (d.month, d.day) == (2, 29) else d.day)


def demo_credit(ctx) -> dict:
    rng = ctx.rng.__class__(f"gonggu-credit-{ctx.seed}")
    today, prefix = ctx.today, ctx.county.prefix
    admin = ctx.users.get("admin")
    if not Parameter.objects.filter(name="loan_overdue_rate", year=None).exists():
        param_set(name="loan_overdue_rate", value=DEMO_OVERDUE_RATE, user=admin)
    heads = list(Person.objects.filter(in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE,
                                       relation=Relation.HEAD,
                                       household__household_type__in=[HouseholdType.LIFTED, HouseholdType.MONITORED])
                 .order_by("id").values_list("id", "household_id", "region_code", "id_number"))
    rng.shuffle(heads)
    borrowers, surveyed = heads[: len(heads) // 4], heads[len(heads) // 4: len(heads) // 4 + len(heads) // 10]
    late_township = ctx.townships[-1].code[:9] if ctx.townships else ""
    loans, demands = [], []
    late_left = 3
    for i, (pid, hid, code, number) in enumerate(borrowers):
        row = dict(region_code=code, person_id=pid, household_id=hid, id_number=number, created_by=admin,
                   updated_by=admin)
        amount = Decimal(rng.choice(("30000", "40000", "50000", "50000")))
        issued = today - dt.timedelta(days=rng.randint(60, 1200))
        late = code.startswith(late_township) and late_left > 0   # overdue piling up: LOAN-OVERDUE-RATE
        if late:
            late_left -= 1
            issued = today - dt.timedelta(days=rng.randint(1130, 1300))
        due = _years_later(issued, 3)
        renewals, extended, repaid = 0, None, None
        if due < today and not late:                        # past due: mostly repaid, some renewed
            if rng.random() < 0.2:
                renewals, extended = 1, _years_later(due, 1)
            else:
                repaid = due - dt.timedelta(days=rng.randint(0, 30))
        if i % 53 == 7:
            renewals, extended = 2, _years_later(due, 2)
        subsidised = amount
        loans.append(Loan(**row, loan_no=f"XD{today.year}{i + 1:05d}", bank=rng.choice(BANKS), amount=amount,
                          issued_on=issued, due_on=due, purpose=rng.choice(Loan.Purpose.values[:4]),
                          subsidised_amount=subsidised, renewals=renewals, extended_due_on=extended,
                          repaid_on=repaid))
        if i % 41 == 3:                                     # an additional loan above the cap, subsidised too
            loans.append(Loan(**row, loan_no=f"XD{today.year}{i + 1:05d}A", bank=rng.choice(BANKS),
                              amount=Decimal("60000"), issued_on=today - dt.timedelta(days=30),
                              due_on=today + dt.timedelta(days=1065), purpose=Loan.Purpose.BREEDING,
                              subsidised_amount=Decimal("60000"), repaid_on=None))
            loans[-2].repaid_on = None
    surveys = [today - dt.timedelta(days=rng.randint(10, 150)) for _ in surveyed]
    for i, ((pid, hid, code, number), on) in enumerate(zip(surveyed, surveys, strict=True)):
        willing = i == 0 or rng.random() < 0.5
        if i == 0:                                          # willing and eligible, still waiting: LOAN-NOT-REACHED
            on = today - dt.timedelta(days=60)
        demands.append(LoanDemand(region_code=code, household_id=hid, id_number=number, surveyed_on=on,
                                  willing=willing, eligible=willing and (i == 0 or rng.random() < 0.8),
                                  amount_wanted=Decimal("50000") if willing else None,
                                  note="" if willing else rng.choice(("无发展项目", "家中无劳动力", "暂无资金需求")),
                                  created_by=admin, updated_by=admin))
        if willing and i % 3 != 0:                          # most willing ones got their loan since (not the first)
            loans.append(Loan(region_code=code, person_id=pid, household_id=hid, id_number=number,
                              loan_no=f"XD{today.year}D{i + 1:05d}", bank=rng.choice(BANKS), amount=Decimal("50000"),
                              issued_on=min(on + dt.timedelta(days=rng.randint(5, 25)), today), due_on=_years_later(on, 3),
                              purpose=Loan.Purpose.PLANTING, subsidised_amount=Decimal("50000"), created_by=admin,
                              updated_by=admin))
    with transaction.atomic():
        bulk_create_with_history(loans, Loan, batch_size=2000, default_user=admin)
        bulk_create_with_history(demands, LoanDemand, batch_size=2000, default_user=admin)
    return {"loans": len(loans), "loan_demands": len(demands)}


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    for model in (Loan, LoanDemand):
        model.objects.filter(scope).delete()
        model.history.filter(scope).delete()
