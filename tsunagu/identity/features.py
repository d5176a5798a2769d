"""Comparison features of one agency record, and the four comparisons the linkage model scores.

Why four and not one per column: a name and its reading are one fact written twice, and so are a
family's address and landline. Scoring them as independent evidence (Fellegi–Sunter assumes
independence) double-counts them, which merges families and namesakes. So name+reading is one
comparison, and address+phone ("dwelling") another; birth date and sex are the other two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler, Levenshtein

from tsunagu.identity.normalize import (
    kana_romaji,
    normalize_kana,
    normalize_name,
    normalize_phone,
    normalize_sex,
    parse_address,
    parse_birth_date,
)

INPUT_COLUMNS = ("record_id", "agency", "name", "kana", "birth_date", "sex", "address", "phone")


class PreparedRecord:
    """The comparison keys of one record; slots keep 200,000 of them within memory limits."""

    __slots__ = (
        "record_id", "agency", "name", "family", "given", "kana", "kana_family", "kana_given", "romaji",
        "birth", "birth_error", "sex", "lot", "room", "town", "phone", "fields",
    )

    def __init__(self, raw: Mapping[str, object], municipality: str = "") -> None:
        name, kana = normalize_name(_text(raw, "name")), normalize_kana(_text(raw, "kana"))
        birth = parse_birth_date(_text(raw, "birth_date")) if _text(raw, "birth_date") else None
        address = parse_address(_text(raw, "address"), municipality)
        self.record_id = _text(raw, "record_id")
        self.agency = _text(raw, "agency")
        self.name, self.family, self.given = name.key, name.family, name.given
        self.kana, self.kana_family, self.kana_given = kana.key, kana.family, kana.given
        self.romaji = kana_romaji(kana.key) if kana.key else ""
        self.birth = birth.iso if birth and birth.iso else ""
        self.birth_error = birth.error if birth else None
        self.sex = normalize_sex(_text(raw, "sex"))
        self.lot, self.room, self.town = address.lot_key, address.room, address.town
        self.phone = normalize_phone(_text(raw, "phone"))
        fields = raw.get("fields") or ()
        self.fields: tuple[str, ...] = tuple(str(f) for f in fields) if isinstance(fields, Iterable) else ()

    @property
    def dwelling(self) -> str:
        return f"{self.lot}#{self.room}" if self.room else self.lot


def _text(raw: Mapping[str, object], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


@dataclass
class FamilyNames:
    """Family names seen written apart from the given name, used to split names written without a space.

    Learnt from the data itself: an agency that writes 「高橋 よし子」 teaches how to split another's
    「高橋よし子」. This is what lets a maiden name (same given name, other family name) be recognised.
    """

    kanji: set[str] = field(default_factory=set)
    kana: set[str] = field(default_factory=set)

    def learn(self, records: Iterable[PreparedRecord]) -> None:
        for record in records:
            if record.family:
                self.kanji.add(record.family)
            if record.kana_family:
                self.kana.add(record.kana_family)

    def split(self, record: PreparedRecord) -> None:
        if record.name and not record.family:
            record.family, record.given = _split(record.name, self.kanji)
        if record.kana and not record.kana_family:
            record.kana_family, record.kana_given = _split(record.kana, self.kana)


def _split(full: str, families: set[str]) -> tuple[str, str]:
    for length in range(min(len(full) - 1, 6), 0, -1):  # the longest known family name wins
        if full[:length] in families:
            return full[:length], full[length:]
    return "", ""


# ---------------------------------------------------------------------------------------------
# Comparisons. Each returns a level index into its LEVELS tuple, or None when it cannot be compared
# (a missing value carries no evidence either way, so it scores 0).
# ---------------------------------------------------------------------------------------------

NAME_LEVELS = ("漢字・読み一致", "読み一致", "表記ゆれ・読み誤り", "名のみ一致（姓の変更）", "姓のみ一致（名が異なる）", "不一致")
NAME_EXACT, NAME_KANA_EXACT, NAME_FUZZY, NAME_GIVEN_ONLY, NAME_FAMILY_ONLY, NAME_OTHER = range(6)
BIRTH_LEVELS = ("一致", "1項目違い・月日入れ替え", "生年のみ一致", "不一致")
BIRTH_EXACT, BIRTH_TYPO, BIRTH_YEAR, BIRTH_OTHER = range(4)
SEX_LEVELS = ("一致", "不一致")
DWELLING_LEVELS = ("住所・電話一致", "住所一致", "電話のみ一致", "同じ建物の別の部屋", "同じ町内", "不一致")
DWELL_BOTH, DWELL_ADDRESS, DWELL_PHONE, DWELL_OTHER_ROOM, DWELL_TOWN, DWELL_OTHER = range(6)

_FUZZY_ROMAJI = 0.90


def compare_name(a: PreparedRecord, b: PreparedRecord) -> int | None:
    kanji_known, kana_known = bool(a.name and b.name), bool(a.kana and b.kana)
    if not kanji_known and not kana_known:
        return None
    if kanji_known and a.name == b.name:
        return NAME_EXACT if not kana_known or _close_kana(a, b) else NAME_FUZZY
    if kana_known and a.kana == b.kana:
        return NAME_KANA_EXACT if not kanji_known or Levenshtein.distance(a.name, b.name) <= 2 else NAME_FUZZY
    if _fuzzy(a, b, kanji_known, kana_known):
        return NAME_FUZZY
    given, family = _part(a, b, "given"), _part(a, b, "family")
    if given and not family:
        return NAME_GIVEN_ONLY
    if family and given is False:
        return NAME_FAMILY_ONLY
    return NAME_OTHER


def _close_kana(a: PreparedRecord, b: PreparedRecord) -> bool:
    return a.kana == b.kana or JaroWinkler.similarity(a.romaji, b.romaji) >= _FUZZY_ROMAJI


def _fuzzy(a: PreparedRecord, b: PreparedRecord, kanji_known: bool, kana_known: bool) -> bool:
    """A typo in the reading, or in the kanji, when the other script does not contradict it.

    Why not when both differ: twins 優太 ユウタ and 優斗 ユウト differ by one character in each script;
    one typo in both the kanji and the reading of the same record is far rarer than twins.
    """
    if kana_known and not kanji_known:
        return JaroWinkler.similarity(a.romaji, b.romaji) >= _FUZZY_ROMAJI and _parts_agree(a.kana_given, b.kana_given) is not False
    return kanji_known and not kana_known and len(a.name) >= 3 and Levenshtein.distance(a.name, b.name) <= 1


def _part(a: PreparedRecord, b: PreparedRecord, part: str) -> bool | None:
    """Whether the family (or given) names agree, in kanji or in kana; None when neither is known."""
    kanji = _parts_agree(getattr(a, part), getattr(b, part))
    kana = _parts_agree(getattr(a, f"kana_{part}"), getattr(b, f"kana_{part}"))
    if kanji is None:
        return kana
    if kana is None:
        return kanji
    return kanji or kana


def _parts_agree(x: str, y: str) -> bool | None:
    return None if not x or not y else x == y


def compare_birth(a: PreparedRecord, b: PreparedRecord) -> int | None:
    if not a.birth or not b.birth:
        return None
    if a.birth == b.birth:
        return BIRTH_EXACT
    ya, ma, da = a.birth[:4], a.birth[5:7], a.birth[8:]
    yb, mb, db = b.birth[:4], b.birth[5:7], b.birth[8:]
    same = (ya == yb) + (ma == mb) + (da == db)
    if same == 2 or (ya == yb and ma == db and da == mb):
        return BIRTH_TYPO
    return BIRTH_YEAR if ya == yb else BIRTH_OTHER


def compare_sex(a: PreparedRecord, b: PreparedRecord) -> int | None:
    if not a.sex or not b.sex:
        return None
    return 0 if a.sex == b.sex else 1


def compare_dwelling(a: PreparedRecord, b: PreparedRecord) -> int | None:
    phone = bool(a.phone and b.phone and a.phone == b.phone)
    if not a.lot or not b.lot:
        return DWELL_PHONE if phone else None
    same_lot = a.lot == b.lot
    rooms_agree = not a.room or not b.room or a.room == b.room
    if same_lot and rooms_agree:
        return DWELL_BOTH if phone else DWELL_ADDRESS
    if phone:
        return DWELL_PHONE
    if same_lot:
        return DWELL_OTHER_ROOM
    return DWELL_TOWN if a.town and a.town == b.town else DWELL_OTHER


COMPARISONS = (
    ("氏名・読み", NAME_LEVELS, compare_name),
    ("生年月日", BIRTH_LEVELS, compare_birth),
    ("性別", SEX_LEVELS, compare_sex),
    ("住所・電話", DWELLING_LEVELS, compare_dwelling),
)


def comparison_vector(a: PreparedRecord, b: PreparedRecord) -> tuple[int | None, ...]:
    return (compare_name(a, b), compare_birth(a, b), compare_sex(a, b), compare_dwelling(a, b))


def is_twin_pair(a: PreparedRecord, b: PreparedRecord) -> bool:
    """Same birth date and home (address or phone) but given names known to differ: twins.

    Twins are never linked automatically, whatever the score; they go to the review queue.
    """
    same_home = (a.lot and a.lot == b.lot) or (a.phone and a.phone == b.phone)
    return bool(a.birth) and a.birth == b.birth and bool(same_home) and _part(a, b, "given") is False
