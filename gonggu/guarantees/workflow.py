"""The procedures of 三保障: each a status on its ledger row and one explicit transition table.

- 危房改造 (001 第二部分 三(二)1①, 3, 4; 关注问题 3–5; 003 任务17): 个人申请 → 村级评议 → 乡镇审核 → 县级审批 →
  开工 → 竣工 → 竣工验收 (未通过的整改复验) → 补助拨付至一卡通 → 销号 (解决一户、销号一户).
- 控辍保学 (001 第二部分 一(二)1②③): 劝返 (每次一条劝返记录) → 复学; 劝返不少于三次仍不复学的报县联合劝返
  工作组 → 联合劝返三次以上仍拒不返校的经批准办理延缓入学或休学 → 超龄后离校标注、台账销号.

The engine is the one of every procedure (gonggu.core.workflow): a transition names its source statuses, its target,
its guards — named functions `guard(row, ctx) -> str | None` returning the reason in Chinese — and the step
form's fields. Each transition is carried out by exactly one service in `services.py`, which checks every
guard before changing anything, so a refused step changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gonggu.core.access import Perm
from gonggu.core.codes import Level, code_in_prefix
from gonggu.core.idnumber import birth_date
from gonggu.core.workflow import Ctx, Guard, T, Transition, Workflow

from .models import DropoutStatus, RenovationStatus, RenovationType

REFUSAL = "当前为「{status}」，不能办理「{label}」。"

# 拆除重建、选址新建、新建 floor areas (001 第二部分 三(二)3③): 1人户 ≥ 20㎡, 2人户 ≥ 30㎡, 3人户 ≥ 40㎡,
# 3人以上户人均 ≥ 13㎡.
MIN_AREA = {1: Decimal(20), 2: Decimal(30), 3: Decimal(40)}
AREA_PER_PERSON = Decimal(13)
BUILT_TYPES = (RenovationType.REBUILD, RenovationType.NEW_SITE, RenovationType.NEW)
MIN_PERSUASIONS = 3       # 劝返不少于三次 (001 第二部分 一(二)1②)
MIN_JOINT_PERSUASIONS = 3  # 联合劝返三次以上 (001 第二部分 一(二)1③)
SCHOOL_AGE = (6, 15)      # 义务教育阶段6-15周岁 (004 任务15)


def min_floor_area(household_size: int) -> Decimal:
    if household_size <= 3:
        return MIN_AREA[max(household_size, 1)]
    return AREA_PER_PERSON * household_size


# --- who may act ----------------------------------------------------------------------------------------


def _level(user) -> str | None:
    region = getattr(user, "region", None)
    return region.level if region is not None else None


def village_user(row, ctx: Ctx) -> str | None:
    user = ctx.user
    if not user.has_perm_code(Perm.EDIT_LEDGERS):
        return "您的角色不能办理村级步骤。"
    if _level(user) != Level.VILLAGE or user.region.code != row.region_code:
        return "村级步骤须由该户所在村的村级用户办理。"
    return None


def township_user(row, ctx: Ctx) -> str | None:
    user = ctx.user
    if not user.has_perm_code(Perm.REVIEW_TOWNSHIP):
        return "您的角色不能办理乡镇审核。"
    if _level(user) != Level.TOWNSHIP or not code_in_prefix(row.region_code, user.scope_prefix):
        return "乡镇审核须由该户所在乡镇的审核人员办理。"
    return None


def county_user(row, ctx: Ctx) -> str | None:
    user = ctx.user
    if not user.has_perm_code(Perm.APPROVE_COUNTY):
        return "您的角色不能办理县级审批。"
    if _level(user) != Level.COUNTY or not code_in_prefix(row.region_code, user.scope_prefix):
        return "县级审批须由该户所在县的县级用户办理。"
    return None


def ledger_editor(row, ctx: Ctx) -> str | None:
    """Construction, acceptance and payment are recorded by whoever keeps the ledger for the place (住建, 乡镇)."""
    user = ctx.user
    if not user.has_perm_code(Perm.EDIT_LEDGERS) or not code_in_prefix(row.region_code, user.scope_prefix):
        return "您不能在该户所在地录入台账。"
    return None


# --- dates ----------------------------------------------------------------------------------------------


def dated(field: str, label: str, after: tuple[tuple[str, str], ...] = ()) -> Guard:
    """The step's date is given, not in the future, and not before the dates of the steps it follows."""

    def guard(row, ctx: Ctx) -> str | None:
        on = ctx.data.get(field)
        if on is None:
            return f"请填写{label}。"
        if on > ctx.today:
            return f"{label}不能晚于今天。"
        for earlier, earlier_label in after:
            before = getattr(row, earlier)
            if before is not None and on < before:
                return f"{label}（{on:%Y-%m-%d}）不能早于{earlier_label}（{before:%Y-%m-%d}）。"
        return None

    guard.__name__ = f"dated_{field}"
    return guard


