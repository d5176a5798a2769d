"""Backups and restores of the whole installation: `tsunagu backup [FILE]` and `tsunagu restore FILE`.

A backup is one tar file, mode 0600 (it holds every person's data): `manifest.json`, then the database, then the
uploaded files kept under MEDIA_ROOT, if any (Tsunagu reads uploaded workbooks and keeps none, so usually none).

- SQLite: the live file is copied by SQLite's backup API inside one read transaction of the copying connection. In WAL
  mode the service keeps writing meanwhile, and the copy is the database as of the moment that transaction began —
  never the mix of old and new pages a plain `cp` of a file being written can be.
- PostgreSQL: a REPEATABLE READ, READ ONLY transaction counts the rows and exports its snapshot, and `pg_dump -Fc
  --snapshot` dumps exactly that snapshot while the transaction stays open. pg_dump's major version must be at least
  the server's.

The manifest holds the app's version, the migrations applied, the row count of every table (of the snapshot) and the
SHA-256 of the database member. The backup's own record (core.BackupRecord) is written after the snapshot, so the
counts describe the file, and the next backup carries this one's record.

A restore refuses a database holding any domain row — a row of a Tsunagu model other than the bookkeeping a fresh
`migrate` writes — unless forced; it never deletes rows one by one: SQLite's file is replaced page by page by the
backup API (other connections see the new database), PostgreSQL's schema `public` is dropped and recreated before
`pg_restore`. It refuses a backup made with migrations this version does not have, checks the checksum before it
touches anything, and verifies every table's count afterwards. Stop the web server and the worker before a restore.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from .models import BackupKind, BackupRecord
from .progress import Progress

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
SQLITE_STEP_PAGES = 4096  # 16 MB per step of the backup API: progress about every tenth of a second
CHUNK = 1024 * 1024

# The rows a fresh `migrate` writes (their tables hold them from the start): a database holding only these, and
# Django's own tables, counts as empty. A model says so itself with `made_by_migrate = True` (`core.models.VersionToken`).
BOOKKEEPING = ("core_backuprecord", "core_workerbeat")


class BackupError(Exception):
    """What stopped a backup or a restore, in one Japanese line that says what to do."""


Manifest = dict[str, Any]


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    unapplied: list[str]  # migrations of this version the restored database does not have yet: `migrate` next


# ---------------------------------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------------------------------


def app_version() -> str:
    try:
        found = version("tsunagu")
    except PackageNotFoundError:
        found = "unknown"
    git = shutil.which("git")
    commit = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR,  # noqa: S603 -- fixed arguments
                            capture_output=True, text=True, check=False) if git else None
    return f"{found}+{commit.stdout.strip()}" if commit and commit.returncode == 0 else found


def default_path(now: datetime | None = None) -> Path:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return Path(settings.BACKUP_DIR) / f"tsunagu-{stamp}.tar"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _code_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _migration_names(pairs: set[tuple[str, str]]) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in pairs)


def _as_pairs(names: list[str]) -> set[tuple[str, str]]:
    return {(name.split(".", 1)[0], name.split(".", 1)[1]) for name in names}


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
    if root is None or not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def _domain_tables() -> set[str]:
    """The tables of Tsunagu's models that hold what people recorded (not the bookkeeping a fresh `migrate` writes)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if not model.__module__.startswith("tsunagu."):
            continue
        table = model._meta.db_table
        if table in BOOKKEEPING or getattr(model, "made_by_migrate", False):
            continue
        tables.add(table)
    return tables


def domain_rows(alias: str = "default") -> dict[str, int]:
    """Table → rows, for every domain table of this database that holds any (a table not yet migrated holds none)."""
    connection = connections[alias]
    if connection.vendor == "sqlite" and not _sqlite_exists(connection):
        return {}
    present = set(connection.introspection.table_names())
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(_domain_tables() & present):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 -- our own table
            if rows := cursor.fetchone()[0]:
                found[table] = rows
    return found


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def _sqlite_exists(connection: BaseDatabaseWrapper) -> bool:
    path = _sqlite_path(connection)
    return path.exists() and path.stat().st_size > 0


