"""Reads for 名寄せ: the rows a run links, the intake's single-record check, household flags, the review queue.

Nothing here shows personal data to anyone: functions return ids, scores and flags, and the caller shows
what tsunagu.sharing.policy allows (and logs it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from tsunagu.agencies.models import Municipality
from tsunagu.cases.models import Consultation
from tsunagu.identity.blocking import block_keys
from tsunagu.identity.features import FamilyNames, PreparedRecord
from tsunagu.identity.households import FLAG_8050, FLAG_LABELS, FLAG_MULTI_ISSUE
from tsunagu.identity.linkage import score_one
from tsunagu.identity.model import Model, frequency, matches_comparisons
from tsunagu.people.models import Household, HouseholdMember, Person, Relationship, RelationshipKind
from tsunagu.rules.household import concern_fields

from .engine import Facts
from .explain import as_json
from .models import (
    RUN_STALE_AFTER,
    SEPARATING,
    BlockingKey,
    DecisionAction,
    HouseholdGroup,
    LinkageRun,
    MergeDecision,
    NameTerm,
    NameTermKind,
    PersonLink,
    ReviewPair,
    RunStatus,
)

# ---------------------------------------------------------------------------------------------------------
# What a run reads
# ---------------------------------------------------------------------------------------------------------

PERSON_COLUMNS = ("pk", "agency_id", "name", "kana", "birth_date", "sex", "address", "phone")


def person_rows(queryset: QuerySet | None = None) -> list[dict[str, str]]:
    """Every agency's current (not archived) persons, as the engine's input records."""
    qs = (queryset if queryset is not None else Person.objects.all()).filter(archived_at__isnull=True)
    return [_row(values) for values in qs.order_by("pk").values_list(*PERSON_COLUMNS).iterator(chunk_size=5000)]


def _row(values: tuple) -> dict[str, str]:
    pk, agency_id, name, kana, birth, sex, address, phone = values
    return {"record_id": str(pk), "agency": str(agency_id), "name": name, "kana": kana,
            "birth_date": birth.isoformat() if birth else "", "sex": sex, "address": address, "phone": phone}


def municipality_name() -> str:
    return Municipality.objects.values_list("name", flat=True).first() or ""


def linkage_facts() -> Facts:
    must, cannot = effective_decisions()
    parent_child, related = _relationships()
    return Facts(must=must, cannot=cannot, households=_recorded_households(), parent_child=parent_child,
                 related=related, fields_of_person=_concern_fields())


def effective_decisions() -> tuple[set, set]:
    """(must-link pairs, cannot-link pairs): for each pair, its latest decision counts."""
    latest: dict[tuple[int, int], str] = {}
    for a, b, action in MergeDecision.objects.order_by("id").values_list("person_a_id", "person_b_id", "action"):
        latest[(a, b)] = action
    must = {p for p, action in latest.items() if action == DecisionAction.MERGE}
    return must, {p for p, action in latest.items() if action in SEPARATING}


def _current_members() -> QuerySet:
    today = timezone.localdate()
    return HouseholdMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), joined_on__lte=today,
                                          household__archived_at__isnull=True)


def _recorded_households() -> list[list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for household_id, person_id in _current_members().values_list("household_id", "person_id"):
        members[household_id].append(person_id)
    return list(members.values())


_PARENTS = {RelationshipKind.FATHER, RelationshipKind.MOTHER}


def _relationships() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(parent, child) Person ids, and every related pair, from recorded 続柄 and from 世帯主との続柄."""
    pairs, related = [], []
    for a, b, kind in Relationship.objects.values_list("from_person_id", "to_person_id", "kind"):
        related.append((a, b))
        if kind in _PARENTS:
            pairs.append((a, b))
        elif kind == RelationshipKind.CHILD:
            pairs.append((b, a))
    heads = dict(_current_members().filter(is_head=True).values_list("household_id", "person_id"))
    for household, person, relation in _current_members().values_list("household_id", "person_id", "relation_to_head"):
        head = heads.get(household)
        if head is None or head == person or not relation:
            continue
        related.append((head, person))
        if relation == RelationshipKind.CHILD:
            pairs.append((head, person))
        elif relation in _PARENTS:
            pairs.append((person, head))
    return pairs, related


