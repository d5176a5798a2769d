"""The background worker (`manage.py db_worker`, core.worker): it comes back after its database connection is cut
(pg_terminate_backend), it beats, what a silent worker left running is marked failed, and it is supervised
(scripts/supervise.sh under serve.sh; systemd's Restart=always in deploy/systemd)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.core import worker_tasks
from tsunagu.core import worker
from tsunagu.core.models import WorkerBeat

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, seconds: float = 120, what: str = "") -> None:
    """Polls until `condition()` holds (a bound, not a timed assertion: a loaded machine only waits longer)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.2)


def test_manage_py_db_worker_is_the_reconnecting_worker_of_core():
    assert get_commands()["db_worker"] == "tsunagu.core"


@pytest.mark.django_db(transaction=True)
def test_a_result_left_running_by_a_worker_that_stopped_beating_is_marked_failed():
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="dead", host="h", pid=1, beat_at=now - timedelta(minutes=10))
    WorkerBeat.objects.create(worker_id="alive", host="h", pid=2, beat_at=now)
    task = worker_tasks.echo.enqueue("x")
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=now - timedelta(minutes=10))
    orphan = DBTaskResult.objects.get(pk=task.id)
    orphan.worker_ids = ["dead"]
    orphan.save()
    kept = worker_tasks.echo.enqueue("y")
    DBTaskResult.objects.filter(pk=kept.id).update(status=TaskResultStatus.RUNNING, worker_ids=["alive"],
                                                   started_at=now - timedelta(minutes=10))
    worker.recover()
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(pk=task.id).exception_class_path == worker.LOST
    assert DBTaskResult.objects.get(pk=kept.id).status == TaskResultStatus.RUNNING  # its worker still beats


def worker_environment() -> dict:
    params = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {"DJANGO_SETTINGS_MODULE": "tsunagu.settings", "TSUNAGU_WORKER_HEARTBEAT_SECONDS": "1"}
    if connection.vendor == "postgresql":  # the test database of DATABASE_URL, never a fixed name
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        env["DATABASE_URL"] = (f"postgres://{params['USER']}{password}@{params['HOST'] or 'localhost'}:"
                               f"{params['PORT'] or 5432}/{params['NAME']}")
    else:  # the test run's SQLite file
        env["DATABASE_URL"] = f"sqlite:///{params['NAME']}"
    return env


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend: a PostgreSQL connection is cut")
@pytest.mark.django_db(transaction=True)
def test_the_worker_comes_back_after_its_database_connection_is_terminated():
    process = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",  # noqa: S603
                                "--no-startup-delay", "-v", "0"], cwd=ROOT, env=worker_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: WorkerBeat.objects.exists(), what="the worker's first beat")
        first = worker_tasks.echo.enqueue("before")
        wait_for(lambda: DBTaskResult.objects.get(pk=first.id).status == TaskResultStatus.SUCCESSFUL,
                 what="the first task")
        napping = worker_tasks.nap_then_count.enqueue(3)
        wait_for(lambda: DBTaskResult.objects.get(pk=napping.id).status == TaskResultStatus.RUNNING,
                 what="the worker to take the napping task")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            assert cursor.rowcount >= 1  # the worker's connections (its loop's and its heartbeat's)
        after = worker_tasks.echo.enqueue("after")
        wait_for(lambda: process.poll() is not None
                 or DBTaskResult.objects.get(pk=after.id).status == TaskResultStatus.SUCCESSFUL,
                 what="the task enqueued after the connection was cut")
        assert process.poll() is None, "the worker ended when its connection was cut"
        assert DBTaskResult.objects.get(pk=after.id).return_value == "after"
        lost = DBTaskResult.objects.get(pk=napping.id)  # its connection was cut under it: failed, not left running
        assert lost.status == TaskResultStatus.FAILED
        beat = WorkerBeat.objects.get().beat_at
        wait_for(lambda: WorkerBeat.objects.get().beat_at > beat, what="a beat after the cut")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert "データベースとの接続が切れました" in output


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_lives_and_exits_on_term():
    process = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",  # noqa: S603
                                "--no-startup-delay", "-v", "0"], cwd=ROOT, env=worker_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: WorkerBeat.objects.exists(), what="the worker's first beat")
        beat = WorkerBeat.objects.get()
        assert beat.pid == process.pid
        assert worker.newest_beat() == beat.beat_at
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert process.returncode == 0


# --- supervision ---------------------------------------------------------------------------------------------------


def test_supervise_sh_starts_a_command_again_each_time_it_ends_and_stops_on_term(tmp_path):
    starts = tmp_path / "starts"
    supervisor = subprocess.Popen(["bash", "scripts/supervise.sh", "sh", "-c", f"echo started >> {starts}; exit 3"],  # noqa: S603, S607
                                  cwd=ROOT, env={**os.environ, "SUPERVISE_DELAY": "0.1"}, stderr=subprocess.PIPE,
                                  text=True)
    try:
        wait_for(lambda: starts.exists() and len(starts.read_text().splitlines()) >= 3, what="three starts")
    finally:
        supervisor.send_signal(signal.SIGTERM)
        stderr = supervisor.communicate(timeout=30)[1]
    assert supervisor.returncode == 0
    assert "sh が終了しました（終了状態 3）" in stderr


def test_serve_sh_runs_the_worker_under_supervise_sh():
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    assert "scripts/supervise.sh .venv/bin/python manage.py db_worker" in serve


def unit(name: str) -> dict[str, str]:
    lines = (ROOT / "deploy" / "systemd" / name).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


@pytest.mark.parametrize(("name", "runs"), [("tsunagu-web.service", "gunicorn tsunagu.wsgi"),
                                            ("tsunagu-worker.service", "manage.py db_worker")])
def test_the_systemd_units_start_gunicorn_and_the_worker_again_whenever_they_end(name, runs):
    service = unit(name)
    assert runs in service["ExecStart"]
    assert service["Restart"] == "always"
