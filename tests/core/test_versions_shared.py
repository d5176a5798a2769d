"""core.versions.Shared: an answer computed by one process is read by the others from the database while its token
is unchanged; a write computes it again; an aged answer is computed again by one process only; the values come back
as plain JSON (dates and times included) to every process alike."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tsunagu.core import versions
from tsunagu.core.models import SharedAnswer, VersionToken

pytestmark = pytest.mark.django_db


class Counting:
    def __init__(self, value=None):
        self.calls = 0
        self.value = value

    def __call__(self, token):
        self.calls += 1
        return self.value if self.value is not None else {"n": self.calls, "token": token}


def _process():
    """Another worker process: its own Shared, nothing kept in memory yet."""
    return versions.Shared(versions.GAPS, size=10, max_age=600.0)


def test_one_process_computes_and_another_reads_it_from_the_database():
    compute = Counting()
    first = _process().get("k", compute)
    assert first == {"n": 1, "token": versions.current(versions.GAPS)}
    assert _process().get("k", compute) == first and compute.calls == 1
    assert SharedAnswer.objects.filter(name=versions.GAPS, key="k").count() == 1


def test_a_write_computes_again_and_older_answers_are_deleted():
    compute = Counting()
    one, two = _process(), _process()
    one.get("k", compute)
    one.get("other", compute)
    versions.changed(versions.GAPS)
    assert two.get("k", compute)["n"] == 3
    assert one.get("k", compute)["n"] == 3, "the first process reads the new answer, it does not keep its own"
    token = versions.current(versions.GAPS)
    assert set(SharedAnswer.objects.filter(name=versions.GAPS).values_list("key", "token")) == {("k", token)}


def test_each_kind_has_its_own_answers():
    compute = Counting()
    _process().get("k", compute)
    figures = versions.Shared(versions.FIGURES, size=10, max_age=600.0)
    assert figures.get("k", compute)["n"] == 2
    versions.changed(versions.FIGURES)
    assert _process().get("k", compute)["n"] == 1, "another kind's write leaves the answer"


def test_values_come_back_as_plain_json_to_every_process_alike():
    at = timezone.now().replace(microsecond=0)
    value = {"rows": [{"since": date(2026, 4, 1), "at": at, "none": None, "fields": ["a", "b"]}], "total": (3, "x")}
    computed = _process().get("k", Counting(value))
    read = _process().get("k", Counting())
    assert computed == read == {"rows": [{"since": date(2026, 4, 1), "at": at, "none": None, "fields": ["a", "b"]}],
                                "total": [3, "x"]}
    assert isinstance(read["rows"][0]["at"], datetime) and read["rows"][0]["at"].tzinfo is not None


def test_an_aged_answer_is_computed_again_by_one_process_while_the_others_read_it():
    compute = Counting()
    _process().get("k", compute)
    SharedAnswer.objects.filter(key="k").update(computed_at=timezone.now() - timedelta(seconds=601))
    aged = SharedAnswer.objects.get(key="k").computed_at
    one, two = _process(), _process()
    assert one._claim("k", versions.current(versions.GAPS), aged) is True
    assert two._claim("k", versions.current(versions.GAPS), aged) is False, "claimed once"
    assert two.get("k", compute)["n"] == 1 and compute.calls == 1, "the other reads the answer the token still holds"
    SharedAnswer.objects.filter(key="k").update(computed_at=timezone.now() - timedelta(seconds=601))
    assert _process().get("k", compute)["n"] == 2, "past its age, the process that claims it computes again"


def test_without_the_token_row_nothing_is_shared():
    VersionToken.objects.filter(name=versions.GAPS).delete()
    compute = Counting()
    _process().get("k", compute)
    _process().get("k", compute)
    assert compute.calls == 2
    assert not SharedAnswer.objects.exists()


def test_a_value_that_is_not_plain_json_is_refused():
    with pytest.raises(TypeError):
        _process().get("k", Counting({"obj": object()}))
