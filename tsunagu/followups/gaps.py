"""The 制度の狭間 list's rows kept per process while nothing they are read from has changed.

The list aggregates over every open case, referral, follow-up and multi-issue household of the municipality; on a
政令市 that is 0.3–0.5 s for each reading of the coordinator's overview, and it grows with the data. Every write
to a table in `READ` writes a new `gaps` token (`core.versions`) in the writer's transaction (connected in followups.apps),
so a reading after a committed write recomputes; a write that bypasses model signals is seen within a minute.
What is kept is the rows as plain values (ids, dates, agency names, counts): the names shown, and the log of
who read them, are still made per reader (`queries._sections`).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from tsunagu.core import versions

READ = ("cases.Case", "cases.Consultation", "cases.Referral", "people.Household", "followups.FollowUp",
        "followups.Outreach", "followups.OutreachVisit", "followups.VisitPlan")
# (what was asked, today) -> its rows, while the `gaps` token is unchanged; a minute at most
_kept: versions.Kept[Any] = versions.Kept(versions.GAPS, size=100, max_age=60.0)


def gaps_changed(**kwargs: object) -> None:
    """Connected to every write of a `READ` model; writes that bypass model signals on those tables call it."""
    versions.changed(versions.GAPS)


def kept(key: tuple, today: date, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value for `key` on `today`, computed again once the token changes or the minute has passed."""
    return _kept.get((*key, today), lambda token: compute())


def forget() -> None:
    """Drops this process's kept rows (tests)."""
    _kept.forget()
