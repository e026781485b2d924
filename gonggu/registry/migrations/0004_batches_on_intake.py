"""Registry batches become intake batches (one batch model for every import).

Each old batch is copied to `dataio_intakebatch` (format `registry`): persons become its accepted, created,
updated and unchanged rows; the household figures, income years and missing persons go into its report.
Its issues are copied to `dataio_intakeissue` (户编号 as the key, the masked identity number as the value),
and per-household outcomes and missing persons are re-pointed. Ids are shifted by the intake table's highest
id so that nothing collides with batches other apps have already moved.
"""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 5000


def _chunks(rows):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def copy_batches(apps, schema_editor):
    RegistryBatch = apps.get_model("registry", "RegistryBatch")
    RegistryBatchIssue = apps.get_model("registry", "RegistryBatchIssue")
    IntakeBatch = apps.get_model("dataio", "IntakeBatch")
    IntakeIssue = apps.get_model("dataio", "IntakeIssue")
    offset = IntakeBatch.objects.aggregate(m=models.Max("id"))["m"] or 0
    batches = list(RegistryBatch.objects.all())
    if not batches:
        return
    IntakeBatch.objects.bulk_create([IntakeBatch(
        id=b.id + offset, format="registry", file_name=b.file_name, stored_path=b.stored_path, checksum=b.sha256,
        region_code=b.region_code, status=b.status, message=b.message, created_at=b.created_at,
        updated_at=b.updated_at, created_by_id=b.created_by_id, updated_by_id=b.updated_by_id,
        validated_at=b.validated_at, applied_at=b.applied_at, rows=b.rows, accepted=b.persons,
        rejected_rows=b.rejected_rows, warning_count=b.warning_count, created=b.persons_created,
        updated=b.persons_updated, unchanged=b.persons_unchanged,
        unknown_columns=(b.report or {}).get("unknown_columns") or [],
        report={**(b.report or {}), "households": b.households, "households_created": b.households_created,
                "households_updated": b.households_updated, "households_unchanged": b.households_unchanged,
                "years": b.years, "missing_count": b.missing_count}) for b in batches], batch_size=1000)
    issues = (IntakeIssue(batch_id=i.batch_id + offset, kind=i.kind, row=i.row, column=i.column, reason=i.reason,
                          key=i.household_no, value=i.id_masked)
              for i in RegistryBatchIssue.objects.order_by("id").iterator(chunk_size=CHUNK))
    for chunk in _chunks(issues):
        IntakeIssue.objects.bulk_create(chunk)
    qn = schema_editor.quote_name
    if offset:
        for table in ("registry_registrybatchhousehold", "registry_registrybatchmissing"):
            schema_editor.execute(f"UPDATE {qn(table)} SET {qn('batch_id')} = {qn('batch_id')} + %s", [offset])
    # created_at is auto_now_add and updated_at auto_now: keep the original times.
    for b in batches:
        IntakeBatch.objects.filter(id=b.id + offset).update(created_at=b.created_at, updated_at=b.updated_at)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT setval(pg_get_serial_sequence('dataio_intakebatch', 'id'), "
                              "(SELECT MAX(id) FROM dataio_intakebatch))")


def _batch_fk(to: str, related_name: str, *, constraint: bool = True):
    return models.ForeignKey(db_constraint=constraint, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                             related_name=related_name, to=to, verbose_name="批次")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_list_indexes"),
        ("dataio", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(model_name="registrybatchhousehold", name="batch",
                              field=_batch_fk("dataio.intakebatch", "outcomes", constraint=False)),
        migrations.AlterField(model_name="registrybatchmissing", name="batch",
                              field=_batch_fk("dataio.intakebatch", "missing", constraint=False)),
        migrations.RunPython(copy_batches, migrations.RunPython.noop),
        migrations.AlterField(model_name="registrybatchhousehold", name="batch",
                              field=_batch_fk("dataio.intakebatch", "outcomes")),
        migrations.AlterField(model_name="registrybatchmissing", name="batch",
                              field=_batch_fk("dataio.intakebatch", "missing")),
        migrations.DeleteModel(name="RegistryBatchIssue"),
        migrations.DeleteModel(name="RegistryBatch"),
        migrations.CreateModel(
            name="RegistryBatch", fields=[],
            options={"verbose_name": "台账导入批次", "verbose_name_plural": "台账导入批次", "proxy": True,
                     "indexes": [], "constraints": []},
            bases=("dataio.intakebatch",),
        ),
        migrations.AlterField(model_name="registrybatchhousehold", name="batch",
                              field=_batch_fk("registry.registrybatch", "outcomes")),
        migrations.AlterField(model_name="registrybatchmissing", name="batch",
                              field=_batch_fk("registry.registrybatch", "missing")),
    ]
