"""The one intake pipeline: every import of the product runs these steps.

    batch (source, the file kept, checksum, as-of, who, region, status, counts)
      → read (readers: every file form offices have)
      → stage (cells parsed by the format's column spec; every problem of every row collected)
      → validate (the format's checks over the whole set: unknown households, duplicates, scope …)
      → promote (the format writes its valid rows set-based, in one transaction with the batch and its issues)
      → one result shape (`IntakeResult.as_json`, cli.md) and one batch page with the 退回表

A format is an `IntakeFormat` subclass registered with `register_format`; each app declares its formats in
an `intake_formats.py` module (autodiscovered). A format supplies its column spec, who may import it, its
checks and its writer; the pipeline does the rest, the same way for all of them. A format whose staging
is its own (the registry validates a million rows in DuckDB) overrides `run` but keeps the batch, the
issues, the result and the pages.

A database connection that drops mid-import leaves nothing: the server rolls the transaction back, and the
error is `ImportConnectionLost`, one line for people. Importing the same file again is a clean first import
(a batch is known by its format and checksum).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.errors import ImportConnectionLost, UserFacingError, committed_after_loss, connection_lost
from gonggu.core.uploads import file_sha256, stored_name, upload_save
from gonggu.core.uploads import stored_path as kept_file

from .columns import ColumnSpec, HeaderMatch
from .models import IntakeBatch, IntakeIssue
from .readers import Sheet, read_sheet

Progress = Callable[[int, int], None]
log = logging.getLogger("gonggu.import")
MAX_ISSUES_SHOWN = 50


@dataclass
class Problem:
    """One thing wrong with one row: which cell, why, and what it held (masked for identity numbers)."""

    row: int
    column: str
    reason: str
    value: str = ""
    key: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}" if self.column else f"第 {self.row} 行：{self.reason}"


@dataclass
class StagedRow:
    number: int                 # the row's number in the file (1-based, as the spreadsheet shows it)
    values: dict[str, object]   # typed values by canonical column name
    # What the format's checks attach: the matched person, household, region …
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Staged:
    """The rows of one file after their cells are parsed: the valid ones and every problem found."""

    rows: list[StagedRow]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    read: int = 0

    def reject(self, row: StagedRow, column: str, reason: str, value: str = "") -> None:
        self.problems.append(Problem(row.number, column, reason, value))
        row.extra["_rejected"] = True

    def warn(self, row: StagedRow, column: str, reason: str, value: str = "") -> None:
        self.warnings.append(Problem(row.number, column, reason, value))

    def settle(self) -> None:
        """Drop the rows a check rejected (checks mark rows; removing them once keeps each check simple)."""
        self.rows = [r for r in self.rows if not r.extra.get("_rejected")]

    @property
    def rejected_count(self) -> int:
        return len({p.row for p in self.problems})


@dataclass
class Written:
    """What a format's writer did with the valid rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    report: dict = field(default_factory=dict)


@dataclass
class IntakeContext:
    user: object
    as_of: dt.date | None
    region_code: str
    file_label: str
    batch: IntakeBatch | None = None
    options: dict = field(default_factory=dict)
    # What a format's checks carry from one chunk of rows to the next (keys already seen …).
    state: dict = field(default_factory=dict)

    @property
    def scope_prefix(self) -> str | None:
        """The importing user's region prefix (None: system-wide, e.g. the command line without a user)."""
        user = self.user
        if user is None or getattr(user, "is_superuser", False):
            return None
        return getattr(user, "scope_prefix", None)


