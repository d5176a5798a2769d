"""The SQLite full-text indexes and their triggers, made sure of after every `migrate`.

Django rebuilds a SQLite table for some schema changes (copy, drop, rename), and dropping the table drops its
triggers; the indexes would then silently stop following the directory. So after each migration this checks
that both FTS5 tables and all six triggers exist and that the indexes hold every service, and rebuilds them if
not. PostgreSQL's character-pair index (migration 0006) is an index on the column and needs none of this.
"""
# ruff: noqa: S608 — the SQL below is built only from the constant table and column names in TABLES.

from django.db import connections

TABLES = {
    # table: (tokenizer, column of resources_service it indexes)
    "resources_service_fts": ("trigram", "search_text"),
    "resources_service_chars": ("unicode61 remove_diacritics 0", "search_chars"),
}


def _statements(table: str, tokenizer: str, column: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(service_id UNINDEXED, body, tokenize='{tokenizer}')",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON resources_service BEGIN
              INSERT INTO {table}(service_id, body) VALUES (new.id, new.{column});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE OF {column}, id ON resources_service BEGIN
              DELETE FROM {table} WHERE service_id = old.id;
              INSERT INTO {table}(service_id, body) VALUES (new.id, new.{column});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON resources_service BEGIN
              DELETE FROM {table} WHERE service_id = old.id;
            END""",
    ]


def ensure(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'resources_service'")
        if cursor.fetchone() is None:
            return
        for table, (tokenizer, column) in TABLES.items():
            for sql in _statements(table, tokenizer, column):
                cursor.execute(sql)
            cursor.execute(f"SELECT (SELECT count(*) FROM {table}) = (SELECT count(*) FROM resources_service)")
            if not cursor.fetchone()[0]:
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute(f"INSERT INTO {table}(service_id, body) SELECT id, {column} FROM resources_service")


def ensure_after_migrate(sender, using="default", **kwargs) -> None:
    ensure(connections[using])
