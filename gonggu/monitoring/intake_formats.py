"""Monitoring history (formats.md: cases, measures, visits) as formats of the intake pipeline.

Counties start with years of monitoring records kept elsewhere (the national system, Excel ledgers). Imported
rows become the same objects the live procedure makes: a case imported with its dates simply sits in its
current state (监测帮扶中, or 风险已消除).

Re-importing a file updates in place: cases are keyed by (household, 县级审批日期), measures by (household,
category, start date, beneficiary), visits by (household, date, visitor). `updated` counts the rows that
matched an existing record; rows that change nothing are not written again. An import by a user reaches only
the households of that user's region: a row naming any other household is rejected (the command line, run
by no user, reaches all).

The pipeline reads the file and parses the cells; here are the checks across a row's cells (an end before
its start …), the households of the whole file looked up at once, duplicates within the file, and the
writes in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.codes import code_in_prefix, in_scope_q
from gonggu.core.idnumber import mask_raw
from gonggu.dataio.columns import Column, ColumnSpec, Dialect, Kind
from gonggu.dataio.intake import (
    IntakeContext,
    IntakeFormat,
    IntakeResult,
    Problem,
    Staged,
    StagedRow,
    Written,
    register_format,
)
from gonggu.regions.names import villages_by_names
from gonggu.registry.models import Household, Person
from gonggu.registry.spec import REGION_NAME_COLUMNS

from .choices import Channel, EliminationMethod, MeasureCategory, MonitoringType, RiskType, join_risk_types
from .models import Measure, MonitoringCase, Visit
from .workflow import CaseStatus

PREFIX = "monitoring."
# Django's bulk_update writes one CASE per field and row: small batches keep each statement cheap.
BULK_UPDATE_BATCH = 200
# Lookups by the keys of a whole file go in slices of this size (databases limit the bound parameters).
LOOKUP_CHUNK = 10_000

# A check across the cells of one row: (values, columns whose cell failed, today) → (column, reason) …
RowCheck = Callable[[dict, set, dt.date], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class CheckedSpec(ColumnSpec):
    """A column spec whose rows are also checked across their cells, so that an end date before its start
    is reported together with the row's other problems."""

    checks: tuple[RowCheck, ...] = ()

    def parse_row(self, row_cells, positions, *, today=None, **options):
        values, problems = super().parse_row(row_cells, positions, today=today, **options)
        failed = {column for column, _reason, _value in problems}
        today = today or timezone.localdate()
        for check in self.checks:
            problems.extend((column, reason, "") for column, reason in check(values, failed, today))
        return values, problems


def _not_before(start: str, end: str, reason: str) -> RowCheck:
    def check(values, failed, today):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            yield end, reason
    return check


def _values(choices) -> str:
    return "、".join(choices.values)


HOUSEHOLD_COLUMNS = (
    Column("户编号", required=True, text=True, width=18, help="户籍台账中的户编号", example="H0000001"),
    Column("行政区划代码", aliases=("村代码",), kind=Kind.CODE, text=True, width=16, example="410122100201",
           help="选填：户编号在多个县重复时用来确定是哪一户（村的 12 位代码）"),
)


def _elimination_needs_its_date(values, failed, today):
    if values.get("消除方式") and not values.get("风险消除日期") and "风险消除日期" not in failed:
        yield "消除方式", "填写了消除方式，但没有风险消除日期"


def _eliminated_as_said(values, failed, today):
    """An export's 风险是否消除 must agree with its elimination date."""
    said = values.get("风险是否消除")
    if said is True and not values.get("风险消除日期") and "风险消除日期" not in failed:
        yield "风险是否消除", "风险是否消除为「是」，但没有风险消除时间"
    elif said is False and values.get("风险消除日期"):
        yield "风险是否消除", "风险是否消除为「否」，但填写了风险消除时间"


def _some_risk_type(values, failed, today):
    if values.get("风险类型") == "" and "风险类型" not in failed:   # only separators written
        yield "风险类型", "「风险类型」为空"


