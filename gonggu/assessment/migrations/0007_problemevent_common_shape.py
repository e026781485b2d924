"""Problem events take the one event shape (`core.events.Event`): by → actor, and `action` holds the codes of
`ProblemEvent.Action` instead of their Chinese words (0008, its own transaction: PostgreSQL refuses to alter
a table with pending trigger events). Keeps every row."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0006_assessment_runs'),
    ]

    operations = [
        migrations.RenameField(model_name='problemevent', old_name='by', new_name='actor'),
        migrations.AlterField(
            model_name='problemevent',
            name='action',
            field=models.CharField(max_length=30, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name='problemevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='problemevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=30, verbose_name='原状态'),
        ),
        migrations.AlterField(
            model_name='problemevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=30, verbose_name='新状态'),
        ),
        migrations.AddField(
            model_name='problemevent',
            name='payload',
            field=models.JSONField(blank=True, default=dict, verbose_name='数据'),
        ),
    ]
