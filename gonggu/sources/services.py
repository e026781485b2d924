"""Importing department lists: file → staged rows with per-row errors → facts in one transaction → matched.

`batch_import` is the one entry point for the command line, the upload page's
background job and the demo. Bad rows never stop good ones: every problem of
every row is collected and kept with the batch (`RejectedRow`), and the rest is
imported. Whole-file problems (unknown source, wrong columns, no rows, an
unreadable file) raise `UserFacingError` before anything is written.

A database connection that drops mid-import raises `ImportConnectionLost`: the
server rolled the transaction back, so neither the batch nor any of its facts or
rejected rows exist, and since a batch is known by its file's checksum, importing
the same file again is a clean first import.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level
from gonggu.core.errors import ImportConnectionLost, UserFacingError, committed_after_loss, connection_lost
from gonggu.core.idnumber import InvalidIdNumber, mask_raw, normalize
from gonggu.core.jobs import Progress
from gonggu.core.uploads import file_sha256, stored_name, upload_save
from gonggu.dataio.readers import read_sheet
from gonggu.regions.models import Region

from .bulk import bulk_insert
from .models import Batch, Fact, RejectedRow
from .parsing import CellError, clean_name, parse_amount, parse_date, parse_enum, parse_months, parse_year
from .specs import FACT_VALUE_COLUMNS, SOURCES, SourceDef, source_get

_PARSERS = {"date": parse_date, "year": parse_year, "amount": parse_amount, "months": parse_months}
FACT_COLUMNS = ("batch_id", "source", "as_of", "row_number", "id_number", "name", *FACT_VALUE_COLUMNS)
_TEXT_STORES = {"category", "status", "grade", "place"}
log = logging.getLogger("gonggu.import")


@dataclass
class RowProblem:
    row: int
    column: str
    reason: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}"


@dataclass
class ImportResult:
    source: str
    batch: Batch | None = None
    rows: int = 0
    matched: int = 0
    unmatched: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    duplicate_of: Batch | None = None
    unknown_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "batch": self.batch.pk if self.batch else None,
            "source": self.source,
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "rejected": [p.as_dict() for p in self.rejected],
            "duplicate_of": self.duplicate_of.pk if self.duplicate_of else None,
        }

    @property
    def summary(self) -> str:
        if self.duplicate_of is not None:
            d = self.duplicate_of
            return (f"该文件与第 {d.pk} 批（{d.file_name}，{d.as_of:%Y-%m-%d} 导入）内容完全相同，未重复导入。")
        text = (f"{SOURCES[self.source].label}：读取 {self.rows} 行，匹配台账 {self.matched} 行，"
                f"未匹配 {self.unmatched} 行（已保存，台账更新后自动匹配），拒收 {len({p.row for p in self.rejected})} 行。")
        if self.unknown_columns:
            text += f"未识别的列已忽略：{'、'.join(self.unknown_columns)}。"
        return text


def source_check_allowed(user, source: SourceDef) -> None:
    """A department user imports only their own department's lists; the county admin any."""
    if user is None:
        return
    if not user.has_perm_code(Perm.IMPORT_DEPT):
        raise UserFacingError("你没有导入部门数据的权限。")
    if user.role == Role.DEPARTMENT_USER and not user.is_superuser and user.department != source.department:
        mine = user.get_department_display() or "未设置部门"
        raise UserFacingError(f"你只能导入本部门（{mine}）的数据，不能导入{source.label}。")


def _suggest_source(headers: list, current: SourceDef) -> str:
    """Name the source whose required columns the file does have: the usual mistake is picking the wrong list."""
    for other in SOURCES.values():
        if other.key == current.key:
            continue
        try:
            other.spec.match_headers(headers, file_label="")
        except UserFacingError:
            continue
        return f"这个文件看起来是「{other.label}」（{other.key}），请确认选择的数据来源。"
    return ""


def _parse_rows(source: SourceDef, sheet, positions: dict[str, int]):
    """Stage every row: (facts, problems). A row with any problem is rejected as a whole, all problems listed."""
    today = timezone.localdate()
    facts: list[tuple] = []
    problems: list[RowProblem] = []
    id_col, name_col = positions["身份证号"], positions["姓名"]
    fields = [(f, positions.get(f.column)) for f in source.fields]

    def cell(cells: list, i: int | None):
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in sheet.rows:
        row_problems: list[RowProblem] = []
        raw_id = cell(cells, id_col)
        try:
            id_number = normalize(raw_id, today=today)
        except InvalidIdNumber as exc:
            id_number = ""
            row_problems.append(RowProblem(number, "身份证号", str(exc), mask_raw(raw_id)))
        name = clean_name(cell(cells, name_col))
        if not name:
            row_problems.append(RowProblem(number, "姓名", "姓名为空"))
        values = dict.fromkeys(FACT_VALUE_COLUMNS)
        for f, i in fields:
            text = cell(cells, i)
            if text is None or not str(text).strip():
                if f.required:
                    row_problems.append(RowProblem(number, f.column, f"「{f.column}」为空"))
                continue
            text = str(text).strip()
            try:
                if f.kind == "enum":
                    values[f.store] = parse_enum(text, f.values, f.value_aliases)
                elif f.kind == "text":
                    values[f.store] = clean_name(text)[:30]
                else:
                    values[f.store] = _PARSERS[f.kind](text)
            except CellError as exc:
                row_problems.append(RowProblem(number, f.column, str(exc), text[:100]))
        if row_problems:
            problems.extend(row_problems)
            continue
        for store in _TEXT_STORES:
            if values[store] is None:
                values[store] = ""
        facts.append((number, id_number, name, *(values[c] for c in FACT_VALUE_COLUMNS)))
    return facts, problems


