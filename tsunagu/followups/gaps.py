"""The 制度の狭間 list's rows, computed by one process and shared by all while nothing they are read from has changed.

The list aggregates over every open case, referral, follow-up and multi-issue household of the municipality; on a
政令市 that is 0.3–0.5 s for each reading of the coordinator's overview, and it grows with the data. Every write
to a table in `READ` writes a new `gaps` token (`core.versions`) in the writer's transaction (connected in
followups.apps; `services.schedule_create`'s bulk insert calls `gaps_changed` itself), so a reading after a
committed write computes them again. What is kept is the rows as plain values (ids, dates, agency names, counts),
in the database (`core.versions.Shared`): the process that computes them first writes them for the others — kept
per process, six gunicorn workers each paid the aggregates cold, and again every minute. The names shown, and the
log of who read them, are still made per reader (`queries._sections`).

`MAX_AGE` only bounds how long a write that bypasses the signals (raw SQL, a bulk update elsewhere) stays unseen:
every write through the models changes the token at once. Ten minutes: a missed write shows within the time a
coordinator takes to come back to the list, and the aggregates run at most once per ten minutes for the whole
installation while nothing is written.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from tsunagu.core import versions

READ = ("cases.Case", "cases.Consultation", "cases.Referral", "people.Household", "followups.FollowUp",
        "followups.Outreach", "followups.OutreachVisit", "followups.VisitPlan")
MAX_AGE = 600.0  # seconds
# (what was asked, today) -> its rows, while the `gaps` token is unchanged
_shared = versions.Shared(versions.GAPS, size=100, max_age=MAX_AGE)


def gaps_changed(**kwargs: object) -> None:
    """Connected to every write of a `READ` model; writes that bypass model signals on those tables call it."""
    versions.changed(versions.GAPS)


def kept(key: tuple, today: date, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value (plain JSON values: a tuple comes back as a list) for `key` on `today`, computed again
    once the token changes or MAX_AGE has passed."""
    return _shared.get(":".join(str(part) for part in (*key, today.isoformat())), lambda token: compute())


def forget() -> None:
    """Drops this process's kept rows (tests); the shared ones stay, for their token."""
    _shared.forget()
