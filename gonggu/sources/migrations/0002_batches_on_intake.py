"""Department batches become intake batches (one batch model for every import).

Each old batch is copied to `dataio_intakebatch` (format `dept.<source>`), its rejected rows to
`dataio_intakeissue`, and facts are re-pointed; ids are shifted by the intake table's highest id so that
nothing collides with batches other apps have already moved.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_batches(apps, schema_editor):
    Batch = apps.get_model("sources", "Batch")
    RejectedRow = apps.get_model("sources", "RejectedRow")
    IntakeBatch = apps.get_model("dataio", "IntakeBatch")
    IntakeIssue = apps.get_model("dataio", "IntakeIssue")
    offset = IntakeBatch.objects.aggregate(m=models.Max("id"))["m"] or 0
    batches = list(Batch.objects.all())
    if not batches:
        return
    IntakeBatch.objects.bulk_create([IntakeBatch(
        id=b.id + offset, format=f"dept.{b.source}", file_name=b.file_name, stored_path=b.file_path,
        checksum=b.checksum, as_of=b.as_of, region_code=b.region_code, status="applied",
        created_at=b.created_at, updated_at=b.updated_at, created_by_id=b.imported_by_id or b.created_by_id,
        updated_by_id=b.updated_by_id, applied_at=b.created_at, validated_at=b.created_at, rows=b.rows_read,
        accepted=b.matched + b.unmatched, created=b.matched + b.unmatched, unmatched=b.unmatched,
        rejected_rows=b.rejected, unknown_columns=b.unknown_columns) for b in batches], batch_size=1000)
    issues = (IntakeIssue(batch_id=r.batch_id + offset, kind="rejected", row=r.row_number, column=r.column,
                          reason=r.reason, value=r.value) for r in RejectedRow.objects.iterator(chunk_size=5000))
    chunk = []
    for issue in issues:
        chunk.append(issue)
        if len(chunk) >= 5000:
            IntakeIssue.objects.bulk_create(chunk)
            chunk = []
    IntakeIssue.objects.bulk_create(chunk)
    qn = schema_editor.quote_name
    if offset:
        schema_editor.execute(f"UPDATE {qn('sources_fact')} SET {qn('batch_id')} = {qn('batch_id')} + %s", [offset])
    # created_at is auto_now_add: keep the original import times.
    for b in batches:
        IntakeBatch.objects.filter(id=b.id + offset).update(created_at=b.created_at)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT setval(pg_get_serial_sequence('dataio_intakebatch', 'id'), "
                              "(SELECT MAX(id) FROM dataio_intakebatch))")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("dataio", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fact", name="batch",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="facts", to="dataio.intakebatch", verbose_name="批次"),
        ),
        migrations.RunPython(copy_batches, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="fact", name="batch",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="facts",
                                    to="dataio.intakebatch", verbose_name="批次"),
        ),
        migrations.RemoveField(model_name="rejectedrow", name="batch"),
        migrations.DeleteModel(name="RejectedRow"),
        migrations.DeleteModel(name="Batch"),
        migrations.CreateModel(
            name="Batch", fields=[],
            options={"verbose_name": "部门数据批次", "verbose_name_plural": "部门数据批次", "proxy": True,
                     "indexes": [], "constraints": []},
            bases=("dataio.intakebatch",),
        ),
        migrations.AlterField(
            model_name="fact", name="batch",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="facts",
                                    to="sources.batch", verbose_name="批次"),
        ),
    ]
