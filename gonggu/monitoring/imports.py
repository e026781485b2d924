"""Importing monitoring history (formats.md: cases, measures, visits) kept in the national system or ledgers.

Imported rows become the same objects the live procedure makes: a case imported with its dates simply
sits in its current state (监测帮扶中, or 风险已消除). Re-importing a file updates in place:
cases are keyed by (household, 县级审批日期), measures by (household, category, start date, beneficiary),
visits by (household, date, visitor). All row errors are collected and reported together; good rows
are written in one transaction, in bulk. `updated` counts the rows that matched an existing record; rows
that change nothing are not written again. An import by a user reaches only the households of that user's
region: a row naming any other household is rejected (the command line, run by no user, reaches all).
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.codes import code_in_prefix, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, mask_raw, normalize
from gonggu.core.jobs import Progress
from gonggu.core.uploads import stored_name
from gonggu.dataio.columns import Column, ColumnSpec
from gonggu.dataio.readers import read_sheet
from gonggu.registry.models import Household, Person
from gonggu.sources.parsing import CellError, parse_date

from .choices import (
    Channel,
    EliminationMethod,
    MeasureCategory,
    MonitoringType,
    RiskType,
    join_risk_types,
    split_risk_types,
)
from .models import ImportBatch, Measure, MonitoringCase, Visit
from .workflow import CaseStatus

HOUSEHOLD_COLUMNS = (
    Column("户编号", required=True, text=True, width=18, help="户籍台账中的户编号"),
    Column("行政区划代码", aliases=("村代码",), text=True, width=16,
           help="选填：户编号在多个县重复时用来确定是哪一户"),
)


def _values(choices) -> str:
    return "、".join(choices.values)


CASES_SPEC = ColumnSpec(
    key="cases", title="监测记录",
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column("监测对象类型", required=True, help=_values(MonitoringType)),
        Column("风险类型", required=True, help=f"{_values(RiskType)}；多项用 、 ， 或 ; 分隔"),
        Column("发现渠道", required=True, help=_values(Channel)),
        Column("发现日期", required=True, help="发现风险线索的日期"),
        Column("公示开始日期"), Column("公示结束日期"),
        Column("县级审批日期", required=True, help="纳入监测的日期"),
        Column("录入日期", help="录入信息系统的日期"),
        Column("帮扶责任人", help="姓名"),
        Column("帮扶计划日期"),
        Column("风险消除日期", help="风险未消除时留空"),
        Column("消除方式", help=_values(EliminationMethod)),
        Column("消除公示开始日期"), Column("消除公示结束日期"),
    ),
    notes=("一行一条监测记录；同一户多年的记录各占一行。按户编号和县级审批日期更新，重复导入不会重复。",
           "日期可写 2025-03-01、2025/3/1、2025年3月1日，或 Excel 日期格式。"),
)

MEASURES_SPEC = ColumnSpec(
    key="measures", title="帮扶措施",
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column("措施类别", required=True, help=_values(MeasureCategory)),
        Column("开始日期", required=True), Column("结束日期", help="持续的留空"),
        Column("受益人身份证号", aliases=("身份证号", "受益人身份证号码"), text=True, width=22,
               help="选填：措施针对的家庭成员"),
        Column("内容", width=40),
    ),
    notes=("按户编号、措施类别、开始日期和受益人更新，重复导入不会重复。",),
)

VISITS_SPEC = ColumnSpec(
    key="visits", title="走访记录",
    columns=(*HOUSEHOLD_COLUMNS, Column("走访日期", required=True), Column("走访人", required=True),
             Column("内容", width=40)),
    notes=("按户编号、走访日期和走访人更新，重复导入不会重复。",),
)


# Django's bulk_update writes one CASE per field and row: small batches keep each statement cheap.
BULK_UPDATE_BATCH = 200


@dataclass
class ImportResult:
    batch: int | None
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"batch": self.batch, "rows": self.rows, "created": self.created, "updated": self.updated,
                "rejected": self.rejected}


class _Row:
    """One data row by canonical column name; errors are collected, not raised."""

    def __init__(self, number: int, cells: list, positions: dict[str, int], errors: list[dict]):
        self.number, self.cells, self.positions, self.errors = number, cells, positions, errors
        self.ok = True

    def text(self, column: str) -> str | None:
        i = self.positions.get(column)
        if i is None or i >= len(self.cells):
            return None
        value = self.cells[i]
        return value.strip() if isinstance(value, str) and value.strip() else None

    def reject(self, column: str, reason: str) -> None:
        self.ok = False
        self.errors.append({"row": self.number, "column": column, "reason": reason})

    def required(self, column: str) -> str | None:
        value = self.text(column)
        if value is None:
            self.reject(column, f"{column}为空")
        return value

    def date(self, column: str, *, required: bool = False):
        value = self.required(column) if required else self.text(column)
        if value is None:
            return None
        try:
            return parse_date(value)
        except CellError as exc:
            self.reject(column, f"{column}「{value}」{exc}")
            return None

    def choice(self, column: str, values, *, required: bool = False) -> str:
        value = self.required(column) if required else self.text(column)
        if value is None:
            return ""
        if value not in values:
            self.reject(column, f"{column}「{value}」不是有效的取值（应为 {'、'.join(values)}）")
            return ""
        return value


def _read(path: str | Path, spec: ColumnSpec, file_label: str | None):
    sheet = read_sheet(path, file_label=file_label)
    match = spec.match_headers(sheet.header, file_label=sheet.file_label)
    return sheet, match


@dataclass(frozen=True)
class _Scope:
    """The importing user's region (prefix None: everything, as for the command line)."""

    prefix: str | None
    label: str = ""


