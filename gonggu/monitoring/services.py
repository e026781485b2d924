"""Every state change of monitoring. One service per transition of `workflow.py`; all atomic; each writes
an event row (who, when, from → to, note). Guards run before anything changes, so a refused step leaves
the database as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, normalize
from gonggu.core.uploads import PHOTO, SCAN, stored_name, upload_save
from gonggu.regions.models import Region
from gonggu.registry.models import Household, Person

from .choices import Channel, MeasureCategory, MonitoringType, RiskType, join_risk_types
from .eligibility import NO_LABOUR, income_check
from .integration import SCREENING_RISK_TO_CASE, latest_findings, open_warnings
from .models import (
    CaseEvent,
    Clue,
    Elimination,
    Measure,
    MonitoringCase,
    NoLabourDesignation,
    Notice,
    Objection,
    PublicCounter,
    Visit,
)
from .workflow import (
    CASE_ACTIVE,
    CASE_APPROVED_OPEN,
    CASE_PENDING,
    SERVICES,
    CaseStatus,
    Ctx,
    Procedure,
    check,
    county_user,
    township_user,
    transition,
    village_user,
)

# --- plumbing -------------------------------------------------------------------------------------


def transition_service(procedure: str, name: str):
    """Registers the one service that carries out a transition of the tables in `workflow.py`."""

    def decorator(fn: Callable) -> Callable:
        key = (procedure, name)
        if key in SERVICES:
            raise RuntimeError(f"transition {key} already has a service")
        transition(procedure, name)  # the transition must exist
        SERVICES[key] = fn
        return fn

    return decorator


def _today() -> dt.date:
    return timezone.localdate()


def _actor_name(user) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_username()


def _event(case: MonitoringCase, procedure: str, action: str, label: str, *, user, on_date: dt.date,
           from_status: str = "", to_status: str = "", note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, procedure=procedure, action=action, label=label,
                                    from_status=from_status, to_status=to_status, actor=user,
                                    actor_name=_actor_name(user), on_date=on_date, note=note or "")


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
    return _event(case, procedure, name, t.label, user=user, on_date=on_date, from_status=from_status,
                  to_status=obj.get_status_display(), note=note)


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


# --- clues ----------------------------------------------------------------------------------------

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: read out over the phone
# "survey": the household survey's one-time codes (gonggu.surveys), guarded the same way.
PUBLIC_LIMIT_PER_HOUR = {"declare": 5, "status": 30, "survey": 30}
# After this many submissions in the hour from one address, each further one must answer a question.
PUBLIC_CHALLENGE_AFTER = {"declare": 2, "status": 5, "survey": 5}


def _public_window():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def public_rate_limit(*, ip: str | None, action: str) -> int:
    """A counter per (address, action, hour) in the database: works across server processes.
    Returns how many submissions this one is in the hour (1 for the first)."""
    limit = PUBLIC_LIMIT_PER_HOUR[action]
    key = f"{action}:{_ip_hash(ip)}"
    window = _public_window()
    with transaction.atomic():
        counter, _ = PublicCounter.objects.select_for_update().get_or_create(key=key, window_start=window)
        if counter.count >= limit:
            raise UserFacingError("提交过于频繁，请一小时后再试。如情况紧急，请直接联系村干部或拨打咨询服务电话。")
        PublicCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    # Old windows are worthless: keep the table small.
    PublicCounter.objects.filter(window_start__lt=window - dt.timedelta(days=2)).delete()
    return counter.count + 1


def public_challenge_needed(*, ip: str | None, action: str) -> bool:
    """Whether the next submission from this address must answer the question (repeated submissions)."""
    counter = PublicCounter.objects.filter(key=f"{action}:{_ip_hash(ip)}", window_start=_public_window()).first()
    return counter is not None and counter.count >= PUBLIC_CHALLENGE_AFTER[action]


def _ip_hash(ip: str | None) -> str:
    return hashlib.sha256((ip or "unknown").encode()).hexdigest()[:32]


def _new_receipt() -> str:
    while True:
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
        code = f"{code[:4]}-{code[4:]}"
        if not Clue.objects.filter(receipt_code=code).exists():
            return code


def receipt_status_text(clue: Clue) -> str:
    """What a declarant may learn with the receipt code: the stage, never personal data."""
    if clue.status == Clue.Status.NEW:
        return "已收到申报，等待村里入户核实。"
    if clue.status == Clue.Status.DISMISSED:
        return "村里已核实处理，未启动监测识别程序。如有疑问请联系村委会。"
    case = clue.cases.order_by("-id").first()
    if case is None:
        return "已受理。"
    return {
        CaseStatus.VERIFYING: "已受理，正在入户核实。",
        CaseStatus.COMPARING: "已入户核实，正在进行信息比对。",
        CaseStatus.SELECTING: "信息比对完成，等待村级初选。",
        CaseStatus.NOTICE: "已进入村内公示或乡镇审核阶段。",
        CaseStatus.COUNTY: "乡镇已审核，等待县级审批。",
        CaseStatus.ANNOUNCE: "县级已审批纳入监测，等待结果公告。",
        CaseStatus.ENTRY: "已纳入监测，正在录入建档。",
        CaseStatus.MONITORING: "已纳入防止返贫监测，正在落实帮扶。",
        CaseStatus.ELIMINATED: "帮扶后风险已消除。",
        CaseStatus.RETURNED: "材料正在村里补充完善。",
        CaseStatus.REJECTED: "经审核未纳入监测。如有疑问请联系村委会或乡镇。",
    }.get(case.status, "已受理。")


def _household_of(id_number: str) -> Household | None:
    person = Person.objects.filter(id_number=id_number).select_related("household").first()
    return person.household if person else None


def _open_clue_for(household: Household | None, id_number: str) -> Clue | None:
    qs = Clue.objects.filter(status=Clue.Status.NEW)
    if household is not None:
        found = qs.filter(household=household).first()
        if found:
            return found
    return qs.filter(id_number=id_number).first() if id_number else None


@transaction.atomic
def clue_declare(*, name: str, id_number: str, phone: str, village_code: str, difficulty: str,
                 risk_types: list[str], ip: str | None = None) -> Clue:
    """农户自主申报 through the public page. Refuses bad input with the reason; otherwise always takes the
    declaration, so that the answer never tells anyone whether a number is registered, monitored or in a
    procedure. A repeated declaration is marked for the village, which sees the earlier one."""
    name = (name or "").strip()
    if not name:
        raise UserFacingError("请填写姓名。", field="name")
    try:
        number = normalize(id_number)
    except InvalidIdNumber as exc:
        raise UserFacingError(f"身份证号有误：{exc}。", field="id_number") from None
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "-")
    if len(phone.replace("-", "")) < 7:
        raise UserFacingError("请填写能联系到您的电话号码。", field="phone")
    if not (difficulty or "").strip():
        raise UserFacingError("请简要说明遇到的困难。", field="difficulty")
    village = Region.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise UserFacingError("请选择所在的村。", field="village")
    household = _household_of(number)
    notes = []
    existing = _open_clue_for(household, number)
    if existing is not None:
        notes.append(f"重复申报：已有待受理的申报（回执号 {existing.receipt_code or '——'}）")
    if household is not None:
        active = household.monitoring_cases.filter(status__in=CASE_PENDING).first()
        if active is not None:
            notes.append(f"该户监测识别程序正在办理（{_case_stage_text(active)}）")
        village = household.village   # the registry knows where the household lives: route it there
    risk = _risk_types(risk_types)
    clue = Clue.objects.create(
        channel=Channel.SELF_DECLARED, discovered_on=_today(), village=village, region_code=village.code,
        household=household, name=name[:50], id_number=number, phone=phone[:20], difficulty=difficulty.strip(),
        risk_types=risk, receipt_code=_new_receipt(), ip_hash=_ip_hash(ip), source_note="；".join(notes)[:200],
    )
    return clue


def _case_stage_text(case: MonitoringCase) -> str:
    return {
        CaseStatus.VERIFYING: "正在入户核实。", CaseStatus.COMPARING: "正在信息比对。",
        CaseStatus.SELECTING: "等待村级初选。", CaseStatus.NOTICE: "村内公示或乡镇审核阶段。",
        CaseStatus.COUNTY: "等待县级审批。", CaseStatus.RETURNED: "材料正在村里补充完善。",
    }.get(case.status, "办理中。")


def clue_status_by_receipt(code: str, phone_tail: str) -> str:
    """The stage of a declaration, for whoever has its receipt code and the last four digits of the phone
    number given with it; a wrong pair and an unknown code get the same answer."""
    code = (code or "").strip().upper().replace(" ", "")
    if len(code) == 8 and "-" not in code:
        code = f"{code[:4]}-{code[4:]}"
    tail = "".join(ch for ch in (phone_tail or "") if ch.isdigit())
    clue = Clue.objects.filter(receipt_code=code).first() if len(tail) == 4 else None
    if clue is None or "".join(ch for ch in clue.phone if ch.isdigit())[-4:] != tail:
        raise UserFacingError("没有找到这份申报，请核对回执号和申报时所留电话号码的后四位。")
    return receipt_status_text(clue)


@transaction.atomic
def clue_create(*, user, channel: str, village: Region, household: Household | None, discovered_on: dt.date,
                difficulty: str, risk_types: list[str], source_note: str = "", name: str = "",
                id_number: str = "", phone: str = "") -> Clue:
    """基层干部排查 (village users of that village) or 社会信息补充 (county users)."""
    today = _today()
    if channel == Channel.CADRE:
        reason = village_user(Clue(region_code=village.code), Ctx(user=user, today=today))
        if reason:
            raise UserFacingError(reason)
    elif channel == Channel.SOCIAL:
        if not user.has_perm_code(Perm.APPROVE_COUNTY) or user.region is None or user.region.level != Level.COUNTY \
                or not village.code.startswith(user.region.prefix):
            raise UserFacingError("社会信息补充的线索由县级用户登记（本县范围内）。")
        if not source_note.strip():
            raise UserFacingError("请填写信息来源（如媒体报道、信访件）。")
    else:
        raise UserFacingError("这个渠道的线索不能在这里登记。")
    _check_date(discovered_on, "发现日期", today=today)
    if household is not None and household.region_code != village.code:
        raise UserFacingError("所选农户不在该村。")
    if not (difficulty or "").strip():
        raise UserFacingError("请填写困难情况。")
    number = ""
    if id_number:
        try:
            number = normalize(id_number)
        except InvalidIdNumber as exc:
            raise UserFacingError(f"身份证号有误：{exc}。") from None
        household = household or _household_of(number)
    if household is not None:
        existing = _open_clue_for(household, number)
        if existing is not None:
            raise UserFacingError(f"该户已有待受理的线索（{existing.discovered_on:%Y-%m-%d}，"
                                  f"{existing.get_channel_display()}），请在原线索上办理。")
    clue = Clue.objects.create(
        channel=channel, discovered_on=discovered_on, village=village, region_code=village.code,
        household=household, name=name or (household.head_name if household else ""), id_number=number,
        phone=phone, difficulty=difficulty.strip(), risk_types=_risk_types(risk_types), source_note=source_note,
        created_by=user, updated_by=user,
    )
    return clue


def clue_from_warning(warning, *, user) -> Clue | None:
    """Screening's 纳入监测 outcome opens a clue (channel 部门筛查预警) in the same transaction.

    The clue's discovery date is the day the department data raised the warning: that is when the risk
    clue was found, so the 15-day clock includes the verification time.
    """
    household = warning.household
    raised = warning.first_raised_on or _today()
    existing = Clue.objects.filter(household=household, status=Clue.Status.NEW).first()
    if existing is not None:
        # One open clue per household: the warning adds to it instead of duplicating the clock.
        note = f"预警 {warning.rule}"
        if note not in existing.source_note:
            existing.source_note = (existing.source_note + "；" + note).strip("；")[:200]
            existing.save(update_fields=["source_note", "updated_at"])
        return existing
    mapped = SCREENING_RISK_TO_CASE.get(warning.risk_type or "")
    person = Person.objects.filter(id_number=warning.id_number).first() if warning.id_number else None
    return Clue.objects.create(
        channel=Channel.DEPARTMENT, discovered_on=raised, village=household.village,
        region_code=household.region_code, household=household,
        name=person.name if person else household.head_name, id_number=warning.id_number or "",
        difficulty=f"部门筛查预警 {warning.rule}：{warning.detail}".strip("：")[:2000],
        risk_types=join_risk_types([mapped] if mapped else []), source_note=f"预警 {warning.rule}"[:200],
        warning_ref=warning.pk, created_by=user, updated_by=user,
    )


@transaction.atomic
def clue_dismiss(*, clue: Clue, user, reason: str) -> Clue:
    clue = _locked(Clue, clue.pk)
    if clue.status != Clue.Status.NEW:
        raise UserFacingError("该线索已经处理过了。")
    reason_text = village_user(clue, Ctx(user=user, today=_today()))
    if reason_text:
        raise UserFacingError(reason_text)
    if not (reason or "").strip():
        raise UserFacingError("请填写不予受理的理由。")
    clue.status = Clue.Status.DISMISSED
    clue.dismissed_reason = reason.strip()
    clue.handled_on = _today()
    clue.handled_by = user
    clue.updated_by = user
    clue.save()
    return clue


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
    _event(case, Procedure.IDENTIFICATION, "open", transition(Procedure.IDENTIFICATION, "open").label, user=user,
           on_date=today, to_status=case.get_status_display(),
           note=("绿色通道：" + green_channel_reason.strip()) if green_channel else "")
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
    _event(case, Procedure.ASSISTANCE, "green_channel", "启用绿色通道", user=user, on_date=today, note=reason.strip())
    return case


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
        _event(case, Procedure.IDENTIFICATION if notice.kind.startswith("ident") else
               Procedure.ELIMINATION if notice.kind.startswith("elim") else Procedure.NOLABOUR,
               "notice_posted", "登记公示张贴", user=user, on_date=posted_on,
               note=f"{notice.title}，张贴于{notice.posted_place}")
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
        _event(c, _procedure_of_notice(notice), "objection", "收到公示异议", user=user, on_date=received_on,
               note=content.strip()[:200])
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
        _event(c, _procedure_of_notice(objection.notice), "objection_resolved",
               f"异议处理：{objection.get_status_display()}", user=user, on_date=today, note=handling.strip()[:200])
    return objection


# --- assistance -----------------------------------------------------------------------------------


def _assistance_allowed(case: MonitoringCase) -> str | None:
    if case.status in CASE_APPROVED_OPEN:
        return None
    if case.green_channel and case.status in CASE_PENDING:
        return None
    if case.status in CASE_PENDING:
        return "县级审批前落实帮扶须先启用绿色通道（突发严重困难户：先帮扶，后补手续）。"
    return f"该户当前为「{case.get_status_display()}」，不能再调整帮扶。"


def _plan_editor(case: MonitoringCase, user) -> str | None:
    """The plan and measures: village users of the household's village, or its 帮扶责任人."""
    if case.officer_id is not None and case.officer_id == user.pk:
        return None
    return village_user(case, Ctx(user=user, today=_today()))


