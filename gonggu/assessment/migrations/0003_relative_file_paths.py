"""Kept file paths relative to the data directory, so a restored data directory works at another path."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gonggu.core.uploads import migrate_paths_to_relative

    migrate_paths_to_relative(apps.get_model("assessment", "ProblemEvidence"), "path")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_load_2025_indicators")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
