"""State changes of the assessment app: one function per action, atomic, audited, with event rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import EVIDENCE, stored_name, upload_save
from gonggu.core.workflow import Ctx
from gonggu.regions.models import Region

from .deductions import DeductionResult, Item, score, table_from_models
from .loader import dump_system, load_system, read_system_file
from .models import (
    Indicator,
    IndicatorSystem,
    NegativeItem,
    Problem,
    ProblemEvent,
    ProblemEvidence,
    ProblemKind,
    ProblemSource,
)
from .selectors import county_code_of, indicator_system_for
from .workflow import RECTIFICATION, ProblemStatus

A = AuditEvent.Action


def _ensure_region(user, region_code: str) -> Region:
    region = Region.objects.filter(code=region_code).first()
    if region is None or not code_in_prefix(region_code, user.scope_prefix):
        raise NotFoundInScope("行政区划")
    return region


# --- indicator systems -------------------------------------------------------------------------------


def _require_county_level(user) -> str:
    """Indicator systems are set per county: only a county-level (or higher) user changes them."""
    county = county_code_of(user.scope_prefix)
    if user.scope_prefix is not None and (county is None or len(user.scope_prefix) > 6):
        raise UserFacingError("考核指标体系由县级管理员维护。")
    return county or ""


@transaction.atomic
def indicators_load_file(*, path: str | Path, region_code: str = "", user=None) -> IndicatorSystem:
    data = read_system_file(path)
    system = load_system(data, region_code=region_code, user=user)
    audit_log(user=user, action=A.IMPORT, object_type="indicator_system", object_id=system.pk,
              region_code=region_code, summary=f"载入考核指标体系 {system.title}")
    return system


@transaction.atomic
def indicator_system_copy(*, source: IndicatorSystem, year: int, user, title: str = "") -> IndicatorSystem:
    """A county's own system for `year`, starting as a copy of `source` (the shipped one or an earlier year)."""
    county = _require_county_level(user)
    if not county:
        raise UserFacingError("请以县级账号新增本县的指标体系。")
    if not 2000 <= year <= 2100:
        raise UserFacingError(f"年度 {year} 不是有效年份。")
    if IndicatorSystem.objects.filter(year=year, region_code=county).exists():
        raise UserFacingError(f"本县 {year} 年度的指标体系已存在，请直接修改。")
    data = dump_system(source)
    data["year"] = year
    data["title"] = title.strip() or f"{year}年度巩固拓展脱贫攻坚成果考核指标体系（本县）"
    data["source"] = f"复制自：{source.title}"
    system = load_system(data, region_code=county, user=user)
    system.based_on = source
    system.save(update_fields=["based_on"])
    audit_log(user=user, action=A.CREATE, object_type="indicator_system", object_id=system.pk,
              region_code=county, summary=f"新增指标体系 {system.title}（复制自 {source.title}）")
    return system


def _own_system(user, system: IndicatorSystem) -> None:
    county = _require_county_level(user)
    if system.shipped and user.scope_prefix is not None:
        raise UserFacingError("随系统发布的指标体系不能直接修改：请先“复制为本县指标体系”再调整。")
    if user.scope_prefix is not None and system.region_code != county:
        raise NotFoundInScope("指标体系")


@transaction.atomic
def indicator_update(*, indicator: Indicator, user, name: str, content: str, method: str, responsible: str,
                     target_text: str, score: str, figures: list[str], note: str = "") -> Indicator:
    from .figures import FIGURES

    _own_system(user, indicator.system)
    unknown = [f for f in figures if f not in FIGURES]
    if unknown:
        raise UserFacingError(f"未知的自评测算项：{'、'.join(unknown)}")
    if not name.strip() or not content.strip():
        raise UserFacingError("指标名称和内容不能为空。")
    try:
        score_value = Decimal(score) if score.strip() else None
    except InvalidOperation:
        raise UserFacingError(f"分值“{score}”不是数字。") from None
    indicator.name, indicator.content, indicator.method = name.strip(), content.strip(), method.strip()
    indicator.responsible = "、".join(p.strip() for p in responsible.replace("，", "、").split("、") if p.strip())
    indicator.target_text, indicator.score, indicator.figures, indicator.note = target_text.strip(), score_value, \
        figures, note.strip()
    indicator.save()
    audit_log(user=user, action=A.UPDATE, object_type="indicator", object_id=indicator.pk,
              region_code=indicator.system.region_code, summary=f"修改指标 {indicator.code} {indicator.name}")
    return indicator


