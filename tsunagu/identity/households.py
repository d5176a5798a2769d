"""Households (世帯): persons grouped by the dwelling they live at and by family, and the flags a household carries
(the rules of 8050 and 複合課題 are tsunagu.rules.household's).

A person's dwelling is the one most of their records give (an agency that has not heard of a move
still writes the old address). Within a building the room decides: 「コーポ旭201」 and 「コーポ旭305」
are two households, so a room written in any record of the person is kept even if others omit it.

An address alone is not a household: in a 地番 area several houses share one 番地, and a record of a flat may leave
out its room. So at one address (and room) persons form one household only when a family link joins them — a
family name or its reading in common (any of their records counts, so a wife's or a married daughter's maiden
name joins her to her parents), or a telephone number in common; two houses of one family name on one 番地, each
with its own fixed line, stay two households. A person whose records give no family name
joins the largest household at her address, and a person without a room joins the household of her family name
in the building.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tsunagu.identity.features import PreparedRecord
from tsunagu.rules.household import MULTI_ISSUE_ACROSS_AGENCIES, age_on, flags_8050, is_multi_issue

FLAG_8050 = "8050"
# An address where more persons live than this (a care home, a large building written without rooms) says nothing
# about who moved together.
_MAX_AT_ONE_ADDRESS = 40
FLAG_MULTI_ISSUE = "multi_issue"
FLAG_LABELS = {FLAG_8050: "8050世帯", FLAG_MULTI_ISSUE: MULTI_ISSUE_ACROSS_AGENCIES}


@dataclass
class Household:
    household_id: str
    address_key: str
    persons: list[int] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def person_dwelling(records: Sequence[PreparedRecord], prefer: Callable[[str], bool] | None = None) -> str:
    """The dwelling most of a person's records give; between addresses given equally often, one where `prefer` says
    her family lives, else the first in order."""
    if len(records) == 1:  # most persons: one record, nothing to weigh
        return records[0].dwelling
    lots = Counter(r.lot for r in records if r.lot)
    if not lots:
        return ""
    lot = max(lots, key=lambda k: (lots[k], bool(prefer and prefer(k)), k))
    rooms = Counter(r.room for r in records if r.lot == lot and r.room)
    return f"{lot}#{max(rooms, key=lambda k: (rooms[k], k))}" if rooms else lot


def _dwellings(records_by_person: Sequence[Sequence[PreparedRecord]]) -> list[str]:
    """Each person's dwelling; a person whose records give two addresses equally often (one agency knows of the
    move, one does not) is placed where another person of her family name lives."""
    dwellings = [person_dwelling(records) for records in records_by_person]
    names = [{r.family for r in records if r.family} for records in records_by_person]
    living: Counter[tuple[str, str]] = Counter()  # (plot, family name) → persons of that name living there
    for dwelling, mine in zip(dwellings, names, strict=True):
        living.update((dwelling.split("#", 1)[0], name) for name in mine if dwelling)
    for p, records in enumerate(records_by_person):
        if len(records) < 2:
            continue
        lots = Counter(r.lot for r in records if r.lot)
        if len(lots) < 2 or list(lots.values()).count(max(lots.values())) < 2:
            continue
        own = dwellings[p].split("#", 1)[0]

        def family_there(lot: str, mine: set[str] = names[p], own: str = own) -> bool:
            return any(living[(lot, name)] > (1 if lot == own else 0) for name in mine)

        dwellings[p] = person_dwelling(records, prefer=family_there)
    return dwellings


def group_households(records_by_person: Sequence[Sequence[PreparedRecord]], movers: int = 1) -> list[int]:
    """The household index of each person: same dwelling and a family link, or same phone when no address is known."""
    dwellings = _dwellings(records_by_person)
    phone_home = {r.phone: d for d, recs in zip(dwellings, records_by_person, strict=True) if d for r in recs if r.phone}
    keys = [d or _phone_key(recs, phone_home) or f"person:{p}" for p, (d, recs) in
            enumerate(zip(dwellings, records_by_person, strict=True))]
    at: dict[str, list[int]] = defaultdict(list)  # the plot (without the room) → persons living there
    for person, key in enumerate(keys):
        at[key.split("#", 1)[0]].append(person)
    parent = list(range(len(keys)))
    for persons in at.values():
        if len(persons) > 1:
            _join_families(persons, keys, records_by_person, parent)
    _join_moved_together(keys, records_by_person, at, parent, movers)
    index: dict[int, int] = {}
    return [index.setdefault(_find(parent, p), len(index)) for p in range(len(keys))]


def _join_families(persons: list[int], keys: list[str], records_by_person: Sequence[Sequence[PreparedRecord]],
                   parent: list[int]) -> None:
    """At one plot: persons in one room are one household; otherwise a family link must join them."""
    links = {p: _family_links(records_by_person[p]) for p in persons}
    by_room: dict[str, list[int]] = defaultdict(list)
    for p in persons:
        by_room[keys[p].partition("#")[2]].append(p)
    for room, members in by_room.items():
        if room:
            for other in members[1:]:
                _union(parent, members[0], other)
    unnamed: list[int] = []
    owner: dict[str, int] = {}  # a family name or phone → the first person (a room's, preferably) who has it
    landlines: dict[int, set[str]] = {}  # a household's root → its landlines
    for p in persons:
        landlines.setdefault(_find(parent, p), set()).update(_landlines(records_by_person[p]))
    for p in sorted(persons, key=lambda p: not keys[p].partition("#")[2]):
        if not links[p]:
            unnamed.append(p)
            continue
        for link in links[p]:
            if link not in owner:
                owner[link] = p
                continue
            here, there = _find(parent, owner[link]), _find(parent, p)
            # two houses on one 番地 with one family name: each its own landline, two households
            if here != there and (link.startswith("t:") or not _apart(landlines, here, there)):
                _union(parent, here, there)
                merged = landlines.pop(here, set()) | landlines.pop(there, set())
                landlines[_find(parent, here)] = merged
    if unnamed:
        sizes = Counter(_find(parent, p) for p in persons if links[p])
        largest = max(sizes, key=lambda root: (sizes[root], -root)) if sizes else unnamed[0]
        for p in unnamed:
            _union(parent, largest, p)


def _apart(landlines: Mapping[int, set[str]], a: int, b: int) -> bool:
    return bool(landlines.get(a)) and bool(landlines.get(b)) and not landlines[a] & landlines[b]


_MOBILE = ("070", "080", "090", "060")


def _landlines(records: Sequence[PreparedRecord]) -> set[str]:
    """The fixed lines a person's records give (a mobile number, 070/080/090, is her own and says nothing)."""
    return {r.phone for r in records if r.phone and not r.phone.startswith(_MOBILE)}


