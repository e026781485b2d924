"""The procedures of 防止返贫动态监测和帮扶 as explicit state machines.

Three procedures, each one status enum and one transition table (seed 001 第三部分 一(二)2③④, 4②, 5②;
004 tasks 1, 4; seed-rules W-02, W-06, W-07):

- identification (识别纳入): 入户核实 → 信息比对 → 村级初选 + 村内公示 ≥5 天 → 乡级审核 → 县级审批 →
  结果公告 → 录入建档;
- risk elimination (风险消除): 入户核查 → 村级初选 + 公示 ≥5 天 → 乡级审核 → 县级审批 → 结果公告 → 系统标注;
- 整户无劳动能力兜底保障户 designation: 入户核查 → 村级初选 + 公示 ≥5 天 → 乡级确定 → 县级备案 → 系统标注.

Every transition names who may do it (role and level) and its guards. A guard is a named function
`guard(obj, ctx) -> str | None` returning the reason in Chinese when the step must be refused. Each
transition is carried out by exactly one service in the `services` package (registered with
`transition_service`), which calls `check` before changing anything, so a refused step changes nothing.
The tables are instances of the one engine, `gonggu.core.workflow.Workflow`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.codes import Level
from gonggu.core.workflow import Ctx, Guard, T, Transition, Workflow

MIN_NOTICE_DAYS = 5      # 公示不少于5天 (001 第三部分 一(二)2③, 4②, 5②)
MIN_MONTHS_TO_EXIT = 3   # 从识别帮扶至退出的时间不少于3个月 (004 task 4)


class CaseStatus(models.TextChoices):
    VERIFYING = "verifying", "待入户核实"
    COMPARING = "comparing", "待信息比对"
    SELECTING = "selecting", "待村级初选"
    NOTICE = "notice", "村内公示/待乡级审核"
    COUNTY = "county", "待县级审批"
    ANNOUNCE = "announce", "待结果公告"
    ENTRY = "entry", "待录入建档"
    MONITORING = "monitoring", "监测帮扶中"
    ELIMINATED = "eliminated", "风险已消除"
    RETURNED = "returned", "退回村级修改"
    REJECTED = "rejected", "不予纳入"


# Before county approval: the identification clock (15 days) runs.
CASE_PENDING = frozenset({CaseStatus.VERIFYING, CaseStatus.COMPARING, CaseStatus.SELECTING, CaseStatus.NOTICE,
                          CaseStatus.COUNTY, CaseStatus.RETURNED})
# Approved and not eliminated (rules.md: *open case*).
CASE_APPROVED_OPEN = frozenset({CaseStatus.ANNOUNCE, CaseStatus.ENTRY, CaseStatus.MONITORING})
CASE_ACTIVE = CASE_PENDING | CASE_APPROVED_OPEN


class EliminationStatus(models.TextChoices):
    VERIFYING = "verifying", "待入户核查"
    SELECTING = "selecting", "待村级初选"
    NOTICE = "notice", "消除公示/待乡级审核"
    COUNTY = "county", "待县级审批"
    ANNOUNCE = "announce", "待结果公告"
    MARKING = "marking", "待系统标注"
    DONE = "done", "已标注风险消除"
    RETURNED = "returned", "退回村级修改"
    REJECTED = "rejected", "不予消除"


ELIMINATION_ACTIVE = frozenset(set(EliminationStatus) - {EliminationStatus.DONE, EliminationStatus.REJECTED})


class NoLabourStatus(models.TextChoices):
    VERIFYING = "verifying", "待入户核查"
    SELECTING = "selecting", "待村级初选"
    NOTICE = "notice", "认定公示/待乡级确定"
    FILING = "filing", "待县级备案"
    MARKING = "marking", "待系统标注"
    DONE = "done", "已认定兜底保障户"
    RETURNED = "returned", "退回村级修改"
    REJECTED = "rejected", "不予认定"


NOLABOUR_ACTIVE = frozenset(set(NoLabourStatus) - {NoLabourStatus.DONE, NoLabourStatus.REJECTED})


class Procedure(models.TextChoices):
    IDENTIFICATION = "identification", "识别纳入"
    ELIMINATION = "elimination", "风险消除"
    NOLABOUR = "nolabour", "兜底保障户认定"
    ASSISTANCE = "assistance", "帮扶"


# --- context and guards ---------------------------------------------------------------------------


def _case(obj):
    """Guards work on a case or on a procedure attached to one (elimination, designation)."""
    return getattr(obj, "case", None) or obj


def _user_level(user) -> str | None:
    region = getattr(user, "region", None)
    return region.level if region is not None else None


def village_user(obj, ctx: Ctx) -> str | None:
    """Village steps: a user allowed to manage cases (村两委、驻村工作队、信息员) of the household's village."""
    user = ctx.user
    if not user.has_perm_code(Perm.MANAGE_CASES):
        return "您的角色不能办理村级步骤（需村级信息员或驻村工作队员）。"
    if _user_level(user) != Level.VILLAGE or user.region.code != obj.region_code:
        return "村级步骤须由该户所在村的村级用户办理。"
    return None


