"""PostgreSQL: a GIN index of `resources_grams(search_name)`, the names' counterpart of 0006's index of the whole
text. A ranked search reads its first rank — the entries whose name holds the word (search.first_ranked) — off it
when they are few, instead of testing every entry."""

from django.db import migrations


def name_grams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS resources_service_name_grams "
                              "ON resources_service USING gin (resources_grams(search_name))")


def name_grams_dropped(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS resources_service_name_grams")


class Migration(migrations.Migration):

    dependencies = [
        ("resources", "0011_directory_token"),
    ]

    operations = [
        migrations.RunPython(name_grams, name_grams_dropped),
    ]
