"""Applying the plan of a registry import: set-based writes, the batch report and its figures."""

from __future__ import annotations

from dataclasses import asdict

import pyarrow as pa
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.dataio.models import IntakeIssue

from ..choices import PersonStatus
from ..models import (
    REGISTRY_FORMAT,
    Household,
    IncomeAccount,
    Person,
    RegistryBatch,
    RegistryBatchHousehold,
    RegistryBatchMissing,
)
from . import db
from .bulk import BulkWriter
from .progress import Clock, Steps
from .stage import Stage


def write_plan(stage: Stage, batch: RegistryBatch, *, user, steps: Steps) -> None:
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

    writer = BulkWriter(stage.con, progress=advance)
    H, P, inc = Household._meta.db_table, Person._meta.db_table, IncomeAccount._meta.db_table
    t = Clock()

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
    # `extra`: the columns of an export kept as they are; a file of the registry's own format leaves them alone.
    kept = ["extra"] if stage.extras else []
    kept_sql = "".join(f"{k}, " for k in kept)
    writer.insert(H, ["id", "household_no", "county_code", "village_id", "region_code", "household_type",
                      "monitoring_type", "relocated", "head_name", "extra"],
                  "SELECT hh_id, hh_no, county, village_id, region_code, household_type, monitoring_type, relocated, "
                  "head_name, extra FROM hp WHERE is_new ORDER BY hh_id", constants=stamp, rows=c.households_created)
    writer.update(H, ["village_id", "region_code", "household_type", "monitoring_type", "relocated", "head_name",
                      *kept],
                  "SELECT village_id, region_code, household_type, monitoring_type, relocated, head_name, "
                  f"{kept_sql}hh_id FROM hp WHERE changed", constants=touched)
    t.record(stage.timings, "write_households")
    t = Clock()

    # Ordered by identity number: the unique index on it then grows at its end instead of all over.
    writer.insert(P, ["household_id", "region_code", "id_number", "name", "relation", "gender", "birth_date",
                      "labour_ability", "health", "disability_grade", "school_status", "work_months", "work_place",
                      "medical_insured", "extra"],
                  "SELECT h.hh_id, pp.region_code, id_number, name, relation, gender, birth_date, labour_ability, "
                  "health, disability_grade, school_status, work_months, work_place, medical_insured, pp.extra "
                  "FROM pp JOIN hp h USING (hh_key) WHERE pp.is_new ORDER BY id_number",
                  constants={"status": f"'{PersonStatus.ACTIVE}'", **stamp}, rows=c.persons_created)
    writer.update(P, ["household_id", "region_code", "name", "relation", "labour_ability", "health",
                      "disability_grade", "school_status", "work_months", "work_place", "medical_insured", *kept],
                  "SELECT h.hh_id, pp.region_code, name, relation, labour_ability, health, disability_grade, "
                  f"school_status, work_months, work_place, medical_insured, {kept_sql.replace('extra', 'pp.extra')}"
                  "person_id "
                  "FROM pp JOIN hp h USING (hh_key) WHERE pp.changed", constants=touched)
    t.record(stage.timings, "write_persons")
    t = Clock()

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
    t = Clock()
    write_report(stage, batch, writer)
    t.record(stage.timings, "write_report")


def write_report(stage: Stage, batch: RegistryBatch, writer: BulkWriter | None = None) -> None:
    """The batch's issues, per-household outcomes and missing persons (replacing those of an earlier run)."""
    IntakeIssue.objects.filter(batch=batch).delete()
    RegistryBatchMissing.objects.filter(batch=batch).delete()
    RegistryBatchHousehold.objects.filter(batch=batch).delete()
    writer = writer or BulkWriter(stage.con)
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


def recognised(raw) -> str:
    """The format the header was recognised as, in words (the import report and the batch page show it)."""
    return raw.dialect.title if raw.dialect is not None else "农户台账（本系统格式）"


def fill_batch(batch: RegistryBatch, stage: Stage) -> None:
    """The batch's counts: persons in the intake batch's own fields, the registry's other figures in its report."""
    c = stage.counts
    batch.rows, batch.accepted = c.rows, c.persons
    batch.created, batch.updated, batch.unchanged = c.persons_created, c.persons_updated, c.persons_unchanged
    batch.rejected_rows, batch.warning_count = c.rejected_rows, c.warnings
    batch.unknown_columns = list(stage.raw.unknown)
    batch.layout = {"header_row": stage.raw.header_row, "encoding": stage.raw.encoding,
                    "recognised": recognised(stage.raw)}
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


def finish(batch: RegistryBatch, stage: Stage, *, user, request=None) -> None:
    fill_batch(batch, stage)
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
