"""Deployment fails closed: the secret key (environment, else a per-install key file, never a built-in one), the
refusal to serve on an empty or published key, TSUNAGU_HTTPS, the deployment checks of scripts/serve.sh, and the
access log's database trigger on PostgreSQL."""

import importlib
import os
import runpy
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from tsunagu import settings as settings_module

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PUBLISHED = "dev-only-insecure-key-tsunagu-demo"  # the key earlier versions fell back to: public, so refused
SERVING_VARIABLES = ("SECRET_KEY", "DEBUG", "TSUNAGU_HTTPS", "SECURE_COOKIES")


def load_settings(monkeypatch, var_dir: Path, **environ: str) -> dict:
    """The settings module run afresh on this environment and var dir (what a new process would see)."""
    monkeypatch.setenv("TSUNAGU_VAR_DIR", str(var_dir))
    for name in SERVING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def clean_environment(var_dir: Path, **environ: str) -> dict:
    """This process's environment for a serving command: without the serving settings, and without what the test
    run sets for itself (tests/conftest.py's DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly fails)."""
    left_out = {*SERVING_VARIABLES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {name: value for name, value in os.environ.items() if name not in left_out}
    return {**env, "TSUNAGU_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "tsunagu.settings", **environ}


# --- the key -------------------------------------------------------------------------------------------------------


def test_without_an_environment_key_a_per_install_key_is_made_once_mode_0600_and_read_afterwards(tmp_path, monkeypatch):
    previous_umask = os.umask(0)  # even a process that would make files world-readable makes this one 0600
    try:
        first = load_settings(monkeypatch, tmp_path)
    finally:
        os.umask(previous_umask)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first["SECRET_KEY"]) >= 50 and first["SECRET_KEY"] != PUBLISHED
    assert first["SECRET_KEY_SOURCE"] == str(key_file)
    written = key_file.stat().st_mtime_ns

    again = load_settings(monkeypatch, tmp_path)
    assert again["SECRET_KEY"] == first["SECRET_KEY"]
    assert key_file.stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []  # no temporary file left

    other_install = load_settings(monkeypatch, tmp_path / "other")
    assert other_install["SECRET_KEY"] != first["SECRET_KEY"]  # random per install


def test_the_environment_key_wins_and_no_file_is_made(tmp_path, monkeypatch):
    key = "k" * 30 + "from-the-environment" + "z" * 30
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY=key)
    assert loaded["SECRET_KEY"] == key
    assert loaded["SECRET_KEY_SOURCE"] == "環境変数 SECRET_KEY"
    assert not (tmp_path / "secret_key").exists()

    (tmp_path / "secret_key").write_text("the-file-key\n")
    assert load_settings(monkeypatch, tmp_path, SECRET_KEY=key)["SECRET_KEY"] == key


def test_an_empty_environment_key_is_taken_as_given_not_replaced_by_the_file(tmp_path, monkeypatch):
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY="")
    assert loaded["SECRET_KEY"] == ""
    assert not (tmp_path / "secret_key").exists()


def test_processes_starting_together_on_a_fresh_install_read_one_key(tmp_path):
    key_file = tmp_path / "secret_key"
    keys, start = [], threading.Barrier(8)

    def read():
        start.wait()
        keys.append(settings_module.per_install_secret_key(key_file))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and set(keys) == {key_file.read_text().strip()}


# --- the refusal to serve -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "expected"), [
    ("", "SECRET_KEY が設定されていません（環境変数 SECRET_KEY が空です）。"),
    ("   ", "SECRET_KEY が設定されていません（環境変数 SECRET_KEY が空です）。"),
    (PUBLISHED, "SECRET_KEY が以前の版に組み込まれていた公開済みの値です。"),
])
def test_serving_with_debug_off_refuses_an_empty_or_the_published_key_in_one_japanese_line(key, expected):
    line = settings_module.serving_refusal(key, debug=False)
    assert line.startswith(expected)
    assert "\n" not in line


def test_an_empty_key_file_is_refused_with_its_path_and_what_to_do(tmp_path):
    line = settings_module.serving_refusal("", debug=False, source=str(tmp_path / "secret_key"))
    assert line.startswith(f"SECRET_KEY が設定されていません（{tmp_path / 'secret_key'} が空です）。")
    assert "消すと" in line and "\n" not in line


def test_a_per_install_or_environment_key_serves_and_debug_is_not_refused(tmp_path):
    assert settings_module.serving_refusal(settings_module.per_install_secret_key(tmp_path / "k"), debug=False) is None
    assert settings_module.serving_refusal("an-environment-key-" * 4, debug=False) is None
    assert settings_module.serving_refusal(PUBLISHED, debug=True) is None


