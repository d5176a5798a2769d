"""The intake check's index in the database (linkage.BlockingKey, NameTerm): the same answers as the in-memory engine
over every person (identity.linkage.match_one on a full build_index), a bounded number of queries, replaced by each
run, and an archived person's keys gone."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.linkage.generate import generate
from tsunagu.identity.blocking import BLOCKING_RULES
from tsunagu.identity.linkage import LinkageResult, build_index, indexed_keys, match_one, prepare
from tsunagu.identity.model import Model, frequencies, name_counts
from tsunagu.linkage import queries
from tsunagu.linkage.models import BlockingKey, NameTerm, NameTermKind
from tsunagu.people.models import Person

from .helpers import background, person, run

pytestmark = pytest.mark.django_db


def in_memory_answers(record: dict, limit: int = 5) -> list[tuple]:
    """What the per-process index this table replaces answered: every current person prepared, the run's model with
    the frequencies of every name, match_one over the whole index."""
    params = queries.latest_run().model_params
    rows = queries.person_rows()
    clusters = queries.clusters_of(int(r["record_id"]) for r in rows)
    municipality = queries.municipality_name()
    records, families = prepare(rows, municipality)
    model = Model(params["m"], params["u"], params["prior_weight"], *frequencies(records))
    index = build_index(LinkageResult(records, model, families, [0] * len(records), [0], []), municipality)
    index.person_ids = [str(clusters.get(int(r["record_id"]), r["record_id"])) for r in rows]
    return [(int(c.person_id), int(c.record_id), c.explanation.total, c.explanation.probability, c.band)
            for c in match_one(queries._query(record), index, limit)]


def database_answers(record: dict, limit: int = 5) -> list[tuple]:
    return [(c.cluster, c.matched_person_id, c.weight, c.probability, c.band)
            for c in queries.candidates_for(record, limit=limit)]


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def variants(p: Person) -> list[dict]:
    """Ways another agency may write her: run together in hiragana, a typo in the reading, her birth date a day off,
    under another family name (married or maiden), in kana only, without a birth date."""
    base = {"name": p.name, "kana": p.kana, "birth_date": p.birth_date, "sex": p.sex, "address": p.address,
            "phone": p.phone}
    family, _, given = p.name.partition(" ")
    kana_family, _, kana_given = p.kana.partition(" ")
    found = [{**base, "name": p.name.replace(" ", ""), "kana": _hiragana(p.kana.replace(" ", "")), "phone": ""},
             {**base, "birth_date": None, "address": ""},
             {**base, "name": p.kana, "kana": "", "sex": ""}]
    if p.kana and len(p.kana) > 3:
        found.append({**base, "kana": p.kana[:-1] + ("イ" if p.kana[-1] != "イ" else "ア")})
    if p.birth_date:
        found.append({**base, "birth_date": p.birth_date + dt.timedelta(days=1), "phone": ""})
    if given:
        found.append({**base, "name": f"山田 {given}", "kana": f"ヤマダ {kana_given}" if kana_given else "",
                      "address": ""})
    return found


@pytest.fixture
def same_name(own_agency, partner_agency):
    """More persons called 佐藤 花子 than the name rule compares (its limit): the name's block is left out."""
    limit = next(limit for name, _, limit in BLOCKING_RULES if name == "name")
    return [person(own_agency if i % 2 else partner_agency, "佐藤 花子", "サトウ ハナコ", f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}",
                   sex="F", address=f"{'本町' if i % 2 else '栄町'}{i}-1-1") for i in range(limit + 2)]


def test_the_database_index_answers_as_the_engine_over_every_person(yoshiko, twins, same_name, population):
    run()
    rng = random.Random(5)
    known = [*yoshiko, *twins, *rng.sample(population, 40)]
    records = [v for p in known for v in variants(p)]
    strangers = [{k: row[k] for k in ("name", "kana", "birth_date", "sex", "address", "phone")}
                 for row in generate(40, seed=99).rows]
    over_limit = [{"name": "佐藤 花子", "kana": "サトウ ハナコ"},  # only the name's and the reading's blocks: too large
                  {"name": "佐藤花子", "kana": "さとうはなこ", "birth_date": same_name[3].birth_date}]
    found = 0
    for record in [*records, *strangers, *over_limit]:
        expected = in_memory_answers(record)
        assert database_answers(record) == expected, record
        found += bool(expected)
    assert found >= len(records) * 0.8  # most variants are found: the comparison is not of empty answers
    assert database_answers(over_limit[0]) == []
    assert [c[0] for c in database_answers(over_limit[1])][:1] == [same_name[3].pk]


