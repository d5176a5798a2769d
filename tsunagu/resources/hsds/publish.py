"""Publishing an import: every row built in memory is written into a staging table first, then moved into the
directory in one short transaction.

The staging tables are TEMP tables of the import's own connection: on SQLite they live in the connection's
temporary database, so filling them takes none of the locks another request's save waits for; on PostgreSQL no
other session sees them. The publication is one `INSERT … SELECT … ON CONFLICT (id) DO UPDATE` per table (and one
`DELETE … WHERE … IN (SELECT …)` per `Removal`), run by the database itself in one transaction, so the directory
moves from its old rows to the new ones at once and nothing is ever half-written. A row already held keeps every
column the file does not give (`Batch.columns` are the ones set).

On SQLite that transaction holds the one write lock every save on the site waits for, so nothing is done in it row
by row that can be done after: the full-text index of the services (search_index.publishing) is not maintained by
its triggers there but refreshed afterwards in short transactions of its own — the search lags a few seconds behind
the publication. On PostgreSQL a save does not wait for it at all, and its character-pair index is an index on the
column, maintained with each row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_save

from tsunagu.core import versions
from tsunagu.core.progress import Progress
from tsunagu.resources import search_index
from tsunagu.resources.models import Service

CHUNK = 500  # rows between two progress reports while the staging tables fill
UNCOMPARED = {"id", "updated_at"}  # set on every row by an import: no sign that the row changed
_DIFFERS = {False: "IS NOT", True: "IS DISTINCT FROM"}  # null-safe "differs" in SQLite, in PostgreSQL


@dataclass
class Batch:
    model: Any
    instances: list[Any]
    columns: list[str]  # the attnames to set on a row already held (every column is written for a new one)
    created: int = 0
    updated: int = 0


@dataclass
class Removal:
    """Rows of `model` whose `column` is one of `values`, deleted in the publishing transaction (an entry's
    schedule rewritten whole, a phone number cleared)."""

    model: Any
    column: str
    values: list[Any]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _staging_name(model, suffix: str = "") -> str:
    return f"tsunagu_staging_{model._meta.db_table}{suffix}"


def _rows(batch: Batch, fields, progress: Progress, done: int, total: int) -> Iterator[list]:
    for n, instance in enumerate(batch.instances, start=1):
        yield [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
        if n % CHUNK == 0 or n == len(batch.instances):
            progress.update(done + n, total, " 行")


def _fill(cursor, batch: Batch, progress: Progress, done: int, total: int) -> int:
    """One statement per table, whatever the rows (executemany over a generator that reports progress)."""
    fields = batch.model._meta.concrete_fields
    staging = _quote(_staging_name(batch.model))
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT * FROM {_quote(batch.model._meta.db_table)} "  # noqa: S608
                   "WHERE 1 = 0")
    columns = ", ".join(_quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {staging} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the models)
    cursor.executemany(sql, _rows(batch, fields, progress, done, total))
    return done + len(batch.instances)


def _fill_removal(cursor, removal: Removal) -> str:
    staging = _quote(_staging_name(removal.model, "_removed"))
    column = _quote(removal.model._meta.get_field(removal.column).column)
    table = _quote(removal.model._meta.db_table)
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {column} AS value FROM {table} WHERE 1 = 0")  # noqa: S608
    cursor.executemany(f"INSERT INTO {staging} (value) VALUES (%s)", [[v] for v in removal.values])  # noqa: S608
    return f"DELETE FROM {_quote(removal.model._meta.db_table)} WHERE {column} IN (SELECT value FROM {staging})"  # noqa: S608


def _publish_sql(batch: Batch) -> str:
    meta = batch.model._meta
    columns = ", ".join(_quote(f.column) for f in meta.concrete_fields)
    names = {f.attname: f.column for f in meta.concrete_fields}
    updates = [f"{_quote(names[c])} = excluded.{_quote(names[c])}" for c in dict.fromkeys(batch.columns)
               if c in names and c != meta.pk.attname]
    # A row the file leaves as it is is not written again (a monthly re-import changes a few entries of thousands):
    # its indexes are not touched, and its updated_at — the public pages' cache key — stays.
    compared = [names[c] for c in dict.fromkeys(batch.columns) if c in names and c not in UNCOMPARED]
    differs = " OR ".join(f"{_quote(meta.db_table)}.{_quote(c)} {_DIFFERS[connection.vendor == 'postgresql']} "
                          f"excluded.{_quote(c)}" for c in compared)
    action = f"DO UPDATE SET {', '.join(updates)}" + (f" WHERE {differs}" if differs else "") if updates else "DO NOTHING"
    # "WHERE true": SQLite reads ON CONFLICT after a SELECT only when the SELECT has a WHERE clause
    return (f"INSERT INTO {_quote(meta.db_table)} ({columns}) SELECT {columns} "  # noqa: S608
            f"FROM {_quote(_staging_name(batch.model))} WHERE true ON CONFLICT ({_quote(meta.pk.column)}) {action}")


def _publish(cursor, batches: list[Batch], removals: list[str]) -> None:
    for sql in removals:
        cursor.execute(sql)
    for batch in batches:
        if batch.model is Service:
            with search_index.publishing(cursor, _quote(_staging_name(Service))):
                cursor.execute(_publish_sql(batch))
        else:
            cursor.execute(_publish_sql(batch))
    # The rows bypassed the models' save and delete: the directory's token (the public pages' cache key) changes here,
    # the removals included, and the other listeners (the figures' token, reports) hear of it once per table.
    versions.changed(versions.DIRECTORY)
    for batch in batches:
        post_save.send(sender=batch.model, instance=batch.instances[0], created=bool(batch.created), raw=True,
                       using=connection.alias, update_fields=None)


def staging_table(model) -> str:
    """The quoted name of `model`'s staging table, for a `check`."""
    return _quote(_staging_name(model))


def publish(batches: Iterable[Batch], *, progress: Progress, removals: Iterable[Removal] = (),
            check: Callable[[Any], None] | None = None) -> float:
    """Returns how long the publishing transaction took, in seconds (the write lock's hold on SQLite). `check(cursor)`
    runs first in that transaction, once the staging tables are full: an exception it raises writes nothing (the
    Excel import's check that no entry it updates has changed since it was read)."""
    batches = [b for b in batches if b.instances]
    removals = [r for r in removals if r.values]
    total = sum(len(b.instances) for b in batches)
    progress.stage("一時表に書いています")
    done = 0
    try:
        with connection.cursor() as cursor:
            for batch in batches:
                done = _fill(cursor, batch, progress, done, total)
            deletes = [_fill_removal(cursor, r) for r in removals]
        progress.stage("公開しています")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if check is not None:
                check(cursor)
            _publish(cursor, batches, deletes)
        held = time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            for batch in batches:
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(_staging_name(batch.model))}")
            for removal in removals:
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(_staging_name(removal.model, '_removed'))}")
    if any(b.model is Service for b in batches):
        refresh_search(progress)
    return held


def refresh_search(progress: Progress) -> None:
    """The services just published, indexed for the search in short transactions (SQLite; nothing on PostgreSQL)."""
    progress.stage("検索の索引を更新しています")
    search_index.refresh_pending(connection, on_chunk=lambda n, total: progress.update(n, total, " 件"))
