"""Elimination of risk (风险消除): its own procedure, from the application to the mark on the household."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ..eligibility import income_check
from ..models import (
    CaseEvent,
    Elimination,
    MonitoringCase,
    Notice,
)
from ..workflow import (
    CaseStatus,
    Ctx,
    Procedure,
    check,
    transition,
)
from .common import _dated_step, _locked, _move, _today, transition_service
from .identification import _announce, _reject, _reselect, _resubmit, _return, _select

# --- elimination ----------------------------------------------------------------------------------


@transition_service(Procedure.ELIMINATION, "start")
@transaction.atomic
def elimination_start(*, case: MonitoringCase, user, application: str = "") -> Elimination:
    """提出风险消除: only when every condition holds (3 months, income, 三保障, measures)."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    check(Procedure.ELIMINATION, "start", case, Ctx(user=user, today=today), skip_status=True)
    income = income_check(case)
    elim = Elimination.objects.create(case=case, region_code=case.region_code, started_on=today,
                                      application=(application or "").strip(), income_year=income.year,
                                      income_per_capita=income.per_capita, line_value=income.line,
                                      created_by=user, updated_by=user)
    CaseEvent.record(case, user, "start", f"{income.text}。{elim.application}".strip(),
                     procedure=Procedure.ELIMINATION, label=transition(Procedure.ELIMINATION, "start").label,
                     on_date=today, to_status=elim.get_status_display())
    return elim


@transition_service(Procedure.ELIMINATION, "verify")
@transaction.atomic
def elimination_verify(*, elimination: Elimination, user, verified_on: dt.date, guarantees: dict,
                       no_new_risk: bool, note: str = "") -> Elimination:
    elim = _locked(Elimination, elimination.pk)
    today = _today()
    data = {**guarantees, "no_new_risk": no_new_risk, "verified_on": verified_on}
    check(Procedure.ELIMINATION, "verify", elim, Ctx(user=user, today=today, data=data))
    elim.verified_on = verified_on
    elim.guarantees = {**{k: bool(v) for k, v in guarantees.items()}, "no_new_risk": bool(no_new_risk),
                       "note": (note or "").strip()}
    _move(Procedure.ELIMINATION, "verify", elim, user=user, on_date=verified_on, note=note,
          save_fields=["verified_on", "guarantees"])
    return elim


@transition_service(Procedure.ELIMINATION, "select")
@transaction.atomic
def elimination_select(*, eliminations: list[Elimination], user, notice_start: dt.date, notice_end: dt.date,
                       contact: str = "", note: str = "") -> Notice:
    return _select(Procedure.ELIMINATION, Elimination, eliminations, user=user, notice_start=notice_start,
                   notice_end=notice_end, contact=contact, notice_kind=Notice.Kind.ELIM_NOTICE, note=note)


@transition_service(Procedure.ELIMINATION, "township_review")
@transaction.atomic
def elimination_township_review(*, elimination: Elimination, user, note: str = "") -> Elimination:
    return _dated_step(Procedure.ELIMINATION, "township_review", Elimination, elimination.pk, user=user, note=note,
                       field="township_reviewed_on")


@transition_service(Procedure.ELIMINATION, "county_approve")
@transaction.atomic
def elimination_county_approve(*, elimination: Elimination, user, note: str = "") -> Elimination:
    return _dated_step(Procedure.ELIMINATION, "county_approve", Elimination, elimination.pk, user=user, note=note,
                       field="county_approved_on")


@transition_service(Procedure.ELIMINATION, "announce")
@transaction.atomic
def elimination_announce(*, eliminations: list[Elimination], user, announced_on: dt.date, place: str,
                         photo=None) -> Notice:
    return _announce(Procedure.ELIMINATION, Elimination, eliminations, user=user, announced_on=announced_on,
                     place=place, photo=photo, notice_kind=Notice.Kind.ELIM_ANNOUNCE)


@transition_service(Procedure.ELIMINATION, "mark")
@transaction.atomic
def elimination_mark(*, elimination: Elimination, user, method: str, marked_on: dt.date) -> Elimination:
    """系统标注: the risk is marked eliminated (稳定消除/自然消除); the case leaves monitoring."""
    elim = _locked(Elimination, elimination.pk)
    today = _today()
    check(Procedure.ELIMINATION, "mark", elim, Ctx(user=user, today=today,
                                                   data={"method": method, "marked_on": marked_on}))
    elim.marked_on, elim.method = marked_on, method
    _move(Procedure.ELIMINATION, "mark", elim, user=user, on_date=marked_on, note=method,
          save_fields=["marked_on", "method"])
    case = _locked(MonitoringCase, elim.case_id)
    from_status = case.get_status_display()
    case.status = CaseStatus.ELIMINATED
    case.eliminated_on, case.elimination_method = marked_on, method
    case.elim_notice_start, case.elim_notice_end = elim.notice_start, elim.notice_end
    case.updated_by = user
    case.save()
    CaseEvent.record(case, user, CaseEvent.Action.ELIMINATED, method, procedure=Procedure.ELIMINATION,
                     on_date=marked_on, from_status=from_status, to_status=case.get_status_display())
    return elim


@transition_service(Procedure.ELIMINATION, "return")
@transaction.atomic
def elimination_return(*, elimination: Elimination, user, reason: str) -> Elimination:
    return _return(Procedure.ELIMINATION, Elimination, elimination, user=user, reason=reason)


@transition_service(Procedure.ELIMINATION, "resubmit")
@transaction.atomic
def elimination_resubmit(*, elimination: Elimination, user, note: str = "") -> Elimination:
    return _resubmit(Procedure.ELIMINATION, Elimination, elimination, user=user, note=note)


@transition_service(Procedure.ELIMINATION, "reselect")
@transaction.atomic
def elimination_reselect(*, elimination: Elimination, user, note: str = "") -> Elimination:
    return _reselect(Procedure.ELIMINATION, Elimination, elimination, user=user, note=note)


@transition_service(Procedure.ELIMINATION, "reject")
@transaction.atomic
def elimination_reject(*, elimination: Elimination, user, reason: str) -> Elimination:
    return _reject(Procedure.ELIMINATION, Elimination, elimination, user=user, reason=reason)
