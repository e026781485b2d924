"""Identification (识别纳入): a case opened from a clue, verified, compared, selected with a village notice,
reviewed, approved, announced and entered; returns, resubmissions and rejections shared with the other
procedures."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import PHOTO, SCAN
from gonggu.regions.models import Region
from gonggu.registry.models import Household

from ..choices import MonitoringType
from ..integration import latest_findings, open_warnings
from ..models import (
    CaseEvent,
    Clue,
    MonitoringCase,
    Notice,
)
from ..workflow import (
    CASE_ACTIVE,
    CASE_PENDING,
    CaseStatus,
    Ctx,
    Procedure,
    check,
    county_user,
    transition,
    village_user,
)
from .common import (
    _check_date,
    _dated_step,
    _locked,
    _move,
    _risk_types,
    _save_upload,
    _today,
    transition_service,
)

# --- identification -------------------------------------------------------------------------------


@transition_service(Procedure.IDENTIFICATION, "open")
@transaction.atomic
def case_open(*, clue: Clue, user, household: Household | None = None, green_channel: bool = False,
              green_channel_reason: str = "") -> MonitoringCase:
    """受理线索并启动识别程序 (village). The case keeps the clue's channel and discovery date."""
    clue = _locked(Clue, clue.pk)
    if clue.status != Clue.Status.NEW:
        raise UserFacingError("该线索已经处理过了。")
    household = household or clue.household
    today = _today()
    check(Procedure.IDENTIFICATION, "open", clue, Ctx(user=user, today=today, data={"household": household}),
          skip_status=True)
    if household is None:
        raise UserFacingError("请先确定农户（在户籍台账中查找；台账中没有的，先在台账中登记）。")
    if household.region_code != clue.region_code:
        raise UserFacingError("所选农户不在线索所在的村。")
    active = household.monitoring_cases.filter(status__in=CASE_ACTIVE).first()
    if active is not None:
        raise UserFacingError(f"该户已有监测记录（{active.get_status_display()}），不能重复启动识别程序。")
    if green_channel and not green_channel_reason.strip():
        raise UserFacingError("走绿色通道须说明突发严重困难的情况。")
    case = MonitoringCase.objects.create(
        household=household, region_code=household.region_code, clue=clue, channel=clue.channel,
        discovered_on=clue.discovered_on, risk_types=clue.risk_types, status=CaseStatus.VERIFYING,
        green_channel=green_channel, green_channel_reason=green_channel_reason.strip()[:200],
        created_by=user, updated_by=user,
    )
    clue.status = Clue.Status.ACCEPTED
    clue.household = household
    clue.handled_on = today
    clue.handled_by = user
    clue.save()
    CaseEvent.record(case, user, "open", ("绿色通道：" + green_channel_reason.strip()) if green_channel else "",
                     procedure=Procedure.IDENTIFICATION, label=transition(Procedure.IDENTIFICATION, "open").label,
                     on_date=today, to_status=case.get_status_display())
    return case


