"""The demo municipality: generated, deterministic, fictional. Each app's `demo.py` adds its own part.

`town` is shaped like the seed's 当別町 (pop. ~15,000), `city` like 苫小牧市 (pop. ~170,000), `metro` like a 政令市
(ten times the city: 400,000 persons, 6,000,000 notes; PostgreSQL only, written with COPY — core.bulk). The city
profile is the benchmark dataset, metro the one the page benchmarks are compared on (bench/metro.py). Same profile
and seed → same data.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.db import connection, transaction

from .registry import app_modules

PROFILES = ("town", "city", "metro")
POSTGRESQL_ONLY = ("metro",)  # too large for SQLite's single writer
DEMO_PASSWORD = "tsunagu-demo-2026"  # noqa: S105 -- printed by `make run`; demo deployments only


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass
class DemoContext:
    profile: str
    seed: int
    today: date
    rng: random.Random
    out: Writer | None = None  # a stream for progress lines
    data: dict[str, Any] = field(default_factory=dict)  # what one app's generator hands to the next

    @property
    def is_city(self) -> bool:
        """City-shaped: the city's agencies and districts (metro is a larger city)."""
        return self.profile in ("city", "metro")

    @property
    def is_metro(self) -> bool:
        return self.profile == "metro"

    def rng_for(self, part: str) -> random.Random:
        """A generator of its own per app, so adding data in one app never shifts another app's data."""
        return random.Random(f"{self.seed}:{self.profile}:{part}")

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message + "\n")


def demo_generate(*, profile: str, seed: int = 2026, today: date | None = None,
                  out: Writer | None = None) -> DemoContext:
    if profile not in PROFILES:
        raise ValueError(f"プロファイルは {' / '.join(PROFILES)} のいずれかです: {profile}")
    if profile in POSTGRESQL_ONLY and connection.vendor != "postgresql":
        raise ValueError(f"プロファイル {profile} は PostgreSQL でのみ生成できます（SQLite には大きすぎます）。"
                         "DATABASE_URL に PostgreSQL のデータベースを指定してください。")
    ctx = DemoContext(profile=profile, seed=seed, today=today or date(2026, 11, 1), rng=random.Random(seed), out=out)
    for module in app_modules("demo"):
        if module.__name__ == __name__:
            continue
        started = time.perf_counter()
        with transaction.atomic():
            module.generate(ctx)
        ctx.say(f"  {module.__name__}: {time.perf_counter() - started:.1f} 秒")
    if connection.vendor == "postgresql":
        # Tables filled by COPY and bulk inserts have no planner statistics until autovacuum comes by: without
        # them PostgreSQL guesses one row for a scope's conditions and joins every candidate before sorting (the
        # metro's open-case list took 11 s instead of 2 ms). backup.restore does the same after pg_restore.
        # VACUUM too, where it can run (not inside a transaction, as in a test): it marks the new pages all-visible,
        # so that an index-only scan — the person search's pieces — does not visit the table for each entry until
        # autovacuum comes by.
        started = time.perf_counter()
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(command)
        ctx.say(f"  統計情報（{command}）: {time.perf_counter() - started:.1f} 秒")
    return ctx