def village_user_or_officer(obj, ctx: Ctx) -> str | None:
    """As `village_user`, or the household's assigned 帮扶责任人 (who may apply for elimination, 004 task 4)."""
    case = _case(obj)
    if case.officer_id is not None and case.officer_id == ctx.user.pk:
        return None
    return village_user(obj, ctx)


def township_user(obj, ctx: Ctx) -> str | None:
    """Township review: a user with Perm.REVIEW_TOWNSHIP attached to the household's township."""
    user = ctx.user
    if not user.has_perm_code(Perm.REVIEW_TOWNSHIP):
        return "您的角色不能办理乡级审核。"
    if _user_level(user) != Level.TOWNSHIP or not obj.region_code.startswith(user.region.prefix):
        return "乡级步骤须由该户所在乡镇的审核人员办理。"
    return None


def county_user(obj, ctx: Ctx) -> str | None:
    """County approval: a user with Perm.APPROVE_COUNTY attached to the household's county."""
    user = ctx.user
    if not user.has_perm_code(Perm.APPROVE_COUNTY):
        return "您的角色不能办理县级审批。"
    if _user_level(user) != Level.COUNTY or not obj.region_code.startswith(user.region.prefix):
        return "县级步骤须由该户所在县的县级用户办理。"
    return None


def reviewer_of_current_step(obj, ctx: Ctx) -> str | None:
    """Return for revision: whoever owns the review step the object is waiting for."""
    owner = CURRENT_OWNER.get((type(obj).__name__, obj.status))
    if owner is None:
        return "当前状态不能退回。"
    return owner(obj, ctx)


def owner_of_current_step(obj, ctx: Ctx) -> str | None:
    """Rejection: whoever owns the step the object is waiting for."""
    owner = CURRENT_OWNER.get((type(obj).__name__, obj.status))
    if owner is None:
        return "当前状态不能作出不予通过的决定。"
    return owner(obj, ctx)


def reason_given(obj, ctx: Ctx) -> str | None:
    if not (ctx.data.get("reason") or "").strip():
        return "请填写理由。"
    return None


def verification_recorded(obj, ctx: Ctx) -> str | None:
    """入户核实: the 核查表 is filled in and the 承诺授权书 signed, with its date and a scan."""
    data = ctx.data
    if not data.get("verified_on"):
        return "请填写入户核实日期。"
    if not (data.get("form") or {}).get("findings"):
        return "请填写《防止返贫动态监测核查表》的核实情况。"
    if not data.get("commitment_signed_on"):
        return "请填写承诺授权书的签订日期（农户有申报意愿时签订）。"
    if not data.get("commitment_scan"):
        return "请上传签字的承诺授权书扫描件或照片。"
    if data["commitment_signed_on"] > ctx.today or data["verified_on"] > ctx.today:
        return "日期不能晚于今天。"
    return None


def commitment_recorded(obj, ctx: Ctx) -> str | None:
    """信息比对 needs the household's signed 承诺授权书 (R-MON-19)."""
    if obj.commitment_signed_on is None or not obj.commitment_scan:
        return "尚未登记签字的承诺授权书，不能开展信息比对。"
    return None


def notice_period_valid(obj, ctx: Ctx) -> str | None:
    """A village notice lasts at least 5 days: (end − start) + 1 ≥ 5, and does not start in the past."""
    start, end = ctx.data.get("notice_start"), ctx.data.get("notice_end")
    if start is None or end is None:
        return "请填写公示开始和结束日期。"
    if end < start:
        return "公示结束日期早于开始日期。"
    days = (end - start).days + 1
    if days < MIN_NOTICE_DAYS:
        return f"公示期只有 {days} 天，不少于 {MIN_NOTICE_DAYS} 天。"
    if start < ctx.today:
        return "公示开始日期不能早于今天（公示须实际张贴满期）。"
    return None


def notice_closed_cleanly(obj, ctx: Ctx) -> str | None:
    """The next step passes only after the notice: posted, window over, every objection handled, none upheld."""
    from .selectors import notice_block_reason

    return notice_block_reason(obj, today=ctx.today)


