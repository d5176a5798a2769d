"""What the policy remembers while one actor acts (`PolicyContext`): kept for her request, never shared with the
next one (even by the same staff member), dropped when this process writes a basis, and gone with the actor."""

import gc

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.cases.models import Case
from tsunagu.sharing import policy
from tsunagu.sharing.services import consent_withdraw

from .world import actor


def test_a_page_reads_the_sharing_token_once(world, bob, client_for):
    client = client_for(bob)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/people/{world.son.pk}/").status_code == 200
    token_reads = [q["sql"] for q in captured.captured_queries
                   if "core_versiontoken" in q["sql"] and "'sharing'" in q["sql"]]
    assert len(token_reads) == 1, token_reads


def test_a_write_in_this_process_drops_what_the_request_remembered(world, alice, bob):
    reader = actor(bob)
    assert policy.visible_case_ids(reader, [world.son_case.pk]) == [world.son_case.pk]
    consent_withdraw(actor=actor(alice), consent=world.consent)
    assert policy.visible_case_ids(reader, [world.son_case.pk]) == []
    assert not policy.visible(Case.objects.filter(pk=world.son_case.pk), reader).exists()


def test_the_next_request_of_the_same_staff_member_remembers_nothing(world, alice, bob):
    first, second = actor(bob), actor(bob)
    assert first == second, "equal actors: what is remembered is keyed by the actor object, not its value"
    assert policy.visible_case_ids(first, [world.son_case.pk]) == [world.son_case.pk]
    generation = policy._generation[0]
    consent_withdraw(actor=actor(alice), consent=world.consent)
    policy._generation[0] = generation  # as if another process had written it
    assert policy.visible_case_ids(first, [world.son_case.pk]) == [world.son_case.pk]  # still the first request
    assert policy.visible_case_ids(second, [world.son_case.pk]) == []


def test_what_is_remembered_goes_with_the_actor(world, bob):
    reader = actor(bob)
    assert policy.visible(Case.objects.all(), reader).exists()
    key = id(reader)
    assert key in policy._contexts
    del reader
    gc.collect()
    assert key not in policy._contexts