@transaction.atomic
def deduction_points_update(*, system: IndicatorSystem, user, points: dict[str, str]) -> None:
    """Adjust points per deduction type of a county's own system (blank = decided case by case)."""
    _own_system(user, system)
    types = {d.code: d for d in system.deduction_types()}
    for code, raw in points.items():
        d = types.get(code)
        if d is None:
            raise UserFacingError(f"扣分类型 {code} 不存在。")
        raw = (raw or "").strip()
        try:
            value = Decimal(raw) if raw else None
        except InvalidOperation:
            raise UserFacingError(f"“{d.type}”的分值“{raw}”不是数字。") from None
        if value is not None and value < 0:
            raise UserFacingError(f"“{d.type}”的分值不能为负数。")
        d.points = value
        d.save(update_fields=["points"])
    audit_log(user=user, action=A.PARAM, object_type="indicator_system", object_id=system.pk,
              region_code=system.region_code, summary="修改扣分标准", detail={"points": points})


# --- negative items (负面事项) ---------------------------------------------------------------------------


def deduction_table_for(*, year: int, county_code: str):
    try:
        system = indicator_system_for(year=year, county_code=county_code)
    except UserFacingError:
        return None
    types = list(system.deduction_types())
    return table_from_models(types) if types else None


def negative_items_score(items, *, year: int, county_code: str) -> DeductionResult:
    table = deduction_table_for(year=year, county_code=county_code)
    return score([Item(row=None, matter=i.matter, type=i.type) for i in items], table)


@transaction.atomic
def negative_item_create(*, user, year: int, region_code: str, matter: str, type: str,
                         happened_on: dt.date | None = None, document: str = "", note: str = "") -> NegativeItem:
    _ensure_region(user, region_code)
    table = deduction_table_for(year=year, county_code=county_code_of(region_code) or "")
    result = score([Item(row=None, matter=matter, type=type)], table)
    if result.rejected:
        raise UserFacingError(result.rejected[0]["reason"])
    found = (table or _shipped()).find(type)
    item = NegativeItem.objects.create(year=year, region_code=region_code, matter=matter.strip(), type=found.type,
                                       happened_on=happened_on, document=document.strip(), note=note.strip(),
                                       created_by=user, updated_by=user)
    audit_log(user=user, action=A.CREATE, object_type="negative_item", object_id=item.pk, region_code=region_code,
              summary=f"登记负面事项：{item.matter}（{item.type}）")
    return item


def _shipped():
    from .deductions import shipped_table

    return shipped_table()


@transaction.atomic
def negative_item_delete(*, user, item: NegativeItem) -> None:
    audit_log(user=user, action=A.DELETE, object_type="negative_item", object_id=item.pk,
              region_code=item.region_code, summary=f"删除负面事项：{item.matter}（{item.type}）")
    item.delete()


def negative_items_import(*, user, path, file_label: str, year: int, region_code: str):
    """Record every recognised row of a 负面事项 sheet for one unit and year, through the intake pipeline:
    unknown types and unreadable cells are rejected rows of the batch (with its 退回表), the rest saved; a row
    recorded already is not recorded twice. `path` is the kept upload. Returns the IntakeResult."""
    from gonggu.dataio.intake import intake_run

    from .intake_formats import DEDUCTION_FORMAT

    _ensure_region(user, region_code)
    return intake_run(DEDUCTION_FORMAT, path=path, file_label=file_label, user=user, region_code=region_code,
                      stored_path=str(path), year=year)


# --- rectification problems (问题整改) -------------------------------------------------------------------


