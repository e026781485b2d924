"""Importing the registry (formats.md `registry`): validate a file, report, then apply it as one batch.

    read (importing_read) → validate and plan in DuckDB (importing_stage) → write in bulk (importing_db)

The registry is the format `registry` of the intake pipeline (`intake_formats.py`): its batches are intake
batches (`RegistryBatch`, a proxy), its rejected rows and warnings intake issues (so the pipeline's pages list
them and offer the 退回表), and its result the pipeline's (`RegistryResult`, with the registry's counts). It
keeps its own staging, so the format overrides `run` (`registry_run`).

The web flow validates first (`registry_batch_validate`: nothing is written but the batch and its report)
and applies on confirmation (`registry_batch_apply`: the file is validated again against the registry as it
is then, and written in one transaction). The command line does both in one go (`registry_import`).

Rows are keyed by (county, 户编号) and 身份证号, so importing a file again updates in place and never
duplicates. Persons on record in the households or villages of the file whom the file no longer lists are
never deleted: they are listed with the batch for someone to decide (`registry_missing_decide`).

Registry rows written by an import do not get simple-history rows (they are written in bulk); the batch —
the stored original file, its checksum, who imported it and when, its issues and the per-household
outcomes — is their audit trail.

A database connection that drops mid-import (PostgreSQL) costs nothing but the run: the server rolls the
transaction back, so no household, person, income or report row of the batch stays, and the error is
`ImportConnectionLost`, one line for people. From the command line the batch row itself is rolled back too
(and the kept copy of the file removed); a web batch, whose row exists from the upload on, is marked failed
with that message and the file is uploaded again. Running the import again gives what a first run gives:
the DuckDB workspace is in memory and closed either way, and the PostgreSQL temporary tables of the bulk
updates die with the transaction or the dropped session.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from gonggu.core.audit import audit_log
from gonggu.core.errors import ImportConnectionLost, UserFacingError, committed_after_loss, connection_lost
from gonggu.core.uploads import stored_name, stored_path, upload_save
from gonggu.dataio.intake import (
    IntakeContext,
    IntakeFormat,
    IntakeResult,
    Problem,
    Written,
    format_get,
    intake_run,
    intake_upload,
)
from gonggu.dataio.models import IntakeBatch, IntakeIssue

from . import importing_db as db
from .choices import PersonStatus
from .importing_read import read_registry_file
from .importing_stage import Counts, Options, Stage
from .models import (
    REGISTRY_FORMAT,
    Household,
    IncomeAccount,
    Person,
    RegistryBatch,
    RegistryBatchHousehold,
    RegistryBatchMissing,
)

Progress = Callable[[int, int], None]
log = logging.getLogger("gonggu.import")
MAX_ISSUES_SHOWN = 50


@dataclass
class RegistryResult(IntakeResult):
    """The pipeline's result of a registry import, with the registry's own figures: `counts` (households and
    persons created, updated, unchanged, moved; income accounts; missing persons), the stage `timings` and
    the earlier applied batch of the same file. `as_json` is the pipeline's, with the registry format's keys
    (cli.md `import_registry`)."""

    counts: Counts = field(default_factory=Counts)
    timings: dict[str, float] = field(default_factory=dict)
    same_file_as: int | None = None

    def summary(self) -> str:
        c = self.counts
        head, verb = ("校验完成（未写入任何数据）", "可导入") if self.dry_run else ("导入完成", "导入")
        lines = [
            f"{self.file_label}：{head}。数据行 {c.rows}，{verb} {c.households} 户 {c.persons} 人；"
            f"新增 {c.households_created} 户 {c.persons_created} 人，更新 {c.households_updated} 户 {c.persons_updated} 人，"
            f"未变 {c.households_unchanged} 户 {c.persons_unchanged} 人。",
            f"拒绝 {c.rejected_rows} 行，提示 {c.warnings} 条，文件中缺少的在册成员 {c.missing} 人（待确认）。",
        ]
        if self.unknown_columns:
            lines.append(f"已忽略不认识的列：{'、'.join(self.unknown_columns)}。")
        for p in self.rejected[:MAX_ISSUES_SHOWN]:
            lines.append(f"  第 {p.row} 行「{p.column}」：{p.reason}")
        if len(self.rejected) > MAX_ISSUES_SHOWN:
            lines.append(f"  ……另有 {len(self.rejected) - MAX_ISSUES_SHOWN} 条，见 --format json、网页报告或退回表")
        return "\n".join(lines)


def registry_json(result: IntakeResult) -> dict:
    """The keys of cli.md's `import_registry` (and the ones it has always given beyond them)."""
    c = getattr(result, "counts", None) or Counts()

    def items(problems: list[Problem]) -> list[dict]:
        return [{"row": p.row, "column": p.column, "reason": p.reason, "household_no": p.key, "id_number": p.value}
                for p in problems]

    return {
        "batch": result.batch.pk if result.batch else None,
        "households": c.households,
        "persons": c.persons,
        "created": c.persons_created,
        "updated": c.persons_updated,
        "rejected": items(result.rejected),
        "unreported_missing": c.missing,
        # Beyond the contract's keys:
        "unchanged": c.persons_unchanged,
        "moved": c.persons_moved,
        "households_created": c.households_created,
        "households_updated": c.households_updated,
        "households_unchanged": c.households_unchanged,
        "income_accounts_created": c.incomes_created,
        "income_accounts_updated": c.incomes_updated,
        "rows": c.rows,
        "rejected_rows": c.rejected_rows,
        "warnings": items(result.warnings),
        "years": c.years,
        "unknown_columns": result.unknown_columns,
        "dry_run": result.dry_run,
        "same_file_as": getattr(result, "same_file_as", None),
        "file": result.file_label,
    }