def _concern_fields() -> dict[int, set[str]]:
    """Person id → the 分野 of the concerns recorded about her, or about a household she lives in, by any agency.

    Consultations recorded under the 要保護児童対策地域協議会 are left out: a flag seen outside the council must
    not carry what was said inside it. So are voided ones (取消): recorded by mistake, they say nothing of her.
    """
    found: dict[int, set[str]] = defaultdict(set)
    household_fields: dict[int, set[str]] = defaultdict(set)
    consultations = Consultation.objects.filter(archived_at__isnull=True, voided_at__isnull=True, compartment="")
    for person, household, concerns in consultations.values_list("person_id", "household_id", "concerns"):
        fields = set(concern_fields(concerns or []))
        if person:
            found[person] |= fields
        if household:
            household_fields[household] |= fields
    for household, fields in Household.objects.filter(archived_at__isnull=True).exclude(
            multi_issue_fields=[]).values_list("pk", "multi_issue_fields"):
        household_fields[household] |= set(fields or [])
    for household, person in _current_members().values_list("household_id", "person_id"):
        found[person] |= household_fields.get(household, set())
    return found


# ---------------------------------------------------------------------------------------------------------
# Household flags, for the people and cases pages
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFlags:
    flags: frozenset[str]
    fields: frozenset[str]

    @property
    def labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in sorted(self.flags)]

    @property
    def is_8050(self) -> bool:
        return FLAG_8050 in self.flags

    @property
    def is_multi_issue(self) -> bool:
        return FLAG_MULTI_ISSUE in self.flags


NO_FLAGS = HouseholdFlags(frozenset(), frozenset())


def household_flags_for_persons(person_ids: Iterable[int]) -> dict[int, HouseholdFlags]:
    """Person id → the flags of the household she lives in, seen across agencies (as of the last run).

    Two queries whatever the number of persons. Persons the last run did not see get NO_FLAGS. Show the
    result only next to a person or household the policy already lets the actor see.
    """
    groups = dict(PersonLink.objects.filter(person_id__in=list(person_ids)).values_list("person_id", "household_group"))
    rows = HouseholdGroup.objects.filter(key__in=set(groups.values())).values_list("key", "flags", "fields")
    by_key = {key: HouseholdFlags(frozenset(flags), frozenset(fields)) for key, flags, fields in rows}
    return {pid: by_key.get(key, NO_FLAGS) for pid, key in groups.items()}


def household_flags_for_household(household: Household) -> HouseholdFlags:
    """The flags of a recorded household: those of the groups its current members live in."""
    members = _current_members().filter(household=household).values_list("person_id", flat=True)
    found = household_flags_for_persons(members).values()
    return HouseholdFlags(frozenset().union(*(f.flags for f in found)), frozenset().union(*(f.fields for f in found)))


# ---------------------------------------------------------------------------------------------------------
# The review queue and clusters (ids only; the view reads the persons through the policy)
# ---------------------------------------------------------------------------------------------------------


def latest_run() -> LinkageRun | None:
    return LinkageRun.objects.filter(status=RunStatus.DONE).order_by("-id").first()


# Nightly runs: a day and two hours without a success means the night's run did not happen or did not succeed.
OVERDUE_AFTER = timedelta(hours=26)


