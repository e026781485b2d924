"""The nine department lists as formats of the intake pipeline (`dept.<source>`).

The pipeline reads, stages and reports; this module adds what is particular to department lists: who may
import which list, duplicates within one file (formats.md), writing the facts in bulk and counting how
many rows matched the registry.
"""

from __future__ import annotations

import hashlib

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
    chunk_rows = 50_000

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

    def check_header(self, sheet, ctx: IntakeContext):
        try:
            return super().check_header(sheet, ctx)
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
        conflicting rows are refused naming the row they conflict with.

        The file comes in chunks, so each key is remembered compactly across them (a digest of the key, the
        first row's number and a digest of its content); amounts to add to a row of an earlier chunk, already
        written, wait in `carry` for the next `promote`.
        """
        src = self.source
        date_columns = [f.column for f in src.fields if f.kind == "date"]
        year_columns = [f.column for f in src.fields if f.kind == "year"]
        amount_columns = [f.column for f in src.fields if f.kind == "amount"]
        key_columns = year_columns if src.per_year else date_columns
        first: dict[bytes, int] = ctx.state.setdefault("first", {})
        carry: dict[int, dict[str, object]] = ctx.state.setdefault("carry", {})
        here: dict[int, StagedRow] = {}
        for row in staged.rows:
            v = row.values
            key = _digest((v["身份证号"], *(v[c] for c in key_columns)))
            content = int.from_bytes(_digest((self._values(row), v["姓名"]), size=8))
            earlier = first.get(key)
            if earlier is None:
                first[key] = row.number << 64 | content
                here[row.number] = row
                continue
            number = earlier >> 64
            if src.per_year:
                target = here.get(number)
                for c in amount_columns:
                    if v.get(c) is not None:
                        into = target.values if target is not None else carry.setdefault(number, {})
                        into[c] = (into.get(c) or 0) + v[c]
                staged.warn(row, "身份证号", f"与第 {number} 行是同一人同一年度，金额已相加合并")
                row.extra["_rejected"] = True  # merged into the earlier row: not a fact of its own
                continue
            if earlier & _LOW64 == content:
                staged.warn(row, "身份证号", f"与第 {number} 行完全相同，已合并")
                row.extra["_rejected"] = True
                continue
            staged.reject(row, "身份证号", f"同一人在第 {number} 行已有一条内容不同的记录，请核实后只保留一条")

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        batch = ctx.batch
        self._add_carried(ctx)
        if not rows:
            return Written()
        bulk_insert(Fact._meta.db_table, FACT_COLUMNS,
                    ((batch.pk, self.source.key, ctx.as_of, r.number, r.values["身份证号"], r.values["姓名"],
                      *self._values(r)) for r in rows))
        matched = _count_matched([r.values["身份证号"] for r in rows])
        return Written(created=len(rows), unmatched=len(rows) - matched)

    def _add_carried(self, ctx: IntakeContext) -> None:
        """Amounts of later rows merged into rows written with an earlier chunk (per-year lists), set-based."""
        carry = ctx.state.get("carry")
        if not carry:
            return
        with connection.cursor() as cursor:
            for column, store in self.stores.items():
                pairs = [(number, values[column]) for number, values in carry.items()
                         if values.get(column) is not None]
                for part in _slices(pairs, 400):
                    cursor.execute(
                        f"UPDATE sources_fact SET {store} = COALESCE({store}, 0) + c.column2 "
                        f"FROM (VALUES {', '.join(['(%s, %s)'] * len(part))}) AS c "
                        "WHERE sources_fact.batch_id = %s AND sources_fact.row_number = c.column1",
                        [*(x for pair in part for x in pair), ctx.batch.pk])
        carry.clear()

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


def _digest(value: tuple, size: int = 16) -> bytes:
    return hashlib.blake2b(repr(value).encode(), digest_size=size).digest()


_LOW64 = (1 << 64) - 1


def _slices(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _count_matched(numbers: list[str]) -> int:
    """How many of these rows (one chunk) name a person of the registry."""
    found: set[str] = set()
    with connection.cursor() as cursor:
        for part in _slices(sorted(set(numbers)), 900):
            cursor.execute("SELECT DISTINCT id_number FROM registry_person "
                           f"WHERE id_number IN ({', '.join(['%s'] * len(part))})", part)
            found.update(n for (n,) in cursor.fetchall())
    return sum(1 for n in numbers if n in found)


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
