"""Indexes of the household list at county scale (a million persons).

* households: the list order with the key, so that a page is a short range of one index;
* persons: the member filters (health, labour ability) as index-only ranges within a region;
* PostgreSQL only: a GIN index over the characters of a person's name. A name search matches anywhere in
  the name (“桂英” finds 赵桂英), which no B-tree serves; the index finds the few persons whose name has
  every character of the search, and LIKE then checks the order. SQLite has no such index type: there
  the search reads the scoped persons as before.
"""

from django.db import migrations, models

NAME_CHARS_INDEX = "person_name_chars_idx"


def create_name_chars_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The expression must be written as the selector writes it (string_to_array(name, NULL)) to be used.
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME_CHARS_INDEX} ON registry_person "
                          "USING gin (string_to_array(name, NULL))")


def drop_name_chars_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_CHARS_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_registrybatch_registrybatchhousehold_and_more"),
    ]

    operations = [
        # The new index first: it serves every query of the one it replaces (same leading columns).
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["region_code", "household_no", "id"], name="household_list_idx"),
        ),
        migrations.RemoveIndex(
            model_name="household",
            name="household_region_idx",
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["health", "status", "region_code", "household"], name="person_health_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["labour_ability", "status", "region_code", "household"],
                               name="person_labour_idx"),
        ),
        migrations.RunPython(create_name_chars_index, drop_name_chars_index, elidable=False),
    ]
