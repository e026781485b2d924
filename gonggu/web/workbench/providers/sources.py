"""部门数据: stale department lists (county staff, and a department its own lists) and imports with rejected rows."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm
from gonggu.dataio.intake import FORMATS
from gonggu.dataio.selectors import intake_batches_for_user
from gonggu.stationing.selectors import source_freshness

from ..base import WorkContext, WorkItem, provider

RECENT_DAYS = 60   # a rejected import older than two months has been re-sent or forgotten; not a to-do any more


@provider("部门数据")
def stale_lists(ctx: WorkContext):
    user = ctx.user
    department = user.role == Role.DEPARTMENT_USER
    if not (ctx.can(Perm.APPROVE_COUNTY) or department):
        return
    rows, _meeting = source_freshness(user, ctx.today)
    label = user.get_department_display() if department else ""
    for row in rows:
        if department and row.department != label:
            continue
        if row.as_of is None:
            yield WorkItem(f"{row.label}：尚未导入", reverse("batch_list"), detail=f"{row.department} · 每月比对一次")
        elif row.stale or department:
            # Fresh lists are shown to their own department too: the list's date is what it answers for.
            due = row.as_of + dt.timedelta(days=row.period)
            state = "已过期，请导入新名单" if row.stale else "数据截至"
            yield WorkItem(f"{row.label}：{state}", reverse("batch_list"), due,
                           detail=f"{row.department} · 数据截至 {row.as_of:%Y-%m-%d}")


@provider("数据导入")
def rejected_imports(ctx: WorkContext):
    if not (ctx.can(Perm.IMPORT_DEPT) or ctx.can(Perm.IMPORT_REGISTRY) or ctx.can(Perm.IMPORT_LEDGERS)):
        return
    since = ctx.today - dt.timedelta(days=RECENT_DAYS)
    batches = intake_batches_for_user(ctx.user).filter(rejected_rows__gt=0, created_at__date__gte=since)
    if ctx.user.role == Role.DEPARTMENT_USER:
        batches = batches.filter(created_by=ctx.user)
    for batch in batches[:20]:
        fmt = FORMATS.get(batch.format)
        title = fmt.title if fmt is not None else "导入批次"
        yield WorkItem(f"{title}：{batch.rejected_rows} 行被拒收，请修正后重新导入",
                       reverse("intake_batch", args=[batch.pk]), detail=f"{batch.created_at:%Y-%m-%d} 导入 · 下载退回表",
                       count=batch.rejected_rows)
