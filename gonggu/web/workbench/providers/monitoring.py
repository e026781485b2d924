"""监测帮扶: clues to accept, cases whose clocks run, reviews and approvals, visits due, measures to record."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from gonggu.core.access import Perm
from gonggu.monitoring.models import Measure
from gonggu.monitoring.selectors import cases_for_user, work_queue
from gonggu.monitoring.workflow import CASE_APPROVED_OPEN

from ..base import WorkContext, WorkItem, month_end, provider


@provider("监测帮扶")
def monitoring_queue(ctx: WorkContext):
    """The monitoring work queue of the user's role and level (the queue page's own rows, with their clocks)."""
    for row in work_queue(ctx.user, today=ctx.today):
        due = min((c.due for c in row.clocks), default=None)
        if row.kind == "visit":
            # 每月至少走访一次: a visit missing this month is due by the month's end.
            due = month_end(ctx.today)
        who = f"{row.household.head_name}户（{row.household.household_no}）" if row.household else ""
        detail = " · ".join(x for x in (row.village, who, row.note) if x)
        yield WorkItem(row.step, row.url, due, detail=detail)


@provider("监测帮扶")
def officer_households(ctx: WorkContext):
    """帮扶责任人: the households they look after, and each one still without a recorded measure."""
    if not ctx.can(Perm.RECORD_VISITS):
        return
    mine = (cases_for_user(ctx.user).filter(officer=ctx.user, status__in=CASE_APPROVED_OPEN)
            .annotate(has_measure=Exists(Measure.objects.filter(case=OuterRef("pk"))))
            .select_related("household").order_by("county_approved_on", "id"))
    for case in mine:
        yield WorkItem("我帮扶的户（一户一档）", reverse("household_detail", args=[case.household_id]),
                       detail=f"{case.household.head_name}户（{case.household.household_no}）· {case.get_status_display()}")
        if case.has_measure:
            continue
        # A plan is due within the month of approval (一户一策); no measure recorded yet is overdue after it.
        start = case.county_approved_on or case.discovered_on
        # The measure form is on the case page (its 帮扶措施 section).
        yield WorkItem("录入帮扶措施", reverse("monitoring:case_detail", args=[case.pk]) + "#assistance",
                       month_end(start) if start else None,
                       detail=f"{case.household.head_name}户（{case.household.household_no}）")