@dataclass(frozen=True)
class RunState:
    """What the coordinator is told about 名寄せ: its last success, whether that is overdue, a run in progress (with
    its stage), and the latest attempt since the success if it failed or was skipped."""

    last_done: LinkageRun | None
    running: LinkageRun | None
    last_problem: LinkageRun | None
    overdue: bool
    silent: bool  # the running run's process has stopped beating: it will be marked failed (services)

    @property
    def hours_since_success(self) -> int | None:
        if self.last_done is None or self.last_done.finished_at is None:
            return None
        return int((timezone.now() - self.last_done.finished_at).total_seconds() // 3600)


def run_state() -> RunState:
    """Two queries: the latest success, and the runs after it (a running one and failures or skips)."""
    last_done = latest_run()
    since = LinkageRun.objects.filter(id__gt=last_done.pk) if last_done else LinkageRun.objects.all()
    later = list(since.exclude(status=RunStatus.DONE).order_by("-id")[:20])
    running = next((r for r in later if r.status == RunStatus.RUNNING), None)
    problem = next((r for r in later if r.status in (RunStatus.FAILED, RunStatus.SKIPPED)), None)
    now = timezone.now()
    done_at = last_done.finished_at if last_done else None
    overdue = done_at is None and bool(later) or done_at is not None and now - done_at > OVERDUE_AFTER
    beat = (running.heartbeat_at or running.started_at) if running else None
    return RunState(last_done, running, problem, overdue, bool(beat and now - beat > RUN_STALE_AFTER))


def open_review_pairs(run: LinkageRun | None = None) -> QuerySet:
    """Undecided pairs of the latest run (or `run`, the latest the caller has read already) whose two rows are
    still in different clusters, the strongest evidence first: a pair held back at most 要確認 because its given
    names or sexes differ (twins) comes before a pair that is merely uncertain."""
    run = run or latest_run()
    if run is None:
        return ReviewPair.objects.none()
    # A decision on another pair can put both rows in one cluster meanwhile: nothing left to review then.
    return (ReviewPair.objects.filter(run=run, decision__isnull=True)
            .exclude(person_a__link__cluster=F("person_b__link__cluster")).order_by("-weight", "id"))


def open_review_count(run: LinkageRun) -> int:
    """How many pairs `open_review_pairs(run)` holds, kept in this process's cache under the run and the latest
    decision: only a decision (MergeDecision, written with every change of a stored cluster) or a new run changes
    it. Counting anew joins every pair to both rows' clusters — 0.3 s for a 政令市's 70,000 pairs, on every
    dashboard of the coordinator."""
    latest = MergeDecision.objects.order_by("-id").values_list("id", flat=True).first() or 0
    key = f"linkage:open-review:{run.pk}:{latest}"
    count = cache.get(key)
    if count is None:
        count = open_review_pairs(run).count()
        cache.set(key, count, timeout=3600)
    return count


def cluster_person_ids(cluster: int) -> list[int]:
    return list(PersonLink.objects.filter(cluster=cluster).order_by("person_id").values_list("person_id", flat=True))


def clusters_of(person_ids: Iterable[int]) -> dict[int, int]:
    return dict(PersonLink.objects.filter(person_id__in=list(person_ids)).values_list("person_id", "cluster"))


def cluster_of(person_id: int) -> int | None:
    return PersonLink.objects.filter(person_id=person_id).values_list("cluster", flat=True).first()


def decisions_about(person_ids: Iterable[int]) -> QuerySet:
    ids = list(person_ids)
    return (MergeDecision.objects.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids))
            .select_related("decided_by", "agency").order_by("-decided_at", "-id"))


def recent_decisions(limit: int = 10) -> QuerySet:
    return MergeDecision.objects.select_related("decided_by", "agency").order_by("-decided_at", "-id")[:limit]


def merged_clusters() -> QuerySet:
    """Clusters with rows of two or more: (cluster, rows), largest first."""
    return (PersonLink.objects.values("cluster").annotate(rows=Count("id")).filter(rows__gt=1)
            .order_by("-rows", "cluster"))


# ---------------------------------------------------------------------------------------------------------
# The single-record check at intake: the index is in the database (BlockingKey, NameTerm), written by each run
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCandidate:
    """A person (cluster of rows across agencies) a new record may be. Ids and scores only — no personal data."""

    cluster: int
    person_ids: tuple[int, ...]
    matched_person_id: int
    probability: float
    weight: float
    band: str
    explanation: dict


