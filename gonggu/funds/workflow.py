"""A project's life in the 项目库 as one transition table (004 任务37–39; 001 产业（二）2③; seed-rules W-25).

申报 → 审核论证 → 入库 → 公告公示 → 纳入年度计划 → 开工 → 竣工 → 验收. Every transition names its guards:
named functions `guard(project, ctx) -> str | None` returning the reason in Chinese when the step must be
refused (who may act, the step's date, the seed's preconditions). Each transition is carried out by exactly
one service in `services.py` (registered on the table, `gonggu.core.workflow.Workflow`), which calls `check` before changing anything, so a refused step changes nothing.
Each step's date is kept on the project (`DATE_FIELD`); an import derives the status from those dates
(`status_from_dates`), so a library kept in a spreadsheet arrives where it stands.
"""

from __future__ import annotations

import datetime as dt

from gonggu.core.access import Perm
from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import UserFacingError
from gonggu.core.workflow import Ctx, Transition, Workflow
from gonggu.core.workflow import T as _T

from .models import ProjectStatus

S = ProjectStatus

# The step that sets each date, in the order of the project's life.
DATE_FIELD = {
    "review": "reviewed_on", "enter": "entered_on", "publish": "published_on", "plan": "planned_on",
    "start": "started_on", "complete": "completed_on", "accept": "accepted_on",
}
ORDER = ["proposed_on", *DATE_FIELD.values()]
STATUS_OF_DATE = {
    "proposed_on": S.PROPOSED, "reviewed_on": S.REVIEWED, "entered_on": S.LIBRARY, "published_on": S.PUBLISHED,
    "planned_on": S.PLANNED, "started_on": S.STARTED, "completed_on": S.COMPLETED,
    "accepted_on": S.ACCEPTED,
}


def _in_scope(project, user) -> bool:
    return user.region is not None and code_in_prefix(project.region_code, user.scope_prefix) or user.is_superuser


def ledger_user(project, ctx: Ctx) -> str | None:
    """Proposals and implementation records: a user who keeps ledgers (村、乡、县) where the project is."""
    if not ctx.user.has_perm_code(Perm.EDIT_LEDGERS):
        return "您的角色不能办理项目申报和实施登记。"
    if not _in_scope(project, ctx.user):
        return "该项目不在您管辖的区域内。"
    return None


def reviewer(project, ctx: Ctx) -> str | None:
    """审核论证: township reviewers or the county (县、镇、村及行业部门按职责分工审核论证)."""
    user = ctx.user
    if not (user.has_perm_code(Perm.REVIEW_TOWNSHIP) or user.has_perm_code(Perm.APPROVE_COUNTY)):
        return "您的角色不能审核论证项目（需乡镇审核员或县级用户）。"
    if not _in_scope(project, user):
        return "该项目不在您管辖的区域内。"
    return None


def county_user(project, ctx: Ctx) -> str | None:
    """入库, 公告公示 and 年度计划 are the county's (县乡村振兴局)."""
    if not ctx.user.has_perm_code(Perm.APPROVE_COUNTY):
        return "入库、公告公示和纳入年度计划须由县级用户办理。"
    if not _in_scope(project, ctx.user):
        return "该项目不在您管辖的区域内。"
    return None


def date_in_order(project, ctx: Ctx) -> str | None:
    """The step's date: given, not in the future, not before the project's previous step."""
    on = ctx.data.get("on")
    if on is None:
        return "请填写办理日期。"
    if on > ctx.today:
        return "办理日期不能晚于今天。"
    name = ctx.data.get("_step", "")
    field_name = DATE_FIELD.get(name)
    earlier = ORDER[:ORDER.index(field_name)] if field_name else ORDER
    for prior in reversed(earlier):
        value = getattr(project, prior)
        if value is not None:
            if on < value:
                label = str(project._meta.get_field(prior).verbose_name)
                return f"办理日期 {on:%Y-%m-%d} 早于{label} {value:%Y-%m-%d}。"
            break
    return None


def funds_planned(project, ctx: Ctx) -> str | None:
    if project.planned_total <= 0:
        return "项目没有填写计划资金（中央、省、市、县衔接资金或其他资金），不能审核论证。"
    return None