# The national 防返贫监测信息系统's 监测对象 export, imported as it is (docs/intake.md): one row per person, the
# household's monitoring record on every row (rows of one household after the first repeat it and are reported as
# duplicates of the first). Its months (202403) are read as the month's first day; it has no 发现渠道 (left empty)
# and no separate discovery date: the identification month stands for both. 帮扶消除 is the national word for
# 稳定消除.
_IDENTIFIED = ("识别监测时间", "风险识别时间")
NATIONAL_CASES = Dialect(
    key="national.monitored", title="国家防返贫监测信息系统导出的监测对象基础信息表",
    signature=("户编号", ("监测对象类别", "易返贫致贫户(监测对象)类型"), _IDENTIFIED),
    headers={"监测对象类型": ("监测对象类别", "易返贫致贫户(监测对象)类型"),
             "风险消除日期": ("风险消除时间", "消除监测时间"), "消除方式": ("风险消除方式",)},
    joined={"风险类型": tuple(f"致贫/返贫风险{i}" for i in range(1, 6)), "发现日期": _IDENTIFIED,
            "县级审批日期": _IDENTIFIED},
    values={
        "风险类型": {"因安全饮水": "饮水安全", "因饮水安全": "饮水安全", "因住房安全": "住房安全",
                 "因住房出现安全问题": "住房安全", "因务工就业不稳": "因务工就业不稳", "因就业": "因务工就业不稳",
                 "因缺劳动力": "缺劳动力", "因自然灾害": "因灾", "因意外": "因意外事故", "因产业失败": "因产业项目失败",
                 "因其他": "其他", "其他": "其他"},
        "消除方式": {"帮扶消除": "稳定消除"},
    },
    kinds={"发现日期": Kind.MONTH_OR_DATE, "县级审批日期": Kind.MONTH_OR_DATE, "风险消除日期": Kind.MONTH_OR_DATE},
    optional=("发现渠道",),
    columns=(*REGION_NAME_COLUMNS,
             Column("风险是否消除", aliases=("风险是否已消除",), kind=Kind.BOOL, help="是、否")),
)

CASES_SPEC = CheckedSpec(
    key=PREFIX + "cases", title="监测记录",
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column("监测对象类型", required=True, kind=Kind.CHOICE, choices=tuple(MonitoringType.values),
               synonyms={"脱贫不稳定": "脱贫不稳定户", "边缘易致贫": "边缘易致贫户", "突发严重困难": "突发严重困难户"},
               help=_values(MonitoringType), example="边缘易致贫户", key="monitoring_type"),
        Column("风险类型", required=True, kind=Kind.CHOICES, choices=tuple(RiskType.values),
               synonyms={"因意外": "因意外事故", "因产业失败": "因产业项目失败", "因务工不稳": "因务工就业不稳",
                         "因缺劳动力": "缺劳动力", "缺劳力": "缺劳动力", "住房出现安全问题": "住房安全",
                         "饮水安全问题": "饮水安全", "饮水出现安全问题": "饮水安全"},
               help=f"{_values(RiskType)}；多项用 、 ， 或 ; 分隔", example="因病、因学", key="risk_types"),
        Column("发现渠道", required=True, kind=Kind.CHOICE, choices=tuple(Channel.values),
               synonyms={"自主申报": "农户自主申报", "农户申报": "农户自主申报", "干部排查": "基层干部排查",
                         "部门预警": "部门筛查预警", "部门筛查": "部门筛查预警", "社会信息": "社会信息补充"},
               help=_values(Channel), example="基层干部排查", key="channel"),
        Column("发现日期", required=True, kind=Kind.DATE, help="发现风险线索的日期", example="2024-03-01",
               key="discovered_on"),
        Column("公示开始日期", kind=Kind.DATE, help="村内公示（拟纳入对象）的开始日期", example="2024-03-05",
               key="notice_start"),
        Column("公示结束日期", kind=Kind.DATE, example="2024-03-09", key="notice_end"),
        Column("县级审批日期", required=True, kind=Kind.DATE, help="纳入监测的日期", example="2024-03-12",
               key="county_approved_on"),
        Column("录入日期", kind=Kind.DATE, help="录入信息系统的日期", example="2024-03-15", key="entered_on"),
        Column("帮扶责任人", kind=Kind.NAME, help="姓名", example="张三", key="officer_name"),
        Column("帮扶计划日期", kind=Kind.DATE, help="明确帮扶计划和帮扶责任人的日期", example="2024-03-20",
               key="plan_on"),
        Column("风险消除日期", kind=Kind.DATE, help="风险未消除时留空", key="eliminated_on"),
        Column("消除方式", kind=Kind.CHOICE, choices=tuple(EliminationMethod.values),
               help=f"{_values(EliminationMethod)}；风险未消除时留空", key="elimination_method"),
        Column("消除公示开始日期", kind=Kind.DATE, key="elim_notice_start"),
        Column("消除公示结束日期", kind=Kind.DATE, key="elim_notice_end"),
    ),
    notes=("一行一条监测记录；同一户多年的记录各占一行。按户编号和县级审批日期更新，重复导入不会重复。",
           "日期可写 2025-03-01、2025/3/1、2025年3月1日，或 Excel 日期格式。"),
    checks=(
        _some_risk_type,
        _elimination_needs_its_date,
        _eliminated_as_said,
        _not_before("公示开始日期", "公示结束日期", "公示结束日期早于开始日期"),
        _not_before("消除公示开始日期", "消除公示结束日期", "消除公示结束日期早于开始日期"),
        _not_before("发现日期", "县级审批日期", "县级审批日期早于发现日期"),
    ),
    dialects=(NATIONAL_CASES,),
)

