"""Serving refuses a database it must not serve from (core.health.database_refusal, in gunicorn.conf.py and
`tsunagu check-serving`): a missing one (gunicorn created a new empty database, whose sign-in failed with 500s), one
not migrated to this version, and one it cannot write (every sign-in failed with 500s and no word why) — in one
Japanese line and exit status 1. `migrate` still creates a new database."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_deployment import BIN, ROOT, clean_environment
from tsunagu.core.health import database_refusal

SECRET = "a-long-random-key-for-the-start-up-tests-" * 2
needs_gunicorn = pytest.mark.skipif(not (BIN / "gunicorn").exists(), reason="gunicorn is not installed beside Python")


def serving_environment(var_dir: Path, **environ: str) -> dict:
    env = clean_environment(var_dir, SECRET_KEY=SECRET, **environ)
    if "DATABASE_URL" not in environ:
        env.pop("DATABASE_URL", None)  # SQLite in var_dir
    return env


def start_gunicorn(env: dict, *, user: str | None = None) -> subprocess.CompletedProcess:
    """gunicorn as the units start it; one that starts serving instead of refusing is stopped and fails the test."""
    command = [str(BIN / "gunicorn"), "tsunagu.wsgi", "-b", "127.0.0.1:0"]
    if user:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups", *command]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        pytest.fail(f"gunicorn started serving instead of refusing:\n{stderr}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # the one line, no traceback
    return result.stderr.strip()


@needs_gunicorn
def test_gunicorn_refuses_a_missing_database_and_creates_none(tmp_path):
    line = one_line(start_gunicorn(serving_environment(tmp_path)))
    database = tmp_path / "tsunagu.sqlite3"
    assert line.startswith(f"データベース {database} がありません。")
    assert "manage.py migrate" in line
    assert not database.exists()


@needs_gunicorn
def test_gunicorn_refuses_a_database_not_migrated_to_this_version(tmp_path):
    with contextlib.closing(sqlite3.connect(tmp_path / "tsunagu.sqlite3")) as db:
        db.execute("CREATE TABLE leftover (x)")
    line = one_line(start_gunicorn(serving_environment(tmp_path)))
    assert line.startswith("データベースにこの版のマイグレーションが") and "適用されていません" in line
    assert "manage.py migrate" in line


@pytest.fixture
def migrated_sqlite_copy(django_db_setup, django_db_blocker):
    """A migrated SQLite database of its own (a copy of the test run's), in a folder others may read."""
    if connection.vendor != "sqlite":
        pytest.skip("a copy of the test run's SQLite database")
    folder = Path(tempfile.mkdtemp(prefix="tsunagu-readonly-", dir="/tmp"))
    folder.chmod(0o755)
    (folder / "static").mkdir()
    database = folder / "tsunagu.sqlite3"
    with django_db_blocker.unblock(), contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"])) as source, \
            contextlib.closing(sqlite3.connect(database)) as target:
        source.backup(target)
    database.chmod(0o644)
    yield folder, database
    shutil.rmtree(folder, ignore_errors=True)


@needs_gunicorn
def test_gunicorn_refuses_a_sqlite_database_it_cannot_write(migrated_sqlite_copy):
    folder, database = migrated_sqlite_copy
    user = None
    if os.geteuid() == 0:  # root writes whatever the mode: serve as nobody, as a service user without the rights
        if not shutil.which("setpriv"):
            pytest.skip("setpriv is needed to drop root")
        user = "nobody"
    else:
        database.chmod(0o444)
        folder.chmod(0o555)
    try:
        line = one_line(start_gunicorn(serving_environment(folder), user=user))
    finally:
        folder.chmod(0o755)
    assert line.startswith(f"データベース {database} に書き込めません。")
    assert "権限" in line


@needs_gunicorn
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a read-only PostgreSQL session")
def test_gunicorn_refuses_a_postgresql_database_that_takes_no_writes(tmp_path, django_db_setup):
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    url = f"postgres://{params['USER']}{password}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{params['NAME']}"
    env = serving_environment(tmp_path, DATABASE_URL=url, PGOPTIONS="-c default_transaction_read_only=on")
    line = one_line(start_gunicorn(env))
    assert line.startswith(f"データベース {params['NAME']} に書き込めません（") and "read-only" in line


@pytest.mark.django_db
def test_a_migrated_writable_database_may_serve_and_a_missing_migration_is_named():
    assert database_refusal(close=False) is None
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core' AND name = '0002_worker_beat'")
    line = database_refusal(close=False)
    assert line.startswith("データベースにこの版のマイグレーションが 1 件適用されていません（core.0002_worker_beat など）")


@pytest.mark.slow
def test_migrate_still_creates_a_new_database_which_then_may_serve(tmp_path):
    env = serving_environment(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                              timeout=900)

    assert run("-m", "tsunagu.cli", "check-serving").returncode == 1
    assert run("manage.py", "migrate", "-v0").returncode == 0
    passed = run("-m", "tsunagu.cli", "check-serving")
    assert (passed.returncode, passed.stderr) == (0, "")