@transaction.atomic
def problem_create(*, user, source: str, title: str, region_code: str, owner_unit: str, deadline: dt.date,
                   year: int | None = None, kind: str = ProblemKind.INDIVIDUAL, description: str = "",
                   measures: str = "", cause: str = "", owner_person: str = "", indicator_code: str = "",
                   figure_code: str = "", figure_snapshot: dict | None = None,
                   today: dt.date | None = None) -> Problem:
    today = today or timezone.localdate()
    region = _ensure_region(user, region_code)
    errors = []
    if source not in ProblemSource.values:
        errors.append(f"问题来源应为：{'、'.join(ProblemSource.values)}")
    if kind not in ProblemKind.values:
        errors.append(f"问题性质应为：{'、'.join(ProblemKind.values)}")
    if not title.strip():
        errors.append("请填写问题。")
    if not owner_unit.strip():
        errors.append("请填写责任单位。")
    if deadline is None:
        errors.append("请填写整改时限。")
    elif deadline < today:
        errors.append(f"整改时限 {deadline:%Y-%m-%d} 早于今天。")
    if errors:
        raise UserFacingError("；".join(errors))
    problem = Problem.objects.create(
        year=year or today.year, source=source, kind=kind, title=title.strip()[:300], description=description.strip(),
        region_code=region.code, owner_unit=owner_unit.strip(), owner_person=owner_person.strip(),
        indicator_code=indicator_code, cause=cause.strip(), measures=measures.strip(), deadline=deadline,
        figure_code=figure_code, figure_snapshot=figure_snapshot or {}, created_by=user, updated_by=user,
    )
    ProblemEvent.record(problem, user, ProblemEvent.Action.REGISTER, to_status=problem.status,
                        note=f"来源：{source}；责任单位：{problem.owner_unit}；时限：{deadline:%Y-%m-%d}")
    audit_log(user=user, action=A.CREATE, object_type="problem", object_id=problem.pk, region_code=region.code,
              summary=f"登记整改问题：{problem.title[:80]}")
    return problem


@transaction.atomic
def problem_update(*, user, problem: Problem, owner_unit: str, owner_person: str, cause: str, measures: str,
                   deadline: dt.date, today: dt.date | None = None) -> Problem:
    """Edit who owns it, why it happened and what is done; a deadline change is an event of its own."""
    today = today or timezone.localdate()
    if problem.status == ProblemStatus.VERIFIED:
        raise UserFacingError("已核实的问题不能再修改；如需重新整改请“回炉整改”。")
    if not owner_unit.strip():
        raise UserFacingError("请填写责任单位。")
    if deadline is None:
        raise UserFacingError("请填写整改时限。")
    if deadline != problem.deadline:
        if deadline < today:
            raise UserFacingError(f"整改时限 {deadline:%Y-%m-%d} 早于今天。")
        ProblemEvent.record(problem, user, ProblemEvent.Action.DEADLINE,
                            f"{problem.deadline:%Y-%m-%d} → {deadline:%Y-%m-%d}")
    problem.owner_unit, problem.owner_person = owner_unit.strip(), owner_person.strip()
    problem.cause, problem.measures, problem.deadline = cause.strip(), measures.strip(), deadline
    problem.updated_by = user
    problem.save()
    ProblemEvent.record(problem, user, ProblemEvent.Action.EDIT, note="修改责任单位、原因剖析或整改措施")
    audit_log(user=user, action=A.UPDATE, object_type="problem", object_id=problem.pk,
              region_code=problem.region_code, summary=f"修改整改问题：{problem.title[:80]}")
    return problem


@transaction.atomic
def problem_progress(*, user, problem: Problem, note: str) -> ProblemEvent:
    """回头看: update the progress of an open problem (更新整改进展情况), without changing its status."""
    if not note.strip():
        raise UserFacingError("请填写整改进展。")
    if problem.status == ProblemStatus.VERIFIED:
        raise UserFacingError("问题已核实销号，无需再报进展。")
    problem.progress = note.strip()
    problem.updated_by = user
    problem.save(update_fields=["progress", "updated_by", "updated_at"])
    return ProblemEvent.record(problem, user, ProblemEvent.Action.PROGRESS, note=note.strip())


@transaction.atomic
def problem_evidence_add(*, user, problem: Problem, uploaded) -> ProblemEvidence:
    if problem.status == ProblemStatus.VERIFIED:
        raise UserFacingError("问题已核实销号，不能再上传材料。")
    path, digest = upload_save(uploaded, kind="rectification", accept=EVIDENCE)
    evidence = ProblemEvidence.objects.create(problem=problem, path=stored_name(path), name=uploaded.name[:200],
                                              sha256=digest, size=uploaded.size, uploaded_by=user)
    ProblemEvent.record(problem, user, ProblemEvent.Action.EVIDENCE, note=evidence.name)
    return evidence


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _step(name: str, problem: Problem, *, user, today: dt.date, **data) -> str:
    """Refuse with every reason the table gives, or return the step's target status."""
    RECTIFICATION.check_all(name, problem, Ctx(user=user, today=today, data=data))
    return RECTIFICATION[name].target


