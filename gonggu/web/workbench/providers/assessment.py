"""考核整改: rectification problems past or near their deadline in the user's region."""

from __future__ import annotations

from django.urls import reverse

from gonggu.assessment.selectors import problems_due_soon, problems_overdue
from gonggu.core.access import Perm

from ..base import WorkContext, WorkItem, provider


@provider("考核整改")
def problems_due(ctx: WorkContext):
    if not ctx.can(Perm.MANAGE_ASSESSMENT):
        return
    for qs in (problems_overdue(ctx.prefix, today=ctx.today), problems_due_soon(ctx.prefix, today=ctx.today)):
        for problem in qs[:30]:
            yield WorkItem(f"整改：{problem.title}", reverse("assessment_problem", args=[problem.pk]),
                           problem.deadline, detail=f"责任单位：{problem.owner_unit}")
