"""Japanese full-text search: an FTS5 trigram index on SQLite, a pg_trgm GIN index on PostgreSQL.

Both index `resources_service.search_text` (normalised in search.py). Trigrams need three characters; shorter
queries (「食」「送迎」) fall back to a substring scan, which is cheap over a municipality's few thousand entries.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE resources_service_fts USING fts5(service_id UNINDEXED, body, tokenize='trigram')",
    """CREATE TRIGGER resources_service_fts_ai AFTER INSERT ON resources_service BEGIN
         INSERT INTO resources_service_fts(service_id, body) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER resources_service_fts_au AFTER UPDATE OF search_text, id ON resources_service BEGIN
         DELETE FROM resources_service_fts WHERE service_id = old.id;
         INSERT INTO resources_service_fts(service_id, body) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER resources_service_fts_ad AFTER DELETE ON resources_service BEGIN
         DELETE FROM resources_service_fts WHERE service_id = old.id;
       END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS resources_service_fts_ai",
    "DROP TRIGGER IF EXISTS resources_service_fts_au",
    "DROP TRIGGER IF EXISTS resources_service_fts_ad",
    "DROP TABLE IF EXISTS resources_service_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX resources_service_search_trgm ON resources_service USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX resources_service_name_trgm ON resources_service USING gin (name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS resources_service_search_trgm",
    "DROP INDEX IF EXISTS resources_service_name_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
