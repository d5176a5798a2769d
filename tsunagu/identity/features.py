"""Comparison features of one agency record, and the four comparisons the linkage model scores.

Why four and not one per column: a name and its reading are one fact written twice, and so are a
family's address and landline. Scoring them as independent evidence (Fellegi–Sunter assumes
independence) double-counts them, which merges families and namesakes. So name+reading is one
comparison, and address+phone ("dwelling") another; birth date and sex are the other two.

Every field is used: a name written in kana is compared with the other record's reading, a reading
missing on one side is looked up from the kanji (identity.readings), family and given names are
compared apart (a maiden name, twins), and the address is compared by its parts (町名, 丁目-番-号, 部屋).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

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
from tsunagu.identity.readings import NONE as NO_READINGS
from tsunagu.identity.readings import is_katakana, readings_of

INPUT_COLUMNS = ("record_id", "agency", "name", "kana", "birth_date", "sex", "address", "phone")


class PreparedRecord:
    """The comparison keys of one record; slots keep 200,000 of them within memory limits.

    `reading` is the reading the record itself gives: its kana field, or its name when written in kana.
    """

    __slots__ = (
        "record_id", "agency", "name", "family", "given", "kana", "kana_family", "kana_given", "reading", "romaji",
        "birth", "birth_day", "birth_error", "sex", "lot", "room", "town", "building", "phone", "fields",
        "family_readings", "given_readings", "family_kanji", "given_kanji", "guess",
    )

    def __init__(self, raw: Mapping[str, object], municipality: str = "", today: dt.date | None = None) -> None:
        name, kana = normalize_name(_text(raw, "name")), normalize_kana(_text(raw, "kana"))
        birth_text = _text(raw, "birth_date")
        birth = _birth(birth_text, today or dt.date.today()) if birth_text else None
        address = parse_address(_text(raw, "address"), municipality)
        self.record_id = _text(raw, "record_id")
        self.agency = _text(raw, "agency")
        self.name, self.family, self.given = name.key, name.family, name.given
        if self.name and not self.family:
            self.family, self.given = _split_at_kana(self.name)
        self.kana, self.kana_family, self.kana_given = kana.key, kana.family, kana.given
        self.parts_changed()
        self.reading = self.kana or (self.name if is_katakana(self.name) else "")
        self.romaji = kana_romaji(self.reading) if self.reading else ""
        self.birth = birth[0] if birth else ""
        self.birth_day = birth[1] if birth else 0
        self.birth_error = birth[2] if birth else None
        self.sex = normalize_sex(_text(raw, "sex"))
        self.lot, self.room, self.town, self.building = address.lot_key, address.room, address.town, address.building
        self.phone = normalize_phone(_text(raw, "phone"))
        fields = raw.get("fields") or ()
        self.fields: tuple[str, ...] = tuple(str(f) for f in fields) if isinstance(fields, Iterable) else ()

    @property
    def dwelling(self) -> str:
        return f"{self.lot}#{self.room}" if self.room else self.lot

    def part_reading(self, part: str) -> str:
        """The reading of the family (or given) name this record gives itself: its kana, or the part in kana."""
        stated = self.kana_family if part == "family" else self.kana_given
        if stated:
            return stated
        written = self.family if part == "family" else self.given
        return written if is_katakana(written) else ""

    def parts_changed(self) -> None:
        """Recompute what the comparisons read of the family and given names (after they are split apart)."""
        self.family_readings, self.family_kanji = _part_forms(self.kana_family, self.family)
        self.given_readings, self.given_kanji = _part_forms(self.kana_given, self.given)
        self.guess: str | None = None

    def part_readings(self, part: str) -> frozenset[str]:
        """Every reading the record gives the part: its kana field, and the part itself when written in kana."""
        return self.family_readings if part == "family" else self.given_readings

    def given_reading_guess(self) -> str:
        return self.part_reading("given") or _first(readings_of(self.given).kana)

    def reading_guess(self) -> str:
        """A reading for blocking: the record's own, else the dictionary's first for each part written in kanji."""
        if self.reading:
            return self.reading
        if self.guess is None:
            if not self.family:
                self.guess = _first(readings_of(self.name).kana) if self.name else ""
            else:
                parts = [self.part_reading(p) or _first(readings_of(getattr(self, p)).kana) for p in ("family", "given")]
                self.guess = "".join(parts) if all(parts) else ""
        return self.guess


@lru_cache(maxsize=200_000)
def _part_forms(stated: str, written: str) -> tuple[frozenset[str], str]:
    """(the readings a record gives a name part, the part when written in kanji); shared between records."""
    in_kana = is_katakana(written)
    found = {stated} if stated else set()
    if in_kana:
        found.add(written)
    return frozenset(found), "" if in_kana else written


def _first(readings: frozenset[str]) -> str:
    return min(readings) if readings else ""


def _split_at_kana(name: str) -> tuple[str, str]:
    """「工藤タツオ」: a family name in kanji followed by a given name in kana splits where the script changes."""
    for i in range(1, len(name)):
        if not is_katakana(name[i - 1]) and is_katakana(name[i:]):
            return name[:i], name[i:]
    return "", ""


@lru_cache(maxsize=200_000)
def _birth(text: str, today: dt.date) -> tuple[str, int, str | None]:
    """(ISO date, its day number, the error) of a written 生年月日; many records write one date the same way."""
    parsed = parse_birth_date(text, today=today)
    return (parsed.iso, dt.date.fromisoformat(parsed.iso).toordinal(), None) if parsed.iso else ("", 0, parsed.error)


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
            if record.family and not is_katakana(record.family):
                self.kanji.add(record.family)
            if record.kana_family:
                self.kana.add(record.kana_family)

    def split(self, record: PreparedRecord) -> None:
        if record.name and not record.family:
            family, given = _split(record.name, self.kana if is_katakana(record.name) else self.kanji)
            if family:
                record.family, record.given = family, given
        if record.kana and not record.kana_family:
            record.kana_family, record.kana_given = _split(record.kana, self.kana)
        if record.kana and not record.kana_family and record.family and record.given:
            # 「佐藤 由美」「サトウユミ」: the reading splits after a reading of the family name as written
            record.kana_family, record.kana_given = _split(record.kana, _family_readings(record.family))
        record.parts_changed()

    @staticmethod
    def lookups(record: PreparedRecord) -> tuple[set[str], set[str]]:
        """The kanji and the kana family names `split` may look up for `record` (before it is split): the prefixes of
        its name and its reading. A caller keeping the learnt names elsewhere (the database, linkage.NameTerm) loads
        these only, and `split` with them splits the record exactly as with every name learnt."""
        kanji: set[str] = set()
        kana: set[str] = set()
        if record.name and not record.family:
            (kana if is_katakana(record.name) else kanji).update(family_prefixes(record.name))
        if record.kana and not record.kana_family:
            kana.update(family_prefixes(record.kana))
        return kanji, kana


def _family_readings(family: str) -> frozenset[str]:
    return frozenset({family}) if is_katakana(family) else readings_of(family).kana


def family_prefixes(full: str) -> list[str]:
    """The family names a name written without a space may start with, the longest first (at most 6 characters,
    and a given name of one character at least)."""
    return [full[:length] for length in range(min(len(full) - 1, 6), 0, -1)]


def _split(full: str, families: set[str] | frozenset[str]) -> tuple[str, str]:
    for family in family_prefixes(full):  # the longest known family name wins
        if family in families:
            return family, full[len(family):]
    return "", ""


# ---------------------------------------------------------------------------------------------
# Comparisons. Each returns a level index into its LEVELS tuple, or None when it cannot be compared
# (a missing value carries no evidence either way, so it scores 0).
# ---------------------------------------------------------------------------------------------

NAME_LEVELS = ("漢字・読み一致", "読み一致", "辞書の読みで一致", "表記ゆれ・読み誤り", "名のみ一致（姓の変更）",
               "姓のみ一致（名が異なる）", "不一致")
NAME_EXACT, NAME_KANA_EXACT, NAME_DICT, NAME_FUZZY, NAME_GIVEN_ONLY, NAME_FAMILY_ONLY, NAME_OTHER = range(7)
BIRTH_LEVELS = ("一致", "1日違い・1項目違い・月日入れ替え", "生年のみ一致", "不一致")
BIRTH_EXACT, BIRTH_TYPO, BIRTH_YEAR, BIRTH_OTHER = range(4)
SEX_LEVELS = ("一致", "不一致")
DWELLING_LEVELS = ("住所・電話一致", "住所一致", "電話のみ一致", "同じ建物の別の部屋", "同じ町内", "不一致")
DWELL_BOTH, DWELL_ADDRESS, DWELL_PHONE, DWELL_OTHER_ROOM, DWELL_TOWN, DWELL_OTHER = range(6)

# How one name part (family or given) of two records compares, from the strongest agreement to a disagreement.
PART_WRITTEN, PART_READING, PART_DICT, PART_FUZZY, PART_UNKNOWN, PART_DIFFER = range(6)
_AGREE = (PART_WRITTEN, PART_READING, PART_DICT, PART_FUZZY)
_FUZZY_ROMAJI = 0.90


def compare_name(a: PreparedRecord, b: PreparedRecord) -> int | None:
    if not (a.name or a.kana) or not (b.name or b.kana):
        return None
    if a.name and a.name == b.name:
        return NAME_EXACT if not a.kana or not b.kana or _close(a.kana, b.kana, a.romaji, b.romaji) else NAME_FUZZY
    if a.family and b.family:
        family, given = part_level(a, b, "family"), part_level(a, b, "given")
        if family != PART_UNKNOWN and given != PART_UNKNOWN:
            return _from_parts(family, given)
    return _whole_name(a, b)


def _from_parts(family: int, given: int) -> int:
    if family in _AGREE and given in _AGREE:
        worst = max(family, given)
        return NAME_KANA_EXACT if worst <= PART_READING else NAME_DICT if worst == PART_DICT else NAME_FUZZY
    if given in _AGREE:
        return NAME_GIVEN_ONLY
    if family in _AGREE:
        return NAME_FAMILY_ONLY
    return NAME_OTHER


def part_level(a: PreparedRecord, b: PreparedRecord, part: str) -> int:
    """How the family (or given) names of two records compare: as written, by their readings (the kana field, or
    the part itself written in kana), or through the dictionary's readings of the kanji.

    Kanji that differ are a disagreement even when the readings agree but for one slip: twins 優太 ユウタ and
    優斗 ユウト differ by one character in each script, and one slip in both scripts of one record is far rarer. A
    reading the dictionary lists none of for the other's kanji (実 is never ミホ) is a disagreement too; a reading
    of kanji the dictionary does not hold as a whole (陽翔) cannot be told either way.
    """
    wa, wb = getattr(a, part), getattr(b, part)
    if wa and wa == wb:
        return PART_WRITTEN
    ra, rb = a.part_readings(part), b.part_readings(part)
    if ra & rb:
        return PART_READING
    ka, kb = (a.family_kanji, b.family_kanji) if part == "family" else (a.given_kanji, b.given_kanji)
    if ka and kb:
        return PART_DIFFER
    da, db = readings_of(ka) if ka else NO_READINGS, readings_of(kb) if kb else NO_READINGS
    if ra & db.kana or rb & da.kana:
        return PART_DICT
    contradicted = (da.listed and bool(rb)) or (db.listed and bool(ra))
    if ra and rb:
        slip = any(_one_slip(x, y) for x in ra for y in rb)
        return PART_FUZZY if slip and not contradicted else PART_DIFFER
    return PART_DIFFER if contradicted else PART_UNKNOWN


def _one_slip(x: str, y: str) -> bool:
    """One wrong, missing or extra kana in a reading of two or more (ユミコ / ユミゴ, ヨウコ / ヨーコ)."""
    return min(len(x), len(y)) >= 2 and Levenshtein.distance(x, y) <= 1


def _close(x: str, y: str, rx: str, ry: str) -> bool:
    return x == y or JaroWinkler.similarity(rx, ry) >= _FUZZY_ROMAJI


def _whole_name(a: PreparedRecord, b: PreparedRecord) -> int:
    """Names not taken apart into family and given: compared whole, in kanji, by reading or by dictionary."""
    kanji_known = bool(a.name and b.name)
    if a.reading and a.reading == b.reading:
        kanji_agree = not kanji_known or Levenshtein.distance(a.name, b.name) <= 2
        return NAME_KANA_EXACT if kanji_agree else NAME_FUZZY
    if a.reading and b.reading:
        if not kanji_known and JaroWinkler.similarity(a.romaji, b.romaji) >= _FUZZY_ROMAJI:
            return NAME_FUZZY
        return NAME_OTHER
    reading, other = (a.reading, b.name) if a.reading else (b.reading, a.name)
    if reading and other and not is_katakana(other) and reading in readings_of(other):
        return NAME_DICT
    if kanji_known and not a.reading and not b.reading and len(a.name) >= 3 and Levenshtein.distance(a.name, b.name) <= 1:
        return NAME_FUZZY
    return NAME_OTHER


def compare_birth(a: PreparedRecord, b: PreparedRecord) -> int | None:
    if not a.birth or not b.birth:
        return None
    if a.birth == b.birth:
        return BIRTH_EXACT
    if abs(a.birth_day - b.birth_day) <= 1:
        return BIRTH_TYPO
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
    same_lot = a.lot == b.lot and (not a.town or not b.town or a.town == b.town)
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


GUARD_GIVEN, GUARD_SEX, GUARD_TWIN, GUARD_BIRTH = "given", "sex", "twin", "birth"


def disagreement(a: PreparedRecord, b: PreparedRecord) -> str:
    """Why two records can never be near-certain to be one person: twins, given names, sexes or birth dates that
    differ.

    A parent and child, or twins, share a family name and a home; what tells them apart is the given name
    (伊藤 美穂 and 伊藤 実), the sex or the birth date. A birth date that differs by more than a slip (a day, one of
    year, month and day, month and day swapped) is left to the model's weights no more: estimated without labels
    they learn from families, where one name and one address are shared by a parent and a child of the same name
    (清水 実 and his son 清水 稔, both ミノル), that birth dates hardly matter. Such a pair goes to the review queue
    at most, whatever else agrees.
    """
    if a.given and b.given and part_level(a, b, "given") == PART_DIFFER:
        return GUARD_TWIN if is_twin_pair(a, b) else GUARD_GIVEN
    if a.sex and b.sex and a.sex != b.sex:
        return GUARD_SEX
    if compare_birth(a, b) in (BIRTH_YEAR, BIRTH_OTHER):
        return GUARD_BIRTH
    return ""


def is_twin_pair(a: PreparedRecord, b: PreparedRecord) -> bool:
    """Same birth date and home (address or phone) but given names known to differ: twins.

    Twins are never linked automatically, whatever the score; they go to the review queue.
    """
    same_home = (a.lot and a.lot == b.lot) or (a.phone and a.phone == b.phone)
    return bool(a.birth) and a.birth == b.birth and bool(same_home) and _given_differs(a, b)


def _given_differs(a: PreparedRecord, b: PreparedRecord) -> bool:
    if a.given and b.given:
        return part_level(a, b, "given") == PART_DIFFER
    return bool(a.kana_given and b.kana_given and a.kana_given != b.kana_given)