def approval_date_reached(obj, ctx: Ctx) -> str | None:
    """Entry (录入建档) on or after the county approval date, not in the future."""
    entered = ctx.data.get("entered_on")
    if entered is None:
        return "请填写录入系统的日期。"
    if entered > ctx.today:
        return "录入日期不能晚于今天。"
    if obj.county_approved_on and entered < obj.county_approved_on:
        return "录入日期不能早于县级审批日期。"
    return None


def case_open(obj, ctx: Ctx) -> str | None:
    case = _case(obj)
    if case.status != CaseStatus.MONITORING:
        return f"该户当前为「{case.get_status_display()}」，只有已纳入并录入建档、风险未消除的监测对象才能办理。"
    return None


def three_months_since_approval(obj, ctx: Ctx) -> str | None:
    """从识别帮扶至退出的时间不少于3个月 (004 task 4): not before approval + 3 calendar months."""
    from .eligibility import earliest_elimination_date

    case = _case(obj)
    earliest = earliest_elimination_date(case)
    on = ctx.data.get("marked_on") or ctx.today
    if earliest is None:
        return "该户没有县级审批日期，不能办理风险消除。"
    if on < earliest:
        return (f"县级审批于 {case.county_approved_on:%Y-%m-%d}，纳入不满 {MIN_MONTHS_TO_EXIT} 个月，"
                f"{earliest:%Y-%m-%d} 起才能办理风险消除。")
    return None


def income_above_line(obj, ctx: Ctx) -> str | None:
    from .eligibility import income_check

    return income_check(_case(obj)).reason


def no_open_guarantee_warnings(obj, ctx: Ctx) -> str | None:
    from .eligibility import guarantee_warnings

    open_ = guarantee_warnings(_case(obj).household)
    if open_:
        return "该户还有未办结的“三保障”或饮水安全预警：" + "；".join(open_) + "。"
    return None


def no_open_linked_problems(obj, ctx: Ctx) -> str | None:
    """Problems the work areas link to the household and that are still open (a household-level water problem,
    001 第三部分 一(二)4①: “三保障”和饮水安全持续巩固): each registered check gives its reason (monitoring.hooks)."""
    from .hooks import elimination_checks

    case = _case(obj)
    found = [reason for check in elimination_checks() if (reason := check(case, ctx.today))]
    return "；".join(found) if found else None


def measures_implemented(obj, ctx: Ctx) -> str | None:
    from .eligibility import implemented_measure_count

    if implemented_measure_count(_case(obj), ctx.today) == 0:
        return "该户还没有落实任何帮扶措施。"
    return None


def no_elimination_in_progress(obj, ctx: Ctx) -> str | None:
    case = _case(obj)
    if case.eliminations.filter(status__in=ELIMINATION_ACTIVE).exists():
        return "该户已有正在办理的风险消除程序。"
    return None


def guarantees_confirmed(obj, ctx: Ctx) -> str | None:
    """入户核查 for elimination: 三保障 and drinking water secured and no new risk (001 第三部分 一(二)4①)."""
    data = ctx.data
    missing = [label for key, label in GUARANTEES if not data.get(key)]
    if missing:
        return "入户核查未确认：" + "、".join(missing) + "，不能进入风险消除程序。"
    if not data.get("no_new_risk"):
        return "入户核查须确认不存在新增返贫致贫风险。"
    if not data.get("verified_on") or data["verified_on"] > ctx.today:
        return "请填写入户核查日期（不晚于今天）。"
    return None


GUARANTEES = (
    ("education", "义务教育有保障"),
    ("medical", "基本医疗有保障"),
    ("housing", "住房安全有保障"),
    ("water", "饮水安全有保障"),
)


def method_chosen(obj, ctx: Ctx) -> str | None:
    from .choices import EliminationMethod

    if ctx.data.get("method") not in EliminationMethod.values:
        return "请选择消除方式（稳定消除或自然消除）。"
    marked = ctx.data.get("marked_on")
    if marked is None or marked > ctx.today:
        return "请填写系统标注日期（不晚于今天）。"
    return None


def whole_household_no_labour(obj, ctx: Ctx) -> str | None:
    from .eligibility import labour_capable_members

    case = _case(obj)
    capable = labour_capable_members(case.household, include_weak=True)
    if capable:
        return "该户有成员具备劳动能力（" + "、".join(capable) + "），不属于整户无劳动能力。"
    return None


def no_designation_in_progress(obj, ctx: Ctx) -> str | None:
    case = _case(obj)
    if case.nolabour_designations.filter(status__in=NOLABOUR_ACTIVE | {NoLabourStatus.DONE}).exists():
        return "该户已认定或正在认定整户无劳动能力兜底保障户。"
    return None


