"""The SQLite full-text indexes and their triggers, made sure of after every `migrate`.

Django rebuilds a SQLite table for some schema changes (copy, drop, rename), and dropping the table drops its
triggers; the indexes would then silently stop following the directory. So after each migration this checks
that both FTS5 tables and all six triggers exist and that the indexes hold every service under its row's rowid,
and rebuilds them if not. PostgreSQL's character-pair index (migration 0006) is an index on the column and needs none of this.
"""
# ruff: noqa: S608 — the SQL below is built only from the constant table and column names in TABLES.

from django.db import connections

TABLES = {
    # table: (tokenizer, column of resources_service it indexes)
    "resources_service_fts": ("trigram", "search_text"),
    "resources_service_chars": ("unicode61 remove_diacritics 0", "search_chars"),
}


def _statements(table: str, tokenizer: str, column: str) -> list[str]:
    # Each index row has the rowid of its service's row, so a trigger finds the row to replace by its rowid: with
    # `service_id` (an UNINDEXED column) each update read the whole index, and an import updating 15,000 services
    # took twelve minutes, holding the lock every save waits for.
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(service_id UNINDEXED, body, tokenize='{tokenizer}')",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON resources_service BEGIN
              INSERT INTO {table}(rowid, service_id, body) VALUES (new.rowid, new.id, new.{column});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF {column}, id ON resources_service BEGIN
              DELETE FROM {table} WHERE rowid = old.rowid;
              INSERT INTO {table}(rowid, service_id, body) VALUES (new.rowid, new.id, new.{column});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON resources_service BEGIN
              DELETE FROM {table} WHERE rowid = old.rowid;
            END""",
    ]


def ensure(connection) -> None:
    """The indexes, their triggers, and an index row for every service under the service's rowid (Django's table
    rebuild in a migration, or VACUUM, may renumber the rowids; the index is then rebuilt)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'resources_service'")
        if cursor.fetchone() is None:
            return
        for table, (tokenizer, column) in TABLES.items():
            for old in ("ai", "au", "ad"):  # the triggers by service_id, before the index rows took the rowid
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{old}")
            for sql in _statements(table, tokenizer, column):
                cursor.execute(sql)
            cursor.execute(f"SELECT (SELECT count(*) FROM {table}) = (SELECT count(*) FROM resources_service) "
                           f"AND (SELECT count(*) FROM {table} f JOIN resources_service s ON s.rowid = f.rowid "
                           "AND s.id = f.service_id) = (SELECT count(*) FROM resources_service)")
            if not cursor.fetchone()[0]:
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute(f"INSERT INTO {table}(rowid, service_id, body) SELECT rowid, id, {column} "
                               "FROM resources_service")


def ensure_after_migrate(sender, using="default", **kwargs) -> None:
    ensure(connections[using])
