"""転出・転入: the lead agency hands a case to another municipality as a versioned JSON bundle carrying only what the
consent allows (and saying what it left out and why), logged as a disclosure; `tsunagu transfer import FILE` on
another Tsunagu records it as a 転入 for its coordinator, or refuses it with a Japanese message and writes nothing.
The round trip runs the real command against a second database of each kind."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog, SharingBasis
from tsunagu.cases import services as cases
from tsunagu.followups.models import FollowUp
from tsunagu.sharing import move_out
from tsunagu.sharing.models import MoveIn, MoveOut

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def moving(world, alice):
    """The son's case (alice leads it) with a plan, the open referral to bob's agency and a planned follow-up."""
    cases.plan_create(actor=actor(alice), case=world.son_case, goals="転居先で就労を続ける",
                      actions=[{"description": "ハローワークへの同行"}])
    FollowUp.objects.create(case=world.son_case, agency=alice.memberships.get().agency,
                            due_on=timezone.localdate() + timedelta(days=14))
    return world


def _export(client, world, **changes):
    data = {"to_municipality": "うみかぜ市", "consent_on": timezone.localdate().isoformat(), "consent_method": "written",
            "members": [world.father.pk], **changes}
    return client.post(f"/people/cases/{world.son_case.pk}/move-out/", data)


def test_the_bundle_carries_what_the_consent_allows_and_says_what_it_left_out(moving, alice, client_for):
    response = _export(client_for(alice), moving)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    bundle = move_out.check(response.content)  # valid against its own schema, every reference resolved
    assert bundle["version"] == move_out.SCHEMA_VERSION
    assert [(p["role"], p["name"]) for p in bundle["persons"]] == [("本人", moving.son.name), ("世帯員", moving.father.name)]
    assert bundle["case"]["subject_ref"] == "p1" and bundle["case"]["title"] == moving.son_case.title
    assert bundle["plan"]["goals"] == "転居先で就労を続ける"
    assert [r["to_agency"] for r in bundle["referrals"]] == [moving.referral.to_agency.name]
    assert len(bundle["followups"]) == 1
    omitted = {o["what"]: o for o in bundle["omitted"]}
    assert omitted["世帯員"]["count"] == 2 and "同意していない" in omitted["世帯員"]["reason"]  # mother, grandson
    names = json.dumps(bundle, ensure_ascii=False)
    assert moving.mother.name not in names and moving.grandson.name not in names
    # recorded, and every row carried logged as a disclosure on the consent
    row = MoveOut.objects.get()
    assert row.to_municipality == "うみかぜ市" and list(row.members.all()) == [moving.father]
    logged = AccessLog.objects.filter(staff=alice, action=AccessAction.DISCLOSE, basis=SharingBasis.CONSENT)
    assert {(r.object_type, r.object_id) for r in logged} >= {
        ("people.person", str(moving.son.pk)), ("people.person", str(moving.father.pk)),
        ("cases.case", str(moving.son_case.pk)), ("cases.referral", str(moving.referral.pk))}
    assert all("うみかぜ市" in r.basis_detail for r in logged)


def test_only_the_lead_agency_exports(moving, bob, charlie, client_for):
    assert _export(client_for(bob), moving).status_code == 403  # sees the case on consent, does not lead it
    assert _export(client_for(charlie), moving).status_code == 404
    assert not MoveOut.objects.exists()


def test_a_consent_dated_ahead_is_refused_and_nothing_is_written(moving, alice, client_for):
    response = _export(client_for(alice), moving, consent_on=(timezone.localdate() + timedelta(days=1)).isoformat())
    assert response.status_code == 400 and "本人同意の日" in response.content.decode()
    assert not MoveOut.objects.exists()
    assert not AccessLog.objects.filter(action=AccessAction.DISCLOSE, path__contains="move-out").exists()


def _file(tmp_path, bundle) -> Path:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle if isinstance(bundle, bytes) else move_out.encode(bundle))
    return path


def test_import_records_a_move_in_once(moving, alice, client_for, tmp_path):
    data = _export(client_for(alice), moving).content
    call_command("transfer", "import", str(_file(tmp_path, data)))
    row = MoveIn.objects.get()
    assert row.person_name == moving.son.name and row.bundle == json.loads(data)
    with pytest.raises(CommandError, match="すでに取り込まれています"):
        call_command("transfer", "import", str(_file(tmp_path, data)))
    assert MoveIn.objects.count() == 1


@pytest.mark.parametrize(("change", "message"), [
    (lambda b: b.update(version="2.0"), "版「2.0」には対応していません"),
    (lambda b: b["referrals"][0].update(person_ref="p9"), "参照が壊れています"),
    (lambda b: b["case"].update(subject_ref="p7"), "参照が壊れています"),
    (lambda b: b.pop("persons"), "様式に合いません"),
    (lambda b: b.update(schema="other"), "引継ぎファイルではありません"),
])
def test_a_bundle_of_an_unknown_version_or_with_broken_references_is_refused(moving, alice, client_for, tmp_path,
                                                                               change, message):
    bundle = json.loads(_export(client_for(alice), moving).content)
    change(bundle)
    with pytest.raises(CommandError, match=message) as refused:
        call_command("transfer", "import", str(_file(tmp_path, bundle)))
    assert "何も記録していません" in str(refused.value)
    assert not MoveIn.objects.exists()


# ---- the round trip: export here, import into a second database with the real command ----


def _empty_sqlite_like(target: Path) -> str:
    """A second SQLite database with the test database's schema and migration records — as `migrate` leaves one
    (copied rather than migrated again, which takes minutes) — and none of its rows."""
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    schema = source.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                            "ORDER BY type = 'table' DESC").fetchall()
    virtual = [name for name, sql in schema if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    for name, sql in schema:  # a virtual table (FTS5) makes its own shadow tables
        if not any(name.startswith(f"{v}_") for v in virtual if v != name):
            copy.execute(sql)
    copy.executemany("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)",
                     source.execute("SELECT app, name, applied FROM django_migrations"))
    copy.commit()
    return f"sqlite:///{target}"


def _empty_postgres_like(name: str) -> str:
    """A second PostgreSQL database with the test database's schema (pg_dump --schema-only) and migration records."""
    settings = connection.settings_dict
    base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    psql, pg_dump = [shutil.which("psql") or "psql", "-q", "-v", "ON_ERROR_STOP=1"], shutil.which("pg_dump") or "pg_dump"

    def run(*args: str, given: bytes | None = None) -> bytes:
        return subprocess.run(args, input=given, check=True, env=env, capture_output=True).stdout  # noqa: S603

    run(*psql, f"{base}/postgres", "-c", f'DROP DATABASE IF EXISTS "{name}"', "-c", f'CREATE DATABASE "{name}"')
    source = f"{base}/{settings['NAME']}"
    run(*psql, f"{base}/{name}", given=run(pg_dump, "--schema-only", "--no-owner", source))
    run(*psql, f"{base}/{name}", given=run(pg_dump, "--data-only", "-t", "django_migrations", source))
    return f"{base}/{name}"


