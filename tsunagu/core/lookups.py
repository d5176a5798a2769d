"""`field__ids_in=[…]`: a column among a long list of ids, sent as ONE parameter.

The policy's conditions carry id lists that grow with the municipality (the persons who consented to an agency, the
households on its meetings' agendas): thousands of ids on a 政令市, repeated in a list's WHERE and in its bases'
annotations. Django's `__in` turns each id into a parameter of its own — prepared one by one in Python, tens of
thousands per page, and past SQLite's limit on parameters. Here the list is one value: an array on PostgreSQL
(`col = ANY(%s)`), a JSON text read by `json_each` on SQLite. Same rows as `__in`; `__in` stays for short lists.

A plain list is read again for every query it is in: Django walks it element by element to resolve and hash the
lookup, and the array's text is made again. `IdList` is the list made once — the ids, their array text and JSON
text — and taken as one value: the policy keeps one per id list of an agency's Scope (`sharing.policy._to_q`), so
a page of a 政令市 does not walk tens of thousands of ids in Python for each query.
"""

import json
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup


class IdList:
    """Ids taken as one value by `ids_in`: neither a list nor a tuple, so Django does not walk it element by element;
    hashable, so a query's identity does not either; its array and JSON texts made once."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = tuple(int(i) for i in ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @cached_property
    def array_text(self) -> str:
        return "{" + ",".join(map(str, self.ids)) + "}"

    @cached_property
    def json_text(self) -> str:
        return json.dumps(self.ids)


class IdsIn(Lookup):
    lookup_name = "ids_in"
    prepare_rhs = False

    def get_prep_lookup(self) -> IdList:  # the ids are taken as they are: whole numbers
        return self.rhs if isinstance(self.rhs, IdList) else IdList(self.rhs)

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":  # as the array's text: psycopg would read a list's every element in
            # Python to choose its type, for each time the list appears in a query (a list's bases repeat it)
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs.array_text)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, self.rhs.json_text)  # noqa: S608 (a column)


def register() -> None:
    """Called once from core's AppConfig.ready: every integer and foreign-key column gets the lookup."""
    models.IntegerField.register_lookup(IdsIn)
    models.ForeignKey.register_lookup(IdsIn)
