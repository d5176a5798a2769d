"""Blocking: which pairs of records are compared at all.

Comparing every pair of 200,000 records is 2·10¹⁰ comparisons; instead a pair is compared when the two
records share one of these keys. Each rule catches what the others miss: a typo in the birth date
(name rules), a changed family name (birth-date rule), a missing birth date (name and phone rules).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from tsunagu.identity.features import PreparedRecord

KeyFunction = Callable[[PreparedRecord], str]

BLOCKING_RULES: tuple[tuple[str, KeyFunction], ...] = (
    ("birth", lambda r: r.birth),
    ("name", lambda r: r.name),
    ("kana", lambda r: r.kana),
    ("phone", lambda r: r.phone),
    ("lot_year", lambda r: f"{r.lot}|{r.birth[:4]}" if r.lot and r.birth else ""),
    ("given_birth_month", lambda r: f"{r.kana_given}|{r.birth[:7]}" if r.kana_given and r.birth else ""),
)
# A key shared by more records than this (a landline of a care home, say) is skipped: it would add
# many pairs and little evidence, and the other rules still see those records.
MAX_BLOCK = 200


def block_keys(record: PreparedRecord) -> list[str]:
    return [key(record) for _, key in BLOCKING_RULES]


def candidate_pairs(records: Sequence[PreparedRecord]) -> Iterator[tuple[int, int]]:
    """Each pair once: a pair found by a rule is skipped if an earlier rule already produced it."""
    keys = [block_keys(r) for r in records]
    groups = [_groups(keys, rule_index) for rule_index in range(len(BLOCKING_RULES))]
    # Keys of oversized blocks produced no pairs, so they must not count as "already found".
    for record_keys in keys:
        for rule_index, key in enumerate(record_keys):
            if key and len(groups[rule_index].get(key, ())) > MAX_BLOCK:
                record_keys[rule_index] = ""
    for rule_index, rule_groups in enumerate(groups):
        for members in rule_groups.values():
            if 1 < len(members) <= MAX_BLOCK:
                yield from _pairs_new_to_rule(members, keys, rule_index)


def _groups(keys: list[list[str]], rule_index: int) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record_keys in enumerate(keys):
        if record_keys[rule_index]:
            groups[record_keys[rule_index]].append(i)
    return groups


def _pairs_new_to_rule(members: list[int], keys: list[list[str]], rule_index: int) -> Iterator[tuple[int, int]]:
    for position, i in enumerate(members):
        ki = keys[i]
        for j in members[position + 1 :]:
            kj = keys[j]
            if not any(ki[r] and ki[r] == kj[r] for r in range(rule_index)):
                yield i, j
