"""Comparisons that use every field (issue #23), each pinned by examples written here, not drawn from a generator:
a name in kana against the other record's reading, readings from the dictionary, 異体字, addresses taken apart,
twins and parent and child kept apart, and households that stay apart at one street number."""

import pytest

from bench.linkage.generate import generate
from tsunagu.identity.features import (
    GUARD_GIVEN,
    GUARD_SEX,
    GUARD_TWIN,
    NAME_DICT,
    NAME_EXACT,
    NAME_FAMILY_ONLY,
    NAME_KANA_EXACT,
    FamilyNames,
    PreparedRecord,
    compare_name,
    disagreement,
)
from tsunagu.identity.linkage import LINK, link_records
from tsunagu.identity.model import GUARD_PROBABILITY, Tuning
from tsunagu.identity.normalize import fold_kanji, normalize_name, parse_address
from tsunagu.identity.readings import readings_of

TODAY = __import__("datetime").date(2026, 11, 1)


def record(name, kana="", birth="", sex="", address="", phone="", record_id="X"):
    return {"record_id": record_id, "agency": "地域包括支援センター", "name": name, "kana": kana, "birth_date": birth,
            "sex": sex, "address": address, "phone": phone}


def prepared(*rows):
    records = [PreparedRecord(r) for r in rows]
    families = FamilyNames()
    families.learn(records)
    for r in records:
        families.split(r)
    return records


# ---------------------------------------------------------------------------------------------------------------------
# Names in kana against readings, and readings from the dictionary
# ---------------------------------------------------------------------------------------------------------------------


def test_a_given_name_in_kana_is_compared_with_the_other_records_reading():
    a, b = prepared(record("佐藤 ゆみ"), record("佐藤 由美", "サトウユミ"))
    assert compare_name(a, b) == NAME_KANA_EXACT


def test_a_name_in_kanji_without_a_reading_is_read_from_the_dictionary():
    a, b = prepared(record("佐藤 由美"), record("さとう ゆみ"))
    assert compare_name(a, b) == NAME_DICT
    a, b = prepared(record("高橋 美穂"), record("たかはし みほ"))
    assert compare_name(a, b) == NAME_DICT


def test_the_dictionary_gives_every_reading_of_a_name_and_says_when_it_only_guessed():
    assert {"ミノル", "マコト"} <= readings_of("実").kana and readings_of("実").listed
    assert "ミホ" in readings_of("美穂")
    assert not readings_of("陽翔").listed  # pieced from 陽 and 翔: may agree, never disagrees
    assert readings_of("ユミ").kana == frozenset({"ユミ"})


def test_a_family_name_in_kanji_and_a_given_name_in_kana_split_where_the_script_changes():
    (a,) = prepared(record("工藤たつお"))
    assert (a.family, a.given) == ("工藤", "タツオ")


def test_one_wrong_kana_in_a_reading_still_agrees_when_the_kanji_do():
    a, b = prepared(record("中村 恵子", "ナカムラ ケイコ"), record("中村 恵子", "ナカムラ ケイゴ"))
    assert compare_name(a, b) != NAME_FAMILY_ONLY


# ---------------------------------------------------------------------------------------------------------------------
# 異体字
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["徳德", "辺邊邉", "斎齋齊", "沢澤", "浜濱", "島嶋", "広廣", "桜櫻", "崎﨑", "高髙", "吉𠮷",
                                   "真眞", "栄榮", "竜龍", "国國", "寿壽"])
def test_each_variant_of_a_kanji_folds_to_one_form(group):
    assert len({fold_kanji(c) for c in group}) == 1


def test_names_written_with_variants_are_one_name():
    assert normalize_name("德永　眞一").key == normalize_name("徳永 真一").key
    assert normalize_name("渡邊 廣").key == normalize_name("渡邉廣").key == normalize_name("渡辺 広").key
    assert normalize_name("齋藤 櫻子").key == normalize_name("斎藤桜子").key == normalize_name("齊藤 桜子").key
    assert normalize_name("濱田 嶋子").key == normalize_name("浜田 島子").key
    assert normalize_name("山﨑 髙志").key == normalize_name("山崎 高志").key


