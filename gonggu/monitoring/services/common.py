"""Plumbing shared by every procedure: the transition-service registry, the event row each step writes, moving
an object along its table, uploads and date checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from gonggu.core.clock import today as _today
from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import stored_name, upload_save

from ..choices import RiskType, join_risk_types
from ..models import (
    CaseEvent,
)
from ..workflow import (
    TABLES,
    Ctx,
    check,
    transition,
)

# --- plumbing -------------------------------------------------------------------------------------


def transition_service(procedure: str, name: str):
    """Registers the one service that carries out a transition of the tables in `workflow.py`."""

    return TABLES[procedure].service(name)


def _actor_name(user) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_username()


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _move(procedure: str, name: str, obj, *, user, on_date: dt.date, note: str = "", ctx: Ctx | None = None,
          save_fields: Iterable[str] = ()) -> CaseEvent:
    """Set the transition's target status, save, and write the event row (guards already checked)."""
    t = transition(procedure, name)
    from_status = obj.get_status_display()
    obj.status = t.target
    obj.updated_by = user
    obj.save(update_fields=["status", "updated_by", "updated_at", *save_fields])
    case = getattr(obj, "case", None) or obj
    return CaseEvent.record(case, user, name, note, procedure=procedure, label=t.label, on_date=on_date,
                            from_status=from_status, to_status=obj.get_status_display())


def _dated_step(procedure, action: str, model, pk: int, *, user, note: str, field: str):
    """A review, approval or filing step: guards checked, today's date stamped on `field`, the move recorded."""
    obj = _locked(model, pk)
    today = _today()
    check(procedure, action, obj, Ctx(user=user, today=today))
    setattr(obj, field, today)
    _move(procedure, action, obj, user=user, on_date=today, note=note, save_fields=[field])
    return obj


def _risk_types(values) -> str:
    values = list(values or [])
    unknown = [v for v in values if v not in RiskType.values]
    if unknown:
        raise UserFacingError(f"未知的风险类型：{'、'.join(unknown)}。")
    return join_risk_types(values)


def _save_upload(uploaded, kind: str, accept: tuple[str, ...]) -> tuple[str, str]:
    """Keep a scan or photo (checked by content); returns its name relative to the data directory."""
    path, digest = upload_save(uploaded, kind=kind, accept=accept)
    return stored_name(path), digest


def _check_date(value: dt.date | None, label: str, *, today: dt.date, required: bool = True) -> None:
    if value is None:
        if required:
            raise UserFacingError(f"请填写{label}。")
        return
    if value > today:
        raise UserFacingError(f"{label}不能晚于今天。")