@transaction.atomic
def case_assign_officer(*, case: MonitoringCase, user, officer=None, name: str = "", unit: str = "",
                        phone: str = "", assigned_on: dt.date | None = None) -> MonitoringCase:
    """明确帮扶责任人: a 帮扶责任人 user, or a named public employee (国家公职人员) without an account."""
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    ctx = Ctx(user=user, today=today)
    if township_user(case, ctx) and county_user(case, ctx):
        raise UserFacingError("帮扶责任人由该户所在乡镇或县级明确。")
    reason = _assistance_allowed(case)
    if reason:
        raise UserFacingError(reason)
    assigned_on = assigned_on or today
    _check_date(assigned_on, "明确日期", today=today)
    if officer is not None:
        from gonggu.accounts.permissions import Role

        if officer.role != Role.ASSISTANCE_OFFICER or not officer.is_active:
            raise UserFacingError("所选用户不是帮扶责任人。")
        if officer.region is None or not case.region_code.startswith(officer.region.prefix):
            raise UserFacingError("所选帮扶责任人不负责该户所在的村或乡镇。")
        case.officer, case.officer_name = officer, officer.full_name or officer.username
        case.officer_unit = unit or officer.organisation
        case.officer_phone = phone or officer.phone
    else:
        if not (name or "").strip() or not (unit or "").strip():
            raise UserFacingError("请选择帮扶责任人，或填写国家公职人员的姓名和工作单位。")
        case.officer, case.officer_name, case.officer_unit, case.officer_phone = None, name.strip(), unit.strip(), phone
    case.officer_assigned_on = assigned_on
    case.updated_by = user
    case.save()
    _event(case, Procedure.ASSISTANCE, "officer", "明确帮扶责任人", user=user, on_date=assigned_on,
           note=f"{case.officer_name}（{case.officer_unit}）")
    return case


