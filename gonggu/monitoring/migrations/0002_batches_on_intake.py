"""Monitoring-history batches become intake batches (one batch model for every import).

Each old batch is copied to `dataio_intakebatch` (format `monitoring.<kind>`, applied, with its counts and
the importer's region, which scoped it before), its JSON list of rejected rows to `dataio_intakeissue`, and
cases, measures and visits — and their change history — are re-pointed. Ids are shifted by the intake table's
highest id so that nothing collides with batches other apps have already moved; the old id is kept in the
batch's report, so that links to the old batch pages still lead to it.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("monitoring_monitoringcase", "monitoring_measure", "monitoring_visit",
          "monitoring_historicalmonitoringcase", "monitoring_historicalmeasure", "monitoring_historicalvisit")
CHUNK = 5000


def copy_batches(apps, schema_editor):
    ImportBatch = apps.get_model("monitoring", "ImportBatch")
    IntakeBatch = apps.get_model("dataio", "IntakeBatch")
    IntakeIssue = apps.get_model("dataio", "IntakeIssue")
    batches = list(ImportBatch.objects.values(
        "id", "kind", "file_name", "file_path", "sha256", "rows", "created", "updated", "rejected", "created_at",
        "updated_at", "created_by_id", "updated_by_id", "created_by__region__code"))
    if not batches:
        return
    offset = IntakeBatch.objects.aggregate(m=models.Max("id"))["m"] or 0
    copies, issues = [], []
    for b in batches:
        rejected = [r for r in b["rejected"] or [] if isinstance(r, dict)]
        rejected_rows = len({r.get("row") for r in rejected})
        accepted = b["created"] + b["updated"]
        copies.append(IntakeBatch(
            id=b["id"] + offset, format=f"monitoring.{b['kind']}", file_name=b["file_name"],
            stored_path=b["file_path"], checksum=b["sha256"], region_code=b["created_by__region__code"] or "",
            status="applied", created_by_id=b["created_by_id"], updated_by_id=b["updated_by_id"],
            validated_at=b["created_at"], applied_at=b["created_at"], rows=b["rows"], accepted=accepted,
            rejected_rows=rejected_rows, created=b["created"], updated=b["updated"],
            message=(f"读取 {b['rows']} 行，导入 {accepted} 行（新增 {b['created']}，更新 {b['updated']}），"
                     f"拒收 {rejected_rows} 行。"),
            report={"monitoring_import_batch": b["id"]}))
        issues += [IntakeIssue(batch_id=b["id"] + offset, kind="rejected", row=int(r.get("row") or 0),
                               column=str(r.get("column") or "")[:60], reason=str(r.get("reason") or "")[:300])
                   for r in rejected]
    IntakeBatch.objects.bulk_create(copies, batch_size=1000)
    IntakeIssue.objects.bulk_create(issues, batch_size=CHUNK)
    # created_at and updated_at are set on save: keep the original import times.
    for b in batches:
        IntakeBatch.objects.filter(id=b["id"] + offset).update(created_at=b["created_at"], updated_at=b["updated_at"])
    if offset:
        qn = schema_editor.quote_name
        for table in TABLES:
            schema_editor.execute(f"UPDATE {qn(table)} SET {qn('import_batch_id')} = {qn('import_batch_id')} + %s "
                                  f"WHERE {qn('import_batch_id')} IS NOT NULL", [offset])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT setval(pg_get_serial_sequence('dataio_intakebatch', 'id'), "
                              "(SELECT MAX(id) FROM dataio_intakebatch))")


def _batch_fk(related_name, *, constraint):
    return models.ForeignKey(blank=True, null=True, db_constraint=constraint,
                             on_delete=django.db.models.deletion.SET_NULL, related_name=related_name,
                             to="dataio.intakebatch", verbose_name="导入批次")


def _history_fk():
    return models.ForeignKey(blank=True, null=True, db_constraint=False,
                             on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                             to="dataio.intakebatch", verbose_name="导入批次")


MODELS = (("monitoringcase", "monitoring_cases"), ("measure", "monitoring_measures"), ("visit", "monitoring_visits"))


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("dataio", "0001_initial"),
        ("accounts", "0002_initial"),
    ]

    operations = [
        # Without the constraint while the ids are moved (they point to the old batches until then).
        *(migrations.AlterField(model_name=model, name="import_batch", field=_batch_fk(related, constraint=False))
          for model, related in MODELS),
        *(migrations.AlterField(model_name=f"historical{model}", name="import_batch", field=_history_fk())
          for model, _related in MODELS),
        migrations.RunPython(copy_batches, migrations.RunPython.noop),
        *(migrations.AlterField(model_name=model, name="import_batch", field=_batch_fk(related, constraint=True))
          for model, related in MODELS),
        migrations.DeleteModel(name="ImportBatch"),
    ]
