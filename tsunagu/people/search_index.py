"""A substring index for person and household search, the same on SQLite and PostgreSQL.

Search matches a part of a name or reading anywhere in the key (`search_key LIKE '%…%'`), which no B-tree can
serve: on the city profile every search read all 39,000 keys, twice (the count and the page). Instead each key's
two-character pieces are kept in PersonGram / HouseholdGram. A query of two or more characters is looked up by its
rarest piece — the rows holding it — and the key is then looked for in those few rows only, so the answer is
exactly the LIKE's. A one-character query is too unselective to index and keeps the scan.

Pieces never span the "|" between name and reading, as the key's LIKE never does for a query without "|".
The index follows every save (signals in people.apps); bulk writes (the demo) call `reindex` themselves, and a
migration builds it for existing rows.

Each piece carries its row's place in the list (a person's ふりがな, a household's name): `containing` reads the
holders of the rarest piece in the list's order, so a page of a search — its rows, the policy's conditions checked
on each — stops once it has them. On a 政令市 a common name has ten times the holders of a city; the page need not.
"""

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.functions import StrIndex

from tsunagu.core.bulk import insert_values
from tsunagu.identity.readings import is_katakana

from .models import Household, HouseholdGram, Person, PersonGram

# model → (its gram model, the gram's column naming the row, the row's column of the list's order, copied to the
# gram); Any: the two gram models share no base of their own
_GRAMS: dict[type[Model], tuple[Any, str, str]] = {
    Person: (PersonGram, "person_id", "kana"), Household: (HouseholdGram, "household_id", "name")}


def grams(key: str) -> set[str]:
    return {part[i:i + 2] for part in key.split("|") for i in range(len(part) - 1)}


def reindex(model, objs, *, fresh: bool = False) -> None:
    """Writes the pieces of `objs` (saved rows of Person or Household). `fresh`: the rows have none yet."""
    gram_model, field, order = _GRAMS[model]
    objs = list(objs)
    if not fresh:
        gram_model.objects.filter(**{f"{field}__in": [o.pk for o in objs]}).delete()
    insert_values(gram_model, (field, "gram", order, "agency_id"),
                  ((o.pk, g, getattr(o, order), o.agency_id) for o in objs for g in sorted(grams(o.search_key))))


def containing(qs: QuerySet, key: str, *, holders: Callable[[str, str], Q] | None = None) -> QuerySet:
    """`qs` narrowed to rows whose search key contains `key` (already normalised by identity.normalize), in the
    list's order: a person's ふりがな, a household's name, then id.

    The candidates are the holders of the query's rarest piece (「橋」 rather than 「タカ」), read off its index in
    that order (gram, the copied order column, id) and joined to their row by its key; the key is looked for on
    those rows only. So LIMIT stops the walk after a page, and a count limited to N rows (core.pagination.capped_page) after N,
    however many persons hold the piece. How rare a piece is comes from `_frequencies`, counted up to `COUNT_CAP` and
    kept an hour — a little out of date, or blind past the cap, it can only make a search slower, never change its
    answer. A query without a piece (one character)
    is checked on every row, in the row's own index order.

    `holders` (the sharing policy's) narrows the holders on the piece's own columns: given the names of the
    recording agency's column and the row's, it returns the condition (`policy.search_persons`: the agency's own
    rows or its listed ids). The index carries both, so a holder that fails it is passed over without reading its
    row."""
    gram_model, field, order = _GRAMS[qs.model]
    wanted = grams(key)
    if not wanted:
        return qs.filter(search_key__contains=key).order_by(order, "pk")
    # One gram row per row at most (unique per row and piece): the join adds no duplicates. The key is looked for
    # with STRPOS, not LIKE: the same answer, but PostgreSQL cannot estimate it from the column's statistics. From
    # them it took LIKE '%タナカ%' for a rare condition, blind to its going with the piece 「タナ」, and chose to
    # read all of an agency's persons (100,000 on a 政令市) and join them to the holders, rather than walk the
    # holders in order and stop after the page.
    # one filter(): the holders' condition is on the same join as the piece
    narrowed = holders("grams__agency_id", f"grams__{field}") if holders is not None else Q()
    rows = (qs.filter(narrowed, grams__gram=_rarest(gram_model, wanted))
            .alias(key_found_at=StrIndex("search_key", Value(key))).filter(key_found_at__gt=0))
    return rows.order_by(f"grams__{order}", f"grams__{field}")


def in_list_order(qs: QuerySet) -> QuerySet:
    """The whole list in the order `containing` gives a search's rows: a person's ふりがな, a household's name, then
    id — off the row's own index."""
    return qs.order_by(_GRAMS[qs.model][2], "pk")


def _rarest(gram_model, wanted: set[str]) -> str:
    """The piece with the fewest holders; among pieces held past `COUNT_CAP` rows, which all cost a walk alike, one of
    the name's own characters (a kanji's piece narrows more than a reading's), then the first."""
    frequency = _frequencies(gram_model, wanted)
    return min(wanted, key=lambda g: (frequency[g], is_katakana(g), g))  # a key's readings are in katakana


_counted: dict[tuple[str, str], tuple[int, float]] = {}  # (gram table, piece) -> (rows holding it, when counted)
_COUNT_SECONDS = 3600
_COUNTS_KEPT = 50_000
# Holders are counted up to this many: past it a piece is common, and counting on cost a first search in each process
# ten times as much on a 政令市 as on a city (「ヨシ」 is held by 22,000 of its persons: 120 ms; counted to 2,000, 1–2 ms).
COUNT_CAP = 2000


def _frequencies(gram_model, wanted: set[str]) -> dict[str, int]:
    """How many rows hold each piece, up to `COUNT_CAP`: one query for the pieces not counted in the last hour."""
    now = time.monotonic()
    table = gram_model._meta.db_table
    stale = sorted(g for g in wanted if (hit := _counted.get((table, g))) is None or now - hit[1] > _COUNT_SECONDS)
    if stale:
        quoted = connection.ops.quote_name(table)
        sql = " UNION ALL ".join(  # each piece's count stops at the cap: at most COUNT_CAP index entries read
            f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {quoted} WHERE gram = %s LIMIT %s) held" for _ in stale)  # noqa: S608 -- our own table, every value a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for g in stale for value in (g, g, COUNT_CAP)])
            counts = dict(cursor.fetchall())
        if len(_counted) > _COUNTS_KEPT:
            _counted.clear()
        for g in stale:
            _counted[(table, g)] = (counts.get(g, 0), now)
    return {g: _counted[(table, g)][0] for g in wanted}


def after_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields is not None and not {"search_key", "agency", "agency_id"} & set(update_fields)):
        return
    reindex(sender, [instance], fresh=created)
