"""名寄せ engine: from agency records to persons and households, every decision explained.

Entry points for Django (nightly run, intake check):
- `link_records(records)` → `LinkageResult` with person and household of each record, the scored pairs
  in the link and review bands (each explainable field by field), and household flags.
- `build_index(result)` and `match_one(record, index)` → the persons a new record may be, best first.

Why our own Fellegi–Sunter engine rather than Splink: the benchmark (bench/linkage) runs Splink on
the same data in the same run; see its report. Splink's DuckDB string functions also count bytes
or code points differently from what Japanese comparison needs, and our comparisons (kanji variants,
maiden names, twins) are easier to state in Python than in SQL.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tsunagu.identity.blocking import BLOCKING_RULES, MAX_BLOCK, block_keys, candidate_pairs
from tsunagu.identity.features import (
    BIRTH_EXACT,
    DWELL_ADDRESS,
    DWELL_BOTH,
    DWELL_OTHER_ROOM,
    DWELL_PHONE,
    FamilyNames,
    PreparedRecord,
    comparison_vector,
    is_twin_pair,
)
from tsunagu.identity.households import Household, build_households
from tsunagu.identity.model import LINK, NON_MATCH, REVIEW, Explanation, Model, Vector, band, probability, train

_TWIN_HOMES = (DWELL_BOTH, DWELL_ADDRESS, DWELL_OTHER_ROOM, DWELL_PHONE)


@dataclass(frozen=True)
class ScoredPair:
    a: int
    b: int
    weight: float
    band: str
    twin: bool = False


@dataclass
class LinkageResult:
    records: list[PreparedRecord]
    model: Model
    families: FamilyNames
    person_of: list[int]
    household_of_person: list[int]
    households: list[Household]
    pairs: list[ScoredPair] = field(default_factory=list)

    def person_id(self, record_index: int) -> str:
        return f"P{self.person_of[record_index] + 1:06d}"

    def household_id(self, record_index: int) -> str:
        return f"H{self.household_of_person[self.person_of[record_index]] + 1:06d}"

    def rows(self) -> Iterable[tuple[str, str, str]]:
        """(record_id, person_id, household_id), one per input record, in input order."""
        for i, record in enumerate(self.records):
            yield record.record_id, self.person_id(i), self.household_id(i)

    def explain(self, pair: ScoredPair) -> Explanation:
        return self.model.explain(self.records[pair.a], self.records[pair.b], pair.twin)

    def review_queue(self) -> list[ScoredPair]:
        """Pairs a worker should look at: review band, twins included, most likely first."""
        return sorted((p for p in self.pairs if p.band == REVIEW), key=lambda p: -p.weight)


def prepare(records: Iterable[Mapping[str, object]], municipality: str = "") -> tuple[list[PreparedRecord], FamilyNames]:
    prepared = [PreparedRecord(r, municipality) for r in records]
    families = FamilyNames()
    families.learn(prepared)
    for record in prepared:
        families.split(record)
    return prepared, families


def link_records(
    records: Iterable[Mapping[str, object]],
    *,
    municipality: str = "",
    today: dt.date | None = None,
    agency_fields: Mapping[str, str] | None = None,
) -> LinkageResult:
    """Link records into persons and households. `agency_fields` maps an agency to its 分野 (複合課題)."""
    prepared, families = prepare(records, municipality)
    pair_index, vectors = _compare_candidates(prepared)
    model = train(prepared, Counter(vectors[v] for v in pair_index[2]))
    pairs = _score(prepared, model, pair_index, vectors)
    person_of = cluster_persons(len(prepared), pairs)
    by_person = _records_by_person(prepared, person_of)
    household_of, households = build_households(by_person, today=today or dt.date.today(), agency_fields=agency_fields)
    return LinkageResult(prepared, model, families, person_of, household_of, households, pairs)


# left record, right record, vector id (quoted: array is not subscriptable at run time before Python 3.12)
PairIndex = tuple["array[int]", "array[int]", "array[int]"]


def _compare_candidates(records: list[PreparedRecord]) -> tuple[PairIndex, list[Vector]]:
    """Comparison vectors of every candidate pair, kept as three int arrays and a table of distinct vectors."""
    left, right, vector_ids = array("i"), array("i"), array("i")
    vector_index: dict[Vector, int] = {}
    for i, j in candidate_pairs(records):
        vector = comparison_vector(records[i], records[j])
        left.append(i)
        right.append(j)
        vector_ids.append(vector_index.setdefault(vector, len(vector_index)))
    return (left, right, vector_ids), list(vector_index)


def _score(records: list[PreparedRecord], model: Model, pair_index: PairIndex,
           vectors: list[Vector]) -> list[ScoredPair]:
    """The pairs above the non-match band; non-matches are dropped to keep memory bounded."""
    base = [model.prior_weight + sum(model.level_weights(v)) for v in vectors]
    kept: list[ScoredPair] = []
    for i, j, v in zip(*pair_index, strict=True):
        a, b, vector = records[i], records[j], vectors[v]
        weight = base[v] + model.tf_adjustment(a, vector[0])
        twin = vector[1] == BIRTH_EXACT and vector[3] in _TWIN_HOMES and is_twin_pair(a, b)
        pair_band = band(probability(weight), twin)
        if pair_band != NON_MATCH:
            kept.append(ScoredPair(i, j, weight, pair_band, twin))
    return kept


def cluster_persons(n: int, pairs: Sequence[ScoredPair]) -> list[int]:
    """Connected components of the link band, strongest links first, never joining twins.

    A chain of links can otherwise join twins through a third record; refusing the union that would
    put a twin pair into one person keeps them apart (they stay in the review queue).
    """
    parent = list(range(n))
    cannot: dict[int, set[int]] = defaultdict(set)
    for pair in pairs:
        if pair.twin:
            cannot[pair.a].add(pair.b)
            cannot[pair.b].add(pair.a)
    for pair in sorted((p for p in pairs if p.band == LINK), key=lambda p: -p.weight):
        _union(parent, cannot, pair.a, pair.b)
    roots = [_find(parent, i) for i in range(n)]
    numbering: dict[int, int] = {}
    return [numbering.setdefault(root, len(numbering)) for root in roots]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], cannot: dict[int, set[int]], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra == rb:
        return
    # `cannot` is kept per root: the records each component must never be joined with.
    if any(_find(parent, x) == rb for x in cannot.get(ra, ())) or any(_find(parent, x) == ra for x in cannot.get(rb, ())):
        return
    if len(cannot.get(ra, ())) < len(cannot.get(rb, ())):
        ra, rb = rb, ra
    parent[rb] = ra
    if rb in cannot:
        cannot[ra] |= cannot.pop(rb)


def _records_by_person(records: list[PreparedRecord], person_of: list[int]) -> list[list[PreparedRecord]]:
    grouped: list[list[PreparedRecord]] = [[] for _ in range(max(person_of, default=-1) + 1)]
    for record, person in zip(records, person_of, strict=True):
        grouped[person].append(record)
    return grouped


# ---------------------------------------------------------------------------------------------
# Single-record check at intake
# ---------------------------------------------------------------------------------------------


@dataclass
class LinkageIndex:
    """Known records in memory with their blocking keys, for `match_one` (built once, queried often)."""

    records: list[PreparedRecord]
    person_ids: list[str]
    model: Model
    families: FamilyNames
    blocks: list[dict[str, list[int]]]
    municipality: str = ""


@dataclass(frozen=True)
class Candidate:
    person_id: str
    record_id: str
    explanation: Explanation

    @property
    def band(self) -> str:
        return self.explanation.band


def build_index(result: LinkageResult, municipality: str = "") -> LinkageIndex:
    blocks: list[dict[str, list[int]]] = [defaultdict(list) for _ in BLOCKING_RULES]
    for i, record in enumerate(result.records):
        for rule_blocks, key in zip(blocks, block_keys(record), strict=True):
            if key:
                rule_blocks[key].append(i)
    person_ids = [result.person_id(i) for i in range(len(result.records))]
    return LinkageIndex(result.records, person_ids, result.model, result.families, [dict(b) for b in blocks],
                        municipality)


def match_one(record: Mapping[str, object], index: LinkageIndex, limit: int = 5) -> list[Candidate]:
    """The persons this record may be, best first, without the non-match band (empty: a new person)."""
    query = PreparedRecord(record, index.municipality)
    index.families.split(query)
    best: dict[str, Candidate] = {}
    for i in _candidates(query, index):
        known = index.records[i]
        twin = is_twin_pair(query, known)
        explanation = index.model.explain(query, known, twin)
        person = index.person_ids[i]
        if explanation.band != NON_MATCH and (person not in best or explanation.total > best[person].explanation.total):
            best[person] = Candidate(person, known.record_id, explanation)
    return sorted(best.values(), key=lambda c: -c.explanation.total)[:limit]


def _candidates(query: PreparedRecord, index: LinkageIndex) -> set[int]:
    found: set[int] = set()
    for rule_blocks, key in zip(index.blocks, block_keys(query), strict=True):
        members = rule_blocks.get(key, ()) if key else ()
        if len(members) <= MAX_BLOCK:
            found.update(members)
    return found


__all__ = [
    "LINK", "REVIEW", "NON_MATCH", "Candidate", "LinkageIndex", "LinkageResult", "ScoredPair",
    "build_index", "cluster_persons", "link_records", "match_one", "prepare",
]