MEASURES_SPEC = CheckedSpec(
    key=PREFIX + "measures", title="帮扶措施",
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column("措施类别", required=True, kind=Kind.CHOICE, choices=tuple(MeasureCategory.values),
               synonyms={"公益性岗位": "公益岗位", "扶贫小额信贷": "小额信贷", "小额贷款": "小额信贷",
                         "职业技能培训": "技能培训"},
               help=_values(MeasureCategory), example="就业帮扶", key="category"),
        Column("开始日期", required=True, kind=Kind.DATE, example="2024-04-01", key="start_on"),
        Column("结束日期", kind=Kind.DATE, help="持续的留空", key="end_on"),
        Column("受益人身份证号", aliases=("身份证号", "受益人身份证号码"), kind=Kind.ID_NUMBER, text=True, width=22,
               help="选填：措施针对的家庭成员", key="beneficiary_id_number"),
        Column("内容", width=40, max_length=2000, example="推荐到县城物流园务工", key="content"),
    ),
    notes=("按户编号、措施类别、开始日期和受益人更新，重复导入不会重复。",),
    checks=(_not_before("开始日期", "结束日期", "结束日期早于开始日期"),),
)


def _visit_not_in_future(values, failed, today):
    if values.get("走访日期") and values["走访日期"] > today:
        yield "走访日期", "走访日期晚于今天"


VISITS_SPEC = CheckedSpec(
    key=PREFIX + "visits", title="走访记录",
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column("走访日期", required=True, kind=Kind.DATE, example="2024-04-10", key="visited_on"),
        Column("走访人", required=True, kind=Kind.NAME, help="姓名", example="李四", key="visitor_name"),
        Column("内容", width=40, max_length=2000, example="了解就业情况", key="content"),
    ),
    notes=("按户编号、走访日期和走访人更新，重复导入不会重复。",),
    checks=(_visit_not_in_future,),
)


# --- the checks over the whole file -------------------------------------------------------------------------


def _chunks(values: Iterable) -> Iterator[list]:
    items = sorted(set(values))
    for i in range(0, len(items), LOOKUP_CHUNK):
        yield items[i:i + LOOKUP_CHUNK]


def _reject(staged: Staged, row: StagedRow, column: str, reason: str, value: str = "") -> None:
    """Reject `row`, its issue keyed by the household number (found on the batch page without the file)."""
    staged.problems.append(Problem(row.number, column, reason, value, str(row.values.get("户编号") or "")))
    row.extra["_rejected"] = True


def _scope_label(ctx: IntakeContext) -> str:
    user = ctx.user
    if user.region_id is None:
        return "未设置所在区划"
    return f"{user.region.name} {ctx.scope_prefix}"