def _record(kind: str, started: datetime, path: Path, manifest: Manifest, alias: str) -> bool:
    """The record of a backup or restore, outside the snapshot. False when the database cannot take it (not migrated)."""
    try:
        BackupRecord.objects.using(alias).create(
            kind=kind, started_at=started, path=str(path), size=path.stat().st_size, sha256=manifest["sha256"],
            tables=len(manifest["counts"]), rows=sum(manifest["counts"].values()), version=manifest["version"])
    except Exception:  # noqa: BLE001 -- a restored database of an older version has no table for it until `migrate`
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------------
# Progress, for the administrator's page
# ---------------------------------------------------------------------------------------------------------------------


PROGRESS_FILE = "progress.json"
STALE_PROGRESS = 3600  # seconds: a progress file this old belongs to a process that did not end it


class ProgressFile:
    """A backup's or restore's progress in BACKUP_DIR/progress.json — outside the database, so outside the snapshot —
    for the administrator's page (agencies' システムの状態). Written at each stage and at most once a second, written
    whole (beside, then renamed), removed when the work ends, however it ends."""

    def __init__(self, kind: str, folder: Path | None = None) -> None:
        self.kind = kind
        self.path = Path(folder or settings.BACKUP_DIR) / PROGRESS_FILE
        self._written = 0.0
        self._stage = ""

    def __call__(self, state: dict[str, Any]) -> None:
        now = time.monotonic()
        if state["stage"] == self._stage and not state["finished"] and now - self._written < 1:
            return
        self._written, self._stage = now, state["stage"]
        record = {**state, "kind": self.kind, "pid": os.getpid(), "host": socket.gethostname(),
                  "updated_at": timezone.now().isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.path)

    def __enter__(self) -> ProgressFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def progress_now(folder: Path | None = None) -> dict[str, Any] | None:
    """The backup or restore under way on this machine, or None (none, or its process has gone)."""
    path = Path(folder or settings.BACKUP_DIR) / PROGRESS_FILE
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        return None
    if age > STALE_PROGRESS or record.get("host") != socket.gethostname() or not _alive(int(record.get("pid", 0))):
        return None
    record["share"] = record["done"] / record["total"] if record.get("total") else None
    return record


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    return True


# ---------------------------------------------------------------------------------------------------------------------
# Backup
# ---------------------------------------------------------------------------------------------------------------------


def backup(path: Path | None = None, *, progress: Progress, alias: str = "default") -> tuple[Path, Manifest]:
    """Writes the backup to `path` (default: BACKUP_DIR/tsunagu-<date>-<time>.tar) and returns it with its manifest.

    The file appears whole or not at all: it is written beside its place and renamed into it."""
    started = timezone.now()
    target = Path(path) if path else default_path(started)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        raise BackupError(f"{target} はすでにあります。別のファイル名を指定してください。")
    connection = connections[alias]
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tsunagu-backup-"))
    try:
        if connection.vendor == "sqlite":
            member, database = SQLITE_MEMBER, work / SQLITE_MEMBER
            counts, migrations, server = _sqlite_snapshot(connection, database, progress)
        elif connection.vendor == "postgresql":
            member, database = PG_MEMBER, work / PG_MEMBER
            counts, migrations, server = _pg_snapshot(connection, database, progress)
        else:
            raise BackupError(f"{connection.vendor} のバックアップには対応していません。")
        progress.stage("チェックサムを計算しています")
        media = _media_files()
        manifest: Manifest = {
            "format": FORMAT, "app": "tsunagu", "version": app_version(), "created_at": started.isoformat(),
            "vendor": connection.vendor, "server_version": server, "database": member,
            "size": database.stat().st_size, "sha256": _sha256(database), "migrations": migrations,
            "counts": counts, "files": [str(p.relative_to(settings.MEDIA_ROOT)) for p in media],
        }
        progress.stage("ファイルにまとめています")
        partial = work / "backup.tar"
        _write_tar(partial, manifest, database, media)
        os.chmod(partial, 0o600)
        with partial.open("rb") as file:
            os.fsync(file.fileno())
        os.replace(partial, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _record(BackupKind.BACKUP, started, target, manifest, alias)
    return target, manifest


def _write_tar(path: Path, manifest: Manifest, database: Path, media: list[Path]) -> None:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
        tar.add(database, arcname=manifest["database"], recursive=False)
        for file in media:
            tar.add(file, arcname=MEDIA + str(file.relative_to(settings.MEDIA_ROOT)), recursive=False)


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    return [name for (name,) in rows]


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 -- names from the file
            for table in _sqlite_tables(db)}


