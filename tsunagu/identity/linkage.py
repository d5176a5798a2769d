"""名寄せ engine: from agency records to persons and households, every decision explained.

Entry points for Django (nightly run, intake check):
- `link_records(records)` → `LinkageResult` with person and household of each record, the scored pairs
  in the link and review bands (each explainable field by field), and household flags.
- `build_index(result)` and `match_one(record, index)` → the persons a new record may be, best first (in memory:
  the batch benchmark). The product keeps the index in its database instead (`indexed_keys` after a run, then
  `score_one` on the candidates the keys find), so no web process holds every person.

Why our own Fellegi–Sunter engine rather than Splink: the benchmark (bench/linkage) runs Splink on
the same data in the same run; see its report. Splink's DuckDB string functions also count bytes
or code points differently from what Japanese comparison needs, and our comparisons (kanji variants,
maiden names, twins) are easier to state in Python than in SQL.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from tsunagu.identity.blocking import BLOCKING_RULES, block_keys, candidate_pairs
from tsunagu.identity.features import (
    GUARD_TWIN,
    NAME_GIVEN_ONLY,
    FamilyNames,
    PreparedRecord,
    compare_name,
    comparison_vector,
    disagreement,
)
from tsunagu.identity.households import Household, build_households
from tsunagu.identity.model import (
    DEFAULT_TUNING,
    LINK,
    NON_MATCH,
    REVIEW,
    Explanation,
    Model,
    Tuning,
    Vector,
    band,
    train,
)

# Pairs below this probability are dropped after scoring; above it they are kept, because the household bonus
# (Tuning.household_bonus, at most a few bits) may still raise them into the review or link band.
KEEP_PROBABILITY = 0.01
# A dwelling with more persons than this (a care home, a large building without rooms) says little about family.
_MAX_HOUSEHOLD_EVIDENCE = 12
_GUARDS = ("", "given", "sex", GUARD_TWIN, "birth")


@dataclass(frozen=True)
class ScoredPair:
    a: int
    b: int
    weight: float
    band: str
    twin: bool = False
    guard: str = ""
    household_bonus: float = 0.0


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
        return self.model.explain(self.records[pair.a], self.records[pair.b], pair.twin, pair.household_bonus)

    def review_queue(self) -> list[ScoredPair]:
        """Pairs a worker should look at: review band, twins included, most likely first."""
        return sorted((p for p in self.pairs if p.band == REVIEW), key=lambda p: -p.weight)


@dataclass
class Scored:
    """Every record and every candidate pair worth keeping, scored: what the tuning then decides on.

    Kept as arrays (left, right, weight, guard index into _GUARDS), so 200,000 records stay within memory, and so
    the benchmark can try several tunings on one scoring."""

    records: list[PreparedRecord]
    families: FamilyNames
    model: Model
    left: array[int]
    right: array[int]
    weight: array[float]
    guard: array[int]


def prepare(records: Iterable[Mapping[str, object]], municipality: str = "") -> tuple[list[PreparedRecord], FamilyNames]:
    today = dt.date.today()
    prepared = [PreparedRecord(r, municipality, today) for r in records]
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
    tuning: Tuning = DEFAULT_TUNING,
) -> LinkageResult:
    """Link records into persons and households. `agency_fields` maps an agency to its 分野 (複合課題)."""
    return resolve(score_records(records, municipality=municipality), tuning, today=today, agency_fields=agency_fields)


def score_records(records: Iterable[Mapping[str, object]], *, municipality: str = "") -> Scored:
    """Prepare, block, compare, estimate m/u/prior (without labels) and score the candidate pairs."""
    with collector_paused():
        prepared, families = prepare(records, municipality)
        pair_index, vectors = _compare_candidates(prepared)
        model = train(prepared, Counter(vectors[v] for v in pair_index[2]))
        return _score(prepared, families, model, pair_index, vectors)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hundreds of thousands of small objects that live as long as the run: the cyclic collector would rescan them
    again and again while they are made (it more than doubles the time of blocking). Nothing here makes cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def resolve(scored: Scored, tuning: Tuning = DEFAULT_TUNING, *, today: dt.date | None = None,
            agency_fields: Mapping[str, str] | None = None) -> LinkageResult:
    """Bands by the tuning, persons (with the household bonus), then households."""
    with collector_paused():
        return _resolve(scored, tuning, today, agency_fields)


def _resolve(scored: Scored, tuning: Tuning, today: dt.date | None,
             agency_fields: Mapping[str, str] | None) -> LinkageResult:
    scored.model.tuning = tuning
    records, prior = scored.records, scored.model.prior_weight
    review_weight = _weight(tuning.review_probability)
    lowest = review_weight - tuning.household_bonus  # a pair below this stays a non-match whatever its household
    pairs: list[ScoredPair] = []
    for i, j, w, g in zip(scored.left, scored.right, scored.weight, scored.guard, strict=True):
        # below the review band, only a pair the household bonus may raise is kept: unguarded, at two addresses
        if w >= review_weight or w >= lowest and not g and records[i].lot != records[j].lot:
            pairs.append(_pair(i, j, w, _GUARDS[g], 0.0, prior, tuning))
    person_of = cluster_persons(len(records), pairs)
    if tuning.household_bonus:
        pairs = _household_evidence(records, pairs, person_of, prior, tuning)
        person_of = cluster_persons(len(records), pairs)
    by_person = _records_by_person(records, person_of)
    household_of, households = build_households(by_person, today=today or dt.date.today(), agency_fields=agency_fields,
                                                movers=tuning.movers)
    kept = [p for p in pairs if p.band != NON_MATCH]
    return LinkageResult(records, scored.model, scored.families, person_of, household_of, households, kept)


def _weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def _pair(i: int, j: int, weight: float, guard: str, bonus: float, prior: float, tuning: Tuning) -> ScoredPair:
    return ScoredPair(i, j, weight + bonus, band(weight + bonus, prior, guard, tuning), guard == GUARD_TWIN, guard,
                      bonus)


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


def _score(records: list[PreparedRecord], families: FamilyNames, model: Model, pair_index: PairIndex,
           vectors: list[Vector]) -> Scored:
    """The pairs above KEEP_PROBABILITY with their weights and guards; the rest are dropped to bound memory."""
    base = [model.prior_weight + sum(model.level_weights(v)) for v in vectors]
    floor = math.log2(KEEP_PROBABILITY / (1 - KEEP_PROBABILITY))
    left, right, weights, guards = array("i"), array("i"), array("d"), array("b")
    for i, j, v in zip(*pair_index, strict=True):
        weight = base[v]
        if weight < floor - 8:  # no name is rare enough to lift a pair this far below the floor
            continue
        weight += model.tf_adjustment(records[i], vectors[v][0])
        if weight >= floor:
            left.append(i)
            right.append(j)
            weights.append(weight)
            guards.append(_GUARDS.index(disagreement(records[i], records[j])))
    return Scored(records, families, model, left, right, weights, guards)


def _household_evidence(records: list[PreparedRecord], pairs: list[ScoredPair], person_of: list[int],
                        prior: float, tuning: Tuning) -> list[ScoredPair]:
    """Collective linkage: a pair of records at two different addresses gets `tuning.household_bonus` when another
    person is already linked across the same two addresses (her records are at both) and the pair's names agree
    (or only the family name changed). A household that moved is known at the old address by some agencies and at
    the new one by others; one strong link between two of its members raises the others'. Guarded pairs (twins,
    given names or sexes that differ) get nothing."""
    persons_at: dict[str, set[int]] = defaultdict(set)
    for index, record in enumerate(records):
        if record.lot:
            persons_at[record.dwelling].add(person_of[index])
    raised: list[ScoredPair] = []
    for pair in pairs:
        a, b = records[pair.a], records[pair.b]
        if pair.band == LINK or pair.guard or not a.lot or not b.lot or a.lot == b.lot:
            raised.append(pair)
            continue
        here, there = persons_at[a.dwelling], persons_at[b.dwelling]
        if max(len(here), len(there)) > _MAX_HOUSEHOLD_EVIDENCE or not (here & there) - {person_of[pair.a], person_of[pair.b]}:
            raised.append(pair)
            continue
        name = compare_name(a, b)
        if name is None or name > NAME_GIVEN_ONLY:
            raised.append(pair)
            continue
        raised.append(_pair(pair.a, pair.b, pair.weight, pair.guard, tuning.household_bonus, prior, tuning))
    return raised


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
    # In record order, so that of two records of one person scoring the same the first is the one named
    known = ((index.records[i], index.person_ids[i]) for i in sorted(_candidates(query, index)))
    return score_one(query, known, index.model, limit)


def score_one(query: PreparedRecord, known: Iterable[tuple[PreparedRecord, str]], model: Model,
              limit: int = 5) -> list[Candidate]:
    """`match_one`'s scoring of a prepared query against its candidates (record, person id), in record order.

    The product's intake check finds the candidates in the database (linkage.BlockingKey) and scores them here,
    so it answers exactly as `match_one` over the whole index; `model` needs the frequencies of the query's
    name and reading only (`Model.tf_adjustment` reads no other)."""
    best: dict[str, Candidate] = {}
    for record, person in known:
        explanation = model.explain(query, record)
        if explanation.band != NON_MATCH and (person not in best or explanation.total > best[person].explanation.total):
            best[person] = Candidate(person, record.record_id, explanation)
    return sorted(best.values(), key=lambda c: -c.explanation.total)[:limit]


def _candidates(query: PreparedRecord, index: LinkageIndex) -> set[int]:
    found: set[int] = set()
    for (_, _, limit), rule_blocks, key in zip(BLOCKING_RULES, index.blocks, block_keys(query), strict=True):
        members = rule_blocks.get(key, ()) if key else ()
        if len(members) <= limit:
            found.update(members)
    return found


def indexed_keys(records: Sequence[PreparedRecord]) -> Iterator[tuple[int, str, int]]:
    """(rule index into BLOCKING_RULES, key, record index) of every block `match_one` reads: a block larger than its
    rule's limit is never read (`_candidates`), so it is left out — what a stored index needs, and no more."""
    blocks: list[dict[str, list[int]]] = [defaultdict(list) for _ in BLOCKING_RULES]
    for i, record in enumerate(records):
        for rule_blocks, key in zip(blocks, block_keys(record), strict=True):
            if key:
                rule_blocks[key].append(i)
    for rule, ((_, _, limit), rule_blocks) in enumerate(zip(BLOCKING_RULES, blocks, strict=True)):
        for key, members in rule_blocks.items():
            if len(members) <= limit:
                for i in members:
                    yield rule, key, i


__all__ = [
    "LINK", "REVIEW", "NON_MATCH", "Candidate", "LinkageIndex", "LinkageResult", "Scored", "ScoredPair", "Tuning",
    "build_index", "cluster_persons", "indexed_keys", "link_records", "match_one", "prepare", "resolve", "score_one",
    "score_records",
]
