"""An agency's Scope is built by one process and read by the others (`policy._shared_lists`): the lists it shares
make a Scope that gives every row the same bases as one built afresh, another process reads them without building
them, and a write of a basis makes the next reader build them again. The cases led elsewhere than their subject's
agency (移管) come off their own index (`Case.subject_agency`), which every way of making a case fills."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.sharing.test_row_bases import _sql_bases
from tests.sharing.world import actor
from tsunagu.agencies.models import Agency
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.services import consent_record, vital_interest_disclose

MODELS = (Person, Household, Case)


def _other_process() -> None:
    """What a second worker has: nothing kept in memory (the database's shared rows are there for it)."""
    policy.forget_scopes()


def _same_bases_from_shared_lists() -> int:
    """For every agency: a Scope made from another's lists, sent through JSON as the database keeps them, gives the
    same bases as a Scope built afresh, and answers its rules without a query. Returns how many ids the lists held."""
    today = timezone.localdate()
    held = 0
    for agency_id in Agency.objects.values_list("pk", flat=True):
        lists = json.loads(json.dumps(policy.Scope(agency_id, today).lists()))
        shared = policy.Scope.from_lists(agency_id, today, lists)
        with CaptureQueriesContext(connection) as queries:
            shared.person_rules(), shared.household_rules(), shared.case_rules()
        assert not queries.captured_queries, [q["sql"][:120] for q in queries.captured_queries]
        fresh = policy.Scope(agency_id, today)
        for model in MODELS:
            assert _sql_bases(model, shared) == _sql_bases(model, fresh), f"{model.__name__} for agency {agency_id}"
        held += sum(len(ids) for _, ids in lists)
    return held


def test_the_world_with_a_transfer_and_every_basis(world, alice, bob, charlie):
    bob_agency = bob.memberships.get().agency
    cases.case_transfer(actor=actor(alice), case=world.son_case, to_agency=bob_agency, reason="就労支援が中心になったため",
                        expected_version=world.son_case.version,
                        receiver_access=policy.agency_may_see(bob_agency, world.son))
    vital_interest_disclose(actor=actor(alice), person=world.mother, to_agency=charlie.memberships.get().agency, ground="life",
                            reason="夜間に倒れて救急搬送、服薬情報が必要なため")
    assert policy.Scope(bob_agency.pk, timezone.localdate()).own_persons_elsewhere == [world.son.pk]
    assert _same_bases_from_shared_lists() > 0


@pytest.fixture
def town(db):
    call_command("demo", profile="town", seed=11, verbosity=0)


def test_the_town_demo_and_its_cases_subject_agency(town):
    assert _same_bases_from_shared_lists() > 100
    cases_made = Case.objects.select_related("person", "household")
    assert cases_made.exists()
    assert all(c.subject_agency_id == c.subject.agency_id for c in cases_made)


def test_another_process_reads_the_scope_a_first_one_built_until_a_basis_is_written(world, alice, bob, charlie):
    charlie_actor = actor(charlie)
    assert not policy.visible(Person.objects.filter(pk=world.son.pk), charlie_actor).exists()
    _other_process()
    with CaptureQueriesContext(connection) as queries:
        policy._scope(actor(charlie))
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2 and all('FROM "core_' in q for q in sql), sql  # the token and the shared row: no list built

    consent_record(actor=actor(alice), person=world.son, agencies=[charlie.memberships.get().agency])
    _other_process()
    assert policy.visible(Person.objects.filter(pk=world.son.pk), actor(charlie)).exists()
