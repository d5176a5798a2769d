"""From Person rows and coordinators' decisions to clusters, household groups and flags (no writes here).

The identity engine links records; this module adds what only the product knows: decisions (a merge is a
must-link, a keep-apart or unmerge a cannot-link), recorded households and 続柄, and consultations' concerns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tsunagu.identity.households import FLAG_8050, FLAG_MULTI_ISSUE, build_households, person_birth
from tsunagu.identity.linkage import LINK, NON_MATCH, REVIEW, LinkageResult, ScoredPair, cluster_persons, link_records
from tsunagu.rules.household import age_on, is_8050_by_age, is_8050_parent_and_child, is_multi_issue

Pair = tuple[int, int]  # two Person ids, smaller first


def pair_of(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass
class Outcome:
    result: LinkageResult
    person_ids: list[int]  # Person id of each record, in record order
    cluster_of: dict[int, int]  # Person id → cluster key (smallest Person id of the cluster)
    household_of: dict[int, int]  # Person id → household group key
    review: list[ScoredPair] = field(default_factory=list)
    household_flags: dict[int, tuple[set[str], set[str]]] = field(default_factory=dict)  # key → (flags, fields)


@dataclass
class Facts:
    """What the product records beyond the persons themselves, all as plain ids."""

    must: set[Pair] = field(default_factory=set)
    cannot: set[Pair] = field(default_factory=set)
    households: list[list[int]] = field(default_factory=list)  # Person ids living together (current members)
    parent_child: list[Pair] = field(default_factory=list)  # (parent Person id, child Person id)
    related: list[Pair] = field(default_factory=list)  # every pair with a recorded 続柄, of any kind
    fields_of_person: dict[int, set[str]] = field(default_factory=dict)


def link(rows: Sequence[Mapping[str, object]], facts: Facts, *, municipality: str, today: dt.date) -> Outcome:
    result = link_records(rows, municipality=municipality, today=today)
    person_ids = [int(r.record_id) for r in result.records]
    person_of = recluster(result, person_ids, facts)
    grouped: list[list] = [[] for _ in range(max(person_of, default=-1) + 1)]
    for record, person in zip(result.records, person_of, strict=True):
        grouped[person].append(record)
    household_of_cluster, _ = build_households(grouped, today=today)
    household_of_cluster = _join_recorded(household_of_cluster, person_of, person_ids, facts.households)
    outcome = Outcome(result, person_ids, _keys(person_of, person_ids), _keys(
        [household_of_cluster[c] for c in person_of], person_ids))
    decided = facts.must | facts.cannot
    outcome.review = [p for p in result.pairs if p.band == REVIEW and person_of[p.a] != person_of[p.b]
                      and pair_of(person_ids[p.a], person_ids[p.b]) not in decided]
    outcome.household_flags = household_flags(outcome, grouped, person_of, facts, today)
    return outcome


def recluster(result: LinkageResult, person_ids: list[int], facts: Facts) -> list[int]:
    """The engine's clustering redone with decisions: must-links first, cannot-links never crossed."""
    index_of = {pid: i for i, pid in enumerate(person_ids)}
    decided = facts.must | facts.cannot
    pairs = [p for p in result.pairs if pair_of(person_ids[p.a], person_ids[p.b]) not in decided]
    for a, b in facts.cannot:
        if a in index_of and b in index_of:
            pairs.append(ScoredPair(index_of[a], index_of[b], float("-inf"), NON_MATCH, twin=True))
    for a, b in facts.must:
        if a in index_of and b in index_of:
            pairs.append(ScoredPair(index_of[a], index_of[b], 1e9, LINK))
    return cluster_persons(len(person_ids), pairs)


def _keys(group_of: Sequence[int], person_ids: Sequence[int]) -> dict[int, int]:
    """Person id → the smallest Person id in its group (a stable, readable group number)."""
    smallest: dict[int, int] = {}
    for group, pid in zip(group_of, person_ids, strict=True):
        smallest[group] = min(smallest.get(group, pid), pid)
    return {pid: smallest[group] for group, pid in zip(group_of, person_ids, strict=True)}


def _join_recorded(household_of: list[int], person_of: list[int], person_ids: list[int],
                   recorded: Iterable[list[int]]) -> list[int]:
    """Persons an agency recorded as one household live together, whatever their addresses say."""
    parent = list(range(max(household_of, default=-1) + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cluster_of = dict(zip(person_ids, person_of, strict=True))
    for members in recorded:
        households = [household_of[cluster_of[m]] for m in members if m in cluster_of]
        for other in households[1:]:
            parent[find(other)] = find(households[0])
    return [find(h) for h in household_of]


def household_flags(outcome: Outcome, grouped: list[list], person_of: list[int], facts: Facts,
                    today: dt.date) -> dict[int, tuple[set[str], set[str]]]:
    cluster_index = {pid: person_of[i] for i, pid in enumerate(outcome.person_ids)}
    members: dict[int, set[int]] = defaultdict(set)  # household key → cluster indices
    for pid, key in outcome.household_of.items():
        members[key].add(cluster_index[pid])
    ages = {c: age_on(b, today) for c, recs in enumerate(grouped) if (b := person_birth(recs))}
    recorded = _between_clusters(facts.parent_child, cluster_index)
    related = {pair_of(*p) for p in _between_clusters(facts.related, cluster_index)}
    fields: dict[int, set[str]] = defaultdict(set)
    for pid, found in facts.fields_of_person.items():
        if pid in outcome.household_of:
            fields[outcome.household_of[pid]] |= found
    flags = {}
    for key, clusters in members.items():
        found = set()
        if is_8050(clusters, ages, recorded, related):
            found.add(FLAG_8050)
        if is_multi_issue(fields[key]):
            found.add(FLAG_MULTI_ISSUE)
        flags[key] = (found, fields[key])
    return flags


def _between_clusters(pairs: Iterable[Pair], cluster_index: Mapping[int, int]) -> set[Pair]:
    return {(cluster_index[p], cluster_index[c]) for p, c in pairs
            if p in cluster_index and c in cluster_index and cluster_index[p] != cluster_index[c]}


def is_8050(clusters: set[int], ages: Mapping[int, int], parent_child: set[Pair], related: set[Pair]) -> bool:
    """8050世帯 (tsunagu.rules.household): a recorded 続柄 decides for its two persons; any other two living together
    are parent and child by their ages alone. The household's own pairs are looked up, not every recorded pair in
    the municipality for every household (that was 150,000 × 200,000 tests on the metro: most of an hour)."""
    aged = [c for c in clusters if c in ages]
    if any((p, c) in parent_child and is_8050_parent_and_child(ages[p], ages[c]) for p in aged for c in aged if p != c):
        return True
    return any(is_8050_by_age(ages[e], ages[c]) and pair_of(e, c) not in related for e in aged for c in aged)
