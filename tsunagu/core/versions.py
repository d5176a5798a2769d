"""Named version tokens, and the answers a process keeps while one is unchanged.

Some answers cost a page more than the page itself — an agency's Scope (its id lists of bases), the year's figures,
the 制度の狭間 rows — and are the same for every reader until something they are read from is written. Each kind has
a name and one `core.models.VersionToken` row; every write that can change its answers calls `changed(name)` (model
signals, connected by the owning app; writes that bypass signals call it themselves), which writes a new random
token in the writer's transaction. `Kept` keeps the answers per process under the token they were computed with:
every process reads the token once per answer asked, so a write committed in one process is seen by all of them
at their next reading; a rolled-back write leaves the old token, which still describes the data. `Shared` keeps
them in the database instead (`core.models.SharedAnswer`): computed by one process, read by all.
"""

import json
import logging
import time
import uuid
import weakref
from collections.abc import Callable, Hashable
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import SharedAnswer, VersionToken

logger = logging.getLogger(__name__)

SHARING = "sharing"
FIGURES = "figures"
GAPS = "gaps"
DIRECTORY = "directory"  # the 社会資源 directory: the key of its cached public pages (resources.middleware)
NETWORK = "network"  # the 連携ネットワーク's pairs of agencies (workspace.queries)
NAMES = (SHARING, FIGURES, GAPS, DIRECTORY, NETWORK)  # each has its row from a migration (core 0003; directory:
# resources 0011; network: workspace 0003)

T = TypeVar("T")


_every: "weakref.WeakSet[Kept[Any] | Shared]" = weakref.WeakSet()  # every Kept and Shared made, for `forget_all`


def forget_all() -> None:
    """Drops what this process keeps of every kind (tests: a test's rolled-back writes leave each token as it was, so
    nothing one test kept may answer another). The database's shared answers stay, for their tokens."""
    for kept in list(_every):
        kept.forget()


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
        _every.add(self)

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


class Shared:
    """Answers of one kind computed by whichever process asks first and read by every other from the database
    (`core.models.SharedAnswer`), while the token of `name` is unchanged and for `max_age` seconds at most — the
    limit for writes that bypass the signals. Each process also keeps what it read (`size` answers at most), so an
    unchanged answer costs one indexed read of the token, as with `Kept`.

    For answers that cost more than a page and are the same for every reader: six worker processes each computing
    them cold multiplied that cost by six, and a limit of a minute made every process pay it again every minute. The
    answer is plain JSON — numbers, text, lists, dicts, dates and times (a tuple comes back as a list) — and every
    process, the one that computed it too, gets it back as read from JSON, so all see the same values.

    Past `max_age` with the token unchanged, the first process to see it claims the row (its date moves on) and
    computes again; the others keep the answer they find meanwhile, which the token still says is current."""

    def __init__(self, name: str, *, size: int, max_age: float) -> None:
        self.name = name
        self.size = size
        self.max_age = max_age
        self._kept: dict[str, tuple[str, float, Any]] = {}
        _every.add(self)

    def get(self, key: str, compute: Callable[[str | None], Any], *, token: str | None = None) -> Any:
        """The answer for `key` (at most 200 characters) under the current token: this process's, the database's,
        or `compute(token)`'s — then written for the others under the token read before computing. `token`: the
        current one, when the caller has just read it (a `Kept` computing its answer from this one's)."""
        token = token or current(self.name)
        if token is None:  # no row (a flushed database): nothing is kept, nor shared
            return _loads(_dumps(compute(None)))
        found = self._kept.get(key)
        if found is not None and found[0] == token and time.time() - found[1] < self.max_age:
            return found[2]
        row = (SharedAnswer.objects.filter(name=self.name, key=key, token=token)
               .values_list("computed_at", "value").first())
        if row is not None and (time.time() - row[0].timestamp() < self.max_age or not self._claim(key, token, row[0])):
            return self._keep(key, token, row[0].timestamp(), _loads(row[1]))
        text = _dumps(compute(token))
        self._write(key, token, text)
        return self._keep(key, token, time.time(), _loads(text))

    def _keep(self, key: str, token: str, at: float, value: Any) -> Any:
        if len(self._kept) >= self.size:
            self._kept.clear()
        self._kept[key] = (token, at, value)
        return value

    def _claim(self, key: str, token: str, computed_at: datetime) -> bool:
        """Whether this process is the one to compute an aged answer again (one UPDATE; the others find the row
        dated now and read it)."""
        return bool(SharedAnswer.objects.filter(name=self.name, key=key, token=token, computed_at=computed_at)
                    .update(computed_at=timezone.now()))

    def _write(self, key: str, token: str, text: str) -> None:
        """The answer for the others, and the kind's answers of older tokens or past their age deleted. A failed
        write (a lock on SQLite …) only leaves the answer to be computed again: the page goes on."""
        now = timezone.now()
        try:  # two statements, each committed by itself outside a transaction: no process holds two rows' locks
            with transaction.atomic():
                SharedAnswer.objects.bulk_create(
                    [SharedAnswer(name=self.name, key=key, token=token, computed_at=now, value=text)],
                    update_conflicts=True, unique_fields=["name", "key"], update_fields=["token", "computed_at", "value"])
            with transaction.atomic():
                (SharedAnswer.objects.filter(name=self.name)
                 .filter(~Q(token=token) | Q(computed_at__lt=now - timedelta(seconds=self.max_age))).delete())
        except DatabaseError:
            logger.warning("共有する計算結果 %s %s を書き込めませんでした", self.name, key, exc_info=True)

    def forget(self) -> None:
        """Drops what this process keeps (tests); the database's answers stay, for their token."""
        self._kept.clear()


def _tagged(value: object) -> object:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"not a plain JSON value: {type(value).__name__}")


def _untagged(obj: dict[str, Any]) -> object:
    if len(obj) == 1:
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
    return obj


def _dumps(value: object) -> str:
    return json.dumps(value, default=_tagged, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_untagged)