@transaction.atomic
def case_set_plan(*, case: MonitoringCase, user, plan_on: dt.date, summary: str) -> MonitoringCase:
    """帮扶计划 (一户一策): the plan text and its date; the measures are added one by one."""
    case = _locked(MonitoringCase, case.pk)
    reason = _plan_editor(case, user) or _assistance_allowed(case)
    if reason:
        raise UserFacingError(reason)
    today = _today()
    _check_date(plan_on, "计划制定日期", today=today)
    if plan_on < case.discovered_on:
        raise UserFacingError("计划日期不能早于发现线索的日期。")
    if not (summary or "").strip():
        raise UserFacingError("请填写帮扶计划：根据风险类型和家庭成员劳动能力、发展需求，因人因户制定。")
    first = case.plan_on is None
    case.plan_on, case.plan_summary = plan_on, summary.strip()
    case.updated_by = user
    case.save(update_fields=["plan_on", "plan_summary", "updated_by", "updated_at"])
    _event(case, Procedure.ASSISTANCE, "plan", "制定帮扶计划" if first else "修改帮扶计划", user=user, on_date=plan_on,
           note=summary.strip()[:200])
    return case


@transaction.atomic
def measure_add(*, case: MonitoringCase, user, category: str, start_on: dt.date, end_on: dt.date | None = None,
                department: str = "", beneficiary: Person | None = None, content: str = "") -> Measure:
    case = _locked(MonitoringCase, case.pk)
    reason = _plan_editor(case, user) or _assistance_allowed(case)
    if reason:
        raise UserFacingError(reason)
    if category not in MeasureCategory.values:
        raise UserFacingError("请选择措施类别。")
    if start_on is None:
        raise UserFacingError("请填写开始日期。")
    if end_on is not None and end_on < start_on:
        raise UserFacingError("结束日期早于开始日期。")
    if beneficiary is not None and beneficiary.household_id != case.household_id:
        raise UserFacingError("受益人不是该户成员。")
    if category == MeasureCategory.PUBLIC_POST:
        if beneficiary is None:
            raise UserFacingError("公益岗位须指明上岗的家庭成员。")
        if beneficiary.labour_ability in NO_LABOUR:
            raise UserFacingError(f"{beneficiary.name} 为{beneficiary.labour_ability}，不得安排公益岗位。")
    measure = Measure.objects.create(
        household=case.household, case=case, region_code=case.region_code, category=category,
        department=department, start_on=start_on, end_on=end_on, beneficiary=beneficiary,
        beneficiary_id_number=beneficiary.id_number if beneficiary else "", content=(content or "").strip(),
        created_by=user, updated_by=user,
    )
    _event(case, Procedure.ASSISTANCE, "measure", f"新增帮扶措施：{category}", user=user, on_date=start_on,
           note=measure.content[:200])
    return measure


