"""Ships the 2025 indicator system of seed 002 附件2 (and its 14 key tasks) as data."""

from django.db import migrations


def load(apps, schema_editor):
    from gonggu.assessment.loader import SHIPPED, load_system, read_system_file

    load_system(read_system_file(SHIPPED), apps=apps)


def unload(apps, schema_editor):
    apps.get_model("assessment", "IndicatorSystem").objects.filter(year=2025, region_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
