"""/healthz for monitoring (core.health): the database, the migrations, the worker's heartbeat and free disk; 200 when
all pass, 503 otherwise; no sign-in, no session, no personal data."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from tsunagu.audit.models import AccessLog
from tsunagu.core import health
from tsunagu.core.models import WorkerBeat
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float = 0) -> None:
    WorkerBeat.objects.update_or_create(worker_id="w", defaults={
        "host": "h", "pid": 1, "beat_at": timezone.now() - timedelta(seconds=seconds_ago)})


def test_healthz_answers_without_sign_in_and_all_checks_pass_with_a_beating_worker(own_agency):
    Person.objects.create(agency=own_agency, name="健康 確認子", kana="けんこう かくにんこ")
    beat(5)
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    report = response.json()
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "migrations", "worker", "disk", "backup"}
    assert report["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    assert report["checks"]["worker"]["ok"] and report["checks"]["worker"]["last_beat_seconds"] <= 60
    assert report["checks"]["disk"]["ok"] and report["checks"]["disk"]["free_mb"] > 0
    body = response.content.decode()
    assert "健康" not in body and "テスト地域包括" not in body  # no personal data, no agency
    assert "sessionid" not in response.cookies
    assert not AccessLog.objects.exists()


def test_a_worker_that_stopped_beating_or_never_beat_fails_it(db):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "last_beat_seconds": None,
                                                   "expected_every_seconds": 30.0, "required": True}
    beat(10 * 60)
    assert Client().get("/healthz").status_code == 503


def test_without_a_worker_by_choice_the_check_passes(settings):
    settings.HEALTH_REQUIRES_WORKER = False
    assert Client().get("/healthz").status_code == 200


def test_too_little_free_disk_fails_it(settings):
    beat()
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["disk"]["ok"] is False


def test_an_unreachable_database_fails_it_with_the_reason(monkeypatch):
    def down(connection):
        raise DatabaseError("could not connect to server: Connection refused\nIs the server running?")

    monkeypatch.setattr(health, "_check_database", down)
    report = Client().get("/healthz").json()
    assert report["status"] == "error"
    assert report["checks"]["database"] == {"ok": False, "error": "could not connect to server: Connection refused"}
    assert report["checks"]["worker"]["ok"] is False and report["checks"]["disk"]["ok"] is True


def test_healthz_is_read_only():
    assert Client().post("/healthz").status_code == 405