# ---------------------------------------------------------------------------------------------------------------------
# Addresses taken apart
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "旭町3丁目27番地1", "旭町3-27-1", "旭町三丁目27-1", "旭町３－２７－１", "つなぐ市旭町3丁目27番1号",
    "北海道つなぐ市旭町三丁目二十七番一号", "旭町3丁目27番地1 コーポ旭", "旭町３丁目２７番地の１",
])
def test_one_address_written_many_ways_has_one_lot(written):
    address = parse_address(written, "つなぐ市")
    assert (address.town, address.lot) == ("旭町", "3-27-1")
    assert (address.chome, address.ban, address.go) == ("3", "27", "1")


def test_building_and_room_are_their_own_parts():
    address = parse_address("つなぐ市旭町3丁目27番1号　コーポ旭 201号室", "つなぐ市")
    assert (address.lot, address.building, address.room, address.key) == ("3-27-1", "コーポ旭", "201", "旭町3-27-1#201")
    assert parse_address("旭町3-27-1-201").room == "201"


def test_a_chiban_address_has_no_chome():
    address = parse_address("あおば市大字新田123番地4", "あおば市")
    assert (address.town, address.chome, address.ban, address.go, address.lot) == ("新田", "", "123", "4", "123-4")


# ---------------------------------------------------------------------------------------------------------------------
# Twins, parent and child: never near-certain
# ---------------------------------------------------------------------------------------------------------------------


def _background():
    return generate(400, seed=21).rows


def test_twins_are_never_near_certain_and_never_linked():
    twins = [record("伊藤 美穂", "イトウ ミホ", "2012-04-05", "女", "旭町2-3-4", "0133-44-5555", "T1"),
             record("伊藤 実", "イトウ ミノル", "2012-04-05", "男", "旭町2丁目3番4号", "0133-44-5555", "T2")]
    a, b = prepared(*twins)
    assert disagreement(a, b) == GUARD_TWIN
    result = link_records(_background() + twins, today=TODAY)
    ids = {rid: pid for rid, pid, _ in result.rows()}
    assert ids["T1"] != ids["T2"]
    pair = next(p for p in result.pairs if {result.records[p.a].record_id, result.records[p.b].record_id} == {"T1", "T2"})
    explanation = result.explain(pair)
    assert explanation.probability <= GUARD_PROBABILITY and explanation.band != LINK
    assert "双子" in explanation.as_text()


def test_twins_written_in_kana_and_kanji_without_readings_are_kept_apart():
    a, b = prepared(record("伊藤 みほ", birth="2012-04-05", address="旭町2-3-4"),
                    record("伊藤 実", birth="2012-04-05", address="旭町2-3-4"))
    assert disagreement(a, b) == GUARD_TWIN


def test_a_parent_and_child_sharing_a_name_part_and_a_home_are_not_linked():
    family = [record("伊藤 健一", "イトウ ケンイチ", "1962-08-01", "男", "旭町2-3-4", "", "F1"),
              record("伊藤 健太", "イトウ ケンタ", "1992-08-01", "男", "旭町2-3-4", "", "F2")]
    a, b = prepared(*family)
    assert disagreement(a, b) == GUARD_GIVEN
    ids = {rid: pid for rid, pid, _ in link_records(_background() + family, today=TODAY).rows()}
    assert ids["F1"] != ids["F2"]


def test_a_pair_whose_sexes_differ_is_never_near_certain():
    rows = [record("高橋 和美", "タカハシ カズミ", "1970-01-02", "女", "旭町5-6-7", "0133-11-2222", "S1"),
            record("高橋 和美", "タカハシ カズミ", "1970-01-02", "男", "旭町5-6-7", "0133-11-2222", "S2")]
    a, b = prepared(*rows)
    assert compare_name(a, b) == NAME_EXACT and disagreement(a, b) == GUARD_SEX
    result = link_records(_background() + rows, today=TODAY)
    pair = next(p for p in result.pairs if {result.records[p.a].record_id, result.records[p.b].record_id} == {"S1", "S2"})
    assert pair.band != LINK and result.explain(pair).probability <= GUARD_PROBABILITY