def _read_move_ins(url: str) -> list[dict]:
    if url.startswith("sqlite"):
        rows = sqlite3.connect(url.removeprefix("sqlite:///")).execute("SELECT bundle FROM sharing_movein").fetchall()
        return [json.loads(b) for (b,) in rows]
    import psycopg  # noqa: PLC0415 — only when the suite runs on PostgreSQL

    with psycopg.connect(url) as conn:
        return [b for (b,) in conn.execute("SELECT bundle FROM sharing_movein").fetchall()]


def _import_with_the_cli(url: str, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "tsunagu.cli", "transfer", "import", str(path)],  # noqa: S603
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_bundle_round_trips_into_a_second_database(moving, alice, client_for, tmp_path):
    data = _export(client_for(alice), moving).content
    path = _file(tmp_path, data)
    if connection.vendor == "postgresql":
        url = _empty_postgres_like(f"{connection.settings_dict['NAME']}_b".removeprefix("test_"))
    else:
        url = _empty_sqlite_like(tmp_path / "second.sqlite3")
    done = _import_with_the_cli(url, path)
    assert done.returncode == 0, done.stderr
    assert "転入の引継ぎを受け付けました" in done.stdout
    assert _read_move_ins(url) == [json.loads(data)]
    # a broken bundle is refused there too, in Japanese, and nothing is added
    broken = json.loads(data)
    broken["version"] = "0.9"
    refused = _import_with_the_cli(url, _file(tmp_path, broken))
    assert refused.returncode != 0 and "対応していません" in refused.stderr
    assert len(_read_move_ins(url)) == 1
    assert not MoveIn.objects.exists()  # this database is untouched: the import went to the other one