def _scope_of(user) -> _Scope:
    prefix = user.scope_prefix if user is not None else None
    if prefix is None:
        return _Scope(None)
    return _Scope(prefix, f"{user.region.name} {prefix}" if user.region_id else "未设置所在区划")


def _households(rows: list[_Row], scope: _Scope) -> dict[str, list[Household]]:
    """Households named by the file in one query; ambiguity across counties is resolved by the village code.

    Households outside the scope are not even read: to the importer they do not exist, exactly as on the pages.
    """
    numbers = {r.text("户编号") for r in rows if r.text("户编号")}
    found: dict[str, list[Household]] = defaultdict(list)
    for hh in Household.objects.filter(in_scope_q("region_code", scope.prefix), household_no__in=numbers):
        found[hh.household_no].append(hh)
    return found


def _household(row: _Row, found: dict[str, list[Household]], scope: _Scope) -> Household | None:
    number = row.required("户编号")
    if number is None:
        return None
    village = row.text("行政区划代码")
    if village and not code_in_prefix(village, scope.prefix):
        row.reject("行政区划代码", f"行政区划代码 {village} 不在您的管辖范围（{scope.label}）内")
        return None
    candidates = found.get(number, [])
    if village:
        candidates = [h for h in candidates if h.region_code == village]
    if not candidates:
        where = "户籍台账" if scope.prefix is None else f"您管辖范围（{scope.label}）内的户籍台账"
        row.reject("户编号", f"户编号「{number}」在{where}中不存在" + (f"（村代码 {village}）" if village else ""))
        return None
    if len(candidates) > 1:
        row.reject("户编号", f"户编号「{number}」在多个县都有，请加“行政区划代码”列指明是哪个村的")
        return None
    return candidates[0]


def _reporting(rows: list[_Row], progress: Progress | None):
    """The rows one by one, telling `progress` every thousand; the write that follows is the last step."""
    total = len(rows) + 1
    for i, row in enumerate(rows):
        if progress is not None and i % 1000 == 0:
            progress(i, total)
        yield row


def _batch(kind: str, path: Path, file_label: str, user) -> ImportBatch:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    uploads = Path(settings.DATA_DIR) / "uploads"
    if path.resolve().is_relative_to(uploads.resolve()):
        stored = path    # an upload from the web is already kept there
    else:
        folder = uploads / f"monitoring_{kind}" / timezone.localdate().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{digest[:12]}_{Path(file_label).name}"
        if not stored.exists():
            shutil.copyfile(path, stored)
    return ImportBatch.objects.create(kind=kind, file_name=file_label, file_path=stored_name(stored), sha256=digest,
                                      created_by=user, updated_by=user)


