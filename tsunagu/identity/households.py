"""Households (世帯): persons grouped by the dwelling they live at, and the flags a household carries (the rules of
8050 and 複合課題 are tsunagu.rules.household's).

A person's dwelling is the one most of their records give (an agency that has not heard of a move
still writes the old address). Within a building the room decides: 「コーポ旭201」 and 「コーポ旭305」
are two households, so a room written in any record of the person is kept even if others omit it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tsunagu.identity.features import PreparedRecord
from tsunagu.rules.household import MULTI_ISSUE_ACROSS_AGENCIES, age_on, flags_8050, is_multi_issue

FLAG_8050 = "8050"
FLAG_MULTI_ISSUE = "multi_issue"
FLAG_LABELS = {FLAG_8050: "8050世帯", FLAG_MULTI_ISSUE: MULTI_ISSUE_ACROSS_AGENCIES}


@dataclass
class Household:
    household_id: str
    address_key: str
    persons: list[int] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def person_dwelling(records: Sequence[PreparedRecord]) -> str:
    lots = Counter(r.lot for r in records if r.lot)
    if not lots:
        return ""
    lot = max(lots, key=lambda k: (lots[k], k))
    rooms = Counter(r.room for r in records if r.lot == lot and r.room)
    return f"{lot}#{max(rooms, key=lambda k: (rooms[k], k))}" if rooms else lot


def group_households(records_by_person: Sequence[Sequence[PreparedRecord]]) -> list[int]:
    """The household index of each person: same dwelling, or same phone when no address is known."""
    dwellings = [person_dwelling(records) for records in records_by_person]
    phone_home = {r.phone: d for d, recs in zip(dwellings, records_by_person, strict=True) if d for r in recs if r.phone}
    keys = [d or _phone_key(recs, phone_home) or f"person:{p}" for p, (d, recs) in
            enumerate(zip(dwellings, records_by_person, strict=True))]
    index: dict[str, int] = {}
    return [index.setdefault(key, len(index)) for key in keys]


def _phone_key(records: Sequence[PreparedRecord], phone_home: Mapping[str, str]) -> str:
    for record in records:
        if record.phone:
            return phone_home.get(record.phone) or f"tel:{record.phone}"
    return ""


def person_birth(records: Sequence[PreparedRecord]) -> dt.date | None:
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
) -> tuple[list[int], list[Household]]:
    household_of = group_households(records_by_person)
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