def reason_given(row, ctx: Ctx) -> str | None:
    if not (ctx.data.get("reason") or "").strip():
        return "请填写理由。"
    return None


# --- 危房改造 -------------------------------------------------------------------------------------------


def subsidy_approved(row, ctx: Ctx) -> str | None:
    amount = ctx.data.get("subsidy")
    if amount is None or amount <= 0:
        return "请填写批准的补助金额。"
    return None


def area_meets_standard(row, ctx: Ctx) -> str | None:
    """Acceptance of a rebuilt or new house checks its floor area (001 第二部分 三(二)3③)."""
    if row.renovation_type not in BUILT_TYPES:
        return None
    if row.floor_area is None:
        return "竣工时未登记建筑面积，不能验收。"
    need = min_floor_area(row.household_size)
    if row.floor_area < need:
        return (f"{row.household_size}人户{row.renovation_type}的建筑面积 {row.floor_area}㎡ 低于 {need}㎡，"
                "达不到竣工验收标准，请登记验收未通过并整改复验。")
    return None


def area_given(row, ctx: Ctx) -> str | None:
    if row.renovation_type in BUILT_TYPES and not ctx.data.get("floor_area"):
        return f"{row.renovation_type}的房屋竣工时须填写建筑面积。"
    return None


def payment_in_full(row, ctx: Ctx) -> str | None:
    amount = ctx.data.get("paid_amount")
    if amount is None or amount <= 0:
        return "请填写拨付金额。"
    if row.subsidy is not None and amount > row.subsidy:
        return f"拨付金额 {amount} 元超过批准的补助金额 {row.subsidy} 元。"
    return None


def solved(row, ctx: Ctx) -> str | None:
    """解决一户、销号一户: only a house accepted, its subsidy paid in full to the 一卡通, the old house demolished."""
    if row.accepted_on is None:
        return "尚未通过竣工验收，不能销号。"
    if row.paid_amount is None or (row.subsidy is not None and row.paid_amount < row.subsidy):
        return f"补助资金未足额拨付（批准 {row.subsidy} 元，已拨付 {row.paid_amount or 0} 元），不能销号。"
    if not row.paid_to_card:
        return "补助资金未拨付至农户“一卡通”账户，不能销号。"
    demolished = row.old_house_demolished or bool(ctx.data.get("old_house_demolished"))
    if row.renovation_type == RenovationType.NEW_SITE and not demolished:
        return "选址新建的原危房尚未拆除（建新拆旧），不能销号。"
    return None


R = RenovationStatus
RENOVATION = Workflow("renovation", [
    T("village_review", "村级评议", R.APPLIED, R.VILLAGE, village_user,
      dated("village_reviewed_on", "村级评议日期", (("applied_on", "申请日期"),)),
      fields=("village_reviewed_on",), level="village"),
    T("township_review", "乡镇审核", R.VILLAGE, R.TOWNSHIP, township_user,
      dated("township_reviewed_on", "乡镇审核日期", (("village_reviewed_on", "村级评议日期"),)),
      fields=("township_reviewed_on",), level="township"),
    T("county_approve", "县级审批", R.TOWNSHIP, R.APPROVED, county_user,
      dated("county_approved_on", "县级审批日期", (("township_reviewed_on", "乡镇审核日期"),)), subsidy_approved,
      fields=("county_approved_on", "subsidy"), level="county"),
    T("start", "开工", R.APPROVED, R.BUILDING, ledger_editor,
      dated("started_on", "开工日期", (("county_approved_on", "县级审批日期"),)),
      fields=("started_on",)),
    T("complete", "竣工", R.BUILDING, R.COMPLETED, ledger_editor,
      dated("completed_on", "竣工日期", (("started_on", "开工日期"),)), area_given,
      fields=("completed_on", "floor_area")),
    T("accept", "竣工验收合格", {R.COMPLETED, R.RECTIFYING}, R.ACCEPTED, ledger_editor,
      dated("accepted_on", "竣工验收日期", (("completed_on", "竣工日期"),)), area_meets_standard,
      fields=("accepted_on", "old_house_demolished")),
    T("accept_fail", "验收未通过，整改复验", R.COMPLETED, R.RECTIFYING, ledger_editor, reason_given,
      fields=("reason",)),
    T("pay", "补助拨付", R.ACCEPTED, R.PAID, ledger_editor,
      dated("paid_on", "拨付日期", (("accepted_on", "竣工验收日期"),)), payment_in_full,
      fields=("paid_on", "paid_amount", "paid_to_card")),
    T("close", "销号", R.PAID, R.CLOSED, ledger_editor,
      dated("closed_on", "销号日期", (("paid_on", "拨付日期"),)), solved,
      fields=("closed_on", "old_house_demolished")),
    T("reject", "不予列入改造对象", {R.APPLIED, R.VILLAGE, R.TOWNSHIP}, R.REJECTED, ledger_editor, reason_given,
      fields=("reason",)),
], refusal=REFUSAL)


