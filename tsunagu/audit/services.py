"""Writing the access log. Called by tsunagu.sharing.policy (and nowhere that bypasses it)."""

from collections.abc import Iterable

from django.db import models

from .models import AccessAction, AccessLog


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
    if len(rows) == 1:
        rows[0].save(force_insert=True)  # one statement, committed by itself (bulk_create adds BEGIN and COMMIT)
    else:
        AccessLog.objects.bulk_create(rows)
    return len(rows)
