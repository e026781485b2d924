"""Demo 兜底保障 ledgers for the demo county (gonggu demo): 渐退期 of some 低保 households on 民政's demo list and
临时救助 paid this year and last — with a few 渐退期 running past six months, township grants above three times
the urban standard and grants not yet filed with the county, so the welfare rules have findings to follow.
The cross-checks against 民政's list read the list the sources demo step imported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import HouseholdType, PersonStatus
from gonggu.registry.models import Person
from gonggu.rules.models import Parameter
from gonggu.rules.services import param_set
from gonggu.sources.models import Fact

from .models import DibaoGrace, TemporaryAssistance

# Plausible urban 低保 standards for the demo (not official figures).
DEMO_URBAN_STANDARD = {2022: "680", 2023: "720", 2024: "760", 2025: "800", 2026: "840", 2027: "880", 2028: "920"}


def demo_welfare(ctx) -> dict:
    rng = ctx.rng.__class__(f"gonggu-welfare-{ctx.seed}")
    today, prefix = ctx.today, ctx.county.prefix
    admin = ctx.users.get("admin")
    for year in (today.year - 1, today.year):
        if not Parameter.objects.filter(name="dibao_urban_monthly", year=year).exists():
            param_set(name="dibao_urban_monthly", value=DEMO_URBAN_STANDARD.get(year, "800"), year=year, user=admin)
    people = {number: (pid, hid, code) for pid, hid, code, number in Person.objects.filter(
        in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE).values_list(
        "id", "household_id", "region_code", "id_number")}
    on_dibao = sorted({number for number in Fact.objects.filter(
        source="mz_assistance", category="低保", status="在保").values_list("id_number", flat=True)
        if number in people})
    graces, seen = [], set()
    for i, number in enumerate(on_dibao):
        pid, hid, code = people[number]
        if hid in seen or rng.random() > 0.15:
            continue
        seen.add(hid)
        start = today - dt.timedelta(days=rng.randint(30, 300))
        end = None
        if i % 3 == 0:
            end = min(start + dt.timedelta(days=rng.randint(60, 180)), today)
        if len(graces) % 7 == 3:                    # kept on past six months: WELFARE-GRACE-OVER-6M
            start, end = today - dt.timedelta(days=rng.randint(200, 260)), None
        graces.append(DibaoGrace(region_code=code, household_id=hid, id_number=number, start_on=start, end_on=end,
                                 reason="就业后家庭人均收入超过低保标准", created_by=admin, updated_by=admin))
    key = list(Person.objects.filter(in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE, relation="户主",
                                     household__household_type__in=[HouseholdType.LIFTED, HouseholdType.MONITORED])
               .order_by("id").values_list("id", "household_id", "region_code", "id_number"))
    grants, over_cap = [], False
    for i, (pid, hid, code, number) in enumerate(rng.sample(key, k=min(len(key), max(8, len(key) // 15)))):
        granted = today - dt.timedelta(days=rng.randint(5, 500))
        standard = Decimal(DEMO_URBAN_STANDARD.get(granted.year, "800"))
        township = rng.random() < 0.8
        amount = Decimal(rng.randrange(500, int(standard * 3) + 1, 100)) if township else Decimal(rng.choice(
            ("4000", "5000", "8000")))
        if township and (i % 11 == 4 or not over_cap):
            over_cap = True                         # above the township's cap: WELFARE-TEMP-OVER-CAP
            granted = today - dt.timedelta(days=rng.randint(20, 60))
            standard = Decimal(DEMO_URBAN_STANDARD.get(granted.year, "800"))
            amount = standard * 3 + 500
        grants.append(TemporaryAssistance(
            region_code=code, person_id=pid, household_id=hid, id_number=number, granted_on=granted, amount=amount,
            cause=rng.choice(TemporaryAssistance.Cause.values), approver=TemporaryAssistance.Approver.TOWNSHIP
            if township else TemporaryAssistance.Approver.COUNTY, filed=township and i % 9 != 2,
            created_by=admin, updated_by=admin))
    with transaction.atomic():
        bulk_create_with_history(graces, DibaoGrace, batch_size=2000, default_user=admin)
        bulk_create_with_history(grants, TemporaryAssistance, batch_size=2000, default_user=admin)
    return {"dibao_grace": len(graces), "temporary_assistance": len(grants)}


def demo_clear(*, prefix: str) -> None:
    scope = in_scope_q("region_code", prefix)
    for model in (DibaoGrace, TemporaryAssistance):
        model.objects.filter(scope).delete()
        model.history.filter(scope).delete()