class _Clock:
    """Wall and CPU seconds of one stage (CPU counts every thread: DuckDB's, the writer's helper)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def record(self, timings: dict, name: str) -> None:
        timings[name] = round(time.perf_counter() - self.wall, 3)
        timings[f"{name}_cpu"] = round(time.process_time() - self.cpu, 3)


class _Steps:
    """Progress in units of data rows, so the command line can show rows per second."""

    SHARE = {"read": 0.1, "validate": 0.35, "plan": 0.55, "write": 1.0}

    def __init__(self, progress: Progress | None, timings: dict[str, float]):
        self.progress = progress
        self.timings = timings
        self.total = 1
        self.last = _Clock()
        self.base = 0.0

    def done(self, stage: str, *, total: int | None = None) -> None:
        self.last.record(self.timings, stage)
        self.last = _Clock()
        if total is not None:
            self.total = max(total, 1)
        self.base = self.SHARE.get(stage, self.base)
        if self.progress:
            self.progress(int(self.total * self.base), self.total)

    def writing(self, fraction: float) -> None:
        if self.progress:
            share = self.SHARE["plan"] + (1 - self.SHARE["plan"]) * min(fraction, 1.0)
            self.progress(int(self.total * share), self.total)


def _stage(path: str | Path, file_label: str | None, *, scope_prefix: str | None, steps: _Steps) -> Stage:
    raw = read_registry_file(path, file_label=file_label)
    steps.done("read", total=raw.rows)
    stage = Stage(raw, Options(scope_prefix=scope_prefix, today=timezone.localdate()))
    try:
        stage.clean()
        stage.normalise_slow_ids()
        stage.lookup_villages()
        stage.reject()
        steps.done("validate")
        stage.load_existing()
        steps.done("load_existing")
        stage.accept()
        stage.plan_households()
        stage.plan_persons()
        stage.warn()
        stage.plan_incomes()
        stage.plan_outcomes()
        stage.plan_missing()
        stage.collect_issues()
        stage.count()
        stage.drop_planning_tables()
        steps.done("plan")
    except BaseException:
        stage.close()
        raise
    return stage


def _problems(stage: Stage, kind: str) -> list[Problem]:
    query = "SELECT row_no, col, reason, id_masked, hh_no FROM issues WHERE kind = ? ORDER BY row_no, col_order, reason"
    return [Problem(row, column, reason, value or "", key or "") for row, column, reason, value, key
            in stage.rows(query, [kind])]


def _region_for(counties: list[str], user) -> str:
    if len(counties) == 1:
        return counties[0].ljust(12, "0")
    region = getattr(user, "region", None)
    return region.code if region is not None else ""


# --- writing -------------------------------------------------------------------------------------------

def _write(stage: Stage, batch: RegistryBatch, *, user, steps: _Steps) -> None:
    """Apply the plan: one transaction (the caller's), set-based statements only."""
    now = db.timestamp_literal(timezone.now())
    uid = "NULL" if user is None else str(int(user.pk))
    stamp = {"created_at": f"'{now}'", "updated_at": f"'{now}'", "created_by_id": uid, "updated_by_id": uid}
    touched = {"updated_at": f"'{now}'", "updated_by_id": uid}
    c = stage.counts
    planned = max(c.households_created + c.households_updated + c.persons_created + c.persons_updated
                  + c.incomes_created + c.incomes_updated, 1)
    written = 0

    def advance(n: int) -> None:
        nonlocal written
        written += n
        steps.writing(written / planned)

    writer = db.BulkWriter(stage.con, progress=advance)
    H, P, inc = Household._meta.db_table, Person._meta.db_table, IncomeAccount._meta.db_table
    t = _Clock()

    # New households get their ids first, so that persons and incomes can refer to them in the same pass.
    ids = db.reserve_ids(H, c.households_created)
    stage.created_households = db.ranges(ids.to_pylist())
    stage.con.register("ids_arrow", pa.table({"n": pa.array(range(1, len(ids) + 1), pa.int64()), "id": ids}))
    stage.sql("""
        UPDATE hp SET hh_id = x.id FROM (
            SELECT k.hh_key, i.id FROM (SELECT hh_key, row_number() OVER (ORDER BY county, hh_no) AS n
                                        FROM hp WHERE is_new) k JOIN ids_arrow i USING (n)
        ) x WHERE hp.hh_key = x.hh_key
    """)
    stage.con.unregister("ids_arrow")
    writer.insert(H, ["id", "household_no", "county_code", "village_id", "region_code", "household_type",
                      "monitoring_type", "relocated", "head_name"],
                  "SELECT hh_id, hh_no, county, village_id, region_code, household_type, monitoring_type, relocated, "
                  "head_name FROM hp WHERE is_new ORDER BY hh_id", constants=stamp, rows=c.households_created)
    writer.update(H, ["village_id", "region_code", "household_type", "monitoring_type", "relocated", "head_name"],
                  "SELECT village_id, region_code, household_type, monitoring_type, relocated, head_name, hh_id "
                  "FROM hp WHERE changed", constants=touched)
    t.record(stage.timings, "write_households")
    t = _Clock()

    # Ordered by identity number: the unique index on it then grows at its end instead of all over.
    writer.insert(P, ["household_id", "region_code", "id_number", "name", "relation", "gender", "birth_date",
                      "labour_ability", "health", "disability_grade", "school_status", "work_months", "work_place",
                      "medical_insured"],
                  "SELECT h.hh_id, pp.region_code, id_number, name, relation, gender, birth_date, labour_ability, "
                  "health, disability_grade, school_status, work_months, work_place, medical_insured "
                  "FROM pp JOIN hp h USING (hh_key) WHERE pp.is_new ORDER BY id_number",
                  constants={"status": f"'{PersonStatus.ACTIVE}'", **stamp}, rows=c.persons_created)
    writer.update(P, ["household_id", "region_code", "name", "relation", "labour_ability", "health",
                      "disability_grade", "school_status", "work_months", "work_place", "medical_insured"],
                  "SELECT h.hh_id, pp.region_code, name, relation, labour_ability, health, disability_grade, "
                  "school_status, work_months, work_place, medical_insured, person_id "
                  "FROM pp JOIN hp h USING (hh_key) WHERE pp.changed", constants=touched)
    t.record(stage.timings, "write_persons")
    t = _Clock()

    money = ", ".join(f"money(ip.{a}_c)" for a in ("wage", "business", "property", "transfer", "expense"))
    amounts = ["wage", "business", "property", "transfer", "business_expense", "household_size", "net_income",
               "per_capita"]
    writer.insert(inc, ["household_id", "year", *amounts],
                  f"SELECT h.hh_id, ip.year, {money}, ip.household_size, money(ip.net_c), money(ip.pc_c) "
                  f"FROM ip JOIN hp h USING (hh_key) WHERE ip.is_new ORDER BY h.hh_id", constants=stamp,
                  rows=c.incomes_created)
    writer.update(inc, amounts,
                  f"SELECT {money}, household_size, money(net_c), money(pc_c), income_id FROM ip WHERE changed",
                  constants=touched)
    t.record(stage.timings, "write_incomes")
    t = _Clock()
    _write_report(stage, batch, writer)
    t.record(stage.timings, "write_report")


def _write_report(stage: Stage, batch: RegistryBatch, writer: db.BulkWriter | None = None) -> None:
    """The batch's issues, per-household outcomes and missing persons (replacing those of an earlier run)."""
    IntakeIssue.objects.filter(batch=batch).delete()
    RegistryBatchMissing.objects.filter(batch=batch).delete()
    RegistryBatchHousehold.objects.filter(batch=batch).delete()
    writer = writer or db.BulkWriter(stage.con)
    # Rejected rows and warnings are the batch's intake issues: 户编号 is their key, the masked number the value.
    writer.insert(IntakeIssue._meta.db_table,
                  ["kind", '"row"', '"column"', "reason", '"key"', '"value"'],
                  "SELECT kind, row_no, left(col, 60), left(reason, 300), left(coalesce(hh_no, ''), 60), "
                  "left(coalesce(id_masked, ''), 100) FROM issues ORDER BY kind, row_no, col_order",
                  constants={"batch_id": str(batch.pk)})
    writer.insert(RegistryBatchMissing._meta.db_table,
                  ["person_id", "household_no", "region_code", "household_absent"],
                  "SELECT person_id, household_no, region_code, household_absent FROM missing "
                  "ORDER BY region_code, household_no, person_id", constants={"batch_id": str(batch.pk), "decision": "''"})
    if batch.status in (RegistryBatch.Status.APPLYING, RegistryBatch.Status.APPLIED):
        writer.insert(RegistryBatchHousehold._meta.db_table,
                      ["household_id", "region_code", "outcome", "persons_created", "persons_updated", "income_changed"],
                      "SELECT h.hh_id, o.region_code, o.outcome, o.persons_created, o.persons_updated, o.income_changed "
                      "FROM outcomes o JOIN hp h USING (hh_key) WHERE o.outcome = 'updated' "
                      "ORDER BY o.region_code, o.hh_no",
                      constants={"batch_id": str(batch.pk)}, rows=stage.counts.households_updated)


def _fill_batch(batch: RegistryBatch, stage: Stage) -> None:
    """The batch's counts: persons in the intake batch's own fields, the registry's other figures in its report."""
    c = stage.counts
    batch.rows, batch.accepted = c.rows, c.persons
    batch.created, batch.updated, batch.unchanged = c.persons_created, c.persons_updated, c.persons_unchanged
    batch.rejected_rows, batch.warning_count = c.rejected_rows, c.warnings
    batch.unknown_columns = list(stage.raw.unknown)
    batch.layout = {"header_row": stage.raw.header_row, "encoding": stage.raw.encoding}
    batch.report = {
        "households": c.households,
        "households_created": c.households_created,
        "households_updated": c.households_updated,
        "households_unchanged": c.households_unchanged,
        "years": c.years,
        "missing_count": c.missing,
        # The households the batch created, as runs of ids (their ids were reserved before the insert).
        "created_households": getattr(stage, "created_households", []),
        "counts": asdict(c),
        "timings": stage.timings,
    }


# --- services --------------------------------------------------------------------------------------------

def _same_file(sha: str, exclude: int | None = None) -> int | None:
    earlier = RegistryBatch.objects.filter(checksum=sha, status=RegistryBatch.Status.APPLIED)
    if exclude:
        earlier = earlier.exclude(pk=exclude)
    return earlier.order_by("-pk").values_list("pk", flat=True).first()


def registry_import(*, path: str | Path, file_label: str | None = None, user=None, dry_run: bool = False,
                    progress: Progress | None = None) -> RegistryResult:
    """Validate and (unless `dry_run`) apply a registry file in one go: the command line's service.

    It runs the intake pipeline (`intake_run`) with the registry format, whose `run` is `registry_run`.
    A problem with the file as a whole raises UserFacingError and writes nothing; rejected rows are
    reported and the rest imported.
    """
    path = Path(path)
    label = file_label or path.name
    if not path.is_file():
        raise UserFacingError(f"文件 {label} 不存在或不是文件。")
    return intake_run(format_get(REGISTRY_FORMAT), path=path, file_label=label, user=user, dry_run=dry_run,
                      progress=progress)


def registry_run(fmt: IntakeFormat, *, path: Path, ctx: IntakeContext, dry_run: bool, progress: Progress | None,
                 stored_path: str | None, batch: IntakeBatch | None) -> RegistryResult:
    """The registry format's `run`: read, validate and plan in DuckDB, write set-based.

    Without a batch (the command line), the file is validated and, unless `dry_run`, applied as a new batch.
    With a pending batch (an upload on the pipeline's page), the batch is validated only: the registry is
    written when someone confirms it on the registry's import page (`registry_batch_apply`).
    """
    user, label = ctx.user, ctx.file_label
    if batch is not None:
        return _validate(RegistryBatch.objects.get(pk=batch.pk), user=user, progress=progress, fmt=fmt)
    scope = user.scope_prefix if user is not None else None
    timings: dict[str, float] = {}
    steps = _Steps(progress, timings)
    if dry_run:
        try:
            stage = _stage(path, label, scope_prefix=scope, steps=steps)
            try:
                return _result(fmt, stage, None, label, dry_run=True, timings=timings,
                               same_file_as=_same_file(ctx.options["checksum"]))
            finally:
                stage.close()
        except Exception as exc:
            error = _lost_error(exc, label)
            if error is None:
                raise
            raise error from None
    if stored_path:
        stored, sha = path, ctx.options["checksum"]   # already kept (stored_path is its name in the data dir)
    else:
        with path.open("rb") as f:
            stored, sha = upload_save(File(f, name=label), kind="registry")
    new = None
    committing = False
    try:
        with db.bulk_transaction():
            stage = _stage(stored, label, scope_prefix=scope, steps=steps)
            try:
                new = RegistryBatch.objects.create(
                    file_name=label[:255], checksum=sha, stored_path=stored_name(stored),
                    region_code=_region_for(stage.counts.counties, user),
                    status=RegistryBatch.Status.APPLYING, created_by=user, updated_by=user,
                    validated_at=timezone.now())
                same = _same_file(sha, exclude=new.pk)
                _write(stage, new, user=user, steps=steps)
                steps.done("write")
                _finish(new, stage, user=user)
                result = _result(fmt, stage, new, label, dry_run=False, timings=timings, same_file_as=same)
            finally:
                stage.close()
            committing = True
    except UserFacingError:
        if not stored_path:
            stored.unlink(missing_ok=True)
        raise
    except Exception as exc:
        error = _lost_error(exc, label, committing=new.pk if committing else None)
        if error is None:
            if not stored_path:
                stored.unlink(missing_ok=True)
            raise
        if error is _COMMITTED:
            return result
        if not error.maybe_committed and not stored_path:
            stored.unlink(missing_ok=True)  # no batch refers to the kept copy
        raise error from None
    return result


# Returned by `_lost_error` when the connection dropped while committing but the commit went through.
_COMMITTED = object()


def _lost_error(exc: BaseException, label: str, *, committing: int | None = None):
    """The ImportConnectionLost to raise for `exc` when it is a dropped database connection, else None.

    `committing` is the batch whose transaction was being committed when the connection dropped. A drop before
    the commit leaves nothing (the server rolls back); one during it may have lost only the acknowledgement,
    so the database is asked on a new connection (`_COMMITTED` when the batch was applied after all).
    """
    reason = connection_lost(exc)
    if reason is None:
        return None
    state = False
    if committing is not None:
        state = committed_after_loss(
            lambda: RegistryBatch.objects.filter(pk=committing, status=RegistryBatch.Status.APPLIED).exists())
    if state:
        log.warning("registry import of %s: connection lost after the commit went through: %s", label, reason)
        return _COMMITTED
    log.warning("registry import of %s: database connection lost: %s", label, reason)
    return ImportConnectionLost(reason, maybe_committed=state is None)


def _finish(batch: RegistryBatch, stage: Stage, *, user, request=None) -> None:
    _fill_batch(batch, stage)
    c = stage.counts
    batch.status = RegistryBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.updated_by = user
    batch.message = (f"导入 {c.households} 户 {c.persons} 人：新增 {c.households_created} 户 {c.persons_created} 人，"
                     f"更新 {c.households_updated} 户 {c.persons_updated} 人，拒绝 {c.rejected_rows} 行。")
    batch.save()
    audit_log(user=user, request=request, action="import", object_type="intake_batch", object_id=batch.pk,
              region_code=batch.region_code,
              summary=f"导入农户台账 {batch.file_name}：{c.households} 户 {c.persons} 人，新增 {c.persons_created} 人，"
                      f"更新 {c.persons_updated} 人，拒绝 {c.rejected_rows} 行",
              detail={"format": REGISTRY_FORMAT, "checksum": batch.checksum, "years": c.years,
                      "rejected_rows": c.rejected_rows, "missing": c.missing})


def _result(fmt: IntakeFormat, stage: Stage, batch: RegistryBatch | None, label: str, *, dry_run: bool,
            timings: dict, same_file_as: int | None) -> RegistryResult:
    timings.update(stage.timings)
    c = stage.counts
    return RegistryResult(
        format=fmt, file_label=label, batch=batch, rows=c.rows, accepted=c.persons,
        written=Written(created=c.persons_created, updated=c.persons_updated, unchanged=c.persons_unchanged),
        rejected=_problems(stage, "rejected"), warnings=_problems(stage, "warning"),
        unknown_columns=list(stage.raw.unknown), dry_run=dry_run, counts=c, timings=timings,
        same_file_as=same_file_as)


def registry_batch_upload(*, uploaded, user) -> RegistryBatch:
    """Keep the uploaded original as a pending batch of the pipeline; validation runs as a background job."""
    batch = intake_upload(format_key=REGISTRY_FORMAT, user=user, uploaded=uploaded)
    return RegistryBatch.objects.get(pk=batch.pk)


def _fail(batch_id: int, message: str) -> None:
    RegistryBatch.objects.filter(pk=batch_id).update(status=RegistryBatch.Status.FAILED, message=message,
                                                     updated_at=timezone.now())


def _fail_if_reachable(batch_id: int, message: str, *, status: str) -> None:
    """After a dropped connection: mark the batch failed if it is still in `status` (a batch whose commit went
    through is left as it is) — when the database can be reached again; if not, the error says it all."""
    try:
        RegistryBatch.objects.filter(pk=batch_id, status=status).update(
            status=RegistryBatch.Status.FAILED, message=message, updated_at=timezone.now())
    except Exception as exc:
        if connection_lost(exc) is None:
            raise


def registry_batch_release(*, batch_id: int, reason: str) -> bool:
    """A batch claimed for import by a worker that died: back to "validated", so the same file can be confirmed
    again without uploading it again. The import is one transaction, so a dead worker wrote nothing; a batch
    whose import committed is "applied" and left alone."""
    released = RegistryBatch.objects.filter(pk=batch_id, status=RegistryBatch.Status.APPLYING).update(
        status=RegistryBatch.Status.VALIDATED, message=reason, updated_at=timezone.now())
    return bool(released)


def registry_batch_validate(*, batch_id: int, user, progress: Progress | None = None) -> RegistryBatch:
    """Check the batch's file against the registry and store the report; the registry itself is not written."""
    return _validate(RegistryBatch.objects.get(pk=batch_id), user=user, progress=progress).batch


def _validate(batch: RegistryBatch, *, user, progress: Progress | None,
              fmt: IntakeFormat | None = None) -> RegistryResult:
    timings: dict[str, float] = {}
    steps = _Steps(progress, timings)
    batch_id = batch.pk
    try:
        stage = _stage(stored_path(batch.stored_path), batch.file_name, scope_prefix=user.scope_prefix, steps=steps)
        try:
            with transaction.atomic():
                batch.status = RegistryBatch.Status.VALIDATED
                batch.validated_at = timezone.now()
                batch.region_code = (_region_for(stage.counts.counties, user) if stage.counts.counties
                                     else batch.region_code)
                _fill_batch(batch, stage)
                same = _same_file(batch.checksum, exclude=batch.pk)
                if same:
                    batch.report["same_file_as"] = same
                batch.message = "已校验，待确认：核对报告后在“导入农户台账”的批次页面确认导入。"
                batch.updated_by = user
                batch.save()
                _write_report(stage, batch)
            result = _result(fmt or format_get(REGISTRY_FORMAT), stage, batch, batch.file_name, dry_run=True,
                             timings=timings, same_file_as=same)
        finally:
            stage.close()
    except UserFacingError as exc:
        _fail(batch_id, exc.message)
        raise
    except Exception as exc:
        # Validation writes only the batch's report, never the registry: a drop while committing either saved
        # the report (the batch is validated, and stays so) or not (still pending: marked failed here).
        error = _lost_error(exc, batch.file_name)
        if error is None:
            raise
        _fail_if_reachable(batch_id, error.message, status=RegistryBatch.Status.PENDING)
        raise error from None
    return result


def registry_batch_apply(*, batch_id: int, user, progress: Progress | None = None) -> RegistryBatch:
    """Apply a validated batch: the file is checked again against the registry as it is now, then written."""
    try:
        with transaction.atomic():
            claimed = RegistryBatch.objects.filter(pk=batch_id, status=RegistryBatch.Status.VALIDATED).update(
                status=RegistryBatch.Status.APPLYING, updated_by=user, updated_at=timezone.now())
    except Exception as exc:
        # Nothing claimed: the batch stays validated and can be confirmed again.
        error = _lost_error(exc, f"batch {batch_id}")
        if error is None:
            raise
        raise error from None
    if not claimed:
        raise UserFacingError("该批次不是“已校验、待确认”状态，不能导入（可能已经导入过）。")
    batch = RegistryBatch.objects.get(pk=batch_id)
    steps = _Steps(progress, {})
    committing = False
    try:
        with db.bulk_transaction():
            stage = _stage(stored_path(batch.stored_path), batch.file_name, scope_prefix=user.scope_prefix,
                           steps=steps)
            try:
                _write(stage, batch, user=user, steps=steps)
                steps.done("write")
                _finish(batch, stage, user=user)
            finally:
                stage.close()
            committing = True
    except UserFacingError as exc:
        _fail(batch_id, exc.message)
        raise
    except Exception as exc:
        error = _lost_error(exc, batch.file_name, committing=batch_id if committing else None)
        if error is None:
            _fail(batch_id, "导入意外失败，未写入任何数据，请联系管理员查看日志。")
            raise
        if error is _COMMITTED:
            batch.refresh_from_db()
            return batch
        # Failed, not back to validated: the message stays on the batch page; the file is uploaded again.
        _fail_if_reachable(batch_id, error.message, status=RegistryBatch.Status.APPLYING)
        raise error from None
    return batch


MISSING_STATUS = {
    RegistryBatchMissing.Decision.MOVED_OUT: PersonStatus.MOVED_OUT,
    RegistryBatchMissing.Decision.DECEASED: PersonStatus.DECEASED,
}


def registry_missing_decide(*, batch: RegistryBatch, user, decisions: dict[int, str], on: dt.date | None = None,
                            request=None) -> int:
    """Record what happens to persons a re-import no longer lists: keep them, or mark them moved out or dead.

    Status changes go through simple-history (one history row per person), unlike the bulk import rows.
    """
    valid = set(RegistryBatchMissing.Decision.values)
    decisions = {int(k): v for k, v in decisions.items() if v in valid}
    if not decisions:
        return 0
    on = on or timezone.localdate()
    with transaction.atomic():
        items = list(RegistryBatchMissing.objects.select_for_update().filter(
            batch=batch, pk__in=list(decisions), decision="").select_related("person"))
        now = timezone.now()
        changed_persons = []
        for item in items:
            item.decision = decisions[item.pk]
            item.decided_at, item.decided_by = now, user
            status = MISSING_STATUS.get(item.decision)
            if status is not None and item.person.status == PersonStatus.ACTIVE:
                item.person.status, item.person.status_date = status, on
                item.person.updated_by, item.person.updated_at = user, now
                changed_persons.append(item.person)
        RegistryBatchMissing.objects.bulk_update(items, ["decision", "decided_at", "decided_by"])
        if changed_persons:
            bulk_update_with_history(changed_persons, Person, ["status", "status_date", "updated_by", "updated_at"],
                                     default_user=user, default_change_reason=f"台账导入批次 #{batch.pk} 缺失成员处理")
        batch.missing_count = RegistryBatchMissing.objects.filter(batch=batch, decision="").count()
        batch.save(update_fields=["report", "updated_at"])
        audit_log(user=user, request=request, action="update", object_type="intake_batch", object_id=batch.pk,
                  region_code=batch.region_code,
                  summary=f"处理导入批次 #{batch.pk} 的缺失成员 {len(items)} 人（迁出/死亡 {len(changed_persons)} 人）")
    return len(items)
