"""Every change of a project's life, one service per step of the transition table (workflow.PROJECT).

A service checks the step (status, who, date, the seed's preconditions) before changing anything, sets the
step's date and the status, keeps the change in the project's history under the user's name and writes the
step as a `ProjectEvent`. Fund and payment rows are entered through the ledger forms and imports, which run
the same checks (`checks.py`, `ledger_defs.py`); `fund_use_record` and `payment_record` are those for code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonggu.core.errors import UserFacingError

from . import checks
from .models import FundUse, Payment, Project, ProjectEvent
from .workflow import DATE_FIELD, PROJECT, Ctx, check, reasons


def transition_service(name: str):
    return PROJECT.service(name)


def _step(name: str, *, user, project: Project, on: dt.date | None, today: dt.date | None = None,
          note: str = "", fields: dict | None = None, **data) -> Project:
    today = today or timezone.localdate()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        check(name, project, Ctx(user=user, today=today, data={"on": on, **data}))
        before = project.status
        if name in DATE_FIELD:
            setattr(project, DATE_FIELD[name], on)
        project.status = PROJECT[name].target
        for field_name, value in (fields or {}).items():
            setattr(project, field_name, value)
        project.updated_by = user
        project._history_user = user
        project.save()
        ProjectEvent.record(project, user, name, note, on_date=on or today, from_status=before,
                            to_status=project.status)
    return project


@transition_service("propose")
def project_propose(*, user, region_code: str, values: dict, today: dt.date | None = None) -> Project:
    """申报: a village or township proposes a project (its funds by source, mechanism and targets)."""
    today = today or timezone.localdate()
    project = Project(region_code=region_code, created_by=user, updated_by=user, **values)
    project.proposed_on = values.get("proposed_on") or today
    found = reasons("propose", project, Ctx(user=user, today=today))
    if found:
        raise UserFacingError(found[0])
    problem = checks.project_problem({f: getattr(project, f, None) for f in _FIELDS})
    if problem:
        raise UserFacingError(problem[1] + "。")
    if Project.objects.filter(project_no=project.project_no).exists():
        raise UserFacingError(f"项目编号 {project.project_no} 已被使用。")
    with transaction.atomic():
        project._history_user = user
        project.save()
        ProjectEvent.record(project, user, "propose", on_date=project.proposed_on, to_status=project.status)
    return project


_FIELDS = ("central_funds", "provincial_funds", "city_funds", "county_funds", "other_funds", "proposed_on",
           "performance_targets", "link_mechanism", "operating")


@transition_service("review")
def project_review(*, user, project: Project, on: dt.date, note: str = "", today=None) -> Project:
    """审核论证 by the township or the county."""
    return _step("review", user=user, project=project, on=on, note=note, today=today)


@transition_service("enter")
def project_enter(*, user, project: Project, on: dt.date, today=None) -> Project:
    """纳入项目库: refused without 绩效目标, and for an operating project without 联农带农机制."""
    return _step("enter", user=user, project=project, on=on, today=today)


@transition_service("publish")
def project_publish(*, user, project: Project, on: dt.date, place: str, today=None) -> Project:
    """项目库公告公示, with its date and place."""
    return _step("publish", user=user, project=project, on=on, place=place, note=f"公示地点：{place}", today=today,
                 fields={"published_place": (place or "").strip()[:80]})


@transition_service("plan")
def project_plan(*, user, project: Project, on: dt.date, today=None) -> Project:
    """纳入年度项目计划: a project chosen for the year's plan comes from the published library."""
    return _step("plan", user=user, project=project, on=on, today=today)


@transition_service("start")
def project_start(*, user, project: Project, on: dt.date, today=None) -> Project:
    return _step("start", user=user, project=project, on=on, today=today)


@transition_service("complete")
def project_complete(*, user, project: Project, on: dt.date, today=None) -> Project:
    return _step("complete", user=user, project=project, on=on, today=today)


@transition_service("accept")
def project_accept(*, user, project: Project, on: dt.date, note: str = "", today=None) -> Project:
    """竣工验收 (due within 7 working days of completion: rule FUND-ACCEPT-7WD shows a late one)."""
    return _step("accept", user=user, project=project, on=on, note=note, today=today)


@transition_service("reject")
def project_reject(*, user, project: Project, reason: str, today=None) -> Project:
    today = today or timezone.localdate()
    return _step("reject", user=user, project=project, on=None, reason=reason, note=reason, today=today)


def project_step(name: str, **kwargs) -> Project:
    """The one service of step `name` (pages choose the step from the transition table)."""
    return PROJECT.services[name](**kwargs)


def fund_use_record(*, user, region_code: str, doc_no: str, project_no: str, executed_on: dt.date,
                    amount: Decimal) -> FundUse:
    """预算执行: arrange part of an allocation to a project (within the allocation's amount)."""
    if amount is None or amount <= 0:
        raise UserFacingError("安排金额必须大于 0。")
    checks_found = checks.fund_use_problems(
        [checks.UseRow(0, region_code, doc_no, project_no, amount, executed_on)], prefix=user.scope_prefix)
    if checks_found:
        raise UserFacingError(checks_found[0][1] + "。")
    row = FundUse(region_code=region_code, doc_no=doc_no, project_no=project_no, executed_on=executed_on,
                  amount=amount, created_by=user, updated_by=user)
    row._history_user = user
    row.save()
    return row


def payment_record(*, user, region_code: str, voucher_no: str, project_no: str, paid_on: dt.date, kind: str,
                   amount: Decimal, payee: str = "") -> Payment:
    """拨付: refused above the project's budget (the allocations arranged to it)."""
    if amount is None or amount <= 0:
        raise UserFacingError("拨付金额必须大于 0。")
    with transaction.atomic():
        # One payment at a time per project: the budget check sees the payments before it.
        list(Project.objects.select_for_update().filter(project_no=project_no))
        found = checks.payment_problems([checks.PaymentRow(0, region_code, project_no, amount)],
                                        prefix=user.scope_prefix)
        if found:
            raise UserFacingError(found[0][1] + "。")
        row = Payment(region_code=region_code, voucher_no=voucher_no, project_no=project_no, paid_on=paid_on,
                      kind=kind, amount=amount, payee=payee, created_by=user, updated_by=user)
        row._history_user = user
        row.save()
    return row