def safety_net_confirmed(obj, ctx: Ctx) -> str | None:
    """001 第三部分 一(二)5①: 农村分散供养特困人员, or whole household without labour on full/highest-tier 低保."""
    if ctx.data.get("basis") not in dict(SAFETY_NET_BASES):
        return "请选择认定依据（分散供养特困人员，或享受全额/最高档次农村低保）。"
    if not ctx.data.get("verified_on") or ctx.data["verified_on"] > ctx.today:
        return "请填写入户核查日期（不晚于今天）。"
    return None


SAFETY_NET_BASES = (
    ("tekun", "农村分散供养特困人员"),
    ("dibao_full", "整户无劳动能力且享受全额农村低保"),
    ("dibao_top", "整户无劳动能力且享受最高档次农村低保"),
)


# --- the transition tables ------------------------------------------------------------------------


C = CaseStatus
IDENTIFICATION = Workflow(Procedure.IDENTIFICATION, [
    # `open` creates the case from a clue (its region is the clue's village).
    T("open", "受理线索并启动识别程序", set(), C.VERIFYING, village_user, level="village"),
    T("verify", "入户核实", C.VERIFYING, C.COMPARING, village_user, verification_recorded,
      level="village", form="VerifyForm"),
    T("compare", "信息比对", C.COMPARING, C.SELECTING, village_user, commitment_recorded,
      level="village", form="CompareForm", hint="附上县级信息比对结果：该户未办结的部门筛查预警和最新规则检查结果会一并存档。"),
    T("select", "村级初选并公示", C.SELECTING, C.NOTICE, village_user, notice_period_valid,
      level="village", form="SelectForm", hint="公示不少于 5 天（含首尾两天）；多户一并公示请在“我的待办”中操作。"),
    T("township_review", "乡级审核", C.NOTICE, C.COUNTY, township_user, notice_closed_cleanly,
      level="township", form="NoteForm"),
    T("county_approve", "县级审批", C.COUNTY, C.ANNOUNCE, county_user, notice_closed_cleanly,
      level="county", form="ApproveForm"),
    T("announce", "结果公告", C.ANNOUNCE, C.ENTRY, township_user, level="township", form="AnnounceForm"),
    T("enter", "录入建档", C.ENTRY, C.MONITORING, village_user, approval_date_reached,
      level="village", form="EnterForm"),
    T("return", "退回修改", {C.NOTICE, C.COUNTY}, C.RETURNED, reviewer_of_current_step, reason_given,
      level="reviewer", form="ReasonForm"),
    T("resubmit", "修改后重新报送", C.RETURNED, C.NOTICE, village_user, notice_closed_cleanly,
      level="village", form="NoteForm"),
    T("reselect", "重新初选", C.RETURNED, C.SELECTING, village_user, level="village", form="NoteForm"),
    T("reject", "不予纳入", {C.VERIFYING, C.COMPARING, C.SELECTING, C.RETURNED, C.NOTICE, C.COUNTY}, C.REJECTED,
      owner_of_current_step, reason_given, level="reviewer", form="ReasonForm"),
])

E = EliminationStatus
ELIMINATION = Workflow(Procedure.ELIMINATION, [
    # `start` creates the procedure: its source is the case's status, checked by `case_open`.
    T("start", "提出风险消除", set(), E.VERIFYING, village_user_or_officer, case_open, no_elimination_in_progress,
      three_months_since_approval, income_above_line, no_open_guarantee_warnings, no_open_linked_problems,
      measures_implemented, level="village", form="ApplicationForm"),
    T("verify", "入户核查", E.VERIFYING, E.SELECTING, village_user, guarantees_confirmed, no_open_linked_problems,
      level="village", form="EliminationVerifyForm"),
    T("select", "村级初选并公示", E.SELECTING, E.NOTICE, village_user, notice_period_valid,
      level="village", form="SelectForm"),
    T("township_review", "乡级审核", E.NOTICE, E.COUNTY, township_user, notice_closed_cleanly,
      level="township", form="NoteForm"),
    T("county_approve", "县级审批（或抽查确定）", E.COUNTY, E.ANNOUNCE, county_user, notice_closed_cleanly,
      three_months_since_approval, no_open_linked_problems, level="county", form="NoteForm"),
    T("announce", "结果公告", E.ANNOUNCE, E.MARKING, township_user, level="township", form="AnnounceForm"),
    T("mark", "系统标注风险消除", E.MARKING, E.DONE, village_user, method_chosen, three_months_since_approval,
      no_open_linked_problems, level="village", form="MarkForm"),
    T("return", "退回修改", {E.NOTICE, E.COUNTY}, E.RETURNED, reviewer_of_current_step, reason_given,
      level="reviewer", form="ReasonForm"),
    T("resubmit", "修改后重新报送", E.RETURNED, E.NOTICE, village_user, notice_closed_cleanly,
      level="village", form="NoteForm"),
    T("reselect", "重新初选", E.RETURNED, E.SELECTING, village_user, level="village", form="NoteForm"),
    T("reject", "不予消除", {E.VERIFYING, E.SELECTING, E.RETURNED, E.NOTICE, E.COUNTY}, E.REJECTED,
      owner_of_current_step, reason_given, level="reviewer", form="ReasonForm"),
])

