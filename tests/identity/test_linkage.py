"""Linkage on small generated populations: quality, twins, explanations, households and match_one."""

import datetime as dt

import pytest

from bench.linkage.generate import MUNICIPALITY, TODAY, generate
from bench.linkage.metrics import score
from tsunagu.identity.blocking import BLOCKING_RULES
from tsunagu.identity.features import FamilyNames, PreparedRecord
from tsunagu.identity.households import FLAG_8050, FLAG_MULTI_ISSUE
from tsunagu.identity.linkage import LINK, NON_MATCH, REVIEW, build_index, indexed_keys, link_records, match_one


@pytest.fixture(scope="module")
def linked():
    dataset = generate(4000, seed=3)
    result = link_records(dataset.rows, municipality=MUNICIPALITY, today=TODAY, agency_fields=dataset.agency_fields)
    return dataset, result


def test_persons_and_households_are_found_on_generated_records(linked):
    dataset, result = linked
    rows = list(result.rows())
    assert [r[0] for r in rows] == [r["record_id"] for r in dataset.rows]
    assert score([r[1] for r in rows], dataset.person_truth).f1 >= 0.95
    assert score([r[2] for r in rows], dataset.household_truth).f1 >= 0.90


def test_every_kept_pair_is_explained_field_by_field(linked):
    _, result = linked
    pair = next(p for p in result.pairs if p.band == LINK)
    explanation = result.explain(pair)
    assert [f.comparison for f in explanation.fields] == ["氏名・読み", "生年月日", "性別", "住所・電話"]
    assert explanation.total == pytest.approx(explanation.prior + sum(f.weight for f in explanation.fields))
    assert explanation.band == LINK and "同一人物" in explanation.as_text()


def _family(name, kana, birth, record_id, address="旭町1-2-3", phone="0133-22-1111"):
    return {"record_id": record_id, "agency": "地域包括支援センター", "name": name, "kana": kana,
            "birth_date": birth, "sex": "", "address": address, "phone": phone}


def _background(n=300):
    return generate(n, seed=11).rows


def test_twins_are_never_linked_automatically():
    twins = [_family("高橋 優太", "タカハシ ユウタ", "2015-06-01", "T1"), _family("髙橋 優斗", "たかはし ゆうと", "H27.6.1", "T2"),
             _family("高橋優太", "ﾀｶﾊｼ ﾕｳﾀ", "平成27年6月1日", "T3")]
    result = link_records(_background() + twins, today=TODAY)
    ids = {rid: (pid, hid) for rid, pid, hid in result.rows()}
    assert ids["T1"][0] == ids["T3"][0] != ids["T2"][0]
    assert ids["T1"][1] == ids["T2"][1]  # one household all the same
    twin_pairs = [p for p in result.pairs if p.twin]
    assert twin_pairs and all(p.band != LINK for p in twin_pairs)


def test_maiden_name_with_matching_birth_and_address_is_linked():
    records = [_family("佐藤 花子", "サトウ ハナコ", "1950-04-01", "M1"), _family("鈴木 花子", "スズキ ハナコ", "S25.4.1", "M2")]
    result = link_records(_background() + records, today=TODAY)
    ids = {rid: pid for rid, pid, _ in result.rows()}
    assert ids["M1"] == ids["M2"]


def test_common_surname_counts_for_less_than_a_rare_one(linked):
    _, result = linked
    model = result.model
    common = max(model.name_frequency, key=model.name_frequency.get)
    rare = min(model.name_frequency, key=model.name_frequency.get)
    assert model.name_frequency[common] > model.name_frequency[rare]


def test_households_flag_8050_and_multiple_fields():
    today = dt.date(2026, 11, 1)
    records = [
        {**_family("山田 トメ", "ヤマダ トメ", "1940-01-01", "H1"), "agency": "地域包括支援センター"},
        {**_family("山田 健一", "ヤマダ ケンイチ", "1975-05-05", "H2"), "agency": "生活困窮者自立相談支援機関"},
    ]
    fields = {"地域包括支援センター": "高齢・介護", "生活困窮者自立相談支援機関": "生活困窮"}
    result = link_records(_background() + records, today=today, agency_fields=fields)
    household_id = dict((rid, hid) for rid, _, hid in result.rows())["H1"]
    household = next(h for h in result.households if h.household_id == household_id)
    assert {FLAG_8050, FLAG_MULTI_ISSUE} <= household.flags


def test_match_one_finds_the_person_written_another_way(linked):
    dataset, result = linked
    index = build_index(result, MUNICIPALITY)
    known = next(i for i, r in enumerate(result.records) if r.name and r.birth and r.lot)
    row = dataset.rows[known]
    query = {**row, "record_id": "Q", "name": row["name"].replace(" ", "").replace("\u3000", ""), "phone": ""}
    candidates = match_one(query, index)
    assert candidates and candidates[0].person_id == result.person_id(known)
    assert candidates[0].band in (LINK, REVIEW)


def test_match_one_returns_nothing_for_a_stranger(linked):
    _, result = linked
    stranger = {"record_id": "Q", "name": "架空 太郎兵衛", "kana": "カクウ タロベエ", "birth_date": "1901-01-01",
                "sex": "男", "address": "どこにもない町9-9-9", "phone": ""}
    assert all(c.band != NON_MATCH for c in match_one(stranger, build_index(result)))
    assert match_one(stranger, build_index(result)) == []


def test_the_family_names_a_record_looks_up_split_it_as_every_name_learnt(linked):
    """What the product's database index relies on: loading only FamilyNames.lookups(record) splits alike."""
    dataset, result = linked
    for row in dataset.rows[:600]:
        query = {**row, "name": row["name"].replace(" ", "").replace("\u3000", ""), "kana": row["kana"].replace(" ", "")}
        with_all, with_lookups = PreparedRecord(query, MUNICIPALITY), PreparedRecord(query, MUNICIPALITY)
        kanji, kana = FamilyNames.lookups(with_lookups)
        result.families.split(with_all)
        FamilyNames(kanji & result.families.kanji, kana & result.families.kana).split(with_lookups)
        assert (with_all.family, with_all.given, with_all.kana_family) == (
            with_lookups.family, with_lookups.given, with_lookups.kana_family)


def test_the_stored_keys_are_the_blocks_match_one_reads(linked):
    """Every block within its rule's limit, and no other (a block too large: tests/linkage/test_intake_index.py)."""
    _, result = linked
    index = build_index(result, MUNICIPALITY)
    stored = {(rule, key) for rule, key, _ in indexed_keys(result.records)}
    for rule, ((_, _, limit), blocks) in enumerate(zip(BLOCKING_RULES, index.blocks, strict=True)):
        assert {k for k, members in blocks.items() if len(members) <= limit} == {k for r, k in stored if r == rule}