def _finish(batch: ImportBatch, result: ImportResult, user, what: str) -> ImportResult:
    batch.rows, batch.created, batch.updated, batch.rejected = (result.rows, result.created, result.updated,
                                                                result.rejected)
    batch.save()
    region = getattr(user, "region", None)
    audit_log(user=user, action="import", object_type=f"monitoring.{batch.kind}", object_id=batch.pk,
              region_code=region.code if region is not None else "",
              summary=f"导入{what} {batch.file_name}：{result.rows} 行，新增 {result.created}，更新 {result.updated}，"
                      f"拒收 {len(result.rejected)}",
              detail={"rejected": len(result.rejected), "sha256": batch.sha256})
    result.batch = batch.pk
    return result


# --- cases ----------------------------------------------------------------------------------------

def import_cases(path: str | Path, *, user=None, file_label: str | None = None, dry_run: bool = False,
                 progress: Progress | None = None) -> ImportResult:
    path = Path(path)
    sheet, match = _read(path, CASES_SPEC, file_label)
    errors: list[dict] = []
    rows = [_Row(n, cells, match.positions, errors) for n, cells in sheet.rows]
    scope = _scope_of(user)
    found = _households(rows, scope)
    parsed = []
    seen: dict[tuple[int, object], int] = {}
    for row in _reporting(rows, progress):
        household = _household(row, found, scope)
        values = {
            "monitoring_type": row.choice("监测对象类型", MonitoringType.values, required=True),
            "channel": row.choice("发现渠道", Channel.values, required=True),
            "discovered_on": row.date("发现日期", required=True),
            "notice_start": row.date("公示开始日期"), "notice_end": row.date("公示结束日期"),
            "county_approved_on": row.date("县级审批日期", required=True),
            "entered_on": row.date("录入日期"), "officer_name": (row.text("帮扶责任人") or "")[:50],
            "plan_on": row.date("帮扶计划日期"), "eliminated_on": row.date("风险消除日期"),
            "elimination_method": row.choice("消除方式", EliminationMethod.values),
            "elim_notice_start": row.date("消除公示开始日期"), "elim_notice_end": row.date("消除公示结束日期"),
        }
        risk_text = row.required("风险类型")
        risks = split_risk_types(risk_text)
        unknown = [r for r in risks if r not in RiskType.values]
        if risk_text is not None and (unknown or not risks):
            row.reject("风险类型", f"风险类型「{'、'.join(unknown) or risk_text}」不在取值范围内（{_values(RiskType)}）")
        values["risk_types"] = join_risk_types(risks)
        if values["elimination_method"] and not values["eliminated_on"]:
            row.reject("消除方式", "填写了消除方式，但没有风险消除日期")
        for a, b, label in (("notice_start", "notice_end", "公示"), ("elim_notice_start", "elim_notice_end", "消除公示")):
            if values[a] and values[b] and values[b] < values[a]:
                row.reject(f"{label}结束日期", f"{label}结束日期早于开始日期")
        if values["discovered_on"] and values["county_approved_on"] and values["county_approved_on"] < values[
                "discovered_on"]:
            row.reject("县级审批日期", "县级审批日期早于发现日期")
        if not row.ok or household is None:
            continue
        key = (household.pk, values["county_approved_on"])
        if key in seen:
            row.reject("县级审批日期", f"与第 {seen[key]} 行是同一户同一审批日期的记录（重复）")
            continue
        seen[key] = row.number
        values["status"] = CaseStatus.ELIMINATED if values["eliminated_on"] else CaseStatus.MONITORING
        parsed.append((household, values))
    result = ImportResult(batch=None, rows=len(rows), rejected=sorted(errors, key=lambda e: (e["row"], e["column"])),
                          unknown_columns=match.unknown)
    if dry_run:
        existing = _existing_cases(parsed)
        result.updated = sum(1 for h, v in parsed if (h.pk, v["county_approved_on"]) in existing)
        result.created = len(parsed) - result.updated
        return result
    with transaction.atomic():
        batch = _batch(ImportBatch.Kind.CASES, path, sheet.file_label, user)
        existing = _existing_cases(parsed)
        to_create, to_update, matched, fields = [], [], 0, {"updated_by", "updated_at"}
        now = timezone.now()
        for household, values in parsed:
            case = existing.get((household.pk, values["county_approved_on"]))
            if case is None:
                to_create.append(MonitoringCase(household=household, region_code=household.region_code,
                                                created_by=user, imported=True, import_batch=batch, updated_by=user,
                                                **values))
                continue
            matched += 1
            if case.imported:
                changes = {k: v for k, v in values.items() if getattr(case, k) != v}
            else:
                # A record made here: the ledger may only complete dates it lacks; its procedure stays its own.
                changes = {k: v for k, v in values.items()
                           if k != "status" and v not in (None, "") and getattr(case, k) in (None, "")}
            if changes:   # unchanged rows of a re-imported file are not written again
                for k, v in changes.items():
                    setattr(case, k, v)
                fields.update(changes)
                if case.imported:
                    case.import_batch = batch
                    fields.add("import_batch")
                case.updated_by, case.updated_at = user, now
                to_update.append(case)
        MonitoringCase.objects.bulk_create(to_create, batch_size=1000)
        # Only the columns that changed somewhere: bulk_update's cost grows with rows × columns.
        MonitoringCase.objects.bulk_update(to_update, sorted(fields), batch_size=BULK_UPDATE_BATCH)
        result.created, result.updated = len(to_create), matched
        return _finish(batch, result, user, "监测记录")