# ---------------------------------------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------------------------------------


def _households(rows, **kwargs):
    result = link_records(_background() + rows, today=TODAY, **kwargs)
    return {rid: (pid, hid) for rid, pid, hid in result.rows()}


def test_two_families_at_one_street_number_stay_apart():
    rows = [record("佐藤 一郎", "サトウ イチロウ", "1950-01-01", "男", "大字新田123番地", "", "A1"),
            record("佐藤 花子", "サトウ ハナコ", "1952-02-02", "女", "大字新田123番地", "", "A2"),
            record("鈴木 次郎", "スズキ ジロウ", "1980-03-03", "男", "大字新田１２３番地", "", "B1"),
            record("鈴木 涼子", "スズキ リョウコ", "1982-04-04", "女", "新田123番地", "", "B2")]
    ids = _households(rows, municipality="あおば市")
    assert ids["A1"][1] == ids["A2"][1] != ids["B1"][1] == ids["B2"][1]


def test_a_married_daughter_joins_her_parents_through_her_maiden_name():
    rows = [record("佐藤 一郎", "サトウ イチロウ", "1950-01-01", "男", "大字新田123番地", "", "P1"),
            record("山田 恵子", "ヤマダ ケイコ", "1978-05-06", "女", "大字新田123番地", "", "D1"),
            record("佐藤 恵子", "サトウ ケイコ", "1978-05-06", "女", "大字新田123番地", "", "D2")]
    ids = _households(rows)
    assert ids["D1"][0] == ids["D2"][0] and ids["D1"][1] == ids["P1"][1]


def test_a_strong_match_of_one_member_raises_the_others_across_a_move():
    old, new = "旭町1-1-1", "本町9-9-9"
    rows = [record("村井 光江", "ムライ ミツエ", "1955-07-07", "女", old, "090-1111-2222", "M1"),
            record("村井 光江", "ムライ ミツエ", "1955-07-07", "女", new, "09011112222", "M2"),
            record("村井 拓真", "ムライ タクマ", "1985-09-09", "男", old, "", "S1"),
            record("村井 拓真", "ムライ タクマ", "S60.9.9", "", new, "", "S2")]
    without = _households(rows, tuning=Tuning(household_bonus=0.0))
    raised = _households(rows, tuning=Tuning(household_bonus=8.0))
    assert without["S1"][0] != without["S2"][0]
    assert raised["S1"][0] == raised["S2"][0] and raised["M1"][0] == raised["M2"][0]


def test_two_houses_of_one_family_name_on_one_banchi_with_their_own_lines_stay_apart():
    rows = [record("石井 稔", "イシイ ミノル", "1950-01-01", "男", "大字島原1622番地", "0227-11-1111", "I1"),
            record("石井 陽子", "イシイ ヨウコ", "1953-02-02", "女", "大字島原1622番地", "0227111111", "I2"),
            record("石井 拓海", "イシイ タクミ", "1981-03-03", "男", "大字島原１６２２番地", "0227-22-2222", "J1"),
            record("石井 楓", "イシイ カエデ", "1983-04-04", "女", "大字島原1622番地", "090-1234-5678", "J2")]
    ids = _households(rows, municipality="あおば市")
    assert ids["I1"][1] == ids["I2"][1] != ids["J1"][1]


def test_a_household_seen_at_its_old_address_by_some_agencies_is_one_household():
    old, new = "旭町1-1-1", "本町9-9-9"
    rows = [record("村井 光江", "ムライ ミツエ", "1955-07-07", "女", old, "090-3333-4444", "M1"),
            record("村井 光江", "ムライ ミツエ", "1955-07-07", "女", old, "", "M2"),
            record("村井 光江", "ムライ ミツエ", "1955-07-07", "女", new, "09033334444", "M3"),
            record("村井 拓真", "ムライ タクマ", "1985-09-09", "男", new, "", "S1")]
    ids = _households(rows)
    # most of her records give the old address, her son's the new one; she is seen at both, with his family name
    assert ids["M1"][0] == ids["M3"][0] and ids["M1"][1] == ids["S1"][1]