def link_and_targets(project, ctx: Ctx) -> str | None:
    """001 产业（二）2③: an operating project without 联农带农机制 and 绩效目标 may not enter the library."""
    if not project.performance_targets.strip():
        return "项目没有绩效目标，不得纳入项目库。"
    if project.operating and not project.link_mechanism.strip():
        return "经营性项目没有联农带农机制，不得纳入项目库。"
    return None


def place_given(project, ctx: Ctx) -> str | None:
    if not (ctx.data.get("place") or "").strip():
        return "请填写公告公示的地点（如 村务公开栏、县政府网站）。"
    return None


def reason_given(project, ctx: Ctx) -> str | None:
    if not (ctx.data.get("reason") or "").strip():
        return "请填写不予通过的理由。"
    return None


def T(name, label, sources, target, *guards, fields=("on",)) -> Transition:
    """A row of the project table; a step's form asks at least the date it was done (on)."""
    return _T(name, label, sources, target, *guards, fields=fields)


PROJECT = Workflow("project", [
    T("propose", "项目申报", set(), S.PROPOSED, ledger_user),
    T("review", "审核论证", S.PROPOSED, S.REVIEWED, reviewer, date_in_order, funds_planned),
    T("enter", "纳入项目库", S.REVIEWED, S.LIBRARY, county_user, date_in_order, funds_planned, link_and_targets),
    T("publish", "项目库公告公示", S.LIBRARY, S.PUBLISHED, county_user, date_in_order, place_given,
      fields=("on", "place")),
    T("plan", "纳入年度项目计划", S.PUBLISHED, S.PLANNED, county_user, date_in_order),
    T("start", "开工", S.PLANNED, S.STARTED, ledger_user, date_in_order),
    T("complete", "竣工", S.STARTED, S.COMPLETED, ledger_user, date_in_order),
    T("accept", "竣工验收", S.COMPLETED, S.ACCEPTED, reviewer, date_in_order),
    T("reject", "审核不予通过", {S.PROPOSED, S.REVIEWED}, S.REJECTED, reviewer, reason_given, fields=("reason",)),
], refusal="项目当前为「{status}」，不能办理「{label}」。", status_label=lambda project: status_label(project.status))

STATUS_LABELS = dict(ProjectStatus.choices)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def check(name: str, project, ctx: Ctx) -> None:
    """Raise UserFacingError with the first reason that refuses the step; change nothing."""
    found = reasons(name, project, ctx)
    if found:
        raise UserFacingError(found[0])


def reasons(name: str, project, ctx: Ctx) -> list[str]:
    ctx.data.setdefault("_step", name)
    return PROJECT.reasons(name, project, ctx)


def available(project, user, today: dt.date) -> list[Transition]:
    """Steps whose status matches and whose first guard (who may act) lets this user act."""
    return PROJECT.available(project, user, today)


def status_from_dates(values: dict) -> str:
    """The status a project's recorded dates put it at (a rejected project stays rejected)."""
    status = S.PROPOSED
    for name in ORDER:
        if values.get(name) is not None:
            status = STATUS_OF_DATE[name]
    return status


def dates_problem(values: dict) -> str | None:
    """Dates out of order or a step recorded without the one before it (an import's row, a form's values)."""
    previous = None
    for name in ORDER:
        value = values.get(name)
        if value is None:
            continue
        if previous is not None:
            prev_name, prev_value = previous
            if value < prev_value:
                return f"{LABELS[name]}（{value:%Y-%m-%d}）早于{LABELS[prev_name]}（{prev_value:%Y-%m-%d}）"
        previous = (name, value)
    recorded = [n for n in ORDER if values.get(n) is not None]
    if recorded:
        last = ORDER.index(recorded[-1])
        missing = [LABELS[n] for n in ORDER[:last] if values.get(n) is None]
        if missing:
            return f"已填{LABELS[recorded[-1]]}，缺少{'、'.join(missing)}"
    return None


LABELS = {
    "proposed_on": "申报日期", "reviewed_on": "审核论证日期", "entered_on": "入库日期", "published_on": "公告公示日期",
    "planned_on": "纳入年度计划日期", "started_on": "开工日期", "completed_on": "竣工日期", "accepted_on": "验收日期",
}
