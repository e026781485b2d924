"""Kept file paths relative to the data directory, so a restored data directory works at another path.

Runs after the department, registry and monitoring batches were copied into the intake batches."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gonggu.core.uploads import migrate_paths_to_relative

    migrate_paths_to_relative(apps.get_model("dataio", "IntakeBatch"), "stored_path")


class Migration(migrations.Migration):
    dependencies = [
        ("dataio", "0001_initial"),
        ("sources", "0002_batches_on_intake"),
        ("registry", "0004_batches_on_intake"),
        ("monitoring", "0002_batches_on_intake"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