@dataclass
class IntakeResult:
    """The one result shape of every import (cli.md: `--format json`)."""

    format: IntakeFormat
    file_label: str
    batch: IntakeBatch | None = None
    rows: int = 0
    accepted: int = 0
    written: Written = field(default_factory=Written)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    duplicate_of: IntakeBatch | None = None
    dry_run: bool = False
    layout: str = ""
    # The export recognised from the headers (国家防返贫监测信息系统 …), or empty: the format's own columns.
    recognised: str = ""

    @property
    def recognised_format(self) -> str:
        return self.recognised or f"{self.format.title}（本系统格式）"

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.rejected})

    def as_json(self) -> dict:
        w = self.written
        data = {
            "batch": self.batch.pk if self.batch else None,
            "format": self.format.key,
            "file": self.file_label,
            "rows": self.rows,
            "accepted": self.accepted,
            "created": w.created,
            "updated": w.updated,
            "unchanged": w.unchanged,
            "unmatched": w.unmatched,
            "rejected": [p.as_dict() for p in self.rejected],
            "rejected_rows": self.rejected_rows,
            "warnings": [p.as_dict() for p in self.warnings],
            "unknown_columns": self.unknown_columns,
            "duplicate_of": self.duplicate_of.pk if self.duplicate_of else None,
            "dry_run": self.dry_run,
            "layout": self.layout,
            "recognised_format": self.recognised_format,
        }
        data.update(self.format.json_extras(self))
        return data

    def summary(self) -> str:
        if self.duplicate_of is not None:
            d = self.duplicate_of
            return (f"{self.file_label}：与第 {d.pk} 批（{d.file_name}，{timezone.localtime(d.created_at):%Y-%m-%d} 导入）"
                    "内容完全相同，未重复导入。")
        w = self.written
        head = "校验完成（未写入任何数据）" if self.dry_run else "导入完成"
        text = (f"{self.format.title} {self.file_label}：{head}（识别为{self.recognised_format}）。读取 {self.rows} 行，"
                f"{'可导入' if self.dry_run else '导入'} {self.accepted} 行（新增 {w.created}，更新 {w.updated}，"
                f"未变 {w.unchanged}），拒收 {self.rejected_rows} 行")
        if w.unmatched:
            text += f"，其中 {w.unmatched} 行的身份证号不在农户台账中（已保存，台账更新后自动匹配）"
        text += "。"
        if self.warnings:
            text += f"提示 {len(self.warnings)} 条。"
        if self.unknown_columns:
            text += f"未识别的列已忽略：{'、'.join(self.unknown_columns)}。"
        lines = [text]
        for p in self.rejected[:MAX_ISSUES_SHOWN]:
            lines.append(f"  {p}")
        if len(self.rejected) > MAX_ISSUES_SHOWN:
            lines.append(f"  ……另有 {len(self.rejected) - MAX_ISSUES_SHOWN} 条，见 --format json、网页报告或退回表")
        return "\n".join(lines)