def _keep_file(path: Path, file_label: str) -> str:
    with path.open("rb") as f:
        wrapped = File(f, name=file_label)
        stored, _sha = upload_save(wrapped, kind="dept")
    return str(stored)


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


def _count_matched(batch_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sources_fact f WHERE f.batch_id = %s AND EXISTS "
            "(SELECT 1 FROM registry_person p WHERE p.id_number = f.id_number)", [batch_id])
        return cursor.fetchone()[0]


def batch_import(
    *,
    source: str,
    path: str | Path,
    file_label: str | None = None,
    as_of: dt.date | None = None,
    user=None,
    region_code: str | None = None,
    stored_path: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one department list. `stored_path`: the file is already kept (web upload); else a copy is kept."""
    src = source_get(source)
    source_check_allowed(user, src)
    path = Path(path)
    label = file_label or path.name
    if not path.exists():
        raise UserFacingError(f"文件 {label} 不存在。")
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天。")
    checksum = file_sha256(path)
    try:
        existing = Batch.objects.filter(source=src.key, checksum=checksum).first()
    except Exception as exc:
        error = _lost_error(exc, label, src=src, checksum=checksum, committing=False)
        if error is None:
            raise
        raise error from None
    if existing is not None:
        return _duplicate(src, existing)

    sheet = read_sheet(path, file_label=label)
    try:
        match = src.spec.match_headers(sheet.header, file_label=label)
    except UserFacingError as exc:
        hint = _suggest_source(sheet.header, src)
        raise UserFacingError(f"{exc.message}{hint}") from None
    if not sheet.rows:
        raise UserFacingError(f"文件 {label} 只有表头，没有数据行，未导入。")
    total = len(sheet.rows)
    if progress:
        progress(0, total)
    facts, problems = _parse_rows(src, sheet, match.positions)
    if progress:
        progress(total // 2, total)

    kept = stored_path or _keep_file(path, label)
    committing = False
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                source=src.key, region_code=region_code or "", file_name=label[:255], file_path=stored_name(kept),
                checksum=checksum, as_of=as_of, imported_by=user, created_by=user, updated_by=user,
                rows_read=total, rejected=len({p.row for p in problems}), unknown_columns=match.unknown,
            )
            bulk_insert(Fact._meta.db_table, FACT_COLUMNS,
                        ((batch.pk, src.key, as_of, *row) for row in facts))
            RejectedRow.objects.bulk_create(
                [RejectedRow(batch=batch, row_number=p.row, column=p.column, value=p.value[:100], reason=p.reason[:300])
                 for p in problems], batch_size=2000)
            batch.matched = _count_matched(batch.pk)
            batch.unmatched = len(facts) - batch.matched
            if region_code is None:
                batch.region_code = _infer_region(batch.pk)
            batch.save(update_fields=["matched", "unmatched", "region_code"])
            audit_log(user=user, action="import", object_type="dept_batch", object_id=batch.pk,
                      region_code=batch.region_code,
                      summary=f"导入{src.label} {label}：{total} 行，匹配 {batch.matched}，未匹配 {batch.unmatched}，"
                              f"拒收 {batch.rejected}",
                      detail={"source": src.key, "checksum": checksum, "as_of": as_of.isoformat()})
            committing = True
    except IntegrityError:
        # The same file imported at the same moment by someone else.
        existing = Batch.objects.filter(source=src.key, checksum=checksum).first()
        if existing is None:
            raise
        if not stored_path:
            Path(kept).unlink(missing_ok=True)
        return _duplicate(src, existing)
    except Exception as exc:
        error = _lost_error(exc, label, src=src, checksum=checksum, committing=committing)
        if error is not _COMMITTED:
            if not stored_path and not (error is not None and error.maybe_committed):
                Path(kept).unlink(missing_ok=True)  # the copy kept for a batch that does not exist
            if error is None:
                raise
            raise error from None
    if progress:
        progress(total, total)
    return ImportResult(source=src.key, batch=batch, rows=total, matched=batch.matched, unmatched=batch.unmatched,
                        rejected=problems, unknown_columns=match.unknown)


# Returned by `_lost_error` when the connection dropped while committing but the commit went through.
_COMMITTED = object()


def _lost_error(exc: BaseException, label: str, *, src: SourceDef, checksum: str, committing: bool):
    """The ImportConnectionLost to raise for `exc` when it is a dropped database connection, else None.

    A drop before the commit leaves nothing (the server rolls back); one while `committing` may have lost only
    the acknowledgement, so the database is asked on a new connection for the batch of this file
    (`_COMMITTED` when it is there after all).
    """
    reason = connection_lost(exc)
    if reason is None:
        return None
    state = False
    if committing:
        state = committed_after_loss(lambda: Batch.objects.filter(source=src.key, checksum=checksum).exists())
    if state:
        log.warning("import of %s (%s): connection lost after the commit went through: %s", label, src.key, reason)
        return _COMMITTED
    log.warning("import of %s (%s): database connection lost: %s", label, src.key, reason)
    return ImportConnectionLost(reason, maybe_committed=state is None)


def _duplicate(src: SourceDef, existing: Batch) -> ImportResult:
    return ImportResult(source=src.key, rows=existing.rows_read, duplicate_of=existing)


def batch_upload(*, user, source: str, uploaded, as_of: dt.date | None) -> tuple[str, str]:
    """Checks for the upload page before the file is queued: returns (stored path, file name)."""
    src = source_get(source)
    source_check_allowed(user, src)
    if as_of is not None and as_of > timezone.localdate():
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天。")
    path, _sha = upload_save(uploaded, kind="dept")
    return str(path), uploaded.name


def batch_region_for_user(user) -> str:
    """Batches belong to the importing user's region (a county for department users and county admins)."""
    if user is None or user.region is None:
        return ""
    return user.region.code
