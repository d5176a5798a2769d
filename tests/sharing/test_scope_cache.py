"""The agency Scope (its id lists of bases) is shared between requests while the `sharing` token (core.versions) is unchanged.

These tests make sure sharing never outlives a change: a write anywhere (another process included) changes the
token; a rolled-back write keeps it; a database without the token row shares nothing between requests.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tsunagu.core.models import VersionToken
from tsunagu.sharing import policy
from tsunagu.sharing.services import consent_record, consent_withdraw

from .world import actor


def _get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def _consent_lists(sqls):
    return [s for s in sqls if s.startswith('SELECT "sharing_consent"."person_id" AS')]  # Scope.consent_persons


def test_second_request_reuses_the_scope(world, bob, client_for):
    client = client_for(bob)
    url = f"/people/{world.son.pk}/"
    first, first_sql = _get(client, url)
    second, second_sql = _get(client, url)
    assert first.status_code == second.status_code == 200
    assert _consent_lists(first_sql), "the first request reads the agency's consents"
    assert not _consent_lists(second_sql), "the second request must reuse them"
    assert len(second_sql) < len(first_sql)


def test_a_withdrawal_written_by_another_process_ends_access_at_the_next_request(world, alice, bob, client_for):
    client = client_for(bob)
    url = f"/people/{world.son.pk}/"
    assert client.get(url).status_code == 200
    generation = policy._generation[0]
    consent_withdraw(actor=actor(alice), consent=world.consent)
    policy._generation[0] = generation  # as if the write happened in another gunicorn process
    assert client.get(url).status_code == 404


def test_a_rolled_back_write_keeps_the_token(world, alice, bob):
    before = VersionToken.objects.get(name="sharing").token
    with pytest.raises(RuntimeError), transaction.atomic():
        consent_record(actor=actor(alice), person=world.father, agencies=[bob.memberships.get().agency])
        assert VersionToken.objects.get(name="sharing").token != before
        raise RuntimeError
    assert VersionToken.objects.get(name="sharing").token == before
    assert policy.basis_for(world.father, actor(bob)) is None


def test_without_the_token_row_nothing_is_shared_between_requests(world, alice, bob, client_for):
    VersionToken.objects.filter(name="sharing").delete()  # e.g. a flushed database before any write
    client = client_for(bob)
    url = f"/people/{world.son.pk}/"
    _, first_sql = _get(client, url)
    _, second_sql = _get(client, url)
    assert _consent_lists(first_sql) and _consent_lists(second_sql)
    consent_withdraw(actor=actor(alice), consent=world.consent)
    assert VersionToken.objects.filter(name="sharing").exists(), "the next write brings the token back"
    assert client.get(url).status_code == 404