# --- 控辍保学 -------------------------------------------------------------------------------------------


def persuasions_before(row, on: dt.date, *, joint: bool = False) -> int:
    from .models import Persuasion

    qs = Persuasion.objects.filter(id_number=row.id_number, persuaded_on__gte=row.found_on, persuaded_on__lte=on,
                                   outcome="未复学")
    if joint:
        qs = qs.filter(joint=True, persuaded_on__gte=row.reported_on or row.found_on)
    return qs.count()


def three_persuasions(row, ctx: Ctx) -> str | None:
    """劝返不少于三次仍不复学的 … 报县级人民政府联合劝返工作组."""
    on = ctx.data.get("reported_on") or ctx.today
    n = persuasions_before(row, on)
    if n < MIN_PERSUASIONS:
        return f"已劝返 {n} 次，劝返不少于 {MIN_PERSUASIONS} 次仍不复学的才报县联合劝返工作组。"
    return None


def three_joint_persuasions(row, ctx: Ctx) -> str | None:
    """经相关部门联合劝返三次以上 … 报县级人民政府或乡村振兴工作领导小组批准."""
    on = ctx.data.get("approved_on") or ctx.today
    n = persuasions_before(row, on, joint=True)
    if n < MIN_JOINT_PERSUASIONS:
        return f"联合劝返 {n} 次，联合劝返 {MIN_JOINT_PERSUASIONS} 次以上仍拒不返校的才能报批延缓入学或休学。"
    return None


def approver_given(row, ctx: Ctx) -> str | None:
    if not (ctx.data.get("approved_by") or "").strip():
        return "请填写批准机关（县级人民政府或乡村振兴工作领导小组）。"
    return None


def over_age(row, ctx: Ctx) -> str | None:
    """超龄后的离校标注和台账销号: the student is past compulsory-education age (16) on the closing date."""
    on = ctx.data.get("closed_on") or ctx.today
    born = born_on(row.id_number)
    if born is not None and age_on(born, on) <= SCHOOL_AGE[1]:
        return f"该生在 {on:%Y-%m-%d} 为 {age_on(born, on)} 周岁，尚在义务教育年龄内，超龄后才能离校标注、台账销号。"
    return None


def born_on(id_number: str) -> dt.date | None:
    """The birth date a normalised 18-digit 身份证号 carries (None when there is none)."""
    try:
        return birth_date(id_number) if len(id_number or "") == 18 else None
    except ValueError:
        return None


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


D_ = DropoutStatus
DROPOUT = Workflow("dropout", [
    T("return", "复学", {D_.PERSUADING, D_.REPORTED, D_.DEFERRED}, D_.RETURNED, ledger_editor,
      dated("returned_on", "复学日期", (("found_on", "发现日期"),)), fields=("returned_on",)),
    T("report", "报县联合劝返工作组", D_.PERSUADING, D_.REPORTED, ledger_editor,
      dated("reported_on", "上报日期", (("found_on", "发现日期"),)), three_persuasions, fields=("reported_on",)),
    T("defer", "批准延缓入学或休学", D_.REPORTED, D_.DEFERRED, ledger_editor,
      dated("approved_on", "批准日期", (("reported_on", "上报日期"),)), three_joint_persuasions, approver_given,
      fields=("approved_on", "approved_by")),
    T("close", "超龄离校标注、台账销号", D_.DEFERRED, D_.CLOSED, ledger_editor,
      dated("closed_on", "销号日期", (("approved_on", "批准日期"),)), over_age, fields=("closed_on",)),
], refusal=REFUSAL)

TABLES: dict[str, Workflow] = {"renovation": RENOVATION, "dropout": DROPOUT}


def check(table: str, name: str, row, ctx: Ctx) -> None:
    """Raise UserFacingError with the first reason that refuses the step; change nothing."""
    TABLES[table].check(name, row, ctx)


def available(table: str, row, user, today: dt.date) -> list[Transition]:
    """Steps whose source matches and whose first guard (who may act) lets this user act: the forms to show."""
    return TABLES[table].available(row, user, today)