def _existing_cases(parsed) -> dict[tuple[int, object], MonitoringCase]:
    households = {h.pk for h, _ in parsed}
    return {(c.household_id, c.county_approved_on): c
            for c in MonitoringCase.objects.filter(household_id__in=households, county_approved_on__isnull=False)}


def _case_for(cases_by_household: dict[int, list[MonitoringCase]], household_id: int, on) -> MonitoringCase | None:
    """The record a measure or visit of that date belongs to: the latest one found on or before the date."""
    candidates = [c for c in cases_by_household.get(household_id, []) if c.discovered_on <= on]
    return max(candidates, key=lambda c: (c.discovered_on, c.pk)) if candidates else None


def _cases_by_household(household_ids) -> dict[int, list[MonitoringCase]]:
    result: dict[int, list[MonitoringCase]] = defaultdict(list)
    for c in MonitoringCase.objects.filter(household_id__in=household_ids).exclude(status=CaseStatus.REJECTED).only(
            "id", "household_id", "discovered_on"):
        result[c.household_id].append(c)
    return result


# --- measures -------------------------------------------------------------------------------------


def import_measures(path: str | Path, *, user=None, file_label: str | None = None,
                    dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    path = Path(path)
    sheet, match = _read(path, MEASURES_SPEC, file_label)
    errors: list[dict] = []
    rows = [_Row(n, cells, match.positions, errors) for n, cells in sheet.rows]
    scope = _scope_of(user)
    found = _households(rows, scope)
    numbers = set()
    for row in rows:
        raw = row.text("受益人身份证号")
        if raw:
            try:
                numbers.add(normalize(raw))
            except InvalidIdNumber:
                pass
    persons = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers)}
    parsed = []
    seen: dict[tuple, int] = {}
    for row in _reporting(rows, progress):
        household = _household(row, found, scope)
        category = row.choice("措施类别", MeasureCategory.values, required=True)
        start, end = row.date("开始日期", required=True), row.date("结束日期")
        if start and end and end < start:
            row.reject("结束日期", "结束日期早于开始日期")
        person = None
        raw = row.text("受益人身份证号")
        if raw:
            try:
                number = normalize(raw)
            except InvalidIdNumber as exc:
                row.reject("受益人身份证号", f"受益人身份证号 {mask_raw(raw)} 无效：{exc}")
            else:
                person = persons.get(number)
                if person is None or (household is not None and person.household_id != household.pk):
                    row.reject("受益人身份证号", f"受益人 {mask_raw(number)} 不是该户的成员")
        if not row.ok or household is None:
            continue
        key = (household.pk, category, start, person.id_number if person else "")
        if key in seen:
            row.reject("开始日期", f"与第 {seen[key]} 行重复（同一户、同一类别、同一开始日期和受益人）")
            continue
        seen[key] = row.number
        parsed.append((household, key, {"category": category, "start_on": start, "end_on": end, "beneficiary": person,
                                        "beneficiary_id_number": person.id_number if person else "",
                                        "content": (row.text("内容") or "")}))
    result = ImportResult(batch=None, rows=len(rows), rejected=sorted(errors, key=lambda e: (e["row"], e["column"])),
                          unknown_columns=match.unknown)
    households = {h.pk for h, _k, _v in parsed}
    existing = {(m.household_id, m.category, m.start_on, m.beneficiary_id_number): m
                for m in Measure.objects.filter(household_id__in=households)}
    if dry_run:
        result.updated = sum(1 for _h, k, _v in parsed if k in existing)
        result.created = len(parsed) - result.updated
        return result
    with transaction.atomic():
        batch = _batch(ImportBatch.Kind.MEASURES, path, sheet.file_label, user)
        cases = _cases_by_household(households)
        to_create, to_update, matched = [], [], 0
        for household, key, values in parsed:
            measure = existing.get(key)
            if measure is None:
                to_create.append(Measure(household=household, region_code=household.region_code,
                                         case=_case_for(cases, household.pk, values["start_on"]), imported=True,
                                         import_batch=batch, created_by=user, updated_by=user, **values))
            else:
                matched += 1
                if (measure.end_on, measure.content) != (values["end_on"], values["content"]):
                    measure.end_on, measure.content, measure.updated_by = values["end_on"], values["content"], user
                    measure.import_batch = batch
                    to_update.append(measure)
        Measure.objects.bulk_create(to_create, batch_size=1000)
        Measure.objects.bulk_update(to_update, ["end_on", "content", "updated_by", "import_batch"],
                                    batch_size=BULK_UPDATE_BATCH)
        result.created, result.updated = len(to_create), matched
        return _finish(batch, result, user, "帮扶措施")


