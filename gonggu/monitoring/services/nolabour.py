"""整户无劳动能力兜底保障户: the designation procedure, from verification to the mark."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..models import (
    CaseEvent,
    MonitoringCase,
    NoLabourDesignation,
    Notice,
)
from ..workflow import (
    Ctx,
    Procedure,
    check,
    transition,
)
from .common import _check_date, _dated_step, _locked, _move, _today, transition_service
from .identification import _reject, _reselect, _resubmit, _return, _select

# --- 整户无劳动能力兜底保障户 ---------------------------------------------------------------------------


@transition_service(Procedure.NOLABOUR, "start")
@transaction.atomic
def nolabour_start(*, case: MonitoringCase, user) -> NoLabourDesignation:
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    check(Procedure.NOLABOUR, "start", case, Ctx(user=user, today=today), skip_status=True)
    obj = NoLabourDesignation.objects.create(case=case, region_code=case.region_code, started_on=today,
                                             created_by=user, updated_by=user)
    CaseEvent.record(case, user, "start", procedure=Procedure.NOLABOUR,
                     label=transition(Procedure.NOLABOUR, "start").label, on_date=today,
                     to_status=obj.get_status_display())
    return obj


@transition_service(Procedure.NOLABOUR, "verify")
@transaction.atomic
def nolabour_verify(*, designation: NoLabourDesignation, user, verified_on: dt.date, basis: str,
                    note: str = "") -> NoLabourDesignation:
    obj = _locked(NoLabourDesignation, designation.pk)
    today = _today()
    check(Procedure.NOLABOUR, "verify", obj, Ctx(user=user, today=today,
                                                 data={"basis": basis, "verified_on": verified_on}))
    obj.verified_on, obj.basis = verified_on, basis
    _move(Procedure.NOLABOUR, "verify", obj, user=user, on_date=verified_on, note=note,
          save_fields=["verified_on", "basis"])
    return obj


@transition_service(Procedure.NOLABOUR, "select")
@transaction.atomic
def nolabour_select(*, designations: list[NoLabourDesignation], user, notice_start: dt.date, notice_end: dt.date,
                    contact: str = "", note: str = "") -> Notice:
    return _select(Procedure.NOLABOUR, NoLabourDesignation, designations, user=user, notice_start=notice_start,
                   notice_end=notice_end, contact=contact, notice_kind=Notice.Kind.NOLABOUR_NOTICE, note=note)


@transition_service(Procedure.NOLABOUR, "township_determine")
@transaction.atomic
def nolabour_township_determine(*, designation: NoLabourDesignation, user, note: str = "") -> NoLabourDesignation:
    """乡级确定 (the township decides; the county only files)."""
    return _dated_step(Procedure.NOLABOUR, "township_determine", NoLabourDesignation, designation.pk, user=user, note=note,
                       field="township_determined_on")


@transition_service(Procedure.NOLABOUR, "county_file")
@transaction.atomic
def nolabour_county_file(*, designation: NoLabourDesignation, user, note: str = "") -> NoLabourDesignation:
    return _dated_step(Procedure.NOLABOUR, "county_file", NoLabourDesignation, designation.pk, user=user, note=note,
                       field="county_filed_on")


@transition_service(Procedure.NOLABOUR, "mark")
@transaction.atomic
def nolabour_mark(*, designation: NoLabourDesignation, user, marked_on: dt.date) -> NoLabourDesignation:
    obj = _locked(NoLabourDesignation, designation.pk)
    today = _today()
    check(Procedure.NOLABOUR, "mark", obj, Ctx(user=user, today=today))
    _check_date(marked_on, "系统标注日期", today=today)
    obj.marked_on = marked_on
    _move(Procedure.NOLABOUR, "mark", obj, user=user, on_date=marked_on, save_fields=["marked_on"])
    MonitoringCase.objects.filter(pk=obj.case_id).update(nolabour_on=marked_on, updated_at=timezone.now())
    return obj


@transition_service(Procedure.NOLABOUR, "return")
@transaction.atomic
def nolabour_return(*, designation: NoLabourDesignation, user, reason: str) -> NoLabourDesignation:
    return _return(Procedure.NOLABOUR, NoLabourDesignation, designation, user=user, reason=reason)


@transition_service(Procedure.NOLABOUR, "resubmit")
@transaction.atomic
def nolabour_resubmit(*, designation: NoLabourDesignation, user, note: str = "") -> NoLabourDesignation:
    return _resubmit(Procedure.NOLABOUR, NoLabourDesignation, designation, user=user, note=note)


@transition_service(Procedure.NOLABOUR, "reselect")
@transaction.atomic
def nolabour_reselect(*, designation: NoLabourDesignation, user, note: str = "") -> NoLabourDesignation:
    return _reselect(Procedure.NOLABOUR, NoLabourDesignation, designation, user=user, note=note)


@transition_service(Procedure.NOLABOUR, "reject")
@transaction.atomic
def nolabour_reject(*, designation: NoLabourDesignation, user, reason: str) -> NoLabourDesignation:
    return _reject(Procedure.NOLABOUR, NoLabourDesignation, designation, user=user, reason=reason)
