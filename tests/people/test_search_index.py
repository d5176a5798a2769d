"""The substring index gives exactly what a scan of every search key gives, and follows every write."""

import random

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sharing.world import actor
from tsunagu.identity.normalize import search_key
from tsunagu.people import search_index
from tsunagu.people import services as people
from tsunagu.people.models import Household, Person, PersonGram
from tsunagu.sharing import policy


@pytest.fixture
def town(db):
    """The town demo: ~2,000 persons, many sharing surnames and given names, written by bulk inserts."""
    call_command("demo", profile="town", seed=7, verbosity=0)


def _scan(model, key):
    return set(model.objects.filter(search_key__contains=key).values_list("pk", flat=True))


def _indexed(model, key):
    return set(search_index.containing(model.objects.all(), key).values_list("pk", flat=True))


def test_indexed_search_equals_the_scan_on_the_town(town):
    persons = list(Person.objects.values_list("search_key", flat=True))
    rng = random.Random(3)
    keys = {"タカハシ", "高橋", "ナカ", "ムラ", "子", "ケンイチ", "ヨシコ", "サトウ", "髙橋", "タナカ|"}
    for key in rng.sample(persons, 60):  # pieces of real keys, 1 to 5 characters, from either side of the "|"
        part = rng.choice(key.split("|"))
        start = rng.randrange(max(1, len(part)))
        keys.add(part[start:start + rng.randint(1, 5)])
    assert PersonGram.objects.exists()
    for key in sorted(k for k in keys if k):
        assert _indexed(Person, key) == _scan(Person, key), key
        assert _indexed(Household, key) == _scan(Household, key), key


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="たかはしタカハシナムラ高橋髙子ケンイチ健 |", min_size=1, max_size=6))
def test_any_query_gives_the_scans_answer(world, text):
    """The examples only read: the world's four 高橋 persons serve them all."""
    key = search_key(text)
    assert _indexed(Person, key) == _scan(Person, key)
    assert _indexed(Household, key) == _scan(Household, key)


def test_a_renamed_person_is_found_by_the_new_name_only(world, alice):
    a = actor(alice)
    assert list(policy.search_persons(a, "けんいち")) == [world.son]
    people.person_update(actor=a, person=world.son, expected_version=world.son.version, name="高橋 健二",
                         kana="たかはし けんじ")
    assert not policy.search_persons(a, "けんいち").exists()
    assert list(policy.search_persons(a, "けんじ")) == [world.son]
    assert list(policy.search_persons(a, "健二")) == [world.son]


def test_search_still_asks_the_policy(world, charlie):
    assert not policy.search_persons(actor(charlie), "たかはし").exists()
    assert not policy.search_households(actor(charlie), "高橋").exists()


def test_search_reads_the_index(world, alice):
    """Without its pieces a person is not found: the index is really what narrows the search."""
    PersonGram.objects.filter(person=world.son).delete()
    assert not policy.search_persons(actor(alice), "けんいち").exists()
    assert policy.search_persons(actor(alice), "け").filter(pk=world.son.pk).exists()  # one character: the scan


def test_pieces_are_counted_up_to_the_cap_and_a_common_one_gives_the_same_rows(town, monkeypatch):
    """How many hold a piece is counted up to COUNT_CAP only (the first search of a process on a 政令市 counted
    22,000 holders of 「ヨシ」): below it the rarest piece is chosen by its count; past it, by the name's own
    characters before a reading's — and the rows are the scan's whichever piece is walked."""
    held = {gram: PersonGram.objects.filter(gram=gram).count() for gram in ("タカ", "カハ", "ハシ", "高橋")}
    assert min(held.values()) > 3
    search_index._counted.clear()
    monkeypatch.setattr(search_index, "COUNT_CAP", 3)
    assert search_index._frequencies(PersonGram, set(held)) == dict.fromkeys(held, 3)
    assert search_index._rarest(PersonGram, {"タカ", "高橋"}) == "高橋"  # tied at the cap: the kanji's piece
    for key in ("タカハシ", "高橋", "ヨシコ", "ケンイチ", "サトウ"):
        assert _indexed(Person, key) == _scan(Person, key), key
    search_index._counted.clear()
    monkeypatch.setattr(search_index, "COUNT_CAP", 100_000)
    assert search_index._frequencies(PersonGram, set(held)) == held
    search_index._counted.clear()