def _sqlite_migrations(db: sqlite3.Connection) -> list[str]:
    if "django_migrations" not in _sqlite_tables(db):
        return []
    return sorted(f"{app}.{name}" for app, name in db.execute("SELECT app, name FROM django_migrations"))


def _copy_pages(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress) -> None:
    def step(status: int, remaining: int, total: int) -> None:
        progress.update(total - remaining, total, " ページ")

    source.backup(target, pages=SQLITE_STEP_PAGES, progress=step, sleep=0.05)


def _sqlite_snapshot(connection: BaseDatabaseWrapper, copy: Path,
                     progress: Progress) -> tuple[dict[str, int], list[str], str]:
    live = _sqlite_path(connection)
    if not _sqlite_exists(connection):
        raise BackupError(f"データベース {live} がありません。TSUNAGU_VAR_DIR の設定を確かめてください。")
    progress.stage("データベースを複製しています")
    source = sqlite3.connect(live, isolation_level=None, timeout=20)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the read transaction, the snapshot, starts
        target = sqlite3.connect(copy)
        try:
            _copy_pages(source, target, progress)
        finally:
            target.close()
        source.execute("COMMIT")
    finally:
        source.close()
    progress.stage("件数を数えています")
    with contextlib.closing(sqlite3.connect(copy)) as db:
        problems = db.execute("PRAGMA quick_check").fetchone()[0]
        if problems != "ok":
            raise BackupError(f"複製したデータベースの検査で問題が見つかりました（{problems}）。")
        return _sqlite_counts(db), _sqlite_migrations(db), f"SQLite {sqlite3.sqlite_version}"


# --- PostgreSQL ------------------------------------------------------------------------------------------------------


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """pg_dump / pg_restore reach the database as Django does: libpq's variables, no password on a command line."""
    params = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(params["NAME"])}
    for key, variable in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if params.get(key):
            env[variable] = str(params[key])
    if sslmode := params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_tool(name: str) -> str:
    folder = os.environ.get("TSUNAGU_PG_BIN", "")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(f"{name} が見つかりません。postgresql-client を入れるか、TSUNAGU_PG_BIN にその場所を設定してください。")
    return found


def _tool_major(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603 -- ours
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match[1]) if match else 0


def _check_tool_version(tool: str, server_major: int) -> None:
    if (major := _tool_major(tool)) < server_major:
        raise BackupError(f"{Path(tool).name} の版（{major}）がサーバーの版（{server_major}）より古いため使えません。"
                          f"postgresql-client-{server_major} を入れてください。")


def _pg_raw(connection: BaseDatabaseWrapper) -> Any:
    """A connection of our own (psycopg), outside Django's transaction handling."""
    return connection.get_new_connection(connection.get_connection_params())


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname")
    return [name for (name,) in cursor.fetchall()]


def _pg_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 -- names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_migrations(cursor: Any) -> list[str]:
    cursor.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return []
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def _run_with_progress(command: list[str], env: dict[str, str], patterns: tuple[str, ...], total: int,
                       unit: str, progress: Progress) -> None:
    """Runs pg_dump / pg_restore --verbose, counting the lines that start an item (a table's data, an index…)."""
    done, tail = 0, []
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,  # noqa: S603 -- ours
                          text=True) as process:
        assert process.stderr is not None  # noqa: S101 -- stderr=PIPE
        for line in process.stderr:
            if line.split(": ", 1)[-1].startswith(patterns):
                done += 1
                progress.update(done, total, unit)
            elif "warning" in line.lower() or "error" in line.lower():
                tail.append(line.strip())
        process.wait()
    if process.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} が失敗しました：{' / '.join(tail[-3:]) or process.returncode}")


