"""Writing the access log. Called by tsunagu.sharing.policy (and nowhere that bypasses it)."""

from collections.abc import Iterable

from django.db import models

from .models import AccessAction, AccessLog

_BATCH = 500  # rows per INSERT: SQLite allows 32,766 parameters a statement, and a row has 9


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def access_log_record(
    *,
    actor,
    reads: Iterable[tuple[models.Model, str, str]],
    action: str = AccessAction.VIEW,
    path: str = "",
) -> int:
    """Logs each (object, basis, basis_detail) read by the actor, in one insert. Returns the count."""
    rows = [
        AccessLog(
            staff=actor.staff,
            agency_id=actor.agency_id,
            action=action,
            object_type=object_type_of(obj),
            object_id=str(obj.pk),
            basis=basis,
            basis_detail=detail[:200],
            path=path[:300],
        )
        for obj, basis, detail in reads
    ]
    # One INSERT statement for all the rows, committed by itself (bulk_create would wrap it in BEGIN … COMMIT: two
    # more round trips on every page that shows several persons). A single statement is atomic on its own.
    # `_insert` is the step bulk_create and Model.save share (Django 5.2 is pinned); inside a caller's
    # transaction the rows are part of it.
    fields = [f for f in AccessLog._meta.concrete_fields if not f.primary_key]
    for start in range(0, len(rows), _BATCH):
        AccessLog.objects._insert(rows[start:start + _BATCH], fields=fields)  # type: ignore[attr-defined]  # private, as said
    return len(rows)
