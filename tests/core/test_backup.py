"""`tsunagu backup` and `tsunagu restore` (core.backup), on the database this run uses: SQLite's file, or the
PostgreSQL database of DATABASE_URL (CI runs both). A plain copy of a live SQLite file was found corrupt and short
of acknowledged rows; a backup is a consistent snapshot, and a restore puts back exactly what its manifest counts."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from tests import factories
from tsunagu.core import backup
from tsunagu.core.models import BackupKind, BackupRecord
from tsunagu.people.models import Person

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _backups_here(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"  # the progress file too, never the installation's var/backups


def make_people(agency, n: int) -> list[Person]:
    return [Person.objects.create(agency=agency, name=f"復元 太郎{i}", kana=f"ふくげん たろう{i}") for i in range(n)]


def run_backup(path: Path) -> dict:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "バックアップしました" in out.getvalue()
    return backup.read_manifest(path)


def run_restore(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def database_url(name: str) -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{params['USER']}{password}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"


@pytest.mark.django_db(transaction=True)
def test_a_backup_round_trips_and_a_restore_refuses_a_database_with_data_unless_forced(tmp_path):
    agency = factories.agency("復元テスト地域包括")
    people = make_people(agency, 5)
    manifest = run_backup(tmp_path / "backup.tar")

    assert manifest["vendor"] == connection.vendor
    assert manifest["counts"]["people_person"] == 5
    assert manifest["counts"]["core_backuprecord"] == 0  # its own record is written after the snapshot
    assert "core.0001_backup_record" in manifest["migrations"]
    assert manifest["version"].startswith("0.")
    with tarfile.open(tmp_path / "backup.tar") as tar:
        assert tar.getnames()[:2] == ["manifest.json", manifest["database"]]
    assert oct((tmp_path / "backup.tar").stat().st_mode & 0o777) == "0o600"  # every person's data is in it
    record = BackupRecord.objects.get()
    assert (record.kind, record.sha256, record.rows) == (BackupKind.BACKUP, manifest["sha256"],
                                                         sum(manifest["counts"].values()))

    # Later work: one person renamed, one added. Then the restore.
    Person.objects.filter(pk=people[0].pk).update(name="書き換え後")
    make_people(agency, 1)
    with pytest.raises(CommandError, match="--force"):
        run_restore(tmp_path / "backup.tar")
    assert Person.objects.count() == 6  # refused: nothing was touched

    output = run_restore(tmp_path / "backup.tar", "--force")
    assert "件数はすべて一致しました" in output
    connections.close_all()
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(p.name for p in people)
    assert list(BackupRecord.objects.order_by("id").values_list("kind", flat=True)) == [BackupKind.RESTORE]


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_rows_are_written_holds_exactly_what_its_manifest_counts(tmp_path):
    agency = factories.agency("書き込み中の機関")
    make_people(agency, 3)
    stop, written = threading.Event(), []

    def write():
        try:
            while not stop.is_set():
                written.append(Person.objects.create(agency_id=agency.pk, name="書き込み中", kana="かきこみちゅう").pk)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:  # the writer is under way before the snapshot is taken
            threading.Event().wait(0.01)
        manifest = run_backup(tmp_path / "backup.tar")
    finally:
        stop.set()
        writer.join()
    assert manifest["counts"]["people_person"] > 3
    assert Person.objects.count() >= manifest["counts"]["people_person"]
    if connection.vendor == "sqlite":
        with tarfile.open(tmp_path / "backup.tar") as tar:
            tar.extract(manifest["database"], tmp_path, filter="data")
        copy = sqlite3.connect(tmp_path / manifest["database"])
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM people_person").fetchone()[0] == manifest["counts"]["people_person"]
        copy.close()
    # The restore verifies every table's count against the manifest: a dump and counts of two moments would fail.
    assert "件数はすべて一致しました" in run_restore(tmp_path / "backup.tar", "--force")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_freshly_migrated_database_counts_as_empty_and_takes_the_backup_without_force(tmp_path):
    make_people(factories.agency("移行先テスト機関"), 2)
    manifest = run_backup(tmp_path / "backup.tar")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"TSUNAGU_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "tsunagu.settings"}
    fresh = None
    if connection.vendor == "postgresql":
        fresh = f"{connection.settings_dict['NAME']}_fresh"  # beside the database of DATABASE_URL, never a fixed name
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
            cursor.execute(f'CREATE DATABASE "{fresh}"')
        env["DATABASE_URL"] = database_url(fresh)

    def tsunagu(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tsunagu.cli", *args], cwd=ROOT, env=env,  # noqa: S603
                              capture_output=True, text=True, timeout=600)

    try:
        assert tsunagu("migrate", "-v0").returncode == 0
        restored = tsunagu("restore", str(tmp_path / "backup.tar"))
        assert restored.returncode == 0, restored.stderr
        assert "件数はすべて一致しました" in restored.stdout
        again = tsunagu("restore", str(tmp_path / "backup.tar"))  # now it holds data
        assert again.returncode == 1 and "--force" in again.stderr
        check = tsunagu("restore", "--check", str(tmp_path / "backup.tar"))
        assert check.returncode == 0 and "ファイルは正常です" in check.stdout
        counted = tsunagu("shell", "-c", "from tsunagu.people.models import Person; print(Person.objects.count())")
        assert counted.stdout.strip().endswith(str(manifest["counts"]["people_person"]))
    finally:
        if fresh:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


# --- refusals before anything is touched ------------------------------------------------------------------------------


def write_archive(path: Path, manifest: dict, database: bytes = b"not a database") -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), (manifest["database"], database)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def fake_manifest(**changes) -> dict:
    return {"format": 1, "app": "tsunagu", "version": "0.1.0", "created_at": "2026-01-01T00:00:00+09:00",
            "vendor": connection.vendor, "server_version": "", "database": "database.bin", "size": 14,
            "sha256": "0" * 64, "migrations": [], "counts": {}, "files": []} | changes


@pytest.mark.django_db
def test_a_backup_made_with_migrations_this_version_lacks_is_refused(tmp_path):
    archive = write_archive(tmp_path / "future.tar", fake_manifest(migrations=["people.9999_from_the_future"]))
    with pytest.raises(CommandError, match="この版にないマイグレーションがあります（people.9999_from_the_future"):
        run_restore(archive, "--force")


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_by_its_checksum_before_the_database_is_touched(tmp_path):
    archive = write_archive(tmp_path / "damaged.tar", fake_manifest())
    with pytest.raises(CommandError, match="チェックサムが一致しません"):
        run_restore(archive, "--force")
    with pytest.raises(CommandError, match="チェックサムが一致しません"):
        run_restore(archive, "--check")


@pytest.mark.django_db
def test_a_backup_of_the_other_database_kind_or_a_stray_file_is_refused(tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(CommandError, match="同じ種類のデータベースに復元してください"):
        run_restore(write_archive(tmp_path / "other.tar", fake_manifest(vendor=other)), "--force")
    (tmp_path / "stray.tar").write_bytes(b"hello")
    with pytest.raises(CommandError, match="つなぐ のバックアップではありません"):
        run_restore(tmp_path / "stray.tar")


@pytest.mark.django_db
def test_domain_rows_leave_out_what_a_fresh_migrate_writes(own_agency):
    found = backup.domain_rows()
    assert "sharing_sharingversion" not in found  # its one row comes from its migration
    assert found["agencies_agency"] == 1
    assert not any(table.startswith(("django_", "auth_")) for table in found)