def test_a_block_over_its_limit_is_not_stored(same_name):
    run()
    name_rule = next(i for i, (name, _, _) in enumerate(BLOCKING_RULES) if name == "name")
    assert not BlockingKey.objects.filter(rule=name_rule, key="佐藤花子").exists()
    assert BlockingKey.objects.filter(person=same_name[0], rule=0).exists()  # her birth date's block is small


def test_the_run_keeps_the_keys_its_engine_blocks_on(yoshiko, population):
    run()
    records, _ = prepare(queries.person_rows(), queries.municipality_name())
    expected = sorted((rule, key, int(records[i].record_id)) for rule, key, i in indexed_keys(records))
    assert sorted(BlockingKey.objects.values_list("rule", "key", "person_id")) == expected
    names, readings = name_counts(records)
    assert dict(NameTerm.objects.filter(kind=NameTermKind.NAME).values_list("value", "count")) == names
    assert dict(NameTerm.objects.filter(kind=NameTermKind.READING).values_list("value", "count")) == readings
    assert queries.latest_run().model_params["names"] == sum(names.values()) > 300
    assert NameTerm.objects.filter(kind=NameTermKind.FAMILY_KANJI, value="高橋").exists()


def test_the_number_of_queries_does_not_grow_with_the_persons(own_agency, partner_agency, outsider_agency, yoshiko):
    agencies = [own_agency, partner_agency, outsider_agency]
    record = {"name": "高橋良子", "kana": "タカハシ ヨシコ", "birth_date": "S15.3.2", "sex": "女", "address": "旭町一丁目2-3"}
    counts = []
    for n, seed in ((50, 1), (450, 2)):  # 50 persons, then 500
        background(agencies, n=n, seed=seed)
        run()
        with CaptureQueriesContext(connection) as captured:
            found = queries.candidates_for(record)
        assert found and found[0].cluster == yoshiko[0].pk
        counts.append(len(captured))
    assert Person.objects.count() >= 500
    assert counts[0] == counts[1] <= 6


def test_a_new_run_replaces_the_keys(own_agency, yoshiko, population):
    run()
    first = BlockingKey.objects.count()
    names = NameTerm.objects.count()
    newcomer = person(own_agency, "辺見 ツル", "ヘンミ ツル", "1931-07-07", address="緑町8-1-2")
    run()
    assert BlockingKey.objects.filter(person=newcomer).exists()
    assert first < BlockingKey.objects.count() <= first + len(BLOCKING_RULES)  # hers added, none twice
    assert names < NameTerm.objects.count()
    run()
    assert BlockingKey.objects.count() <= first + len(BLOCKING_RULES)


def test_an_archived_persons_keys_are_gone(yoshiko, population):
    run()
    gone = yoshiko[0]
    assert BlockingKey.objects.filter(person=gone).exists()
    gone.archived_at = timezone.now()
    gone.save()
    assert not BlockingKey.objects.filter(person=gone).exists()
    found = queries.candidates_for({"name": "髙橋 ヨシ子", "kana": "タカハシ ヨシコ", "birth_date": "1940-03-02",
                                    "phone": "0133-22-1111"})
    assert found and gone.pk != found[0].matched_person_id
    run()
    assert not BlockingKey.objects.filter(person=gone).exists()
    assert BlockingKey.objects.filter(person=yoshiko[1]).exists()


def test_no_answers_from_a_run_without_an_index(yoshiko):
    """A run stored before the index existed has no names' totals: no check until the next run."""
    done = run()
    done.model_params = {k: v for k, v in done.model_params.items() if k not in ("names", "readings")}
    done.save()
    assert queries.candidates_for({"name": "髙橋ヨシ子", "birth_date": "1940-03-02"}) == []