N = NoLabourStatus
NOLABOUR = Workflow(Procedure.NOLABOUR, [
    T("start", "提出兜底保障户认定", set(), N.VERIFYING, village_user, case_open, no_designation_in_progress,
      whole_household_no_labour, level="village"),
    T("verify", "入户核查", N.VERIFYING, N.SELECTING, village_user, safety_net_confirmed,
      level="village", form="NoLabourVerifyForm"),
    T("select", "村级初选并公示", N.SELECTING, N.NOTICE, village_user, notice_period_valid,
      level="village", form="SelectForm"),
    T("township_determine", "乡级确定", N.NOTICE, N.FILING, township_user, notice_closed_cleanly,
      level="township", form="NoteForm"),
    T("county_file", "县级备案", N.FILING, N.MARKING, county_user, level="county", form="NoteForm"),
    T("mark", "系统标注", N.MARKING, N.DONE, village_user, level="village", form="NoLabourMarkForm"),
    T("return", "退回修改", {N.NOTICE, N.FILING}, N.RETURNED, reviewer_of_current_step, reason_given,
      level="reviewer", form="ReasonForm"),
    T("resubmit", "修改后重新报送", N.RETURNED, N.NOTICE, village_user, notice_closed_cleanly,
      level="village", form="NoteForm"),
    T("reselect", "重新初选", N.RETURNED, N.SELECTING, village_user, level="village", form="NoteForm"),
    T("reject", "不予认定", {N.VERIFYING, N.SELECTING, N.RETURNED, N.NOTICE, N.FILING}, N.REJECTED,
      owner_of_current_step, reason_given, level="reviewer", form="ReasonForm"),
])

TABLES: dict[str, Workflow] = {
    Procedure.IDENTIFICATION: IDENTIFICATION,
    Procedure.ELIMINATION: ELIMINATION,
    Procedure.NOLABOUR: NOLABOUR,
}

# Who owns the step an object is waiting for (for return and rejection).
CURRENT_OWNER: dict[tuple[str, str], Guard] = {
    ("MonitoringCase", C.VERIFYING): village_user,
    ("MonitoringCase", C.COMPARING): village_user,
    ("MonitoringCase", C.SELECTING): village_user,
    ("MonitoringCase", C.RETURNED): village_user,
    ("MonitoringCase", C.NOTICE): township_user,
    ("MonitoringCase", C.COUNTY): county_user,
    ("Elimination", E.VERIFYING): village_user,
    ("Elimination", E.SELECTING): village_user,
    ("Elimination", E.RETURNED): village_user,
    ("Elimination", E.NOTICE): township_user,
    ("Elimination", E.COUNTY): county_user,
    ("NoLabourDesignation", N.VERIFYING): village_user,
    ("NoLabourDesignation", N.SELECTING): village_user,
    ("NoLabourDesignation", N.RETURNED): village_user,
    ("NoLabourDesignation", N.NOTICE): township_user,
    ("NoLabourDesignation", N.FILING): county_user,
}

PROCEDURE_OF_MODEL = {
    "MonitoringCase": Procedure.IDENTIFICATION,
    "Elimination": Procedure.ELIMINATION,
    "NoLabourDesignation": Procedure.NOLABOUR,
}


def transition(procedure: str, name: str) -> Transition:
    return TABLES[procedure][name]


def check(procedure: str, name: str, obj, ctx: Ctx, *, skip_status: bool = False) -> None:
    TABLES[procedure].check(name, obj, ctx, skip_status=skip_status)


def reasons(procedure: str, name: str, obj, ctx: Ctx, *, skip_status: bool = False) -> list[str]:
    return TABLES[procedure].reasons(name, obj, ctx, skip_status=skip_status)


def available(procedure: str, obj, user) -> list[Transition]:
    return TABLES[procedure].available(obj, user, timezone.localdate())


def service_of(procedure: str, name: str) -> Callable:
    """The one service that carries out a step (registered by `services.transition_service`)."""
    return TABLES[procedure].services[name]
