"""The nine department lists as formats of the intake pipeline (`dept.<source>`).

The pipeline reads, stages and reports; this module adds what is particular to department lists: who may
import which list, duplicates within one file (formats.md), writing the facts in bulk and counting how
many rows matched the registry.
"""

from __future__ import annotations

from django.db import connection

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm
from gonggu.core.codes import Level
from gonggu.core.errors import UserFacingError
from gonggu.dataio.bulk import bulk_insert
from gonggu.dataio.intake import IntakeContext, IntakeFormat, Staged, StagedRow, Written, register_format
from gonggu.regions.models import Region

from .models import Fact
from .specs import DEPT_PREFIX, FACT_VALUE_COLUMNS, SOURCES, SourceDef

FACT_COLUMNS = ("batch_id", "source", "as_of", "row_number", "id_number", "name", *FACT_VALUE_COLUMNS)
_TEXT_STORES = {"category", "status", "grade", "place"}


class DeptFormat(IntakeFormat):
    group = "部门数据"
    perm = Perm.IMPORT_DEPT
    needs_as_of = True

    def __init__(self, source: SourceDef):
        self.source = source
        self.key = DEPT_PREFIX + source.key
        self.title = source.label
        self.spec = source.spec
        self.description = f"{source.department_label}部门提供的{source.title}"
        # Canonical column → Fact column, for the value columns of this list.
        self.stores = {f.column: f.store for f in source.fields}

    def allowed(self, user) -> bool:
        """A department user imports only their own department's lists; the county admin any."""
        if not super().allowed(user):
            return False
        if user is None or user.is_superuser or user.role != Role.DEPARTMENT_USER:
            return True
        return user.department == self.source.department

    def check_allowed(self, user) -> None:
        if user is not None and user.has_perm_code(Perm.IMPORT_DEPT) and not self.allowed(user):
            mine = user.get_department_display() or "未设置部门"
            raise UserFacingError(f"你只能导入本部门（{mine}）的数据，不能导入{self.source.label}。")
        super().check_allowed(user)

    def stage(self, sheet, ctx: IntakeContext):
        try:
            return super().stage(sheet, ctx)
        except UserFacingError as exc:
            hint = _suggest_source(sheet.header, self.source)
            if not hint:
                raise
            raise UserFacingError(f"{exc.message}{hint}") from None

    def _values(self, row: StagedRow) -> tuple:
        stored = dict.fromkeys(FACT_VALUE_COLUMNS)
        for column, store in self.stores.items():
            stored[store] = row.values.get(column)
        for store in _TEXT_STORES:
            if stored[store] is None:
                stored[store] = ""
        return tuple(stored[c] for c in FACT_VALUE_COLUMNS)

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        """One person, one fact per key in a file (formats.md): identical rows merge, per-year amounts add up,
        conflicting rows are refused naming the row they conflict with."""
        src = self.source
        date_columns = [f.column for f in src.fields if f.kind == "date"]
        year_columns = [f.column for f in src.fields if f.kind == "year"]
        amount_columns = [f.column for f in src.fields if f.kind == "amount"]
        first: dict[tuple, StagedRow] = {}
        for row in staged.rows:
            v = row.values
            key = (v["身份证号"], *(v[c] for c in (year_columns if src.per_year else date_columns)))
            earlier = first.get(key)
            if earlier is None:
                first[key] = row
                continue
            if src.per_year:
                for c in amount_columns:
                    if v.get(c) is not None:
                        earlier.values[c] = (earlier.values.get(c) or 0) + v[c]
                staged.warn(row, "身份证号", f"与第 {earlier.number} 行是同一人同一年度，金额已相加合并")
                row.extra["_rejected"] = True  # merged into the earlier row: not a fact of its own
                continue
            if self._values(row) == self._values(earlier) and v["姓名"] == earlier.values["姓名"]:
                staged.warn(row, "身份证号", f"与第 {earlier.number} 行完全相同，已合并")
                row.extra["_rejected"] = True
                continue
            staged.reject(row, "身份证号", f"同一人在第 {earlier.number} 行已有一条内容不同的记录，请核实后只保留一条")

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        batch = ctx.batch
        bulk_insert(Fact._meta.db_table, FACT_COLUMNS,
                    ((batch.pk, self.source.key, ctx.as_of, r.number, r.values["身份证号"], r.values["姓名"],
                      *self._values(r)) for r in rows))
        matched = _count_matched(batch.pk)
        return Written(created=len(rows), unmatched=len(rows) - matched)

    def region_for(self, ctx: IntakeContext, rows: list[StagedRow]) -> str:
        return ctx.region_code or _infer_region(ctx.batch.pk)

    def json_extras(self, result) -> dict:
        return {"source": self.source.key, "matched": result.accepted - result.written.unmatched}

    def detail_url(self, batch) -> str:
        from django.urls import reverse

        return reverse("batch_detail", args=[batch.pk])


def _suggest_source(headers: list, current: SourceDef) -> str:
    """Name the list whose required columns the file does have: the usual mistake is picking the wrong list."""
    for other in SOURCES.values():
        if other.key == current.key:
            continue
        try:
            other.spec.match_headers(headers, file_label="")
        except UserFacingError:
            continue
        return f"这个文件看起来是「{other.label}」（{other.key}），请确认选择的数据来源。"
    return ""


def _count_matched(batch_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sources_fact f WHERE f.batch_id = %s AND EXISTS "
            "(SELECT 1 FROM registry_person p WHERE p.id_number = f.id_number)", [batch_id])
        return cursor.fetchone()[0]


def _infer_region(batch_id: int) -> str:
    """The county most matched rows live in; else the only county there is; else none (system-wide)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUBSTR(p.region_code, 1, 6) AS county, COUNT(*) AS n FROM sources_fact f "
            "JOIN registry_person p ON p.id_number = f.id_number WHERE f.batch_id = %s "
            "GROUP BY SUBSTR(p.region_code, 1, 6) ORDER BY n DESC LIMIT 1", [batch_id])
        row = cursor.fetchone()
    if row:
        region = Region.objects.filter(code=row[0] + "000000").first()
        return region.code if region else row[0] + "000000"
    counties = list(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True)[:2])
    return counties[0] if len(counties) == 1 else ""


DEPT_FORMATS = {key: register_format(DeptFormat(source)) for key, source in SOURCES.items()}
