"""Blocking: which pairs of records are compared at all.

Comparing every pair of 200,000 records is 2·10¹⁰ comparisons; instead a pair is compared when the two
records share one of these keys. Each rule catches what the others miss: a typo in the birth date
(name and reading rules), a changed family name (birth-date rule), a missing birth date (name, reading and
phone rules), a given name in kana against one in kanji (the reading rule, through the dictionary).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from tsunagu.identity.features import PreparedRecord

KeyFunction = Callable[[PreparedRecord], str]

def _given_birth_month(record: PreparedRecord) -> str:
    if not record.birth or not record.given and not record.kana_given:
        return ""
    given = record.given_reading_guess() if record.given else record.kana_given
    return f"{given}|{record.birth[:7]}" if given else ""


def _with_town(key: str, record: PreparedRecord) -> str:
    return f"{key}|{record.town}" if key and record.town else ""


# (name, key, the largest block the rule compares). A key shared by more records than its rule allows (a landline of
# a care home, 佐藤 実 in a city) is skipped: it would add many pairs and little evidence, and the other rules still
# see those records. A common name is compared within its town instead; only a rarer one city-wide, which is what
# finds a record without a birth date after a move.
BLOCKING_RULES: tuple[tuple[str, KeyFunction, int], ...] = (
    ("birth", lambda r: r.birth, 200),
    ("lot_year", lambda r: f"{r.lot}|{r.birth[:4]}" if r.lot and r.birth else "", 200),
    ("phone", lambda r: r.phone, 200),
    ("given_birth_month", _given_birth_month, 200),
    ("name_town", lambda r: _with_town(r.name, r), 200),
    # the record's reading, or the dictionary's for a name in kanji given without one (「佐藤 由美」 ~ 「さとう ゆみ」)
    ("reading_town", lambda r: _with_town(r.reading_guess(), r), 200),
    ("name", lambda r: r.name, 30),
    ("reading", lambda r: r.reading_guess(), 30),
)
MAX_BLOCK = max(limit for _, _, limit in BLOCKING_RULES)


def block_keys(record: PreparedRecord) -> list[str]:
    return [key(record) for _, key, _ in BLOCKING_RULES]


def candidate_pairs(records: Sequence[PreparedRecord]) -> Iterator[tuple[int, int]]:
    """Each pair once, smaller index first, whichever rules found it."""
    keys = [block_keys(r) for r in records]
    seen: set[int] = set()
    n = len(records)
    for rule_index, (_, _, limit) in enumerate(BLOCKING_RULES):
        for members in _groups(keys, rule_index).values():
            if not 1 < len(members) <= limit:
                continue
            for position, i in enumerate(members):
                base = i * n
                for j in members[position + 1 :]:
                    pair = base + j
                    if pair not in seen:
                        seen.add(pair)
                        yield i, j


def _groups(keys: list[list[str]], rule_index: int) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record_keys in enumerate(keys):
        if record_keys[rule_index]:
            groups[record_keys[rule_index]].append(i)
    return groups