class IntakeFormat:
    """One interchange format. Subclasses set the class attributes and write `promote` (and `validate`)."""

    key: str = ""
    title: str = ""            # the list's name shown to people (低保特困等救助名单 …)
    group: str = ""            # where it belongs on the import page (部门数据, 台账, 监测历史 …)
    spec: ColumnSpec
    # The Perm that allows importing it (core.access.Perm value).
    perm: str = ""
    needs_as_of: bool = False  # the upload asks for the data's as-of date (department lists)
    # False for formats whose file may be imported again on purpose (the registry: re-importing updates in
    # place); otherwise the same file twice is a duplicate.
    refuse_duplicates: bool = True
    description: str = ""
    # Rows read, staged, checked and written this many at a time, so memory stays bounded on a file of any
    # size (a format whose checks carry what they need from chunk to chunk in `ctx.state`). None: the whole
    # file is one chunk, for formats whose checks compare every row with all others or whose writer
    # replaces a set; their checks all run before the batch's transaction opens.
    chunk_rows: int | None = None

    # --- who may ---------------------------------------------------------------------------------------

    def allowed(self, user) -> bool:
        if user is None:
            return True
        return bool(self.perm) and user.has_perm_code(self.perm)

    def may_read(self, user) -> bool:
        """Who may read the format's description and blank template (those who fill it in, not only importers)."""
        return self.allowed(user)

    def check_allowed(self, user) -> None:
        if not self.allowed(user):
            raise UserFacingError(f"你没有导入{self.title}的权限。")

    # --- the steps a format supplies ----------------------------------------------------------------------

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        """Checks over the whole set (reject or warn rows through `staged`); the default has none."""

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        """Write the valid rows (inside the batch's transaction); set-based, never a query per row."""
        raise NotImplementedError

    def json_extras(self, result: IntakeResult) -> dict:
        """Keys of the format's own command-line contract (cli.md), added to the common ones."""
        return {}

    def region_for(self, ctx: IntakeContext, rows: list[StagedRow]) -> str:
        return ctx.region_code

    def key_of(self, values: dict) -> str:
        """The row's key shown with its issues (户编号 …)."""
        return ""

    def detail_url(self, batch: IntakeBatch) -> str:
        """Where the imported rows can be seen (the ledger's list …); empty: the batch page only."""
        return ""

    # --- the pipeline --------------------------------------------------------------------------------------

    def read(self, path: Path, ctx: IntakeContext) -> Sheet:
        """The sheet with its header found; its rows are read as the pipeline consumes them."""
        return read_sheet(path, file_label=ctx.file_label, spec=self.spec, sheet=ctx.options.get("sheet"),
                          stream=True)

    def view(self, sheet: Sheet, ctx: IntakeContext):
        """The spec, header and row adapter the file is read through, decided once from its header: the format's
        own, or another system's export (its own headers and values) read through its dialect of the spec."""
        if "_view" not in ctx.state:
            spec, header, extend = self.spec, sheet.header, None
            dialect = self.spec.recognise(sheet.header, file_label=ctx.file_label)
            if dialect is not None:
                spec = dialect.spec_for(self.spec)
                header, extend = dialect.adapt(sheet.header)
                ctx.options["dialect"] = dialect
            ctx.state["_view"] = (spec, header, extend)
        return ctx.state["_view"]

    def check_header(self, sheet: Sheet, ctx: IntakeContext) -> HeaderMatch:
        """The header against the format's columns: a wrong file is refused before its body is read."""
        spec, header, _extend = self.view(sheet, ctx)
        return spec.match_headers(header, file_label=ctx.file_label)

    def stage(self, sheet: Sheet, ctx: IntakeContext) -> tuple[Staged, list[str]]:
        """Parse the cells of `sheet.rows` (one chunk of the file, a list)."""
        spec, header, extend = self.view(sheet, ctx)
        match = spec.match_headers(header, file_label=ctx.file_label)
        if not sheet.rows:
            raise UserFacingError(f"文件 {ctx.file_label} 只有表头，没有数据行，未导入。")
        today = timezone.localdate()
        staged = Staged(rows=[], read=len(sheet.rows))
        parse_row = spec.parse_row
        memo = ctx.state.setdefault("_parse_memo", {})
        if len(memo) > 100_000:
            memo.clear()  # distinct cells of repeating columns: a few hundred in a real list
        for number, cells in sheet.rows:
            if extend is not None:
                cells = extend(cells)
            values, problems = parse_row(cells, match.positions, today=today, memo=memo)
            if problems:
                key = self.key_of(values)
                staged.problems.extend(Problem(number, col, reason, value, key) for col, reason, value in problems)
                continue
            staged.rows.append(StagedRow(number, values))
        return staged, match.unknown

    def checked_chunks(self, sheet: Sheet, ctx: IntakeContext, result: IntakeResult,
                       tick: Progress) -> Iterator[Staged]:
        """Stage and check the rows chunk by chunk, adding each chunk's counts and problems to `result`."""
        size = self.chunk_rows
        for chunk in _chunked(sheet.rows, size):
            staged, _unknown = self.stage(replace(sheet, rows=chunk), ctx)
            del chunk
            self.validate(ctx, staged)
            staged.settle()
            staged.problems.sort(key=lambda p: p.row)
            result.rows += staged.read
            result.accepted += len(staged.rows)
            result.rejected.extend(staged.problems)
            result.warnings.extend(staged.warnings)
            # Checked is half the work of a whole-set format; a chunked one knows only that more may follow.
            tick(result.rows if size else result.rows // 2, result.rows + (size or 0))
            yield staged

    def run(self, *, path: Path, ctx: IntakeContext, dry_run: bool, progress: Progress | None,
            stored_path: str | None, batch: IntakeBatch | None) -> IntakeResult:
        """Read, stage, validate and (unless a dry run) promote one file, chunk by chunk."""
        tick = progress or (lambda done, total: None)
        sheet = self.read(path, ctx)
        unknown = self.check_header(sheet, ctx).unknown
        dialect = ctx.options.get("dialect")
        result = IntakeResult(format=self, file_label=ctx.file_label, unknown_columns=unknown, dry_run=dry_run,
                              layout=sheet.layout, recognised=dialect.title if dialect is not None else "")
        chunks = self.checked_chunks(sheet, ctx, result, tick)
        if dry_run or self.chunk_rows is None:
            chunks = list(chunks)  # a dry run writes nothing; a whole-set format is checked before writing
        if dry_run:
            return result
        # `sheet`: the worksheet the user asked for (read again for the 退回表); `sheet_name`: the one read.
        layout = {"text": result.layout, "sheet": ctx.options.get("sheet") or "", "sheet_name": sheet.sheet_name,
                  "header_row": sheet.header_row, "header": [h or "" for h in sheet.header],
                  "recognised": result.recognised_format}
        try:
            result.batch, result.written = _promote(self, ctx, chunks, result, layout=layout, path=path,
                                                    stored_path=stored_path, batch=batch)
        except DuplicateFile as dup:
            return IntakeResult(format=self, file_label=ctx.file_label, rows=dup.batch.rows,
                                duplicate_of=dup.batch)
        tick(result.rows, result.rows)
        return result


def _chunked(rows: Iterable, size: int | None) -> Iterator[list]:
    """Lists of `size` rows (all rows when None); at least one list, empty for a file with only a header."""
    if size is None:
        yield list(rows)
        return
    rows = iter(rows)
    chunk = list(islice(rows, size))
    yield chunk
    while chunk:
        chunk = list(islice(rows, size))
        if chunk:
            yield chunk


# --- registry of formats -----------------------------------------------------------------------------------

FORMATS: dict[str, IntakeFormat] = {}


def register_format(fmt: IntakeFormat) -> IntakeFormat:
    if not fmt.key or fmt.key in FORMATS and FORMATS[fmt.key] is not fmt:
        raise ValueError(f"intake format {fmt.key!r} registered twice or without a key")
    FORMATS[fmt.key] = fmt
    return fmt


def format_get(key: str) -> IntakeFormat:
    fmt = FORMATS.get((key or "").strip())
    if fmt is None:
        raise UserFacingError(f"未知的数据格式「{key}」。")
    return fmt


def formats_for_user(user) -> list[IntakeFormat]:
    return [f for f in FORMATS.values() if f.allowed(user)]


# --- writing ---------------------------------------------------------------------------------------------


def _issue_rows(batch: IntakeBatch, problems: Iterable[Problem], kind: str) -> list[IntakeIssue]:
    return [IntakeIssue(batch=batch, kind=kind, row=p.row, column=p.column[:60], reason=p.reason[:300],
                        value=p.value[:100], key=p.key[:60]) for p in problems]


def _keep_file(path: Path, file_label: str, kind: str) -> str:
    """Keep a copy of a file imported from the command line; its name relative to the data directory."""
    with path.open("rb") as f:
        stored, _sha = upload_save(File(f, name=file_label), kind=kind)
    return stored_name(stored)


def _promote(fmt: IntakeFormat, ctx: IntakeContext, chunks: Iterable[Staged], result: IntakeResult, *,
             layout: dict, path: Path, stored_path: str | None,
             batch: IntakeBatch | None) -> tuple[IntakeBatch, Written]:
    """Write the checked chunks in one transaction with the batch, its issues and the audit row.

    A chunked format's rows are still being read and checked here: an error in the middle of the file rolls
    back every chunk already written, so an import is whole or nothing.
    """
    checksum = ctx.options["checksum"]
    kept = stored_path or _keep_file(path, ctx.file_label, fmt.key.split(".")[0])
    committing = False
    try:
        with transaction.atomic():
            now = timezone.now()
            if batch is None:
                batch = IntakeBatch(format=fmt.key, file_name=ctx.file_label[:255], stored_path=kept,
                                    checksum=checksum, as_of=ctx.as_of, created_by=ctx.user, updated_by=ctx.user)
            ctx.batch = batch
            batch.status = IntakeBatch.Status.APPLYING
            batch.region_code = ctx.region_code or ""
            batch.save()
            written, rows = Written(), []
            for staged in chunks:
                rows = staged.rows
                _add(written, fmt.promote(ctx, rows))
                IntakeIssue.objects.bulk_create(_issue_rows(batch, staged.problems, IntakeIssue.Kind.REJECTED),
                                                batch_size=2000)
                IntakeIssue.objects.bulk_create(_issue_rows(batch, staged.warnings, IntakeIssue.Kind.WARNING),
                                                batch_size=2000)
            batch.region_code = fmt.region_for(ctx, rows) or batch.region_code
            batch.status = IntakeBatch.Status.APPLIED
            batch.validated_at = batch.validated_at or now
            batch.applied_at = now
            batch.rows, batch.accepted = result.rows, result.accepted
            batch.rejected_rows, batch.warning_count = result.rejected_rows, len(result.warnings)
            batch.created, batch.updated = written.created, written.updated
            batch.unchanged, batch.unmatched = written.unchanged, written.unmatched
            batch.unknown_columns, batch.layout = result.unknown_columns, layout
            batch.report = {**batch.report, **written.report}
            result.written = written
            batch.message = result.summary().splitlines()[0][:2000]
            batch.updated_by = ctx.user
            batch.save()
            audit_log(user=ctx.user, action="import", object_type="intake_batch", object_id=batch.pk,
                      region_code=batch.region_code,
                      summary=(f"导入{fmt.title} {ctx.file_label}：{result.rows} 行，导入 {result.accepted}，"
                               f"拒收 {result.rejected_rows}")[:300],
                      detail={"format": fmt.key, "checksum": checksum,
                              "as_of": ctx.as_of.isoformat() if ctx.as_of else None})
            committing = True
    except IntegrityError:
        # The same file imported at the same moment by someone else (formats whose files count once).
        existing = applied_batch_of(fmt, checksum)
        if existing is None:
            raise
        if not stored_path:
            kept_file(kept).unlink(missing_ok=True)
        raise DuplicateFile(existing) from None
    except Exception as exc:
        error = _lost_error(exc, ctx.file_label, fmt=fmt, checksum=checksum, committing=committing,
                            batch_pk=batch.pk if batch is not None else None)
        if error is _COMMITTED:
            batch = IntakeBatch.objects.get(pk=batch.pk)
            return batch, Written(created=batch.created, updated=batch.updated, unchanged=batch.unchanged,
                                  unmatched=batch.unmatched, report=batch.report)
        if not stored_path and not (error is not None and error.maybe_committed):
            kept_file(kept).unlink(missing_ok=True)  # the copy kept for a batch that does not exist
        if error is None:
            raise
        raise error from None
    return batch, written


def _add(total: Written, part: Written) -> None:
    total.created += part.created
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.unmatched += part.unmatched
    total.report.update(part.report)


class DuplicateFile(Exception):
    """Raised inside the pipeline when another import of the same file committed first."""

    def __init__(self, batch: IntakeBatch):
        super().__init__(batch.pk)
        self.batch = batch


# Returned by `_lost_error` when the connection dropped while committing but the commit went through.
_COMMITTED = object()


def _lost_error(exc: BaseException, label: str, *, fmt: IntakeFormat, checksum: str, committing: bool,
                batch_pk: int | None = None):
    """The ImportConnectionLost to raise when `exc` is a dropped database connection, else None.

    A drop before the commit leaves nothing (the server rolls back); one while `committing` may have lost only
    the acknowledgement, so the database is asked on a new connection whether this very batch was applied
    (by its id: an earlier import of the same file says nothing about this one). PostgreSQL never hands out
    an id twice, even from a rolled-back transaction.
    """
    reason = connection_lost(exc)
    if reason is None:
        return None
    state = False
    if committing and batch_pk is not None:
        state = committed_after_loss(lambda: IntakeBatch.objects.filter(
            pk=batch_pk, checksum=checksum, status=IntakeBatch.Status.APPLIED).exists())
    if state:
        log.warning("import of %s (%s): connection lost after the commit went through: %s", label, fmt.key, reason)
        return _COMMITTED
    log.warning("import of %s (%s): database connection lost: %s", label, fmt.key, reason)
    return ImportConnectionLost(reason, maybe_committed=state is None)


# --- entry points ------------------------------------------------------------------------------------------


def applied_batch_of(fmt: IntakeFormat, checksum: str, *, exclude: int | None = None) -> IntakeBatch | None:
    qs = IntakeBatch.objects.filter(format=fmt.key, checksum=checksum, status=IntakeBatch.Status.APPLIED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("id").first()


def intake_run(
    format_key: str | IntakeFormat,
    *,
    path: str | Path,
    file_label: str | None = None,
    user=None,
    as_of: dt.date | None = None,
    region_code: str | None = None,
    stored_path: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch: IntakeBatch | None = None,
    **options,
) -> IntakeResult:
    """Import one file of one format: the command line, the upload page's job and the demo all call this."""
    fmt = format_key if isinstance(format_key, IntakeFormat) else format_get(format_key)
    fmt.check_allowed(user)
    path = Path(path)
    label = file_label or path.name
    if not path.exists():
        raise UserFacingError(f"文件 {label} 不存在。")
    today = timezone.localdate()
    if as_of is not None and as_of > today:
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天。")
    if as_of is None and fmt.needs_as_of:
        as_of = today
    checksum = file_sha256(path)
    try:
        existing = (applied_batch_of(fmt, checksum, exclude=batch.pk if batch else None)
                    if fmt.refuse_duplicates else None)
    except Exception as exc:
        error = _lost_error(exc, label, fmt=fmt, checksum=checksum, committing=False)
        if error is None:
            raise
        raise error from None
    if existing is not None:
        return IntakeResult(format=fmt, file_label=label, rows=existing.rows, duplicate_of=existing, dry_run=dry_run)
    if region_code is None:
        region_code = user.region.code if user is not None and getattr(user, "region", None) is not None else ""
    ctx = IntakeContext(user=user, as_of=as_of, region_code=region_code, file_label=label, batch=batch,
                        options={**options, "checksum": checksum})
    try:
        return fmt.run(path=path, ctx=ctx, dry_run=dry_run, progress=progress, stored_path=stored_path,
                       batch=batch)
    except MemoryError:
        # The transaction is rolled back by then; people get the reason, not a Python exception name.
        log.warning("import of %s (%s): out of memory", label, fmt.key)
        raise UserFacingError(f"文件 {label} 太大，服务器内存不足，未导入任何数据：请按乡镇拆分后分别导入。") from None


def intake_upload(*, format_key: str, user, uploaded, as_of: dt.date | None = None, sheet: str = "") -> IntakeBatch:
    """Keep an uploaded file as a pending batch of the user's region; its job then runs the pipeline."""
    fmt = format_get(format_key)
    fmt.check_allowed(user)
    if as_of is not None and as_of > timezone.localdate():
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天。")
    path, sha = upload_save(uploaded, kind=fmt.key.split(".")[0])
    region = user.region.code if getattr(user, "region", None) is not None else ""
    return IntakeBatch.objects.create(
        format=fmt.key, file_name=Path(uploaded.name).name[:255], stored_path=stored_name(path), checksum=sha,
        as_of=as_of,
        region_code=region, created_by=user, updated_by=user, layout={"sheet": sheet} if sheet else {})


def intake_batch_process(*, batch_id: int, user, progress: Progress | None = None) -> IntakeResult:
    """The upload's job: run the pipeline on the kept file. A duplicate removes the pending batch and its copy."""
    batch = IntakeBatch.objects.get(pk=batch_id)
    fmt = format_get(batch.format)
    try:
        result = intake_run(fmt, path=kept_file(batch.stored_path), file_label=batch.file_name, user=user,
                            as_of=batch.as_of,
                            region_code=batch.region_code, stored_path=batch.stored_path, progress=progress,
                            batch=batch, sheet=batch.layout.get("sheet") or None)
    except UserFacingError as exc:
        # Nothing was imported: the upload is the original of no batch, so neither it nor the pending batch
        # is kept (the job keeps the reason). Unless the connection dropped while committing and the database
        # could not be asked: then it may be an original.
        if not (isinstance(exc, ImportConnectionLost) and exc.maybe_committed):
            _forget_if_reachable(batch)
        raise
    if result.duplicate_of is not None:
        kept_file(batch.stored_path).unlink(missing_ok=True)
        batch.delete()
    return result


def _forget_if_reachable(batch: IntakeBatch) -> None:
    try:
        IntakeBatch.objects.filter(pk=batch.pk, status=IntakeBatch.Status.PENDING).delete()
    except Exception as exc:
        if connection_lost(exc) is None:
            raise
        return
    kept_file(batch.stored_path).unlink(missing_ok=True)