@transaction.atomic
def measure_end(*, measure: Measure, user, end_on: dt.date) -> Measure:
    measure = _locked(Measure, measure.pk)
    case = measure.case
    if case is None:
        raise UserFacingError("该措施不属于任何监测记录。")
    reason = _plan_editor(case, user)
    if reason:
        raise UserFacingError(reason)
    if end_on is None or end_on < measure.start_on:
        raise UserFacingError("结束日期不能早于开始日期。")
    measure.end_on, measure.updated_by = end_on, user
    measure.save(update_fields=["end_on", "updated_by", "updated_at"])
    _event(case, Procedure.ASSISTANCE, "measure_end", f"帮扶措施结束：{measure.category}", user=user, on_date=end_on)
    return measure


@transaction.atomic
def visit_record(*, case: MonitoringCase, user, visited_on: dt.date, content: str, photos=()) -> Visit:
    """每月入户走访 by the 帮扶责任人 (or village cadres who may record visits)."""
    case = MonitoringCase.objects.select_related("household").get(pk=case.pk)
    if not user.has_perm_code(Perm.RECORD_VISITS):
        raise UserFacingError("您的角色不能登记走访。")
    if case.officer_id != user.pk and village_user(case, Ctx(user=user, today=_today())):
        raise UserFacingError("走访由该户的帮扶责任人或所在村的村级用户登记。")
    today = _today()
    _check_date(visited_on, "走访日期", today=today)
    if visited_on < case.discovered_on:
        raise UserFacingError("走访日期不能早于发现线索的日期。")
    if not (content or "").strip():
        raise UserFacingError("请填写走访内容：帮扶措施落实情况、家庭收入和“三保障”变化、新发现的困难。")
    stored = []
    for photo in photos or ():
        path, digest = _save_upload(photo, "monitoring_visit", PHOTO)
        stored.append({"path": path, "sha256": digest, "name": photo.name})
    visit = Visit.objects.create(household=case.household, case=case, region_code=case.region_code,
                                 visited_on=visited_on, visitor=user, visitor_name=_actor_name(user),
                                 content=content.strip(), photos=stored, created_by=user, updated_by=user)
    return visit


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
    _event(case, Procedure.ELIMINATION, "start", transition(Procedure.ELIMINATION, "start").label, user=user,
           on_date=today, to_status=elim.get_status_display(), note=f"{income.text}。{elim.application}".strip())
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
    _event(case, Procedure.ELIMINATION, "eliminated", "风险消除", user=user, on_date=marked_on,
           from_status=from_status, to_status=case.get_status_display(), note=method)
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


