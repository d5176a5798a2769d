"""Normalisation: each agency's way of writing must reach the same key; impossible input says why."""

import datetime as dt
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tsunagu.identity.normalize import (
    ERAS,
    address_key,
    kana_romaji,
    normalize_kana,
    normalize_name,
    normalize_phone,
    normalize_sex,
    parse_birth_date,
    search_key,
    wareki,
)

KATAKANA = st.text(alphabet=st.sampled_from("アイウエオカキクケコサシスセソタチテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンガギグゲゴザジズゼゾダデドバビブベボパピプペポ"), min_size=1, max_size=8)
DATES = st.dates(min_value=dt.date(1869, 1, 1), max_value=dt.date(2025, 12, 31))


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _halfwidth(text: str) -> str:
    table = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)
        out.append(table[base[0]] + ("ﾞ" if "\u3099" in base else "ﾟ" if "\u309a" in base else ""))
    return "".join(out)


@given(KATAKANA, KATAKANA)
def test_normalize_kana_reaches_one_form_from_hiragana_halfwidth_and_spaces(family, given_name):
    forms = [f"{family} {given_name}", _hiragana(f"{family}　{given_name}"), _halfwidth(f"{family}{given_name}")]
    assert {normalize_kana(f).key for f in forms} == {family + given_name}


@given(KATAKANA)
def test_kana_romaji_is_ascii_and_ignores_long_vowel_spelling(kana):
    romaji = kana_romaji(kana)
    assert romaji.isascii()
    assert kana_romaji(kana + "ウ") == kana_romaji(kana + "ー") or not kana.endswith("オ")


def test_normalize_name_folds_kanji_variants_and_keeps_the_original():
    written = "髙橋　ヨシ子"
    name = normalize_name(written)
    assert name.key == normalize_name("高橋よし子").key == "高橋ヨシ子"
    assert (name.original, name.family, name.given) == (written, "高橋", "ヨシ子")
    assert normalize_name("渡邉 太郎").key == normalize_name("渡辺太郎").key


@given(DATES)
def test_parse_birth_date_reads_every_written_form_of_one_date(date):
    era_text = wareki(date)
    forms = [date.isoformat(), f"{date.year}/{date.month}/{date.day}", era_text, era_text + "生",
             f"{date.year}年{date.month}月{date.day}日".translate(str.maketrans("0123456789", "０１２３４５６７８９"))]
    assert {parse_birth_date(f).iso for f in forms} == {date.isoformat()}


@given(DATES)
def test_letter_era_and_kanji_numerals(date):
    era = next(e for e in reversed(ERAS) if date >= e.start)
    year = date.year - era.start.year + 1
    kanji = "〇一二三四五六七八九"
    def in_kanji(n):
        tens, ones = divmod(n, 10)
        return ("" if not tens else "十" if tens == 1 else kanji[tens] + "十") + ("" if not ones else kanji[ones])
    assert parse_birth_date(f"{era.letter}{year}.{date.month}.{date.day}").iso == date.isoformat()
    assert parse_birth_date(f"{era.name}{in_kanji(year)}年{in_kanji(date.month)}月{in_kanji(date.day)}日").iso == date.isoformat()


@given(st.sampled_from(ERAS[:-1]), st.integers(min_value=1, max_value=30))
def test_a_year_past_the_end_of_an_era_is_rejected_with_the_last_year(era, extra):
    result = parse_birth_date(f"{era.name}{era.last_year + extra}年1月1日")
    assert result.iso is None
    assert f"{era.name}は{era.last_year}年" in result.error


def test_impossible_dates_say_why():
    assert parse_birth_date("平成32年1月1日").error == "平成は31年（令和元年）までです"
    assert "存在しない" in parse_birth_date("1940年2月30日").error
    assert "期間外" in parse_birth_date("昭和64年1月8日").error
    assert "未来" in parse_birth_date("2999-01-01").error
    assert parse_birth_date("平成元年1月8日").iso == "1989-01-08"
    assert parse_birth_date("R元.5.1").iso == "2019-05-01"
    assert parse_birth_date("よくわからない").error.startswith("生年月日「よくわからない」")


@given(DATES)
def test_wareki_round_trips(date):
    assert parse_birth_date(wareki(date)).iso == date.isoformat()


@given(st.integers(1, 9), st.integers(1, 40), st.integers(1, 40), st.sampled_from(["旭町", "本町", "桜ケ丘"]))
def test_address_forms_reach_one_key(chome, ban, go, town):
    kanji = "〇一二三四五六七八九"
    def in_kanji(n):
        tens, ones = divmod(n, 10)
        return ("" if not tens else "十" if tens == 1 else kanji[tens] + "十") + ("" if not ones else kanji[ones])
    forms = [f"{town}{chome}丁目{ban}番{go}号", f"{town}{chome}-{ban}-{go}", f"{town}{chome}ー{ban}－{go}",
             f"北海道つなぐ市{town}{in_kanji(chome)}丁目{in_kanji(ban)}番{in_kanji(go)}号",
             f"つなぐ市{town}{chome}丁目{ban}番地{go}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))]
    assert {address_key(f) for f in forms} == {f"{town}{chome}-{ban}-{go}"}


@given(st.integers(101, 999))
def test_building_and_room_are_separated_from_the_lot(room):
    forms = [f"旭町1-2-3 コーポ旭{room}号室", f"旭町1丁目2番3号　コーポ旭 {room}", f"旭町1-2-3-{room}"]
    assert {address_key(f) for f in forms} == {f"旭町1-2-3#{room}"}


@given(st.from_regex(r"0[0-9]{1,4}-[0-9]{1,4}-[0-9]{4}", fullmatch=True))
def test_normalize_phone_keeps_only_digits(phone):
    digits = phone.replace("-", "")
    assert normalize_phone(phone) == digits
    assert normalize_phone(phone.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))) == digits
    assert normalize_phone("+81 " + phone[1:]) == digits


def test_normalize_sex_codes():
    assert {normalize_sex(c) for c in ["男", "男性", "M", "m", "1", "１"]} == {"M"}
    assert {normalize_sex(c) for c in ["女", "女性", "F", "2"]} == {"F"}
    assert {normalize_sex(c) for c in ["", None, "不明", "9"]} == {""}


@given(KATAKANA)
def test_search_key_ignores_script_width_and_spaces(kana):
    assert search_key("髙橋 " + _hiragana(kana)) == search_key("高橋" + _halfwidth(kana)) == "高橋" + kana.lower()
