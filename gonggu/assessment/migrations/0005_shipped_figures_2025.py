"""The shipped 2025 system lists the figures of the new area modules (funds, employment, stationing, ledger
findings, income ratios) under its indicators, as the JSON file does. A county's own copy is left as the
county set it."""

import json
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "indicators_2025.json"


def forwards(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    figures = {i["code"]: i.get("figures", []) for c in data["categories"] for i in c["indicators"]}
    for indicator in Indicator.objects.filter(system__year=2025, system__region_code=""):
        if indicator.code in figures and indicator.figures != figures[indicator.code]:
            indicator.figures = figures[indicator.code]
            indicator.save(update_fields=["figures"])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_scoring_rules_item_evidence")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