def _join_moved_together(keys: list[str], records_by_person: Sequence[Sequence[PreparedRecord]],
                         at: Mapping[str, list[int]], parent: list[int], movers: int) -> None:
    """Two households at two addresses are one that moved when `movers` of their persons are seen at both.

    A household that moved is written at the old address by some agencies and at the new one by others, so the
    address most of a person's records give may be the old one for the mother and the new one for her son. With
    `movers` = 2 one person seen at both is not enough (a son who moved out is still written at his parents'
    address for a while); with 1 a family member seen at both joins. How many it takes is fitted
    (identity.model.Tuning.movers)."""
    plots = [key.split("#", 1)[0] for key in keys]
    lots = [{r.lot for r in records if r.lot} for records in records_by_person]
    links: dict[int, set[str]] = {}
    crossers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for p in range(len(keys)):
        for lot in lots[p] - {plots[p]}:
            others = at.get(lot, ())
            if len(others) > _MAX_AT_ONE_ADDRESS:
                continue
            here = _find(parent, p)
            mine = links.setdefault(p, _family_links(records_by_person[p]))
            for q in others:
                # another family at the old address is not this one: a family link, or q seen here too
                if plots[p] in lots[q] or mine & links.setdefault(q, _family_links(records_by_person[q])):
                    root = _find(parent, q)
                    if root != here:
                        crossers[(min(here, root), max(here, root))].add(p)
    for (first, second), persons in crossers.items():
        if len(persons) >= movers:
            _union(parent, first, second)


def _family_links(records: Sequence[PreparedRecord]) -> set[str]:
    """What ties a person to a family at her address: the family names and readings of her records, her phones."""
    found: set[str] = set()
    for record in records:
        if record.family:
            found.add("f:" + record.family)
        reading = record.part_reading("family")
        if reading:
            found.add("r:" + reading)
        if record.phone:
            found.add("t:" + record.phone)
    return found


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _phone_key(records: Sequence[PreparedRecord], phone_home: Mapping[str, str]) -> str:
    for record in records:
        if record.phone:
            return phone_home.get(record.phone) or f"tel:{record.phone}"
    return ""


def person_birth(records: Sequence[PreparedRecord]) -> dt.date | None:
    if len(records) == 1:
        return dt.date.fromisoformat(records[0].birth) if records[0].birth else None
    births = Counter(r.birth for r in records if r.birth)
    return dt.date.fromisoformat(max(births, key=lambda k: (births[k], k))) if births else None


def household_fields(records: Sequence[PreparedRecord], agency_fields: Mapping[str, str]) -> set[str]:
    """The 分野 a household is known in, across agencies: a record's own fields, else its agency's."""
    found: set[str] = set()
    for record in records:
        found.update(record.fields or ([agency_fields[record.agency]] if record.agency in agency_fields else []))
    return found


def build_households(
    records_by_person: Sequence[Sequence[PreparedRecord]],
    *,
    today: dt.date,
    agency_fields: Mapping[str, str] | None = None,
    movers: int = 1,
) -> tuple[list[int], list[Household]]:
    household_of = group_households(records_by_person, movers)
    members: dict[int, list[int]] = defaultdict(list)
    for person, household in enumerate(household_of):
        members[household].append(person)
    households = [_household(h, persons, records_by_person, today, agency_fields or {})
                  for h, persons in sorted(members.items())]
    return household_of, households


def _household(index: int, persons: list[int], records_by_person: Sequence[Sequence[PreparedRecord]],
               today: dt.date, agency_fields: Mapping[str, str]) -> Household:
    births = [person_birth(records_by_person[p]) for p in persons]
    ages = [age_on(b, today) for b in births if b]
    records = [r for p in persons for r in records_by_person[p]]
    # The input carries no 続柄, so parent and child are told by age alone (linkage.engine adds recorded ones).
    flags = {FLAG_8050} if flags_8050(ages) else set()
    if is_multi_issue(household_fields(records, agency_fields)):
        flags.add(FLAG_MULTI_ISSUE)
    return Household(f"H{index + 1:06d}", person_dwelling(records_by_person[persons[0]]), persons, flags)
