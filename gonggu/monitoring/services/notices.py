"""Notices (公示/公告): postings recorded and objections registered and resolved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import PHOTO

from ..models import (
    CaseEvent,
    MonitoringCase,
    Notice,
    Objection,
)
from ..workflow import (
    Ctx,
    Procedure,
    county_user,
    township_user,
    village_user,
)
from .common import _check_date, _locked, _save_upload, _today

# --- notices and objections -----------------------------------------------------------------------


def _notice_actor(notice: Notice, user) -> str | None:
    ctx = Ctx(user=user, today=_today())
    probe = MonitoringCase(region_code=notice.region_code)
    if village_user(probe, ctx) is None or township_user(probe, ctx) is None or county_user(probe, ctx) is None:
        return None
    return "只有该村的村级用户或所在乡镇、县的审核人员可以办理公示事项。"


@transaction.atomic
def notice_record_posting(*, notice: Notice, user, posted_on: dt.date, place: str, photo=None) -> Notice:
    """Where and when the notice was posted, with a photo of it on the board."""
    notice = _locked(Notice, notice.pk)
    reason = _notice_actor(notice, user)
    if reason:
        raise UserFacingError(reason)
    today = _today()
    _check_date(posted_on, "张贴日期", today=today)
    if posted_on < notice.start_on - dt.timedelta(days=3):
        raise UserFacingError("张贴日期比公示开始日期早太多，请核对。")
    if notice.end_on and posted_on > notice.end_on:
        raise UserFacingError("张贴日期晚于公示结束日期。")
    if not (place or "").strip():
        raise UserFacingError("请填写张贴地点。")
    notice.posted_on, notice.posted_place = posted_on, place.strip()[:200]
    if photo is not None:
        notice.photo_path, notice.photo_sha256 = _save_upload(photo, "monitoring_notice", PHOTO)
    notice.updated_by = user
    notice.save()
    for case in notice.cases.all():
        CaseEvent.record(case, user, CaseEvent.Action.NOTICE_POSTED, f"{notice.title}，张贴于{notice.posted_place}",
                         procedure=Procedure.IDENTIFICATION if notice.kind.startswith("ident") else
                         Procedure.ELIMINATION if notice.kind.startswith("elim") else Procedure.NOLABOUR,
                         on_date=posted_on)
    return notice


@transaction.atomic
def objection_register(*, notice: Notice, user, received_on: dt.date, content: str, raised_by: str = "",
                       case: MonitoringCase | None = None) -> Objection:
    """异议 received about a listed household (or the whole list); blocks the next step until handled."""
    reason = _notice_actor(notice, user)
    if reason:
        raise UserFacingError(reason)
    _check_date(received_on, "受理日期", today=_today())
    if not (content or "").strip():
        raise UserFacingError("请填写异议内容。")
    if case is not None and not notice.cases.filter(pk=case.pk).exists():
        raise UserFacingError("该户不在这份公示的名单上。")
    obj = Objection.objects.create(notice=notice, case=case, received_on=received_on, raised_by=raised_by[:100],
                                   content=content.strip(), created_by=user, updated_by=user)
    for c in ([case] if case else notice.cases.all()):
        CaseEvent.record(c, user, CaseEvent.Action.OBJECTION, content.strip()[:200],
                         procedure=_procedure_of_notice(notice), on_date=received_on)
    return obj


def _procedure_of_notice(notice: Notice) -> str:
    if notice.kind.startswith("ident"):
        return Procedure.IDENTIFICATION
    if notice.kind.startswith("elim"):
        return Procedure.ELIMINATION
    return Procedure.NOLABOUR


@transaction.atomic
def objection_resolve(*, objection: Objection, user, upheld: bool, handling: str) -> Objection:
    """异议 handled after investigation: 成立 (the household must be returned or refused) or 不成立."""
    objection = _locked(Objection, objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise UserFacingError("该异议已经办结。")
    reason = _notice_actor(objection.notice, user)
    if reason:
        raise UserFacingError(reason)
    if not (handling or "").strip():
        raise UserFacingError("请填写调查核实和处理情况。")
    today = _today()
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.handling, objection.resolved_on, objection.resolved_by = handling.strip(), today, user
    objection.updated_by = user
    objection.save()
    targets = [objection.case] if objection.case_id else list(objection.notice.cases.all())
    for c in targets:
        CaseEvent.record(c, user, CaseEvent.Action.OBJECTION_RESOLVED, handling.strip()[:200],
                         procedure=_procedure_of_notice(objection.notice),
                         label=f"异议处理：{objection.get_status_display()}", on_date=today)
    return objection
