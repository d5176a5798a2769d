"""The background worker (`manage.py db_worker`): django-tasks' database worker, kept alive and seen.

- It reconnects. django_tasks_db's loop re-raises every database error but SQLite's "locked", so a lost PostgreSQL
  connection (a restart, `pg_terminate_backend`, the network) ended the process and nightly 名寄せ stopped silently.
  Here the connection is closed and the loop starts again after a pause that grows to 30 s; a task result this worker
  could not finish writing is marked failed.
- It beats. A thread writes the worker's `WorkerBeat` row every WORKER_HEARTBEAT_SECONDS, also while a long task runs
  (/healthz reads it), and at each beat marks as failed what dead processes left running: task results of workers
  whose beat has stopped, and each app's own work through its `tasks.recover()` (core.registry) — 名寄せ's runs.
- It is supervised: scripts/serve.sh and the systemd unit (deploy/) start it again when it ends.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from .heartbeat import Beating
from .models import WorkerBeat
from .registry import app_modules

log = logging.getLogger(__name__)
LOST = "tsunagu.core.worker.WorkerLost"
MAX_PAUSE = 30.0


class WorkerLost(Exception):
    """The worker running a task stopped (killed, its machine restarted) or lost the database before it finished."""


def heartbeat_seconds() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 30))


def stale_after() -> timedelta:
    """A beat older than this is a worker that has stopped: four missed beats."""
    return timedelta(seconds=4 * heartbeat_seconds())


def newest_beat() -> datetime | None:
    return WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def beat(worker_id: str) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": now},
                                        create_defaults={"beat_at": now, "started_at": now, "pid": os.getpid(),
                                                         "host": socket.gethostname()[:255]})
    recover(now)


def _fail(results: list[DBTaskResult[Any, Any]], now: datetime, why: str) -> None:
    for result in results:
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=LOST, traceback=why)


def recover(now: datetime | None = None) -> None:
    """Marks as failed what processes that stopped beating left running."""
    now = now or timezone.now()
    stale_before = now - stale_after()
    live = set(WorkerBeat.objects.filter(beat_at__gte=stale_before).values_list("worker_id", flat=True))
    left = [r for r in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            .filter(Q(started_at__lt=stale_before) | Q(started_at__isnull=True)).only("id", "worker_ids")
            if not r.worker_ids or r.worker_ids[-1] not in live]
    _fail(left, now, "タスクを実行していたワーカーが応答しなくなりました（停止または再起動）。")
    WorkerBeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    for module in app_modules("tasks"):
        if hasattr(module, "recover"):
            module.recover()


class Worker(DatabaseWorker):
    """django_tasks_db's worker, which comes back after losing the database and beats while it lives."""

    def run(self) -> None:
        pause = 1.0
        with Beating(partial(beat, self.worker_id), every=heartbeat_seconds(), name="worker-heartbeat"):
            while True:
                try:
                    super().run()
                    return
                except (OperationalError, InterfaceError) as error:
                    if not self.running:
                        return
                    log.warning("データベースとの接続が切れました（%s）。%.0f 秒後に接続し直します。", str(error).strip(), pause)
                    connections.close_all()
                    self.running_task = False
                    time.sleep(pause)
                    pause = min(pause * 2, MAX_PAUSE)
                    self._fail_own_results()

    def _fail_own_results(self) -> None:
        """A task this worker was running when the connection went: its result could not be written."""
        try:
            mine = [r for r in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids")
                    if r.worker_ids and r.worker_ids[-1] == self.worker_id]
            _fail(mine, timezone.now(), "実行中にデータベースとの接続が切れたため、結果を記録できませんでした。")
        except (OperationalError, InterfaceError):
            connections.close_all()  # still away: the loop tries again
