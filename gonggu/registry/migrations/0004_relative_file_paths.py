"""Kept file paths relative to the data directory, so a restored data directory works at another path."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gonggu.core.uploads import migrate_paths_to_relative

    migrate_paths_to_relative(apps.get_model("registry", "RegistryBatch"), "stored_path")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_list_indexes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
