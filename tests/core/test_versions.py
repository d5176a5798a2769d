"""core.versions: answers kept per process under a named token, computed again once a write changes the token,
never kept without the token's row, and dropped past their age."""

import pytest
from django.db import transaction

from tsunagu.core import versions
from tsunagu.core.models import VersionToken

pytestmark = pytest.mark.django_db


class Counting:
    def __init__(self):
        self.calls = 0

    def __call__(self, token):
        self.calls += 1
        return (self.calls, token)


def test_every_name_has_its_row_from_the_migration():
    assert set(VersionToken.objects.values_list("name", flat=True)) >= set(versions.NAMES)


def test_an_answer_is_kept_until_its_token_changes_and_only_under_its_own_name():
    kept = versions.Kept(versions.GAPS, size=10)
    compute = Counting()
    first = kept.get("k", compute)
    assert kept.get("k", compute) == first and compute.calls == 1
    assert first[1] == versions.current(versions.GAPS)
    versions.changed(versions.FIGURES)  # another kind's write
    assert kept.get("k", compute) == first and compute.calls == 1
    versions.changed(versions.GAPS)
    assert kept.get("k", compute) == (2, versions.current(versions.GAPS))
    assert kept.get("other", compute)[0] == 3, "each key is its own answer"


def test_a_rolled_back_write_keeps_the_token():
    before = versions.current(versions.SHARING)
    with pytest.raises(RuntimeError), transaction.atomic():
        versions.changed(versions.SHARING)
        assert versions.current(versions.SHARING) != before
        raise RuntimeError
    assert versions.current(versions.SHARING) == before


def test_without_the_row_nothing_is_kept_and_the_next_write_brings_it_back():
    VersionToken.objects.filter(name=versions.GAPS).delete()
    kept = versions.Kept(versions.GAPS, size=10)
    compute = Counting()
    assert kept.get("k", compute) == (1, None)
    assert kept.get("k", compute) == (2, None)
    versions.changed(versions.GAPS)
    assert versions.current(versions.GAPS) is not None
    kept.get("k", compute)
    assert kept.get("k", compute)[0] == 3


def test_past_its_age_an_answer_is_computed_again_and_a_full_store_starts_over():
    compute = Counting()
    aged = versions.Kept(versions.GAPS, size=10, max_age=0.0)
    aged.get("k", compute)
    aged.get("k", compute)
    assert compute.calls == 2
    small = versions.Kept(versions.GAPS, size=2)
    for key in ("a", "b", "c"):
        small.get(key, compute)
    small.get("c", compute)
    assert compute.calls == 5, "c was kept after the store was emptied"
    small.get("a", compute)
    assert compute.calls == 6, "a was dropped with the rest when the store was full"
    small.forget()
    small.get("c", compute)
    assert compute.calls == 7
