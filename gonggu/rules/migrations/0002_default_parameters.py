"""The parameter defaults of rules.md: the 2023 monitoring line and the four ratios/limits."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    ("monitoring_line", 2023, Decimal("7500")),
    ("high_expense_ratio", None, Decimal("0.5")),
    ("income_drop_ratio", None, Decimal("0.3")),
    ("disaster_loss_ratio", None, Decimal("0.5")),
    ("new_disability_days", None, Decimal("365")),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("rules", "Parameter")
    for name, year, value in DEFAULTS:
        if not Parameter.objects.filter(name=name, year=year).exists():
            Parameter.objects.create(name=name, year=year, value=value)


def unseed(apps, schema_editor):
    Parameter = apps.get_model("rules", "Parameter")
    for name, year, value in DEFAULTS:
        Parameter.objects.filter(name=name, year=year, value=value).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
