"""Problem events' `action` holds the codes of `ProblemEvent.Action` instead of their Chinese words (the words
stay as the labels); a migration of its own so that 0007's schema changes never share its transaction
(PostgreSQL refuses to alter a table with pending trigger events)."""

from django.db import migrations

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
        ('assessment', '0007_problemevent_common_shape'),
    ]

    operations = [
        migrations.RunPython(words_to_codes, codes_to_words),
    ]