def _with_households(ctx: IntakeContext, staged: Staged) -> list[StagedRow]:
    """The rows whose household is found, with it in `extra`; the others rejected with the reason.

    The file's households are read at once, and only those of the importer's region: to the importer the others
    do not exist, exactly as on the pages. A number used in several counties needs the village code.
    """
    prefix = ctx.scope_prefix
    _village_codes_from_names(ctx, staged)
    found: dict[str, list[Household]] = defaultdict(list)
    for numbers in _chunks(r.values["户编号"] for r in staged.rows):
        for hh in Household.objects.filter(in_scope_q("region_code", prefix), household_no__in=numbers).only(
                "id", "household_no", "region_code"):
            found[hh.household_no].append(hh)
    label = _scope_label(ctx) if prefix is not None else ""
    kept = []
    for row in staged.rows:
        number, village = row.values["户编号"], row.values["行政区划代码"]
        if village and not code_in_prefix(village, prefix):
            _reject(staged, row, "行政区划代码", f"行政区划代码 {village} 不在您的管辖范围（{label}）内", village)
            continue
        candidates = found.get(number, [])
        if village:
            candidates = [h for h in candidates if h.region_code == village]
        if not candidates:
            where = "户籍台账" if prefix is None else f"您管辖范围（{label}）内的户籍台账"
            _reject(staged, row, "户编号", f"户编号「{number}」在{where}中不存在"
                    + (f"（村代码 {village}）" if village else ""), number)
            continue
        if len(candidates) > 1:
            _reject(staged, row, "户编号", f"户编号「{number}」在多个县都有，请加“行政区划代码”列指明是哪个村的", number)
            continue
        row.extra["household"] = candidates[0]
        kept.append(row)
    return kept


def _village_codes_from_names(ctx: IntakeContext, staged: Staged) -> None:
    """Rows that name their 县 / 乡(镇) / 行政村 instead of a code (an export of the national system) get the
    village's code; a name the region tree does not have, or has twice in the county, rejects the row."""
    named = [r for r in staged.rows if not r.values.get("行政区划代码") and r.values.get("行政村")]
    if not named:
        return
    key = lambda r: (r.values.get("县"), r.values.get("乡镇"), r.values.get("行政村"))  # noqa: E731
    found = villages_by_names({key(r) for r in named}, scope_prefix=ctx.scope_prefix)
    for row in named:
        code, reason = found[key(row)]
        if code is None:
            _reject(staged, row, "行政村", reason, str(row.values.get("行政村")))
        else:
            row.values["行政区划代码"] = code
    staged.settle()


def _cases_by_household(household_ids) -> dict[int, list[MonitoringCase]]:
    result: dict[int, list[MonitoringCase]] = defaultdict(list)
    for ids in _chunks(household_ids):
        for c in MonitoringCase.objects.filter(household_id__in=ids).exclude(status=CaseStatus.REJECTED).only(
                "id", "household_id", "discovered_on"):
            result[c.household_id].append(c)
    return result


def _case_for(cases_by_household: dict[int, list[MonitoringCase]], household_id: int, on) -> MonitoringCase | None:
    """The record a measure or visit of that date belongs to: the latest one found on or before the date."""
    candidates = [c for c in cases_by_household.get(household_id, []) if c.discovered_on <= on]
    return max(candidates, key=lambda c: (c.discovered_on, c.pk)) if candidates else None


