"""Task events take the one event shape (`core.events.Event`): kind → action (same values), the status columns
and payload added empty, `at` no longer stamped by the database layer but by the constructor. Keeps every row."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0002_relative_file_paths'),
    ]

    operations = [
        migrations.RenameField(model_name='taskevent', old_name='kind', new_name='action'),
        migrations.AlterField(
            model_name='taskevent',
            name='action',
            field=models.CharField(max_length=30, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name='taskevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AddField(
            model_name='taskevent',
            name='from_status',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='原状态'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='taskevent',
            name='to_status',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='新状态'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='taskevent',
            name='payload',
            field=models.JSONField(blank=True, default=dict, verbose_name='数据'),
        ),
    ]
