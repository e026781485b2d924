"""Assistance (帮扶): the officer, the plan, measures and visits of an approved case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gonggu.core.access import Perm
from gonggu.core.departments import Department
from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import PHOTO
from gonggu.registry.models import Person

from ..choices import MeasureCategory
from ..eligibility import NO_LABOUR
from ..models import (
    CaseEvent,
    Measure,
    MonitoringCase,
    Visit,
)
from ..workflow import (
    CASE_APPROVED_OPEN,
    CASE_PENDING,
    Ctx,
    Procedure,
    county_user,
    township_user,
    village_user,
)
from .common import _actor_name, _check_date, _locked, _save_upload, _today

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
    CaseEvent.record(case, user, CaseEvent.Action.OFFICER, f"{case.officer_name}（{case.officer_unit}）",
                     procedure=Procedure.ASSISTANCE, on_date=assigned_on)
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
    CaseEvent.record(case, user, CaseEvent.Action.PLAN, summary.strip()[:200], procedure=Procedure.ASSISTANCE,
                     label="制定帮扶计划" if first else "修改帮扶计划", on_date=plan_on)
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
    # The department by its code or its Chinese label (formats.md and older callers use the label).
    dept = Department.of(department)
    if (department or "").strip() and not dept:
        raise UserFacingError(f"责任部门“{department}”不在部门列表中。")
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
        department=dept, start_on=start_on, end_on=end_on, beneficiary=beneficiary,
        beneficiary_id_number=beneficiary.id_number if beneficiary else "", content=(content or "").strip(),
        created_by=user, updated_by=user,
    )
    CaseEvent.record(case, user, CaseEvent.Action.MEASURE, measure.content[:200], procedure=Procedure.ASSISTANCE,
                     label=f"新增帮扶措施：{category}", on_date=start_on)
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
    CaseEvent.record(case, user, CaseEvent.Action.MEASURE_END, procedure=Procedure.ASSISTANCE,
                     label=f"帮扶措施结束：{measure.category}", on_date=end_on)
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
