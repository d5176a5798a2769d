"""A substring index for person and household search, the same on SQLite and PostgreSQL.

Search matches a part of a name or reading anywhere in the key (`search_key LIKE '%…%'`), which no B-tree can
serve: on the city profile every search read all 39,000 keys, twice (the count and the page). Instead each key's
two-character pieces are kept in PersonGram / HouseholdGram. A query of two or more characters is looked up by its
pieces — the rows holding all of them — and the LIKE then runs on those few rows only, so the answer is exactly
the LIKE's. A one-character query is too unselective to index and keeps the scan.

Pieces never span the "|" between name and reading, as the key's LIKE never does for a query without "|".
The index follows every save (signals in people.apps); bulk writes (the demo) call `reindex` themselves, and a
migration builds it for existing rows.
"""

from django.db.models import Count, Model, QuerySet

from .models import Household, HouseholdGram, Person, PersonGram

_GRAMS = {Person: (PersonGram, "person_id"), Household: (HouseholdGram, "household_id")}


def grams(key: str) -> set[str]:
    return {part[i:i + 2] for part in key.split("|") for i in range(len(part) - 1)}


def reindex(model, objs, *, fresh: bool = False) -> None:
    """Writes the pieces of `objs` (saved rows of Person or Household). `fresh`: the rows have none yet."""
    gram_model, field = _GRAMS[model]
    objs = list(objs)
    if not fresh:
        gram_model.objects.filter(**{f"{field}__in": [o.pk for o in objs]}).delete()
    gram_model.objects.bulk_create(
        [gram_model(**{field: o.pk}, gram=g) for o in objs for g in sorted(grams(o.search_key))], batch_size=5000
    )


def reindex_all(model) -> int:
    gram_model, _ = _GRAMS[model]
    gram_model.objects.all().delete()
    rows = model.objects.only("pk", "search_key").order_by("pk")
    count = 0
    batch: list[Model] = []
    for row in rows.iterator(chunk_size=5000):
        batch.append(row)
        if len(batch) == 5000:
            reindex(model, batch, fresh=True)
            count += len(batch)
            batch = []
    reindex(model, batch, fresh=True)
    return count + len(batch)


def containing(qs: QuerySet, key: str) -> QuerySet:
    """`qs` narrowed to rows whose search key contains `key` (already normalised by identity.normalize)."""
    wanted = grams(key)
    if wanted:
        gram_model, field = _GRAMS[qs.model]
        holders = (gram_model.objects.filter(gram__in=wanted).values(field)
                   .annotate(found=Count("gram")).filter(found=len(wanted)).values(field))
        qs = qs.filter(pk__in=holders)
    return qs.filter(search_key__contains=key)


def after_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields is not None and "search_key" not in update_fields):
        return
    reindex(sender, [instance], fresh=created)
