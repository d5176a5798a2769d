"""Search and lists on PostgreSQL without scanning every entry.

pg_trgm (0002) cannot serve words shorter than three characters (「食」「送迎」 have no trigram), and for longer
words the planner judged its index dearer than a sequential scan, so every search ran LIKE over every entry —
the slowest part of a staff search. In its place a GIN index of each entry's single characters and character
pairs (`resources_grams`, spaces left out), the PostgreSQL counterpart of SQLite's character index (0005):
  - a word of one or two characters is found exactly by `resources_grams(search_text) && ARRAY[...]`;
  - a longer word needs all its pairs (`@>`), and the few entries that have them are checked with strpos.
The function is declared costly (COST 1000) so that the planner always reads the index rather than computing it
for every row, and PARALLEL RESTRICTED because that high cost otherwise tempts the planner into parallel workers,
whose start-up (several ms) outweighs a search that takes a few. The trigram indexes, which no query uses any
more, go; pg_trgm itself stays installed.

Both databases get an index on (status, name, id): the first page of a list comes off it in order.
"""

from django.db import migrations, models

GRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION resources_grams(body text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL RESTRICTED COST 1000 AS $$
DECLARE
  chars text[] := string_to_array(body, NULL);
  grams text[] := array_remove(chars, ' ');
BEGIN
  FOR i IN 1 .. cardinality(chars) - 1 LOOP
    IF chars[i] <> ' ' AND chars[i + 1] <> ' ' THEN
      grams := grams || (chars[i] || chars[i + 1]);
    END IF;
  END LOOP;
  RETURN grams;
END
$$
"""
POSTGRES_FORWARD = [
    GRAMS_FUNCTION,
    "CREATE INDEX resources_service_grams ON resources_service USING gin (resources_grams(search_text))",
    "DROP INDEX IF EXISTS resources_service_search_trgm",
    "DROP INDEX IF EXISTS resources_service_name_trgm",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS resources_service_search_trgm ON resources_service USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS resources_service_name_trgm ON resources_service USING gin (name gin_trgm_ops)",
    "DROP INDEX IF EXISTS resources_service_grams",
    "DROP FUNCTION IF EXISTS resources_grams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("agencies", "0001_initial"),
        ("resources", "0005_service_search_chars"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["status", "name", "id"], name="resources_s_status_b23267_idx"),
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
