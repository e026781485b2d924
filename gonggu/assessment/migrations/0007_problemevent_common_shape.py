"""Problem events take the one event shape (`core.events.Event`): by → actor, and `action` holds the codes of
`ProblemEvent.Action` instead of their Chinese words (the words stay as the labels). Keeps every row."""

import django.utils.timezone
from django.db import migrations, models

# The words the rows held → the codes they hold now (ProblemEvent.Action).
ACTION_CODES = {
    "登记": "register", "调整时限": "deadline", "修改": "edit", "更新进展": "progress", "上传材料": "evidence",
    "报整改完成": "rectify", "回头看核实": "verify", "回炉整改": "reopen",
}


def _recode(apps, mapping: dict[str, str]) -> None:
    ProblemEvent = apps.get_model("assessment", "ProblemEvent")
    for old, new in mapping.items():
        ProblemEvent.objects.filter(action=old).update(action=new)


def words_to_codes(apps, schema_editor):
    _recode(apps, ACTION_CODES)


def codes_to_words(apps, schema_editor):
    _recode(apps, {code: word for word, code in ACTION_CODES.items()})


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
        migrations.RunPython(words_to_codes, codes_to_words),
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
