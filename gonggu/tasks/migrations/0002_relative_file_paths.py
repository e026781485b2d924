"""Kept file paths relative to the data directory, so a restored data directory works at another path."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gonggu.core.uploads import migrate_paths_to_relative

    migrate_paths_to_relative(apps.get_model("tasks", "TaskList"), "source_path")
    migrate_paths_to_relative(apps.get_model("tasks", "ImportDraft"), "source_path")
    migrate_paths_to_relative(apps.get_model("tasks", "Evidence"), "path")


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
