"""台账核查 and 程序合规: the findings of the work areas' ledger rules (送教上门、劝返、驻村考勤、危房 …) and the
procedure checks in the user's region, one item per rule with findings, read from the rules' latest stored runs."""

from __future__ import annotations

from django.urls import reverse

from gonggu.core.access import Perm
from gonggu.rules.catalog import CATALOG
from gonggu.rules.selectors import live_counts

from ..base import WorkContext, WorkItem, month_end, provider

KINDS = {"ledger": "台账核查", "compliance": "程序合规"}


@provider("台账核查")
def rule_findings(ctx: WorkContext):
    if not (ctx.can(Perm.EDIT_LEDGERS) or ctx.can(Perm.APPROVE_COUNTY)):
        return
    rules = [r for kind in KINDS for r in CATALOG.of_kind(kind)]
    counts = live_counts(ctx.user, [r.code for r in rules])
    for rule in rules:
        live = counts.get(rule.code)
        if live is None or not live.count:
            continue
        # Ledger checks are run monthly (每月比对): what the latest run found is to be put right this month.
        yield WorkItem(f"{rule.title}（{live.count} 条）", reverse("rule_detail", args=[rule.code]),
                       month_end(ctx.today), count=live.count, detail="逐条补全或整改台账", area=KINDS[rule.kind])
