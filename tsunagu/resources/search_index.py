"""The SQLite full-text indexes and their triggers, made sure of after every `migrate`.

Django rebuilds a SQLite table for some schema changes (copy, drop, rename), and dropping the table drops its
triggers; the indexes would then silently stop following the directory. So after each migration this checks
that both FTS5 tables and all six triggers exist and that the indexes hold every service under its row's rowid,
and rebuilds them if not. PostgreSQL's character-pair index (migration 0006) is an index on the column and needs none of this.

An import does not let the triggers index its services one by one inside its publishing transaction: 15,000
services cost 2.6 s of trigram indexing there, and every save on the site waited for it. `publishing(cursor)` drops
the triggers for the publication and creates them again before it commits (SQLite's DDL is part of the transaction,
so no other connection ever sees the table without them) and notes the services' rowids in `PENDING`, in the same
transaction; `refresh_pending()` then indexes them afterwards, CHUNK services per short transaction of its own. So
the search lags a few seconds behind an import — an imported service is found, with its new words, once its
chunk is done — while nothing else waits. A process that dies before the refresh leaves its rowids in `PENDING`,
and the next import or `migrate` indexes them.
"""
# ruff: noqa: S608 — the SQL below is built only from the constant table and column names in TABLES.

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

PENDING = "resources_service_search_pending"  # the rowids of services whose index rows an import left to refresh
CHUNK = 500  # services indexed per transaction after an import: about a tenth of a second of the write lock

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
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {PENDING} (service_rowid INTEGER PRIMARY KEY)")
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
    refresh_pending(connection)


def ensure_after_migrate(sender, using="default", **kwargs) -> None:
    ensure(connections[using])


def _triggers() -> list[str]:
    return [sql for table, (tokenizer, column) in TABLES.items() for sql in _statements(table, tokenizer, column)
            if sql.lstrip().startswith("CREATE TRIGGER")]


@contextmanager
def publishing(cursor, staging: str) -> Iterator[None]:
    """Inside the publishing transaction, around the statements that write `resources_service` from the staging
    table `staging` (quoted): the index triggers are dropped, the staged services' rowids noted in PENDING once
    written, and the triggers created again — all before the transaction commits. Nothing on PostgreSQL."""
    if cursor.db.vendor != "sqlite":
        yield
        return
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}")
    yield
    cursor.execute(f"INSERT OR IGNORE INTO {PENDING} (service_rowid) SELECT s.rowid FROM resources_service s "
                   f"WHERE s.id IN (SELECT id FROM {staging})")
    for sql in _triggers():
        cursor.execute(sql)


def refresh_pending(connection, *, chunk: int = CHUNK, on_chunk=None) -> int:
    """Indexes the services an import left in PENDING, `chunk` at a time, each chunk in a short transaction of
    its own (a save elsewhere waits for one chunk at most); `on_chunk(done, total)` after each. Returns how many
    were indexed. Run again, it goes on
    where it stopped: a chunk's rowids leave PENDING in the transaction that indexes them."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {PENDING}")
        total = cursor.fetchone()[0]
    done = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT service_rowid FROM {PENDING} ORDER BY service_rowid LIMIT %s", [chunk])
            rowids = [r[0] for r in cursor.fetchall()]
            if not rowids:
                return done
            marks = ", ".join(["%s"] * len(rowids))
            for table, (_, column) in TABLES.items():
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", rowids)
                cursor.execute(f"INSERT INTO {table}(rowid, service_id, body) SELECT rowid, id, {column} "
                               f"FROM resources_service WHERE rowid IN ({marks})", rowids)
            cursor.execute(f"DELETE FROM {PENDING} WHERE service_rowid IN ({marks})", rowids)
        done += len(rowids)
        if on_chunk is not None:
            on_chunk(done, total)