class HistoryFormat(IntakeFormat):
    """What the three history formats share: who imports them, the household of each row, duplicates within
    the file and the records they match. Subclasses give the key, the lookup of existing records and the write.
    """

    group = "监测历史"
    # Only county level: imported cases stand as approved by the county (县级审批日期).
    perm = Perm.APPROVE_COUNTY
    # Importing a file again updates in place (after the registry gained a household, say).
    refuse_duplicates = False
    spec: CheckedSpec
    duplicate_column = ""
    duplicate_reason = ""   # with {row}: the earlier row

    def key_of(self, values: dict) -> str:
        return str(values.get("户编号") or "")

    def detail_url(self, batch) -> str:
        return reverse("monitoring:case_list")

    def row_key(self, row: StagedRow) -> tuple:
        raise NotImplementedError

    def existing(self, household_ids: set[int]) -> dict[tuple, object]:
        raise NotImplementedError

    def _record_values(self, row: StagedRow) -> dict:
        return {c.name: row.values.get(c.name) for c in self.spec.columns if c.key}

    def check(self, ctx: IntakeContext, staged: Staged, rows: list[StagedRow]) -> list[StagedRow]:
        """The format's own checks of rows whose household is known; returns the rows still good."""
        return rows

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        rows = self.check(ctx, staged, _with_households(ctx, staged))
        first: dict[tuple, int] = {}
        kept = []
        exported = ctx.options.get("dialect") is not None
        values_of: dict[tuple, dict] = {}
        for row in rows:
            key = self.row_key(row)
            if key in first:
                if exported and values_of[key] == self._record_values(row):
                    # An export lists the household's record on every member's row: the same record, once.
                    staged.warn(row, self.duplicate_column, f"同一户的另一成员行，记录按第 {first[key]} 行导入")
                    row.extra["_rejected"] = True
                    continue
                _reject(staged, row, self.duplicate_column, self.duplicate_reason.format(row=first[key]))
                continue
            values_of[key] = self._record_values(row)
            first[key] = row.number
            row.extra["key"] = key
            kept.append(row)
        existing = self.existing({r.extra["household"].pk for r in kept})
        for row in kept:
            row.extra["existing"] = existing.get(row.extra["key"])
        ctx.options["matched"] = sum(1 for r in kept if r.extra["existing"] is not None)

    def run(self, *, ctx: IntakeContext, dry_run: bool, **kwargs) -> IntakeResult:
        result = super().run(ctx=ctx, dry_run=dry_run, **kwargs)
        if dry_run and result.duplicate_of is None:
            # What the import would do, as today's --dry-run says it.
            matched = ctx.options.get("matched", 0)
            result.written = Written(created=result.accepted - matched, updated=matched)
        return result


