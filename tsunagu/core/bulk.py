"""Bulk inserts for generated data (the demo profiles): `COPY … FROM STDIN` on PostgreSQL, `bulk_create` elsewhere.

Rows are written as `bulk_create` would write them — each field's `pre_save` and database value — but no primary
keys come back and no signals are sent: use it for rows nothing needs the id of (notes, search pieces), and call
what the signals would have done yourself (`policy.sharing_changed()`, `people.search_index.reindex`).
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault

BATCH = 5000


def insert_rows(model: type[Model], objs: Iterable[Model]) -> int:
    """Writes the unsaved `objs` of `model`; returns how many. Streams: `objs` may be a generator."""
    if connection.vendor != "postgresql":
        return _bulk_create(model, objs)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            row = []
            for f in fields:
                value = f.pre_save(obj, True)
                row.append(None if isinstance(value, DatabaseDefault) else f.get_db_prep_save(value, connection))
            copy.write_row(row)
            count += 1
    return count


def insert_values(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Writes rows given as tuples of ready values for `columns` (attnames), in that order: no model instance is
    built per row, so millions of rows (the metro's notes) cost what the COPY costs. Every other column must have
    a database default or allow NULL. Returns how many rows."""
    fields = [model._meta.get_field(c) for c in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 (model names)
    it = iter(rows)
    with connection.cursor() as cursor:
        while chunk := [[f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]  # type: ignore[union-attr]
                        for row in islice(it, BATCH)]:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


@contextmanager
def foreign_keys_checked_after(*models: type[Model]) -> Iterator[None]:
    """For a generated bulk load inside a transaction (the demo profiles only): on PostgreSQL the tables' foreign
    keys are dropped and added back afterwards, which checks each in one join, instead of one deferred trigger per
    row and key at COMMIT (18 million for the metro's notes: most of two minutes). The tables are locked meanwhile
    (ACCESS EXCLUSIVE): never on a database in use. Does nothing elsewhere; rolled back with the transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    dropped = []
    with connection.cursor() as cursor:
        # the checks deferred so far are run now: a table with pending trigger events cannot be altered
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in models:
            table = model._meta.db_table
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [table])
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                dropped.append((table, name, definition))
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, definition in dropped:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def _bulk_create(model: type[Model], objs: Iterable[Model]) -> int:
    count, it = 0, iter(objs)
    while chunk := list(islice(it, BATCH * 4)):
        model._default_manager.bulk_create(chunk, batch_size=BATCH)
        count += len(chunk)
    return count
