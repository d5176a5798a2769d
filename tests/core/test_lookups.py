"""core.lookups: `ids_in` finds the rows `__in` finds, with the list sent as one value (both databases), and the
policy's conditions use it for long lists: a basis reached through hundreds of ids still gives each row."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.agencies.actor import actor_for
from tsunagu.people.models import Person
from tsunagu.sharing import policy
from tsunagu.sharing.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(own_agency):
    return Person.objects.bulk_create(
        Person(agency=own_agency, name=f"試験 {i}", kana=f"しけん {i}", birth_date=date(1950, 1, 1 + i % 28))
        for i in range(260))


def test_the_same_rows_as_in_for_a_primary_key_and_a_foreign_key(persons, own_agency, partner_agency):
    ids = [p.pk for p in persons[::2]] + [10**9]  # one that does not exist
    assert (sorted(Person.objects.filter(pk__ids_in=ids).values_list("pk", flat=True))
            == sorted(Person.objects.filter(pk__in=ids).values_list("pk", flat=True)) == sorted(ids[:-1]))
    assert Person.objects.filter(agency_id__ids_in=[partner_agency.pk]).count() == 0
    assert Person.objects.filter(agency__ids_in=[own_agency.pk, partner_agency.pk]).count() == len(persons)
    assert not Person.objects.filter(pk__ids_in=[]).exists()


def test_the_list_is_one_parameter_however_long(persons):
    ids = [p.pk for p in persons]
    with CaptureQueriesContext(connection) as queries:
        assert Person.objects.filter(pk__ids_in=ids).count() == len(ids)
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].count(str(ids[-1])) == 1  # the ids once, as one value


def test_a_basis_through_hundreds_of_consents_shows_each_person_with_its_basis(persons, own_agency, alice, bob):
    consented = persons[:2 * policy.SHORT_LIST + 3]  # longer than a short list: sent as one value
    for person in consented:
        Consent.objects.create(person=person, recorded_by=own_agency, taken_by=alice).agencies.add(bob.memberships.first().agency)
    policy.sharing_changed()
    actor = actor_for(bob)
    seen = policy.visible(Person.objects.all(), actor, with_basis=True)
    assert sorted(p.pk for p in seen) == sorted(p.pk for p in consented)
    assert all(p.basis_consent for p in seen)


def test_an_id_list_made_once_is_the_same_value_in_every_query(persons):
    from tsunagu.core.lookups import IdList

    ids = IdList(p.pk for p in persons[:150])
    assert len(ids) == 150 and list(ids)[0] == persons[0].pk
    assert Person.objects.filter(pk__ids_in=ids).count() == 150
    assert Person.objects.exclude(pk__ids_in=ids).filter(pk__in=[p.pk for p in persons]).count() == len(persons) - 150
    assert ids.array_text is ids.array_text and ids.json_text is ids.json_text  # made once


def test_the_policy_makes_each_long_list_of_a_scope_an_id_list_once(persons):
    ids = [p.pk for p in persons]
    made = policy._id_list(ids)
    assert policy._id_list(ids) is made
    assert policy._id_list(list(ids)) is not made, "another list, even equal, is its own"
    assert tuple(made) == tuple(ids)
