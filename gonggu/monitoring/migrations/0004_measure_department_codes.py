"""Measures name their 责任部门 by the one department list's codes (core.departments) instead of Chinese labels."""

from django.db import migrations, models

# The old values (the measure's own Chinese list) and the codes of the one list; frozen here, as the lists are.
OLD_TO_CODE = {
    "乡村振兴": "xczx", "农业农村": "ny", "人社": "rs", "民政": "mz", "医保": "yb", "卫健": "wj", "教育": "jy",
    "住建": "zj", "水利": "sl", "残联": "cl", "金融": "jr", "乡镇": "xz", "其他": "other",
}


def _map(apps, mapping):
    for model in ("Measure", "HistoricalMeasure"):
        rows = apps.get_model("monitoring", model).objects
        for old, new in mapping.items():
            rows.filter(department=old).update(department=new)


def forwards(apps, schema_editor):
    _map(apps, OLD_TO_CODE)


def backwards(apps, schema_editor):
    _map(apps, {code: old for old, code in OLD_TO_CODE.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0003_relative_file_paths'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalmeasure',
            name='department',
            field=models.CharField(blank=True, choices=[('mz', '民政'), ('yb', '医保'), ('wj', '卫健'), ('cl', '残联'), ('zj', '住建'), ('sl', '水利'), ('rs', '人社'), ('jy', '教育'), ('yj', '应急'), ('ga', '公安'), ('ny', '农业农村'), ('xczx', '乡村振兴'), ('jr', '金融'), ('xz', '乡镇'), ('other', '其他')], max_length=30, verbose_name='责任部门'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='department',
            field=models.CharField(blank=True, choices=[('mz', '民政'), ('yb', '医保'), ('wj', '卫健'), ('cl', '残联'), ('zj', '住建'), ('sl', '水利'), ('rs', '人社'), ('jy', '教育'), ('yj', '应急'), ('ga', '公安'), ('ny', '农业农村'), ('xczx', '乡村振兴'), ('jr', '金融'), ('xz', '乡镇'), ('other', '其他')], max_length=30, verbose_name='责任部门'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