@RECTIFICATION.service("rectify")
@transaction.atomic
def problem_rectify(*, user, problem: Problem, note: str, today: dt.date | None = None) -> Problem:
    """整改中 / 回炉整改 → 已整改: the owner reports it done, with measures and at least one evidence file."""
    problem = _locked(problem)
    today = today or timezone.localdate()
    target = _step("rectify", problem, user=user, today=today, note=note, evidence_count=problem.evidence.count())
    late = f"（逾期 {(today - problem.deadline).days} 天完成）" if today > problem.deadline else ""
    source = problem.status
    problem.status, problem.rectified_at, problem.rectified_by = target, timezone.now(), user
    problem.progress = note.strip()
    problem.updated_by = user
    problem.save()
    ProblemEvent.record(problem, user, ProblemEvent.Action.RECTIFY, note.strip() + late, from_status=source,
                        to_status=target)
    audit_log(user=user, action=A.UPDATE, object_type="problem", object_id=problem.pk,
              region_code=problem.region_code, summary=f"报整改完成：{problem.title[:80]}{late}")
    return problem


@RECTIFICATION.service("verify")
@transaction.atomic
def problem_verify(*, user, problem: Problem, note: str, today: dt.date | None = None) -> Problem:
    """已整改 → 已核实 (回头看): checked by someone other than the one who reported it done."""
    problem = _locked(problem)
    target = _step("verify", problem, user=user, today=today or timezone.localdate(), note=note)
    source = problem.status
    problem.status, problem.verified_at, problem.verified_by = target, timezone.now(), user
    problem.updated_by = user
    problem.save()
    ProblemEvent.record(problem, user, ProblemEvent.Action.VERIFY, note.strip(), from_status=source,
                        to_status=target)
    audit_log(user=user, action=A.UPDATE, object_type="problem", object_id=problem.pk,
              region_code=problem.region_code, summary=f"回头看核实：{problem.title[:80]}")
    return problem


@RECTIFICATION.service("reopen")
@transaction.atomic
def problem_reopen(*, user, problem: Problem, reason: str, note: str, new_deadline: dt.date | None,
                   today: dt.date | None = None) -> Problem:
    """已整改 / 已核实 → 回炉整改, with the reason and a new deadline."""
    problem = _locked(problem)
    target = _step("reopen", problem, user=user, today=today or timezone.localdate(), note=note, reason=reason,
                   new_deadline=new_deadline)
    source = problem.status
    problem.status, problem.deadline = target, new_deadline
    problem.reopen_count += 1
    problem.verified_at = problem.verified_by = None
    problem.updated_by = user
    problem.save()
    ProblemEvent.record(problem, user, ProblemEvent.Action.REOPEN, from_status=source, to_status=target,
                        note=f"{reason}：{note.strip()}（新时限 {new_deadline:%Y-%m-%d}）")
    audit_log(user=user, action=A.UPDATE, object_type="problem", object_id=problem.pk,
              region_code=problem.region_code, summary=f"回炉整改（{reason}）：{problem.title[:80]}")
    return problem


DEFAULT_RECTIFY_DAYS = 30
OWNER_BY_LEVEL = {"village": "“两委”", "township": "党委政府", "county": "县乡村振兴部门"}


@transaction.atomic
def problem_from_figure(*, user, result, region: Region, today: dt.date | None = None) -> Problem:
    """One click from a self-evaluation figure that fails (or is to be watched) in a region to a ledger entry."""
    today = today or timezone.localdate()
    figure = result.figure
    count = ""
    if result.denominator is not None and figure.unit == "%":
        count = f"（{result.numerator}/{result.denominator}）"
    title = f"{region.name}{figure.title}{result.status_label}：{result.display}，目标 {result.target.text}"
    dated = f"，数据日期 {result.data_date:%Y-%m-%d}" if result.data_date else ""
    description = (f"自评发现（{today:%Y-%m-%d}）：{figure.title} {result.display}{count}，目标 {result.target.text}。\n"
                   f"计算口径：{figure.formula}。\n数据：{result.basis}{dated}。")
    return problem_create(
        user=user, source=ProblemSource.SELF, title=title, region_code=region.code,
        owner_unit=f"{region.name}{OWNER_BY_LEVEL.get(region.level, '')}", deadline=today + dt.timedelta(
            days=DEFAULT_RECTIFY_DAYS), year=today.year, description=description, indicator_code=figure.indicator,
        figure_code=figure.code, figure_snapshot=result.snapshot(), today=today,
    )
