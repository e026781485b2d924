"""筛查预警: warnings to verify (village), overdue warnings by village or township (township, county, leader),
and for a department the warnings its data raised and how each ended (the feedback loop)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm
from gonggu.core.codes import Level
from gonggu.regions.models import Region
from gonggu.screening.models import VERIFIED_STATUSES, WarningStatus
from gonggu.screening.selectors import inbox_for_user, warnings_for_user

from ..base import WorkContext, WorkItem, provider


def _list_url(**query) -> str:
    return reverse("warning_list") + "?" + urlencode({k: v for k, v in query.items() if v})


@provider("筛查预警")
def warnings_to_verify(ctx: WorkContext):
    """Open warnings of the village, one item per verification deadline (the inbox is where they are verified)."""
    if ctx.level != Level.VILLAGE or not ctx.can(Perm.VERIFY_WARNINGS):
        return
    rows = (inbox_for_user(ctx.user, category="risk").order_by().values("deadline")
            .annotate(n=Count("id")).order_by("deadline"))
    for row in rows:
        yield WorkItem(f"核实筛查预警（{row['n']} 条）", reverse("warning_inbox"), row["deadline"], count=row["n"],
                       detail="逐户入户核实，填写核实结果")


@provider("筛查预警")
def overdue_warnings_by_region(ctx: WorkContext):
    """Above the village: overdue unverified warnings per village (township) or per township (county)."""
    if ctx.level == Level.TOWNSHIP and ctx.can(Perm.REVIEW_TOWNSHIP):
        width = 12
    elif ctx.level in (Level.COUNTY, Level.CITY, Level.PROVINCE) and ctx.can(Perm.APPROVE_COUNTY):
        width = 9
    else:
        return
    rows = (warnings_for_user(ctx.user).filter(status=WarningStatus.PENDING, deadline__lt=ctx.today)
            .values("region_code", "deadline"))
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row["region_code"][:width], []).append(row["deadline"])
    names = dict(Region.objects.filter(code__in=[c.ljust(12, "0") for c in groups]).values_list("code", "name"))
    for key, deadlines in groups.items():
        name = names.get(key.ljust(12, "0"), key)
        yield WorkItem(f"{name}：预警逾期未核实（{len(deadlines)} 条）",
                       _list_url(village=key, overdue="1", category="risk"), min(deadlines), count=len(deadlines),
                       detail="督促村级按期核实")


@provider("筛查预警")
def department_feedback(ctx: WorkContext):
    """A department user: the warnings raised from the department's data, by how they ended."""
    user = ctx.user
    if user.role != Role.DEPARTMENT_USER or not user.department:
        return
    qs = warnings_for_user(user).filter(department=user.department)
    rows = qs.values("status").annotate(n=Count("id"), first=Min("deadline"))
    for row in rows:
        status = row["status"]
        if status == WarningStatus.PENDING:
            yield WorkItem(f"本部门数据产生的预警：待村级核实（{row['n']} 条）",
                           _list_url(department=user.department, status=status), row["first"], count=row["n"],
                           detail="最早核实期限")
        else:
            ended = "已核实" if status in VERIFIED_STATUSES else "已办结"
            yield WorkItem(f"本部门数据产生的预警：{ended}·{WarningStatus(status).label}（{row['n']} 条）",
                           _list_url(department=user.department, status=status), count=row["n"],
                           detail="查看核实结果，据此核对本部门数据")