# --- visits ---------------------------------------------------------------------------------------


def import_visits(path: str | Path, *, user=None, file_label: str | None = None,
                  dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    path = Path(path)
    sheet, match = _read(path, VISITS_SPEC, file_label)
    errors: list[dict] = []
    rows = [_Row(n, cells, match.positions, errors) for n, cells in sheet.rows]
    scope = _scope_of(user)
    found = _households(rows, scope)
    today = timezone.localdate()
    parsed = []
    seen: dict[tuple, int] = {}
    for row in _reporting(rows, progress):
        household = _household(row, found, scope)
        on = row.date("走访日期", required=True)
        visitor = row.required("走访人")
        if on and on > today:
            row.reject("走访日期", "走访日期晚于今天")
        if not row.ok or household is None:
            continue
        key = (household.pk, on, visitor[:50])
        if key in seen:
            row.reject("走访日期", f"与第 {seen[key]} 行重复（同一户、同一天、同一走访人）")
            continue
        seen[key] = row.number
        parsed.append((household, key, row.text("内容") or ""))
    result = ImportResult(batch=None, rows=len(rows), rejected=sorted(errors, key=lambda e: (e["row"], e["column"])),
                          unknown_columns=match.unknown)
    households = {h.pk for h, _k, _c in parsed}
    existing = {(v.household_id, v.visited_on, v.visitor_name): v
                for v in Visit.objects.filter(household_id__in=households)}
    if dry_run:
        result.updated = sum(1 for _h, k, _c in parsed if k in existing)
        result.created = len(parsed) - result.updated
        return result
    with transaction.atomic():
        batch = _batch(ImportBatch.Kind.VISITS, path, sheet.file_label, user)
        cases = _cases_by_household(households)
        to_create, to_update, matched = [], [], 0
        for household, key, content in parsed:
            visit = existing.get(key)
            if visit is None:
                to_create.append(Visit(household=household, region_code=household.region_code,
                                       case=_case_for(cases, household.pk, key[1]), visited_on=key[1],
                                       visitor_name=key[2], content=content, imported=True, import_batch=batch,
                                       created_by=user, updated_by=user))
            else:
                matched += 1
                if visit.content != content:
                    visit.content, visit.updated_by, visit.import_batch = content, user, batch
                    to_update.append(visit)
        Visit.objects.bulk_create(to_create, batch_size=1000)
        Visit.objects.bulk_update(to_update, ["content", "updated_by", "import_batch"], batch_size=BULK_UPDATE_BATCH)
        result.created, result.updated = len(to_create), matched
        return _finish(batch, result, user, "走访记录")


IMPORTERS = {"cases": (CASES_SPEC, import_cases), "measures": (MEASURES_SPEC, import_measures),
             "visits": (VISITS_SPEC, import_visits)}


def import_file(kind: str, path: str | Path, **kwargs) -> ImportResult:
    if kind not in IMPORTERS:
        raise UserFacingError(f"未知的导入类型：{kind}")
    return IMPORTERS[kind][1](path, **kwargs)