# --- 整户无劳动能力兜底保障户 ---------------------------------------------------------------------------


@transition_service(Procedure.NOLABOUR, "start")
@transaction.atomic
def nolabour_start(*, case: MonitoringCase, user) -> NoLabourDesignation:
    case = _locked(MonitoringCase, case.pk)
    today = _today()
    check(Procedure.NOLABOUR, "start", case, Ctx(user=user, today=today), skip_status=True)
    obj = NoLabourDesignation.objects.create(case=case, region_code=case.region_code, started_on=today,
                                             created_by=user, updated_by=user)
    _event(case, Procedure.NOLABOUR, "start", transition(Procedure.NOLABOUR, "start").label, user=user,
           on_date=today, to_status=obj.get_status_display())
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


# --- settings -------------------------------------------------------------------------------------


@transaction.atomic
def time_limit_set(*, user, code: str, days: int, working: bool, amber_days: int):
    from .deadlines import LIMIT_DEFS
    from .models import TimeLimit

    if not user.has_perm_code(Perm.MANAGE_RULES):
        raise UserFacingError("您的角色不能修改办理时限。")
    if code not in LIMIT_DEFS:
        raise UserFacingError("未知的时限。")
    if not 1 <= days <= 90 or not 0 <= amber_days < days:
        raise UserFacingError("时限应为 1–90 天，提前提醒天数应小于时限。")
    row, _ = TimeLimit.objects.update_or_create(
        code=code, defaults={"days": days, "day_kind": "working" if working else "calendar",
                             "amber_days": amber_days, "updated_by": user})
    audit_log(user=user, action="param", object_type="monitoring.TimeLimit", object_id=code,
              summary=f"{LIMIT_DEFS[code].label}：{days} 个{'工作日' if working else '自然日'}")
    return row


@transaction.atomic
def holiday_set(*, user, date: dt.date, is_workday: bool, note: str = ""):
    from .models import HolidayDay

    if not user.has_perm_code(Perm.MANAGE_RULES):
        raise UserFacingError("您的角色不能维护节假日表。")
    row, _ = HolidayDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "note": note[:50],
                                                                      "updated_by": user})
    audit_log(user=user, action="param", object_type="monitoring.HolidayDay", object_id=date.isoformat(),
              summary=f"{date} {'调休上班' if is_workday else '放假'} {note}")
    return row


@transaction.atomic
def holiday_delete(*, user, date: dt.date) -> None:
    from .models import HolidayDay

    if not user.has_perm_code(Perm.MANAGE_RULES):
        raise UserFacingError("您的角色不能维护节假日表。")
    HolidayDay.objects.filter(date=date).delete()
    audit_log(user=user, action="param", object_type="monitoring.HolidayDay", object_id=date.isoformat(),
              summary=f"删除 {date}")
