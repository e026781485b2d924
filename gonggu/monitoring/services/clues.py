"""Clues (线索): self-declaration by the public (rate-limited, with a receipt), entry by staff, from warnings;
dismissal."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.codes import Level
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, normalize
from gonggu.regions.models import Region
from gonggu.registry.models import Household, Person

from ..choices import Channel, join_risk_types
from ..integration import SCREENING_RISK_TO_CASE
from ..models import (
    Clue,
    MonitoringCase,
    PublicCounter,
)
from ..workflow import (
    CASE_ACTIVE,
    CASE_PENDING,
    CaseStatus,
    Ctx,
    village_user,
)
from .common import _check_date, _locked, _risk_types, _today

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
        _refuse_if_case_open(household)
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


def _refuse_if_case_open(household: Household) -> None:
    """A household already in a procedure or monitored is handled on its case, not through a new clue: the
    refusal links to the case (issue #18 item 7). Only staff are told; the public page never says."""
    case = household.monitoring_cases.filter(status__in=CASE_ACTIVE).order_by("-id").first()
    if case is not None:
        raise UserFacingError(
            f"该户已有监测档案（{case.get_status_display()}），不能再登记线索；新的困难情况请在监测档案中办理。",
            link=("查看监测档案", reverse("monitoring:case_detail", args=[case.pk])))


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
