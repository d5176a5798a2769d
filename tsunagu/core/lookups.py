"""`field__ids_in=[…]`: a column among a long list of ids, sent as ONE parameter.

The policy's conditions carry id lists that grow with the municipality (the persons who consented to an agency, the
households on its meetings' agendas): thousands of ids on a 政令市, repeated in a list's WHERE and in its bases'
annotations. Django's `__in` turns each id into a parameter of its own — prepared one by one in Python, tens of
thousands per page, and past SQLite's limit on parameters. Here the list is one value: an array on PostgreSQL
(`col = ANY(%s)`), a JSON text read by `json_each` on SQLite. Same rows as `__in`; `__in` stays for short lists.
"""

import json
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup


class IdsIn(Lookup):
    lookup_name = "ids_in"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:  # the ids are taken as they are: whole numbers
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":  # as the array's text: psycopg would read a list's every element in
            # Python to choose its type, for each time the list appears in a query (a list's bases repeat it)
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}")
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(self.rhs))  # noqa: S608 (a column)


def register() -> None:
    """Called once from core's AppConfig.ready: every integer and foreign-key column gets the lookup."""
    models.IntegerField.register_lookup(IdsIn)
    models.ForeignKey.register_lookup(IdsIn)