def _pg_snapshot(connection: BaseDatabaseWrapper, dump: Path,
                 progress: Progress) -> tuple[dict[str, int], list[str], str]:
    tool = _pg_tool("pg_dump")
    raw = _pg_raw(connection)
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version'), "
                           "current_setting('server_version_num')::int / 10000")
            snapshot, server, major = cursor.fetchone()
            _check_tool_version(tool, major)
            progress.stage("件数を数えています")
            counts = _pg_counts(cursor)
            migrations = _pg_migrations(cursor)
            progress.stage("pg_dump で書き出しています")
            _run_with_progress([tool, "--format=custom", "--verbose", f"--snapshot={snapshot}", "--file", str(dump)],
                               _pg_environment(connection), ("dumping contents of table",), len(counts), " 表",
                               progress)
        raw.rollback()
    finally:
        raw.close()
    return counts, migrations, f"PostgreSQL {server}"


# ---------------------------------------------------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path) as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: Manifest = json.load(member)
    except FileNotFoundError:
        raise BackupError(f"{path} がありません。") from None
    except (tarfile.TarError, KeyError, json.JSONDecodeError):
        raise BackupError(f"{path} は つなぐ のバックアップではありません（manifest.json が読めません）。") from None
    if manifest.get("app") != "tsunagu" or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} は この版が読めない形式のバックアップです（format {manifest.get('format')}）。")
    return manifest


@contextlib.contextmanager
def _extracted(path: Path, manifest: Manifest, folder: Path, progress: Progress) -> Iterator[Path]:
    """The database member written into `folder`, its checksum verified; removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=".tsunagu-restore-")
    extracted = Path(name)
    try:
        progress.stage("チェックサムを確かめています")
        digest = hashlib.sha256()
        with tarfile.open(path) as tar, os.fdopen(descriptor, "wb") as out:
            source = tar.extractfile(manifest["database"])
            if source is None:
                raise BackupError(f"{path} にデータベース（{manifest['database']}）が入っていません。")
            written = 0
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                written += len(chunk)
                progress.update(written, manifest["size"], " バイト")
        if digest.hexdigest() != manifest["sha256"]:
            raise BackupError(f"{path} のチェックサムが一致しません。ファイルが壊れています。別のコピーから復元してください。")
        yield extracted
    finally:
        extracted.unlink(missing_ok=True)


def check_archive(path: Path, *, progress: Progress) -> Manifest:
    """Reads the manifest and verifies the database member's checksum, touching no database (`restore --check`)."""
    manifest = read_manifest(path)
    with _extracted(path, manifest, Path(tempfile.gettempdir()), progress):
        pass
    return manifest


def _refusals(manifest: Manifest, connection: BaseDatabaseWrapper, force: bool) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"このバックアップは {manifest['vendor']} のもので、復元先は {connection.vendor} です。"
                          "同じ種類のデータベースに復元してください。")
    unknown = _as_pairs(manifest["migrations"]) - _code_migrations()
    if unknown:
        names = "、".join(_migration_names(unknown)[:3])
        raise BackupError(f"このバックアップには、この版にないマイグレーションがあります（{names} ほか）。"
                          f"バックアップを取った版（{manifest['version']}）以降に更新してから復元してください。")
    if not force and (found := domain_rows(connection.alias)):
        table, rows = max(found.items(), key=lambda item: item[1])
        raise BackupError(f"復元先のデータベースにデータがあります（{len(found)} 表、{table} に {rows:,} 行など）。"
                          "上書きしてよい場合に限り --force を付けてください（データベースを作り直してから復元します）。")


def restore(path: Path, *, force: bool, progress: Progress, alias: str = "default") -> Restored:
    started = timezone.now()
    manifest = read_manifest(path)
    connection = connections[alias]
    _refusals(manifest, connection, force)
    sqlite = connection.vendor == "sqlite"
    folder = _sqlite_path(connection).parent if sqlite else Path(tempfile.gettempdir())
    with _extracted(path, manifest, folder, progress) as database:
        connection.close()  # nothing of this process holds the database while it is replaced
        if sqlite:
            _sqlite_replace(database, _sqlite_path(connection), progress)
        else:
            _pg_replace(connection, database, progress)
    counts = _sqlite_live_counts(_sqlite_path(connection)) if sqlite else _pg_live_counts(connection)
    _verify(manifest, counts)
    _restore_media(path, manifest)
    connection.close()
    _record(BackupKind.RESTORE, started, path, manifest, alias)
    unapplied = _migration_names(_code_migrations() - _as_pairs(manifest["migrations"]))
    return Restored(manifest, unapplied)


