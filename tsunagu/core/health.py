"""Is this installation fit to serve? The start-up refusal of gunicorn and `tsunagu check-serving`, and /healthz.

Before serving, the database must exist (a missing SQLite file is never created by serving: that gave a new empty
database whose sign-in failed with 500s), be migrated to this version, and take writes (a read-only file or a
read-only PostgreSQL session made every sign-in fail with 500s and no word why). Each refusal is one Japanese line
that says what to do. `manage.py migrate` — and so `make run` — still create a new database.

/healthz tells monitoring the same, and whether the background worker beats and the disk has room: JSON, HTTP 200
when every check passes, 503 otherwise. It holds no personal data and needs no sign-in.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .backup import progress_now
from .models import BackupKind, BackupRecord
from .worker import heartbeat_seconds, newest_beat, stale_after


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _sqlite_file(connection: BaseDatabaseWrapper) -> Path | None:
    return Path(str(connection.settings_dict["NAME"])) if connection.vendor == "sqlite" else None


def unapplied_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    """This version's migrations the database lacks, each named — one in the middle of an app's history too (a
    plan towards each app's latest migration would see nothing missing once that latest one is recorded)."""
    missing = _code_migrations() - set(MigrationRecorder(connection).applied_migrations())
    return [f"{app}.{name}" for app, name in sorted(missing)]


@cache
def _code_migrations() -> frozenset[tuple[str, str]]:
    """This version's migrations, read from disk once per process (the code does not change under a process)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def unapplied_count(connection: BaseDatabaseWrapper) -> int:
    """How many of this version's migrations the database lacks: one query, for /healthz."""
    return len(_code_migrations() - set(MigrationRecorder(connection).applied_migrations()))


def _write_probe(connection: BaseDatabaseWrapper) -> None:
    """A write that is rolled back: it fails on a read-only file, file system or session."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("UPDATE django_migrations SET app = app WHERE id = (SELECT min(id) FROM django_migrations)")
        transaction.set_rollback(True, using=connection.alias)


def database_refusal(alias: str = "default", *, close: bool = True) -> str | None:
    """The one line serving is refused with when the database is missing, unreachable, not migrated or read-only."""
    connection = connections[alias]
    path = _sqlite_file(connection)
    migrate = "manage.py migrate を実行してください（新しく作る場合も同じです。make run は自動で実行します）"
    if path is not None and not path.exists():
        return (f"データベース {path} がありません。TSUNAGU_VAR_DIR の設定を確かめるか、新しく作る場合は{migrate}。")
    if path is not None and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return (f"データベース {path} に書き込めません。ファイルとフォルダー {path.parent} の所有者と権限を、"
                "サービスを動かすユーザーが書き込めるように直してください。")
    try:
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            return f"データベースに接続できません（{_first_line(error)}）。DATABASE_URL とデータベースサーバーを確かめてください。"
        missing = unapplied_migrations(connection)
        if missing:
            return (f"データベースにこの版のマイグレーションが {len(missing)} 件適用されていません（{missing[0]} など）。"
                    f"{migrate}。")
        try:
            _write_probe(connection)
        except DatabaseError as error:
            where = path or connection.settings_dict["NAME"]
            return (f"データベース {where} に書き込めません（{_first_line(error)}）。ファイルの権限、ディスクの空き、"
                    "読み取り専用の設定（default_transaction_read_only など）を確かめてください。")
        return None
    finally:
        if close:
            connections.close_all()  # nothing opened here crosses gunicorn's fork


# ---------------------------------------------------------------------------------------------------------------------
# /healthz
# ---------------------------------------------------------------------------------------------------------------------


def min_free_bytes() -> int:
    return int(getattr(settings, "HEALTH_MIN_FREE_MB", 1024)) * 1024 * 1024


def _check_database(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_worker() -> dict[str, Any]:
    beat = newest_beat()
    age = (timezone.now() - beat).total_seconds() if beat else None
    required = bool(getattr(settings, "HEALTH_REQUIRES_WORKER", True))
    fresh = age is not None and age <= stale_after().total_seconds()
    return {"ok": fresh or not required, "last_beat_seconds": None if age is None else round(age),
            "expected_every_seconds": heartbeat_seconds(), "required": required}


def _check_disk() -> dict[str, Any]:
    folders = {Path(settings.VAR_DIR)}
    connection = connections["default"]
    if (path := _sqlite_file(connection)) is not None:
        folders.add(path.parent)
    free = min(shutil.disk_usage(folder if folder.exists() else folder.parent).free for folder in folders)
    return {"ok": free >= min_free_bytes(), "free_mb": free // (1024 * 1024), "min_free_mb": min_free_bytes() // 2**20}


def _last_backup() -> dict[str, Any]:
    """For information: how long since the last backup (a backup's absence does not fail the check)."""
    finished = BackupRecord.objects.filter(kind="backup").order_by("-finished_at").values_list(
        "finished_at", flat=True).first()
    return {"last_seconds": None if finished is None else round((timezone.now() - finished).total_seconds())}


def health() -> dict[str, Any]:
    """Every check, each {"ok": bool, …}; a check that could not run is not ok, with its error's first line."""
    connection = connections["default"]
    checks: dict[str, dict[str, Any]] = {}
    try:
        checks["database"] = _check_database(connection)
    except DatabaseError as error:
        checks["database"] = {"ok": False, "error": _first_line(error)}
    def migrations() -> dict[str, Any]:
        unapplied = unapplied_count(connection)
        return {"ok": not unapplied, "unapplied": unapplied}

    runs: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("migrations", migrations), ("worker", _check_worker), ("disk", _check_disk), ("backup", _last_backup)]
    for name, check in runs:
        if not checks["database"]["ok"] and name != "disk":
            checks[name] = {"ok": False, "error": "データベースに接続できません"}
            continue
        try:
            checks[name] = check()
        except (DatabaseError, OSError) as error:
            checks[name] = {"ok": False, "error": _first_line(error)}
    checks["backup"]["ok"] = True  # informational
    ok = all(check["ok"] for check in checks.values())
    return {"status": "ok" if ok else "error", "checks": checks}


def system_state() -> dict[str, Any]:
    """What the administrator's page shows (agencies' システムの状態): the checks of /healthz, a backup or restore
    under way with its progress, and the latest backups."""
    report = health()
    progress = progress_now()
    if progress is not None:
        progress["percent"] = None if progress["share"] is None else int(progress["share"] * 100)
        progress["label"] = BackupKind(progress["kind"]).label if progress["kind"] in BackupKind.values else ""
    backups = list(BackupRecord.objects.order_by("-finished_at")[:5]) if report["checks"]["database"]["ok"] else []
    return {"ok": report["status"] == "ok", "checks": report["checks"], "progress": progress, "backups": backups}
