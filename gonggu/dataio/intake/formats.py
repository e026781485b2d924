"""A format of the pipeline (`IntakeFormat`: read, check the header, stage, validate, promote, chunk by chunk) and the registry of formats."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path

from django.utils import timezone

from gonggu.core.errors import UserFacingError

from ..columns import ColumnSpec, HeaderMatch
from ..models import IntakeBatch
from ..readers import Sheet, read_sheet
from .results import (
    IntakeContext,
    IntakeResult,
    Problem,
    Progress,
    Staged,
    StagedRow,
    Written,
)
from .writing import DuplicateFile, _promote


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