def _verify(manifest: Manifest, counts: dict[str, int]) -> None:
    expected: dict[str, int] = manifest["counts"]
    wrong = [f"{table}（{expected.get(table, '-')} → {counts.get(table, '-')}）"
             for table in sorted(set(expected) | set(counts)) if expected.get(table) != counts.get(table)]
    if wrong:
        raise BackupError(f"復元した件数がバックアップと一致しません：{'、'.join(wrong[:5])}。もう一度復元してください。")


def _restore_media(path: Path, manifest: Manifest) -> None:
    if not manifest["files"]:
        return
    if not settings.MEDIA_ROOT:
        raise BackupError("このバックアップにはアップロードされたファイルがありますが、MEDIA_ROOT が設定されていません。")
    with tarfile.open(path) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(MEDIA)]
        for member in members:
            member.name = member.name.removeprefix(MEDIA)
        tar.extractall(settings.MEDIA_ROOT, members=members, filter="data")


def _sqlite_replace(database: Path, live: Path, progress: Progress) -> None:
    """The live database becomes the backup's, page by page and in one transaction of SQLite's own."""
    progress.stage("データベースを置き換えています")
    live.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(database)) as source, \
            contextlib.closing(sqlite3.connect(live, timeout=20)) as target:
        _copy_pages(source, target, progress)


def _sqlite_live_counts(live: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(live, timeout=20)) as db:
        return _sqlite_counts(db)


def _pg_replace(connection: BaseDatabaseWrapper, dump: Path, progress: Progress) -> None:
    """Drops the schema `public` with everything in it, creates it again and restores the dump into it."""
    tool = _pg_tool("pg_restore")
    raw = _pg_raw(connection)
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
            _check_tool_version(tool, cursor.fetchone()[0])
            progress.stage("データベースを作り直しています")
            cursor.execute("SET lock_timeout = '30s'")
            try:
                cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            except Exception as error:
                raise BackupError(f"データベースを作り直せません（{str(error).strip()}）。"
                                  "Web サーバーとワーカーを止めてから復元してください。") from error
            cursor.execute("CREATE SCHEMA public")
            cursor.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
    finally:
        raw.close()
    progress.stage("pg_restore で読み込んでいます")
    _run_with_progress([tool, "--verbose", "--exit-on-error", "--no-owner", "--no-privileges", "--single-transaction",
                        "--dbname", str(connection.settings_dict["NAME"]), str(dump)],
                       _pg_environment(connection), ("creating ", "processing data ", "executing "),
                       _pg_dump_items(tool, dump), " 項目", progress)
    progress.stage("統計情報を集めています（ANALYZE）")
    raw = _pg_raw(connection)
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("ANALYZE")
    finally:
        raw.close()


def _pg_dump_items(tool: str, dump: Path) -> int:
    """The dump's table of contents, less its comments: the items pg_restore --verbose reports one by one."""
    listing = subprocess.run([tool, "--list", str(dump)],  # noqa: S603 -- pg_restore and our own file
                             capture_output=True, text=True, check=True).stdout
    return sum(1 for line in listing.splitlines() if line.strip() and not line.startswith(";"))


def _pg_live_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    raw = _pg_raw(connection)
    try:
        with raw.cursor() as cursor:
            return _pg_counts(cursor)
    finally:
        raw.close()


def summary(manifest: Manifest) -> str:
    rows = sum(manifest["counts"].values())
    return (f"{manifest['vendor']}・{len(manifest['counts'])} 表・{rows:,} 行・版 {manifest['version']}・"
            f"作成 {manifest['created_at'][:19]}・SHA-256 {manifest['sha256'][:12]}…")

