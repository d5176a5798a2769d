"""A substring index for person and household search, the same on SQLite and PostgreSQL.

Search matches a part of a name or reading anywhere in the key (`search_key LIKE '%…%'`), which no B-tree can
serve: on the city profile every search read all 39,000 keys, twice (the count and the page). Instead each key's
two-character pieces are kept in PersonGram / HouseholdGram. A query of two or more characters is looked up by its
rarest piece — the rows holding it — and the LIKE then runs on those few rows only, so the answer is exactly the
LIKE's. A one-character query is too unselective to index and keeps the scan.

Pieces never span the "|" between name and reading, as the key's LIKE never does for a query without "|".
The index follows every save (signals in people.apps); bulk writes (the demo) call `reindex` themselves, and a
migration builds it for existing rows.
"""

import time
from typing import Any

from django.db.models import BigAutoField, Count, Lookup, Model, QuerySet

from tsunagu.core.bulk import insert_values

from .models import Household, HouseholdGram, Person, PersonGram

# model → (its gram model, the gram's column naming the row); Any: the two gram models share no base of their own
_GRAMS: dict[type[Model], tuple[Any, str]] = {
    Person: (PersonGram, "person_id"), Household: (HouseholdGram, "household_id")}


def grams(key: str) -> set[str]:
    return {part[i:i + 2] for part in key.split("|") for i in range(len(part) - 1)}


def reindex(model, objs, *, fresh: bool = False) -> None:
    """Writes the pieces of `objs` (saved rows of Person or Household). `fresh`: the rows have none yet."""
    gram_model, field = _GRAMS[model]
    objs = list(objs)
    if not fresh:
        gram_model.objects.filter(**{f"{field}__in": [o.pk for o in objs]}).delete()
    insert_values(gram_model, (field, "gram"), ((o.pk, g) for o in objs for g in sorted(grams(o.search_key))))


def containing(qs: QuerySet, key: str) -> QuerySet:
    """`qs` narrowed to rows whose search key contains `key` (already normalised by identity.normalize).

    The candidates are the holders of the query's rarest piece (「橋」 rather than 「タカ」): one index range,
    then the LIKE on those rows only. How rare a piece is comes from `_frequencies`, which may be a little out
    of date — that can only make a search slower, never change its answer."""
    wanted = grams(key)
    if wanted:
        gram_model, field = _GRAMS[qs.model]
        frequency = _frequencies(gram_model, wanted)
        rarest = min(wanted, key=lambda g: (frequency[g], g))
        qs = qs.filter(pk__gram_holders=gram_model.objects.filter(gram=rarest).values(field))
    return qs.filter(search_key__contains=key)


@BigAutoField.register_lookup
class GramHolders(Lookup):
    """`pk__gram_holders=<subquery of ids>`: IN (subquery), which PostgreSQL is given as `= ANY(ARRAY(subquery))`.
    With a plain IN its planner, misjudging the LIKE, would rather read all of an agency's persons (a third of the
    city) than the thousand holders of a piece; the array is computed first and read through the primary key."""

    lookup_name = "gram_holders"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


_counted: dict[tuple[str, str], tuple[int, float]] = {}  # (gram table, piece) -> (rows holding it, when counted)
_COUNT_SECONDS = 3600
_COUNTS_KEPT = 50_000


def _frequencies(gram_model, wanted: set[str]) -> dict[str, int]:
    now = time.monotonic()
    table = gram_model._meta.db_table
    stale = [g for g in wanted if (hit := _counted.get((table, g))) is None or now - hit[1] > _COUNT_SECONDS]
    if stale:
        counts = dict(gram_model.objects.filter(gram__in=stale).values("gram").annotate(n=Count("pk"))
                      .values_list("gram", "n"))
        if len(_counted) > _COUNTS_KEPT:
            _counted.clear()
        for g in stale:
            _counted[(table, g)] = (counts.get(g, 0), now)
    return {g: _counted[(table, g)][0] for g in wanted}


def after_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields is not None and "search_key" not in update_fields):
        return
    reindex(sender, [instance], fresh=created)