class CasesFormat(HistoryFormat):
    key = PREFIX + "cases"
    title = "监测记录"
    spec = CASES_SPEC
    description = "国家监测信息系统或台账中的监测对象记录（纳入、帮扶计划、风险消除）"
    duplicate_column = "县级审批日期"
    duplicate_reason = "与第 {row} 行是同一户同一审批日期的记录（重复）"

    def row_key(self, row):
        return (row.extra["household"].pk, row.values["县级审批日期"])

    def existing(self, household_ids):
        found = {}
        for ids in _chunks(household_ids):
            for c in MonitoringCase.objects.filter(household_id__in=ids, county_approved_on__isnull=False):
                found[(c.household_id, c.county_approved_on)] = c
        return found

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        user, batch, now = ctx.user, ctx.batch, timezone.now()
        to_create, to_update, matched, fields = [], [], 0, {"updated_by", "updated_at"}
        for row in rows:
            household, case = row.extra["household"], row.extra["existing"]
            values = _model_values(self.spec, row.values)
            values["risk_types"] = join_risk_types(values["risk_types"].split("、"))
            values["status"] = CaseStatus.ELIMINATED if values["eliminated_on"] else CaseStatus.MONITORING
            if case is None:
                to_create.append(MonitoringCase(household=household, region_code=household.region_code,
                                                created_by=user, updated_by=user, imported=True, import_batch=batch,
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
        return Written(created=len(to_create), updated=matched)


class MeasuresFormat(HistoryFormat):
    key = PREFIX + "measures"
    title = "帮扶措施"
    spec = MEASURES_SPEC
    description = "落实到户的帮扶措施，可写明针对的家庭成员"
    duplicate_column = "开始日期"
    duplicate_reason = "与第 {row} 行重复（同一户、同一类别、同一开始日期和受益人）"

    def check(self, ctx, staged, rows):
        """A beneficiary must be a member of the row's household (the members of the file read at once)."""
        members: dict[str, tuple[int, int]] = {}
        for numbers in _chunks(r.values["受益人身份证号"] for r in rows if r.values["受益人身份证号"]):
            for number, pk, household_id in Person.objects.filter(id_number__in=numbers).values_list(
                    "id_number", "pk", "household_id"):
                members[number] = (pk, household_id)
        kept = []
        for row in rows:
            number = row.values["受益人身份证号"]
            if number:
                member = members.get(number)
                if member is None or member[1] != row.extra["household"].pk:
                    _reject(staged, row, "受益人身份证号", f"受益人 {mask_raw(number)} 不是该户的成员", mask_raw(number))
                    continue
                row.extra["beneficiary_id"] = member[0]
            kept.append(row)
        return kept

    def row_key(self, row):
        v = row.values
        return (row.extra["household"].pk, v["措施类别"], v["开始日期"], v["受益人身份证号"] or "")

    def existing(self, household_ids):
        found = {}
        for ids in _chunks(household_ids):
            for m in Measure.objects.filter(household_id__in=ids):
                found[(m.household_id, m.category, m.start_on, m.beneficiary_id_number)] = m
        return found

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        user, batch, now = ctx.user, ctx.batch, timezone.now()
        cases = _cases_by_household({r.extra["household"].pk for r in rows})
        to_create, to_update, matched = [], [], 0
        for row in rows:
            household, measure = row.extra["household"], row.extra["existing"]
            values = _model_values(self.spec, row.values)
            if measure is None:
                to_create.append(Measure(household=household, region_code=household.region_code,
                                         case=_case_for(cases, household.pk, values["start_on"]),
                                         beneficiary_id=row.extra.get("beneficiary_id"), imported=True,
                                         import_batch=batch, created_by=user, updated_by=user, **values))
                continue
            matched += 1
            if (measure.end_on, measure.content) != (values["end_on"], values["content"]):
                measure.end_on, measure.content = values["end_on"], values["content"]
                measure.updated_by, measure.updated_at, measure.import_batch = user, now, batch
                to_update.append(measure)
        Measure.objects.bulk_create(to_create, batch_size=1000)
        Measure.objects.bulk_update(to_update, ["end_on", "content", "updated_by", "updated_at", "import_batch"],
                                    batch_size=BULK_UPDATE_BATCH)
        return Written(created=len(to_create), updated=matched)


class VisitsFormat(HistoryFormat):
    key = PREFIX + "visits"
    title = "走访记录"
    spec = VISITS_SPEC
    description = "帮扶责任人入户走访的记录"
    duplicate_column = "走访日期"
    duplicate_reason = "与第 {row} 行重复（同一户、同一天、同一走访人）"

    def row_key(self, row):
        return (row.extra["household"].pk, row.values["走访日期"], row.values["走访人"])

    def existing(self, household_ids):
        found = {}
        for ids in _chunks(household_ids):
            for v in Visit.objects.filter(household_id__in=ids):
                found[(v.household_id, v.visited_on, v.visitor_name)] = v
        return found

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        user, batch, now = ctx.user, ctx.batch, timezone.now()
        cases = _cases_by_household({r.extra["household"].pk for r in rows})
        to_create, to_update, matched = [], [], 0
        for row in rows:
            household, visit = row.extra["household"], row.extra["existing"]
            values = _model_values(self.spec, row.values)
            if visit is None:
                to_create.append(Visit(household=household, region_code=household.region_code,
                                       case=_case_for(cases, household.pk, values["visited_on"]), imported=True,
                                       import_batch=batch, created_by=user, updated_by=user, **values))
                continue
            matched += 1
            if visit.content != values["content"]:
                visit.content, visit.updated_by, visit.updated_at, visit.import_batch = values["content"], user, now, batch
                to_update.append(visit)
        Visit.objects.bulk_create(to_create, batch_size=1000)
        Visit.objects.bulk_update(to_update, ["content", "updated_by", "updated_at", "import_batch"],
                                  batch_size=BULK_UPDATE_BATCH)
        return Written(created=len(to_create), updated=matched)


def _model_values(spec: ColumnSpec, values: dict) -> dict:
    """The row's values by model field (the columns' `key`); an empty text cell is stored as ''."""
    return {c.key: (values[c.name] if values[c.name] is not None or c.kind == Kind.DATE else "")
            for c in spec.columns if c.key}


HISTORY_FORMATS: dict[str, HistoryFormat] = {
    fmt.key.removeprefix(PREFIX): register_format(fmt) for fmt in (CasesFormat(), MeasuresFormat(), VisitsFormat())
}
