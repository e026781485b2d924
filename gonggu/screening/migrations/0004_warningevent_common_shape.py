"""Warning events take the one event shape (`core.events.Event`): type → action, user → actor, data → payload;
the status columns widen to the shape's length. Renames keep every row."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0003_remove_warning_last_run'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='warningevent', old_name='type', new_name='action'),
        migrations.AlterField(
            model_name='warningevent',
            name='action',
            field=models.CharField(max_length=30, verbose_name='操作'),
        ),
        migrations.RenameField(model_name='warningevent', old_name='user', new_name='actor'),
        migrations.RenameField(model_name='warningevent', old_name='data', new_name='payload'),
        migrations.AlterField(
            model_name='warningevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=30, verbose_name='原状态'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=30, verbose_name='新状态'),
        ),
    ]
