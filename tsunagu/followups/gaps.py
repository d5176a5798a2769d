"""The 制度の狭間 list's rows kept per process while nothing they are read from has changed.

The list aggregates over every open case, referral, follow-up and multi-issue household of the municipality; on a
政令市 that is 0.3–0.5 s for each reading of the coordinator's overview, and it grows with the data. Every write
to a table in `READ` writes a new `GapsVersion` token in the writer's transaction (connected in followups.apps),
so a reading after a committed write recomputes; a write that bypasses model signals is seen within `MAX_AGE`.
What is kept is the rows as plain values (ids, dates, agency names, counts): the names shown, and the log of
who read them, are still made per reader (`queries._sections`).
"""

import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from .models import GapsVersion

READ = ("cases.Case", "cases.Consultation", "cases.Referral", "people.Household", "followups.FollowUp",
        "followups.Outreach", "followups.OutreachVisit", "followups.VisitPlan")
MAX_AGE = 60.0  # seconds
_VERSION_ROW = 1
_KEPT = 100
_kept: dict[tuple, tuple[str, float, Any]] = {}


def gaps_changed(**kwargs: object) -> None:
    """Connected to every write of a `READ` model; writes that bypass model signals on those tables call it."""
    token = uuid.uuid4().hex
    if not GapsVersion.objects.filter(pk=_VERSION_ROW).update(token=token):
        GapsVersion.objects.update_or_create(pk=_VERSION_ROW, defaults={"token": token})


def kept(key: tuple, today: date, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value for `key` on `today`, computed again once the token changes or MAX_AGE has passed."""
    token = GapsVersion.objects.filter(pk=_VERSION_ROW).values_list("token", flat=True).first()
    full_key = (*key, today)
    found = _kept.get(full_key)
    now = time.monotonic()
    if token is not None and found is not None and found[0] == token and now - found[1] < MAX_AGE:
        return found[2]
    value = compute()
    if token is not None:  # no row (a flushed database): nothing is kept
        if len(_kept) >= _KEPT:
            _kept.clear()
        _kept[full_key] = (token, now, value)
    return value


def forget() -> None:
    """Drops this process's kept rows (tests)."""
    _kept.clear()
