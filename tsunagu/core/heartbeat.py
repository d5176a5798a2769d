"""A heartbeat: a daemon thread that calls `beat()` now and every few seconds while a block of work runs.

A process that dies stops beating, so whoever reads the beat (the worker's row for /healthz, a 名寄せ run's
`heartbeat_at`) can tell work in progress from work whose process is gone — within minutes, whatever the work's length.
The thread has its own database connection (Django's are per thread), closed when the block ends. A failed beat (the
database restarting, SQLite busy behind a long write) is logged and tried again at the next.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

from django.db import connection, connections

log = logging.getLogger(__name__)


class Beating:
    def __init__(self, beat: Callable[[], object], every: float, name: str = "heartbeat", *, at_once: bool = True) -> None:
        """`at_once`: the first beat when the block starts; otherwise after `every` (the caller wrote the first).

        Inside a caller's transaction (the demo generates every app in one) the thread does not start: the work's
        rows are not yet visible to any other connection, so a beat has nothing to mark — and on SQLite it would
        only wait behind the transaction's lock."""
        self.beat, self.every, self.at_once = beat, every, at_once
        self.idle = connection.in_atomic_block
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            if not self.at_once and self._stop.wait(self.every):
                return
            while True:
                try:
                    self.beat()
                except Exception as error:  # noqa: BLE001 -- a missed beat is tried again; the work goes on
                    log.warning("応答の記録に失敗しました（%s）。次の回にもう一度記録します。", str(error).strip())
                    connections.close_all()
                if self._stop.wait(self.every):
                    return
        finally:
            connections.close_all()

    def __enter__(self) -> Beating:
        if not self.idle:
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        if not self.idle:
            self._thread.join()
