"""Named version tokens, and the answers a process keeps while one is unchanged.

Some answers cost a page more than the page itself — an agency's Scope (its id lists of bases), the year's figures,
the 制度の狭間 rows — and are the same for every reader until something they are read from is written. Each kind has
a name and one `core.models.VersionToken` row; every write that can change its answers calls `changed(name)` (model
signals, connected by the owning app; writes that bypass signals call it themselves), which writes a new random
token in the writer's transaction. `Kept` keeps the answers per process under the token they were computed with:
every process reads the token once per answer asked, so a write committed in one process is seen by all of them
at their next reading; a rolled-back write leaves the old token, which still describes the data.
"""

import time
import uuid
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from .models import VersionToken

SHARING = "sharing"
FIGURES = "figures"
GAPS = "gaps"
NAMES = (SHARING, FIGURES, GAPS)  # each has its row from the migration (core 0003)

T = TypeVar("T")


def changed(name: str) -> None:
    """A new token for `name`, in the caller's transaction."""
    token = uuid.uuid4().hex
    if not VersionToken.objects.filter(name=name).update(token=token):
        VersionToken.objects.update_or_create(name=name, defaults={"token": token})


def current(name: str) -> str | None:
    """The token of `name`; None when its row is gone (a flushed database): then nothing may be kept."""
    return VersionToken.objects.filter(name=name).values_list("token", flat=True).first()


class Kept(Generic[T]):
    """Answers of one kind kept in this process by key while the token of `name` is unchanged, and `max_age`
    seconds at most (None: no limit) — the limit for writes that bypass the signals. At most `size` answers: when
    full, all are dropped (a key holds the day or the 年度 asked for, so old ones would otherwise stay)."""

    def __init__(self, name: str, *, size: int, max_age: float | None = None) -> None:
        self.name = name
        self.size = size
        self.max_age = max_age
        self._kept: dict[Hashable, tuple[str, float, T]] = {}

    def get(self, key: Hashable, compute: Callable[[str | None], T]) -> T:
        """The kept answer for `key`, or `compute(token)`'s, kept under the token read before computing (so an
        answer computed while a write commits is kept under the older token and computed again next time)."""
        token = current(self.name)
        found = self._kept.get(key)
        now = time.monotonic()
        if (token is not None and found is not None and found[0] == token
                and (self.max_age is None or now - found[1] < self.max_age)):
            return found[2]
        value = compute(token)
        if token is not None:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = (token, now, value)
        return value

    def forget(self) -> None:
        """Drops what this process keeps (tests, and after a restore)."""
        self._kept.clear()