@transition_service(Procedure.IDENTIFICATION, "verify")
@transaction.atomic
def case_verify(*, case: MonitoringCase, user, verified_on: dt.date, findings: str, monitoring_type: str,
                risk_types: list[str], commitment_signed_on: dt.date | None, commitment_scan=None,
                form: dict | None = None, note: str = "") -> MonitoringCase:
    """入户核实: the 核查表 and the signed 承诺授权书 (date and scan)."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    form = dict(form or {})
    form["findings"] = (findings or "").strip()
    data = {"verified_on": verified_on, "form": form, "commitment_signed_on": commitment_signed_on,
            "commitment_scan": commitment_scan}
    check(Procedure.IDENTIFICATION, "verify", case, Ctx(user=user, today=today, data=data))
    if monitoring_type not in MonitoringType.values:
        raise UserFacingError("请选择拟纳入的监测对象类型。")
    if verified_on < case.discovered_on:
        raise UserFacingError("入户核实日期不能早于发现线索的日期。")
    risk = _risk_types(risk_types)
    if not risk:
        raise UserFacingError("请至少选择一项风险类型。")
    path, digest = _save_upload(commitment_scan, "monitoring_commitment", SCAN)
    case.verified_on, case.verified_by, case.verification_form = verified_on, user, form
    case.commitment_signed_on, case.commitment_scan, case.commitment_scan_sha256 = commitment_signed_on, path, digest
    case.monitoring_type, case.risk_types = monitoring_type, risk
    _move(Procedure.IDENTIFICATION, "verify", case, user=user, on_date=verified_on, note=note or form["findings"][:200],
          save_fields=["verified_on", "verified_by", "verification_form", "commitment_signed_on", "commitment_scan",
                       "commitment_scan_sha256", "monitoring_type", "risk_types"])
    return case


def comparison_snapshot(household: Household) -> dict:
    """What the screening engine knows about the household now: open warnings and the latest findings."""
    def plain(rows):
        return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows]

    return {"warnings": plain(open_warnings(household)), "findings": plain(latest_findings(household)),
            "at": timezone.now().isoformat(timespec="seconds")}


@transition_service(Procedure.IDENTIFICATION, "compare")
@transaction.atomic
def case_compare(*, case: MonitoringCase, user, result_note: str = "") -> MonitoringCase:
    """信息比对: the county's comparison results (screening warnings and rule findings) attached to the case."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    check(Procedure.IDENTIFICATION, "compare", case, Ctx(user=user, today=today))
    snapshot = comparison_snapshot(case.household)
    snapshot["note"] = (result_note or "").strip()
    case.compared_on, case.comparison_results = today, snapshot
    n = len(snapshot["warnings"]) + len(snapshot["findings"])
    _move(Procedure.IDENTIFICATION, "compare", case, user=user, on_date=today,
          note=f"附比对结果 {n} 条。{snapshot['note']}".strip(), save_fields=["compared_on", "comparison_results"])
    return case


def _village_notice(*, kind: str, village: Region, start_on: dt.date, end_on: dt.date | None, contact: str,
                    user, issuer: str = "") -> Notice:
    titles = {
        Notice.Kind.IDENT_NOTICE: f"{village.name}防止返贫监测对象初选名单公示",
        Notice.Kind.ELIM_NOTICE: f"{village.name}防止返贫监测对象风险消除初选名单公示",
        Notice.Kind.NOLABOUR_NOTICE: f"{village.name}整户无劳动能力兜底保障户初选名单公示",
        Notice.Kind.IDENT_ANNOUNCE: f"关于{village.name}防止返贫监测对象纳入结果的公告",
        Notice.Kind.ELIM_ANNOUNCE: f"关于{village.name}防止返贫监测对象风险消除结果的公告",
    }
    township = village.parent
    default_issuer = (f"{township.name}人民政府" if kind in (Notice.Kind.IDENT_ANNOUNCE, Notice.Kind.ELIM_ANNOUNCE)
                      and township else f"{village.name}村民委员会")
    return Notice.objects.create(kind=kind, village=village, region_code=village.code, issuer=issuer or default_issuer,
                                 title=titles[kind], start_on=start_on, end_on=end_on, contact=contact[:50],
                                 created_by=user, updated_by=user)


def _select(procedure: str, model, objs: list, *, user, notice_start: dt.date, notice_end: dt.date,
            contact: str, notice_kind: str, note: str) -> Notice:
    """村级初选: one village notice of ≥5 days listing every selected household."""
    if not objs:
        raise UserFacingError("请至少选择一户。")
    today = _today()
    locked = [_locked(model, o.pk) for o in objs]
    villages = {o.region_code for o in locked}
    if len(villages) != 1:
        raise UserFacingError("一次公示只能包含同一个村的农户。")
    ctx = Ctx(user=user, today=today, data={"notice_start": notice_start, "notice_end": notice_end})
    for obj in locked:
        check(procedure, "select", obj, ctx)
    village = Region.objects.get(code=villages.pop())
    notice = _village_notice(kind=notice_kind, village=village, start_on=notice_start, end_on=notice_end,
                             contact=contact, user=user)
    for obj in locked:
        case = getattr(obj, "case", None) or obj
        notice.cases.add(case)
        obj.selected_on, obj.notice, obj.notice_start, obj.notice_end = today, notice, notice_start, notice_end
        _move(procedure, "select", obj, user=user, on_date=today,
              note=f"公示 {notice_start:%Y-%m-%d} 至 {notice_end:%Y-%m-%d}。{note}".strip(),
              save_fields=["selected_on", "notice", "notice_start", "notice_end"])
    return notice


