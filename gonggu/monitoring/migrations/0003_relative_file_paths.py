"""Kept file paths relative to the data directory, so a restored data directory works at another path."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gonggu.core.uploads import migrate_paths_to_relative, stored_name

    migrate_paths_to_relative(apps.get_model("monitoring", "Notice"), "photo_path")
    migrate_paths_to_relative(apps.get_model("monitoring", "MonitoringCase"), "commitment_scan")
    visits = apps.get_model("monitoring", "Visit")
    for visit in visits.objects.exclude(photos=[]).only("pk", "photos").iterator():
        photos = [{**p, "path": stored_name(p["path"])} if p.get("path") else p for p in visit.photos]
        if photos != visit.photos:
            visits.objects.filter(pk=visit.pk).update(photos=photos)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_batches_on_intake")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
