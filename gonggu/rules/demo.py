"""Demo parameters and a first data-quality check of the demo county.

Parameters are shared by the whole deployment: the demo sets only those that are still missing, with
plausible values marked as such in the audit log, so that every rule can run on the demo's income years.
"""

from __future__ import annotations

import random
from decimal import Decimal

from gonggu.core.codes import code_range
from gonggu.core.errors import UserFacingError

from .engine import run_rules
from .models import Finding, Parameter, RuleRun
from .services import param_set

# Plausible figures for a demo (not official statistics).
DEMO_GROWTH = Decimal("0.068")
DEMO_DISPOSABLE_INCOME = {2021: "27600", 2022: "28900", 2023: "30600", 2024: "32400", 2025: "34100", 2026: "35800"}


def demo_rules(ctx) -> dict:
    admin = ctx.users.get("admin")
    today = ctx.today
    for year in range(2023, today.year):
        if not Parameter.objects.filter(name="rural_income_growth", year=year).exists():
            param_set(name="rural_income_growth", value=DEMO_GROWTH, year=year, user=admin)
    for year in range(today.year - 4, today.year):
        if not Parameter.objects.filter(name="disposable_income", year=year).exists():
            value = DEMO_DISPOSABLE_INCOME.get(year, "30000")
            param_set(name="disposable_income", value=value, year=year, user=admin)
    mistakes = _entry_mistakes(ctx, admin)
    result = run_rules(kinds=["quality"], as_of=today, prefix=ctx.county.prefix, user=admin)
    return {"quality_findings": result.findings.num_rows, "demo_entry_mistakes": mistakes}


def _entry_mistakes(ctx, admin, n: int = 12) -> int:
    """A few edits a clerk might get wrong, made through the registry's own services, for the 数据质量 page."""
    from gonggu.registry.models import Person
    from gonggu.registry.services import person_update

    rng = random.Random(f"gonggu-rules-{ctx.seed}")
    low, high = code_range(ctx.county.prefix)
    people = list(Person.objects.filter(region_code__range=(low, high), status="在册")
                  .exclude(relation="户主").order_by("id")[:5000])
    done = 0
    for person in rng.sample(people, min(len(people), n * 3)):
        age = (ctx.today - person.birth_date).days // 365
        if person.relation == "子" and done % 3 == 0:
            change = {"relation": "女"}                                   # Q-RELATION-GENDER
        elif age >= 25 and done % 3 == 1:
            change = {"school_status": "小学"}                            # Q-AGE-SCHOOL
        elif 20 <= age <= 55 and done % 3 == 2:
            change = {"labour_ability": "丧失劳动力", "work_months": 6}    # Q-LABOR-WORK
        else:
            continue
        try:
            person_update(actor=admin, person=person, **change)
        except UserFacingError:
            continue
        done += 1
        if done >= n:
            break
    return done


def demo_clear(*, prefix: str) -> None:
    low, high = code_range(prefix)
    Finding.objects.filter(region_code__range=(low, high)).delete()
    RuleRun.objects.filter(prefix__startswith=prefix).delete()


def demo_ledger_rules(ctx) -> dict:
    """After the work areas have filled their ledgers: the ledger checks, stored for the pages."""
    admin = ctx.users.get("admin")
    result = run_rules(kinds=["ledger"], as_of=ctx.today, prefix=ctx.county.prefix, user=admin)
    return {"ledger_findings": result.findings.num_rows}