@transition_service(Procedure.IDENTIFICATION, "select")
@transaction.atomic
def case_select(*, cases: list[MonitoringCase], user, notice_start: dt.date, notice_end: dt.date,
                contact: str = "", note: str = "") -> Notice:
    return _select(Procedure.IDENTIFICATION, MonitoringCase, cases, user=user, notice_start=notice_start,
                   notice_end=notice_end, contact=contact, notice_kind=Notice.Kind.IDENT_NOTICE, note=note)


@transition_service(Procedure.IDENTIFICATION, "township_review")
@transaction.atomic
def case_township_review(*, case: MonitoringCase, user, note: str = "") -> MonitoringCase:
    """乡级审核: proposes the household for monitoring to the county, after the notice closed cleanly."""
    return _dated_step(Procedure.IDENTIFICATION, "township_review", MonitoringCase, case.pk, user=user, note=note,
                       field="township_reviewed_on")


APPROVAL_BODIES = ("县级党委农村工作领导小组批准", "县级领导小组授权县级乡村振兴部门批准")


@transition_service(Procedure.IDENTIFICATION, "county_approve")
@transaction.atomic
def case_county_approve(*, case: MonitoringCase, user, approval_body: str = APPROVAL_BODIES[0],
                        note: str = "") -> MonitoringCase:
    """县级审批 (or authorised approval). Starts the 10-day clocks of entry and of the assistance plan."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    check(Procedure.IDENTIFICATION, "county_approve", case, Ctx(user=user, today=today))
    if approval_body not in APPROVAL_BODIES:
        raise UserFacingError("请选择批准方式。")
    case.county_approved_on, case.approval_body = today, approval_body
    _move(Procedure.IDENTIFICATION, "county_approve", case, user=user, on_date=today, note=note or approval_body,
          save_fields=["county_approved_on", "approval_body"])
    _mark_household_monitored(case, user)
    return case


def _mark_household_monitored(case: MonitoringCase, user) -> None:
    """The approved household is a 监测户 of its monitoring type in the registry (through the registry's service)."""
    from gonggu.registry.choices import HouseholdType
    from gonggu.registry.services import household_update

    household = Household.objects.get(pk=case.household_id)
    if household.household_type == HouseholdType.MONITORED and household.monitoring_type == case.monitoring_type:
        return
    household_update(actor=user, household=household, household_type=HouseholdType.MONITORED,
                     monitoring_type=case.monitoring_type, relocated=household.relocated)


def _announce(procedure: str, model, objs: list, *, user, announced_on: dt.date, place: str, photo,
              notice_kind: str) -> Notice:
    if not objs:
        raise UserFacingError("请至少选择一户。")
    today = _today()
    locked = [_locked(model, o.pk) for o in objs]
    villages = {o.region_code for o in locked}
    if len(villages) != 1:
        raise UserFacingError("结果公告在所在村张贴，一次只能包含同一个村的农户。")
    ctx = Ctx(user=user, today=today)
    for obj in locked:
        check(procedure, "announce", obj, ctx)
    _check_date(announced_on, "公告日期", today=today)
    if not (place or "").strip():
        raise UserFacingError("请填写公告张贴地点。")
    for obj in locked:
        approved = getattr(obj, "county_approved_on", None)
        if approved and announced_on < approved:
            raise UserFacingError("公告日期不能早于县级审批日期。")
    village = Region.objects.select_related("parent").get(code=villages.pop())
    notice = _village_notice(kind=notice_kind, village=village, start_on=announced_on, end_on=None, contact="",
                             user=user)
    notice.posted_on, notice.posted_place = announced_on, place.strip()[:200]
    if photo is not None:
        notice.photo_path, notice.photo_sha256 = _save_upload(photo, "monitoring_notice", PHOTO)
    notice.save()
    for obj in locked:
        case = getattr(obj, "case", None) or obj
        notice.cases.add(case)
        obj.announced_on = announced_on
        _move(procedure, "announce", obj, user=user, on_date=announced_on, note=f"张贴于{place.strip()}",
              save_fields=["announced_on"])
    return notice


@transition_service(Procedure.IDENTIFICATION, "announce")
@transaction.atomic
def case_announce(*, cases: list[MonitoringCase], user, announced_on: dt.date, place: str, photo=None) -> Notice:
    """结果公告 in the township's name, posted in the village."""
    return _announce(Procedure.IDENTIFICATION, MonitoringCase, cases, user=user, announced_on=announced_on,
                     place=place, photo=photo, notice_kind=Notice.Kind.IDENT_ANNOUNCE)


@transition_service(Procedure.IDENTIFICATION, "enter")
@transaction.atomic
def case_enter(*, case: MonitoringCase, user, entered_on: dt.date, note: str = "") -> MonitoringCase:
    """录入建档: entered in the national information system; the household is now monitored."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    check(Procedure.IDENTIFICATION, "enter", case, Ctx(user=user, today=today, data={"entered_on": entered_on}))
    case.entered_on = entered_on
    _move(Procedure.IDENTIFICATION, "enter", case, user=user, on_date=entered_on, note=note,
          save_fields=["entered_on"])
    return case


def _return(procedure: str, model, obj, *, user, reason: str):
    obj = _locked(model, obj.pk)
    today = _today()
    check(procedure, "return", obj, Ctx(user=user, today=today, data={"reason": reason}))
    obj.returned_reason = reason.strip()
    _move(procedure, "return", obj, user=user, on_date=today, note=reason.strip(), save_fields=["returned_reason"])
    return obj


def _resubmit(procedure: str, model, obj, *, user, note: str):
    obj = _locked(model, obj.pk)
    today = _today()
    check(procedure, "resubmit", obj, Ctx(user=user, today=today))
    _move(procedure, "resubmit", obj, user=user, on_date=today, note=note)
    return obj


def _reselect(procedure: str, model, obj, *, user, note: str):
    obj = _locked(model, obj.pk)
    today = _today()
    check(procedure, "reselect", obj, Ctx(user=user, today=today))
    _move(procedure, "reselect", obj, user=user, on_date=today, note=note)
    return obj


def _reject(procedure: str, model, obj, *, user, reason: str):
    obj = _locked(model, obj.pk)
    today = _today()
    check(procedure, "reject", obj, Ctx(user=user, today=today, data={"reason": reason}))
    obj.rejected_reason = reason.strip()
    _move(procedure, "reject", obj, user=user, on_date=today, note=reason.strip(), save_fields=["rejected_reason"])
    return obj


@transition_service(Procedure.IDENTIFICATION, "return")
@transaction.atomic
def case_return(*, case: MonitoringCase, user, reason: str) -> MonitoringCase:
    return _return(Procedure.IDENTIFICATION, MonitoringCase, case, user=user, reason=reason)


@transition_service(Procedure.IDENTIFICATION, "resubmit")
@transaction.atomic
def case_resubmit(*, case: MonitoringCase, user, note: str = "") -> MonitoringCase:
    return _resubmit(Procedure.IDENTIFICATION, MonitoringCase, case, user=user, note=note)


@transition_service(Procedure.IDENTIFICATION, "reselect")
@transaction.atomic
def case_reselect(*, case: MonitoringCase, user, note: str = "") -> MonitoringCase:
    return _reselect(Procedure.IDENTIFICATION, MonitoringCase, case, user=user, note=note)


@transition_service(Procedure.IDENTIFICATION, "reject")
@transaction.atomic
def case_reject(*, case: MonitoringCase, user, reason: str) -> MonitoringCase:
    return _reject(Procedure.IDENTIFICATION, MonitoringCase, case, user=user, reason=reason)


@transaction.atomic
def case_set_green_channel(*, case: MonitoringCase, user, reason: str) -> MonitoringCase:
    """绿色通道 (003 task 3): assist first, complete the procedure afterwards; the procedure stays open."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    if case.status not in CASE_PENDING:
        raise UserFacingError("只有识别程序尚未完成的农户才需要走绿色通道。")
    if village_user(case, Ctx(user=user, today=today)) and county_user(case, Ctx(user=user, today=today)):
        raise UserFacingError("绿色通道由该村的村级用户或县级用户启用。")
    if not (reason or "").strip():
        raise UserFacingError("请说明突发严重困难的情况。")
    case.green_channel, case.green_channel_reason = True, reason.strip()[:200]
    case.updated_by = user
    case.save(update_fields=["green_channel", "green_channel_reason", "updated_by", "updated_at"])
    CaseEvent.record(case, user, CaseEvent.Action.GREEN_CHANNEL, reason.strip(), procedure=Procedure.ASSISTANCE,
                     on_date=today)
    return case
