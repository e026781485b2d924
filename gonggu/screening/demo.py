"""Demo data of the screening loop: a screening of the demo county and a few verified warnings of each outcome."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from gonggu.accounts.permissions import Role
from gonggu.core.codes import code_range
from gonggu.core.errors import UserFacingError

from .models import OUTCOMES, ScreeningRun, Warning, WarningEvent, WarningStatus
from .services import screening_run, warning_verify

# Verifications recorded per outcome, with the notes a village would write.
DEMO_NOTES = {
    WarningStatus.INCLUDED: "入户核实属实，收入骤减，拟按程序纳入监测",
    WarningStatus.REJECTED: "入户核实：家庭另有稳定务工收入，风险可控，不予纳入",
    WarningStatus.ALREADY_MONITORED: "该户已于上月纳入监测，正在落实帮扶措施",
    WarningStatus.DATA_ERROR: "部门名单中身份证号对应人员有误，已反馈部门更正",
}
PER_OUTCOME = 3
EARLIER_RUN_DAYS = 10


def demo_screening(ctx) -> dict:
    """Screen the demo county twice (ten days ago, so some deadlines have passed, and today), then verify."""
    admin = ctx.users.get("admin")
    prefix = ctx.county.prefix
    try:
        screening_run(as_of=ctx.today - dt.timedelta(days=EARLIER_RUN_DAYS), user=admin, prefix=prefix)
        outcome = screening_run(as_of=ctx.today, user=admin, prefix=prefix)
    except UserFacingError as exc:
        return {"screening": f"未能运行筛查：{exc.message}"}

    clerks = {u.region_id: u for u in ctx.users.values() if u.role == Role.VILLAGE_CLERK}
    first_village = ctx.villages[0].code
    # Leave the first village's warnings open for whoever tries the demo inbox; verify elsewhere.
    candidates = list(
        Warning.objects.filter(in_range(prefix), status=WarningStatus.PENDING).exclude(region_code=first_village)
        .exclude(grade="info").select_related("household").order_by("region_code", "rule", "id")[:200]
    )
    ctx.rng.shuffle(candidates)
    verified = 0
    by_region = {v.code: v for v in ctx.villages}
    for status in OUTCOMES:
        done = 0
        for warning in list(candidates):
            if done >= PER_OUTCOME:
                break
            clerk = clerks.get(by_region[warning.region_code].pk) if warning.region_code in by_region else None
            if clerk is None:
                continue
            candidates.remove(warning)
            try:
                warning_verify(warning=warning, user=clerk, outcome=status, note=DEMO_NOTES[status])
            except UserFacingError:
                continue
            done += 1
            verified += 1
    w = outcome.written
    return {"warnings_open": Warning.objects.filter(in_range(prefix), status=WarningStatus.PENDING).count(),
            "warnings_verified": verified, "screening_skipped": len(outcome.skipped), "screening_hits": w.warnings}


def in_range(prefix: str) -> Q:
    return Q(region_code__range=code_range(prefix))


def demo_clear(*, prefix: str) -> None:
    warnings = Warning.objects.filter(in_range(prefix))
    WarningEvent.objects.filter(warning__in=warnings).delete()
    warnings.delete()
    ScreeningRun.objects.filter(prefix__startswith=prefix).delete()
