"""Rectification figures (指标9): this app's own problem ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone

from gonggu.core.codes import in_scope_q

from .base import Drill, DrillRow, EvalContext, Figure, FigureData, Missing, Target, grouped, share_of


def compute_rectification(ctx: EvalContext) -> FigureData:
    from ..models import Problem
    from ..workflow import ProblemStatus

    due = Problem.objects.filter(in_scope_q("region_code", ctx.prefix), deadline__lte=ctx.today)
    rows = grouped(due, "region_code", due=Count("id"),
                   done=Count("id", filter=Q(status__in=(ProblemStatus.RECTIFIED, ProblemStatus.VERIFIED))))
    last = Problem.objects.filter(in_scope_q("region_code", ctx.prefix)).aggregate(d=Max("updated_at"))["d"]
    data = FigureData(rows, timezone.localdate(last) if last else None, "问题整改台账")
    if not rows:
        data.missing = Missing(None, "没有已到整改时限的问题", not_applicable=True)
    return data


def drill_rectification(ctx: EvalContext, prefix: str) -> Drill:
    from ..models import Problem
    from ..workflow import OPEN_STATUSES

    qs = (Problem.objects.filter(in_scope_q("region_code", prefix), deadline__lte=ctx.today, status__in=OPEN_STATUSES)
          .values("id", "title", "owner_unit", "region_code", "deadline", "status").order_by("deadline"))
    return Drill(qs, lambda p: DrillRow(household_no="", head_name="", region_code=p["region_code"],
                                        detail=f"{p['title']}（{p['owner_unit']}，时限 {p['deadline']:%Y-%m-%d}，{p['status']}）",
                                        household_id=None), "逾期未整改到位的问题")


FIGURES: list[Figure] = [
    Figure(
        code="RECT-DONE", title="到期问题整改完成率", indicator="9",
        formula="已整改或已核实的问题 ÷ 整改时限已到的问题（问题整改台账）",
        unit="%", target=Target(">=", Decimal(1), "到期问题全部整改到位（100%）", "002 附件2 指标9；通知 5",
                                "对整改不彻底、成效不明显或举一反三不到位的进行“回炉”整改，确保整改工作经得起群众检验"),
        compute=compute_rectification, value=share_of("done", "due"), numerator="done", denominator="due",
        drill=drill_rectification, needs="问题整改台账"),
]