def test_check_serving_refuses_the_published_key_in_a_subprocess(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tsunagu.cli", "check-serving"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=clean_environment(tmp_path, SECRET_KEY=PUBLISHED, DEBUG="0"))
    assert result.returncode == 1
    assert result.stderr == settings_module.serving_refusal(PUBLISHED, debug=False) + "\n"
    assert result.stdout == ""


def test_check_serving_on_a_fresh_install_makes_the_key_and_then_asks_for_migrate(tmp_path):
    env = {k: v for k, v in clean_environment(tmp_path).items() if k != "DATABASE_URL"}  # a fresh SQLite install
    result = subprocess.run([sys.executable, "-m", "tsunagu.cli", "check-serving"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=env)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    # The key passed; the database is not there yet (`make run` migrates before it serves): tests/core/test_startup.py
    assert result.returncode == 1 and result.stderr.startswith(f"データベース {tmp_path / 'tsunagu.sqlite3'} がありません")


@pytest.mark.skipif(not (BIN / "gunicorn").exists(), reason="gunicorn is not installed beside this Python")
def test_gunicorn_refuses_an_empty_key_before_serving_with_the_one_line(tmp_path):
    result = subprocess.run([str(BIN / "gunicorn"), "tsunagu.wsgi", "-b", "127.0.0.1:0"], cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True, timeout=60,
                            env=clean_environment(tmp_path, SECRET_KEY="", DEBUG="0"))
    assert result.returncode == 1
    assert result.stderr == settings_module.serving_refusal("", debug=False) + "\n"


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="scripts/serve.sh runs .venv/bin")
def test_serve_sh_refuses_the_published_key_before_starting_anything(tmp_path):
    result = subprocess.run(["bash", "scripts/serve.sh"], cwd=ROOT, capture_output=True, text=True, timeout=60,  # noqa: S603, S607
                            env=clean_environment(tmp_path, SECRET_KEY=PUBLISHED, PORT="0"))
    assert result.returncode == 1
    assert result.stderr == settings_module.serving_refusal(PUBLISHED, debug=False) + "\n"
    assert not (tmp_path / "worker.log").exists()  # the task worker was not started


def test_the_wsgi_module_refuses_to_load_on_an_empty_key(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import tsunagu.wsgi"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env=clean_environment(tmp_path, SECRET_KEY=""))
    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY が設定されていません" in result.stderr


# --- HTTPS and the deployment checks ----------------------------------------------------------------------------------


def test_https_turns_on_secure_cookies_hsts_and_the_proxy_header_but_not_the_redirect(tmp_path, monkeypatch):
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY="x" * 60, TSUNAGU_HTTPS="1")
    assert loaded["SESSION_COOKIE_SECURE"] and loaded["CSRF_COOKIE_SECURE"]
    assert loaded["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert loaded["SECURE_SSL_REDIRECT"] is False  # the reverse proxy redirects plain HTTP


def test_without_https_nothing_of_it_is_on_and_secure_cookies_still_means_the_cookies(tmp_path, monkeypatch):
    plain = load_settings(monkeypatch, tmp_path, SECRET_KEY="x" * 60)
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["CSRF_COOKIE_SECURE"]
    assert "SECURE_HSTS_SECONDS" not in plain and "SECURE_PROXY_SSL_HEADER" not in plain

    cookies = load_settings(monkeypatch, tmp_path, SECRET_KEY="x" * 60, SECURE_COOKIES="1")
    assert cookies["SESSION_COOKIE_SECURE"] and cookies["CSRF_COOKIE_SECURE"]
    assert "SECURE_HSTS_SECONDS" not in cookies and "SECURE_PROXY_SSL_HEADER" not in cookies


@pytest.mark.parametrize(("https", "absent"), [("0", []), ("1", ["security.W004", "security.W012", "security.W016"])])
def test_the_deploy_checks_of_serve_sh_pass_at_error_level_on_a_fresh_install(tmp_path, https, absent):
    """`make run` serves after `manage.py check --deploy --fail-level ERROR`: the defaults pass (warnings allowed)."""
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env=clean_environment(tmp_path, TSUNAGU_HTTPS=https))
    assert result.returncode == 0, result.stderr
    assert "security.W009" not in result.stderr  # the per-install key is long and random
    for check in absent:
        assert check not in result.stderr


# --- the access log in the database ---------------------------------------------------------------------------------


def _log_one_read(staff, agency):
    from tsunagu.agencies.actor import actor_for
    from tsunagu.audit.models import AccessAction, SharingBasis
    from tsunagu.audit.services import access_log_record

    access_log_record(actor=actor_for(staff), reads=[(agency, SharingBasis.OWN_AGENCY, "")],
                      action=AccessAction.VIEW, path="/test/")


def _count(cursor) -> int:
    cursor.execute("SELECT count(*) FROM audit_accesslog")
    return cursor.fetchone()[0]


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="PostgreSQL's trigger; SQLite has none (its flush is a DELETE)")


@on_postgresql
@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_access_log_rows_but_not_truncate(alice, own_agency):
    _log_one_read(alice, own_agency)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred foreign-key checks
        for sql in ("UPDATE audit_accesslog SET basis = 'consent'", "DELETE FROM audit_accesslog"):
            with pytest.raises(IntegrityError, match="閲覧記録（audit_accesslog）は追記のみです"), transaction.atomic():
                cursor.execute(sql)
        cursor.execute("SELECT basis FROM audit_accesslog")
        assert cursor.fetchall() == [("own_agency",)]
        cursor.execute("TRUNCATE audit_accesslog")  # what flush, `tsunagu demo --flush` and a restore use
        assert _count(cursor) == 0


@on_postgresql
@pytest.mark.django_db
def test_the_reverse_migration_drops_the_trigger(alice, own_agency):
    migration = importlib.import_module("tsunagu.audit.migrations.0004_accesslog_append_only").Migration
    (operation,) = migration.operations
    _log_one_read(alice, own_agency)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            operation.reverse_code(None, editor)
        cursor.execute("UPDATE audit_accesslog SET basis = 'consent'")
        with connection.schema_editor() as editor:
            operation.code(None, editor)
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("DELETE FROM audit_accesslog")
        assert _count(cursor) == 1