def candidates_for(record: Mapping[str, object], *, limit: int = 5) -> list[PersonCandidate]:
    """The persons across all agencies that `record` (name, kana, birth_date, sex, address, phone; any may be
    empty) may be, best first, in the link or review band. Empty: a new person, or no run (of this version) yet.

    It answers as identity.linkage.match_one over every person would, from the latest run's index in the database:
    the query's name is split with the family names it may start with (NameTerm), its blocking keys find the
    person rows (BlockingKey), whose current rows are read, prepared alike and scored with the run's model and the
    frequencies of the query's own name and reading. Six queries at most, whatever the number of persons; nothing
    is kept in the process between calls."""
    params = LinkageRun.objects.filter(status=RunStatus.DONE).order_by("-id").values_list("model_params",
                                                                                          flat=True).first()
    if params is None or not _has_index(params):
        return []  # a run of an earlier version compared other levels, or kept no index: none until the next run
    municipality = municipality_name()
    query = PreparedRecord(_query(record), municipality)
    terms = _name_terms([query], names={query.name}, readings={query.reading})
    _families(terms).split(query)
    known = _known_records(query, municipality)
    if not known:
        return []
    families = _families(_name_terms([r for r, _ in known]))
    for prepared, _ in known:
        families.split(prepared)
    model = Model(params["m"], params["u"], params["prior_weight"],
                  {v: frequency(c, params["names"]) for (kind, v), c in terms.items() if kind == NameTermKind.NAME},
                  {v: frequency(c, params["readings"]) for (kind, v), c in terms.items()
                   if kind == NameTermKind.READING})
    found = score_one(query, known, model, limit)
    members = _members({int(c.person_id) for c in found})
    return [PersonCandidate(int(c.person_id), members.get(int(c.person_id), (int(c.record_id),)), int(c.record_id),
                            c.explanation.probability, c.explanation.total, c.explanation.band, as_json(c.explanation))
            for c in found]


def _has_index(params: Mapping[str, object]) -> bool:
    return matches_comparisons(params) and "names" in params and "readings" in params


def _query(record: Mapping[str, object]) -> dict[str, str]:
    birth = record.get("birth_date")
    query = {k: "" if record.get(k) is None else str(record.get(k)) for k in ("name", "kana", "sex", "address", "phone")}
    return {**query, "birth_date": birth.isoformat() if hasattr(birth, "isoformat") else str(birth or ""),
            "record_id": "", "agency": ""}


def _name_terms(records: Iterable[PreparedRecord], *, names: Iterable[str] = (),
                readings: Iterable[str] = ()) -> dict[tuple[int, str], int]:
    """(kind, value) → count of the NameTerm rows the records need: the family names their names may start with
    (FamilyNames.lookups), and the counts of the names and readings given. One query."""
    kanji: set[str] = set()
    kana: set[str] = set()
    for record in records:
        more_kanji, more_kana = FamilyNames.lookups(record)
        kanji |= more_kanji
        kana |= more_kana
    wanted = {NameTermKind.FAMILY_KANJI: kanji, NameTermKind.FAMILY_KANA: kana,
              NameTermKind.NAME: {n for n in names if n}, NameTermKind.READING: {r for r in readings if r}}
    condition = Q()
    for kind, values in wanted.items():
        if values:
            condition |= Q(kind=kind, value__in=sorted(values))
    if not condition:
        return {}
    return {(kind, value): count for kind, value, count in
            NameTerm.objects.filter(condition).values_list("kind", "value", "count")}


def _families(terms: Mapping[tuple[int, str], int]) -> FamilyNames:
    return FamilyNames(kanji={v for k, v in terms if k == NameTermKind.FAMILY_KANJI},
                       kana={v for k, v in terms if k == NameTermKind.FAMILY_KANA})


def _known_records(query: PreparedRecord, municipality: str) -> list[tuple[PreparedRecord, str]]:
    """The current (not archived) rows of the persons sharing a blocking key with the query, in Person id order
    (the order identity.linkage.match_one scores in), each with her cluster. One query."""
    condition = Q()
    for rule, key in enumerate(block_keys(query)):
        if key:
            condition |= Q(rule=rule, key=key)
    if not condition:
        return []
    persons = Person.objects.filter(archived_at__isnull=True,
                                    pk__in=BlockingKey.objects.filter(condition).values("person_id"))
    found = []
    for *values, cluster in persons.order_by("pk").values_list(*PERSON_COLUMNS, "link__cluster"):
        found.append((PreparedRecord(_row(tuple(values)), municipality), str(cluster or values[0])))
    return found


def _members(clusters: set[int]) -> dict[int, tuple[int, ...]]:
    members: dict[int, list[int]] = defaultdict(list)
    for cluster, person in PersonLink.objects.filter(cluster__in=clusters).order_by("person_id").values_list(
            "cluster", "person_id"):
        members[cluster].append(person)
    return {c: tuple(m) for c, m in members.items()}


__all__ = ["HouseholdFlags", "PersonCandidate", "candidates_for", "household_flags_for_household",
           "household_flags_for_persons"]
