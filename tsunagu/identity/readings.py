"""Readings of names written in kanji, from a dictionary (SudachiPy with sudachidict-core), for 名寄せ.

Why: an agency that writes 「佐藤 由美」 without a reading and one that writes 「佐藤 ゆみ」 (the given name as it
sounds) or 「サトウユミ」 in the reading field have written the same name; only a dictionary of names says so.

A name has several readings (実: ミノル, マコト, ミ, ジツ …), so a part gets the set of them. When the dictionary
holds the whole part (the usual case for family and given names) the set is `listed`; when it only knows the
pieces (陽翔: 陽 + 翔) the set is a guess, which may agree but never counts as disagreement.

The dictionary (≈200 MB on disk, memory-mapped) is opened on first use; readings are cached per written part, so
a run of 200,000 records looks up each distinct family and given name once.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from sudachipy import Dictionary, SplitMode

_MAX_READINGS = 12
_lock = threading.Lock()
_dictionary: list[Dictionary] = []


@dataclass(frozen=True)
class Readings:
    """The katakana readings a written name part may have; `listed`: the dictionary holds the part itself."""

    kana: frozenset[str]
    listed: bool

    def __contains__(self, reading: object) -> bool:
        return reading in self.kana


NONE = Readings(frozenset(), listed=False)


_KATAKANA = re.compile("[\u30a1-\u30faー]+")


def is_katakana(text: str) -> bool:
    """Katakana only (ー included): a part written as it sounds, which is its own reading."""
    return _KATAKANA.fullmatch(text) is not None


def _opened() -> Dictionary:
    if not _dictionary:
        _dictionary.append(Dictionary(dict="core"))
    return _dictionary[0]


@lru_cache(maxsize=100_000)
def readings_of(part: str) -> Readings:
    """The readings of one name part (a family or given name, kanji variants already folded, kana as katakana)."""
    if not part:
        return NONE
    if is_katakana(part):
        return Readings(frozenset({part}), listed=True)
    with _lock:  # the Rust dictionary object is shared between threads of a web process
        dictionary = _opened()
        found = _entry_readings(dictionary, part)
        if found:
            return Readings(frozenset(found[:_MAX_READINGS]), listed=True)
        return Readings(frozenset(_pieced(dictionary, part)), listed=False)


def _entry_readings(dictionary: Dictionary, surface: str) -> list[str]:
    """Readings of the dictionary's entries for exactly this surface, names (人名) first."""
    entries = sorted(dictionary.lookup(surface), key=lambda m: m.part_of_speech()[2] != "人名")
    readings: list[str] = []
    for entry in entries:
        reading = entry.reading_form()
        if is_katakana(reading) and not reading.endswith("ッ") and reading not in readings:
            readings.append(reading)
    return readings


def _pieced(dictionary: Dictionary, part: str) -> list[str]:
    """A part the dictionary does not hold: the readings of its pieces, put together (at most a dozen)."""
    options: list[list[str]] = []
    for morpheme in dictionary.tokenizer(mode=SplitMode.C).tokenize(part):
        surface = morpheme.surface()
        if is_katakana(surface):
            options.append([surface])
            continue
        found = _entry_readings(dictionary, surface)[:4]
        reading = morpheme.reading_form()
        if is_katakana(reading) and reading not in found:
            found.append(reading)
        if not found:
            return []
        options.append(found)
    return ["".join(combo) for combo in itertools.islice(itertools.product(*options), _MAX_READINGS)]
