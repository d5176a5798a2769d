"""The information-sharing policy — the ONE place that decides who may see which personal data, and why.

Every page, search, suggestion, export, print and API endpoint that shows a person, household, case, note, plan or
referral asks this module, and the read is logged with its basis (tsunagu.audit.services.access_log_record).

The rule for writes: **no write widens what anyone sees, except a recorded disclosure.** After any state-changing
request, the persons, households and cases each agency can see are the same as before, except
(a) rows the acting agency has just recorded itself from what it was told — never copied from another agency's
    row: taking a consultation about someone another agency recorded, or adding her to one's household, makes the
    agency's own record of her (identity only; `people.services.person_own_record`), which 名寄せ links; and
(b) a disclosure that names its basis, logged (`AccessAction.DISCLOSE`) and shown on the case's timeline: consent
    given; a referral sent to an agency that holds a basis; a 移管 (the lead agency handed to an agency that holds
    a basis for the case's subject, with a reason — `cases.services.case_transfer`); a member or agenda item added
    by the meeting's convener.
So a temporary basis (consent, a 支援会議, the 要対協, an emergency disclosure) never becomes lasting access: when
it ends, the agency sees nothing more than one that never held it, apart from rows it recorded itself.
tests/sharing/test_endpoint_writes.py proves it for every URL and API operation; docs/SECURITY.md explains it.

Bases (tsunagu.audit.models.SharingBasis), tried in this order:

- OWN_AGENCY — the acting agency recorded the row; or it leads a case about it (the case, its household row, or
  the person it is about — a case comes to be led by another agency only through a 移管). A household case does
  NOT reach the household's other members: each is seen on a basis of her own. Taking part in a case
  (CaseAgency) gives nothing by itself.
- CHILD_PROTECTION_COUNCIL — the agency is a current member of a 要保護児童対策地域協議会 that has the case or
  household on its agenda. Rows recorded *under* the council (`compartment`) are shown on this basis only:
  never through own agency, consent, a 支援会議 or an emergency disclosure (`_council_only`).
- SUPPORT_MEETING — a current member of a 支援会議 that has the case or household on its agenda (today between
  `added_on` and `removed_on`). Former members keep their duty of confidentiality, not their access.
- CONSENT — an active 本人同意 (given, not expired, not withdrawn — checked on each read, so withdrawal ends
  access at once) lists the agency, and no 不同意 to the agency recorded on or after it. It covers the person, her
  cases, and the households she lives in with their cases (世帯としての支援は世帯員の同意で足りる — the household
  page then lists only the members the agency may see).

世帯の一人ひとり: a row of a case that names members (`members`: notes, plan rows, agenda and action items; the
person of a consultation, a PersonConcern or a referral) needs a basis for each member it names, whatever opens the
case (`Scope.names_visible`); a row naming no one follows its case. So one member's consent opens her, the household
(listing her) and the rows naming her or no one — never a row about her brother. A 重層的支援会議 on a household
shares only the members whose consent covers every member agency (`consent_coverage`).
- VITAL_INTEREST — an emergency disclosure to the agency, with a written reason, until it expires; every one is
  listed for the coordinator's review. It covers the person and the cases about her that the providing agency
  recorded or leads — what it holds: not her household, nor other agencies' cases or consultations.
- DISCLOSURE_REQUEST — a 開示請求 (`sharing.DisclosureRequest`, with its 受付番号 and date) received by the
  coordinator: while it is open (30 days), she — and no one else of her agency — reads the person's rows across
  agencies for the bundle (`disclosure_request_rows`), every row logged. Like LINKAGE_REVIEW it is outside every
  agency's Scope: nobody's visible sets change, and it ends with the request.

本人の権利: `agencies_seeing` answers "who holds or sees her" for the 支援チームのお知らせ with the same rules
(`Scope.bases_of` for every agency), so the letter lists exactly the agencies `agency_may_see` admits.

Decisions:
- The system administrator sees no personal data by role alone: acting as ADMIN, every basis is empty.
- The coordinator (相談支援包括化推進員) has exactly the bases of her agency, plus the 照会 addressed to the
  coordinators (which name the agencies holding a possible match, so she can convene a 支援会議) and the overdue
  referral list (agencies and dates, no personal data).
- An agency with no basis gets 404 (never 403) and finds nothing in search. An agency that may see but not
  edit gets 403 on the edit screens. Editing a person, household, case or plan needs OWN_AGENCY; a note can be
  written by any agency that may see the case, and corrected only by the agency that wrote it.
- The "known elsewhere" signal at intake is a boolean; it never says which agency or what.
- A referral may be sent only to an agency that itself has a basis for the person (or, for a household case,
  the case).

Where each part lives: the rules of a person, household and case are data (`Scope.person_rules`, …), compiled to
SQL by `_to_q` and checked on a loaded row by `_holds`; `KINDS` is the one table from a model to its rules (the rows
about a case follow it); the 要対協 compartment is `_council_only`; what is remembered while one actor acts — her
agency's Scope, the cases she may see — is her `PolicyContext`. tests/sharing/test_basis_model.py pins each basis
on each kind of row, and its end.
"""

import weakref
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Agency, Role
from tsunagu.audit.models import AccessAction, SharingBasis
from tsunagu.audit.services import access_log_record
from tsunagu.cases.models import Case, CaseNote, Consultation, PersonConcern, Referral, SupportPlan
from tsunagu.core import versions
from tsunagu.core.lookups import IdList
from tsunagu.identity.normalize import search_key
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember, Sitting
from tsunagu.people import search_index
from tsunagu.people.models import Household, HouseholdMember, Person

from .models import Consent, ConsentDecision, DisclosureRequest, VitalInterestDisclosure

B = SharingBasis
ORDER = [B.OWN_AGENCY, B.CHILD_PROTECTION_COUNCIL, B.SUPPORT_MEETING, B.CONSENT, B.VITAL_INTEREST]

M = TypeVar("M", bound=Model)
T = TypeVar("T")
P = ParamSpec("P")

# The rules are data. A clause is (a column of the subject row, the values it may take); a rule is a list of
# alternatives (any may hold), each a list of clauses that must all hold; a model's rules give one rule per basis.
Clause = tuple[str, Sequence[object]]
Rule = list[list[Clause]]
Rules = dict[str, Rule]
Conditions = dict[str, Q]  # per basis, as SQL


class Acting(Protocol):
    """Whoever the policy reasons about: a staff member acting for an agency (`Actor`), or an agency asked about
    as if it were acting (`agency_may_see`)."""

    @property
    def agency_id(self) -> int | None: ...

    @property
    def role(self) -> str | None: ...


@dataclass(frozen=True)
class Access:
    basis: str
    detail: str = ""

    @property
    def label(self) -> str:
        return str(SharingBasis(self.basis).label)


# ----------------------------------------------------------------------------------------------------------
# The facts for one agency on one day, as lazy subqueries: a list or search is still one SQL statement.
# ----------------------------------------------------------------------------------------------------------


def _current(q_from: str, q_to: str, today: date) -> Q:
    return Q(**{f"{q_from}__lte": today}) & (Q(**{f"{q_to}__isnull": True}) | Q(**{f"{q_to}__gt": today}))


def _memo(method: Callable[Concatenate["Scope", P], T]) -> Callable[Concatenate["Scope", P], T]:
    """Keeps a Scope method's answer for the Scope's life: building a query costs as much as running it, and the
    small sets below are read once per Scope."""

    @wraps(method)
    def wrapped(self: "Scope", /, *args: P.args, **kwargs: P.kwargs) -> T:
        key = (method.__name__, *map(_hashable, args), *((k, _hashable(v)) for k, v in kwargs.items()))
        if key not in self._cache:
            self._cache[key] = method(self, *args, **kwargs)
        return cast(T, self._cache[key])

    return wrapped


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _ids(rows: Iterable[T | None]) -> list[T]:
    return [i for i in rows if i is not None]


def _led_elsewhere(agency_id: int) -> "QuerySet[Case]":
    """The cases `agency_id` leads about a subject another agency recorded (`Case.subject_agency`)."""
    return Case.objects.filter(lead_agency_id=agency_id).exclude(lead_agency=F("subject_agency")).order_by()


class Scope:
    """What one agency may see today. Building it runs no query: the conditions run inside the caller's query.

    Why correlated EXISTS for "own agency": an agency such as a 地域包括 records a third of the town, so a
    materialised list of its persons would be rebuilt on every query; an indexed lookup per candidate row is
    cheaper, and search filters the candidates by name first. The small sets — what is on the agenda of the
    agency's meetings today, who consented to it, who was disclosed to it — are read once per Scope as id lists:
    cheap to query, and they keep the SQL of every list and page short (nested subqueries cost more to build than
    to run).
    """

    def __init__(self, agency_id: int, today: date) -> None:
        self.agency_id = agency_id
        self.today = today
        self._cache: dict[tuple[Hashable, ...], object] = {}

    # The lists every rule reads, computed at once to be shared by the processes (`_scope`): the meeting kinds that
    # give a basis, and the memo keys of the answers that are only steps towards others (not kept).
    SHARED_KINDS = (MeetingKind.CHILD_PROTECTION_COUNCIL, MeetingKind.SUPPORT_MEETING)
    _STEPS = frozenset({"_agenda_pairs"})

    def lists(self) -> list[list[object]]:
        """Every id list of the Scope's rules, computed now, as plain JSON — [memo key as a list, ids] pairs — for
        `from_lists` to make the same Scope in another process without a query."""
        for kind in self.SHARED_KINDS:
            self.meeting_cases(kind), self.meeting_households(kind), self.meeting_person_ids(kind)  # noqa: B018 — computed to be kept
        self.own_persons_elsewhere, self.led_households_elsewhere, self.vital_persons, self.vital_cases  # noqa: B018
        self.households_of(self.consent_persons)
        return [[[list(part) if isinstance(part, tuple) else part for part in key], value]
                for key, value in self._cache.items() if key[0] not in self._STEPS]

    @classmethod
    def from_lists(cls, agency_id: int, today: date, lists: list[list[Any]]) -> "Scope":
        """The Scope whose `lists()` these are: each answer is there before it is asked for."""
        scope = cls(agency_id, today)
        for key, value in lists:
            scope._cache[tuple(tuple(part) if isinstance(part, list) else part for part in key)] = value
        return scope

    def _members_now(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": self.today})

    def own_person(self, field: str = "pk") -> Q:
        """Own agency = recorded by it, or the subject of a person case it leads (`person_rules`). `field` names
        the person: "pk" on Person, "person_id" on a row about one."""
        return self.person_conditions(field)[B.OWN_AGENCY]

    @property
    @_memo
    def own_persons_elsewhere(self) -> list[int]:
        """The subjects of person cases the agency leads but another agency recorded: a case comes to be led
        elsewhere only through a 移管 recorded as a disclosure. The other members of a household whose case it
        leads are NOT here: each is seen on a basis of her own."""
        # read off the index of the cases led elsewhere than their subject's agency (cases_case_led_elsewhere), a few
        # 移管 — not every case the agency leads less its own persons (a 政令市's 地域包括 leads 24,000: 36–83 ms)
        return _ids(_led_elsewhere(self.agency_id).filter(person__isnull=False).values_list("person_id", flat=True))

    @property
    @_memo
    def led_households_elsewhere(self) -> list[int]:
        return _ids(_led_elsewhere(self.agency_id).filter(household__isnull=False).values_list("household_id", flat=True))

    def _agenda(self, kind: str) -> "QuerySet[AgendaItem]":
        """The agenda of the meetings of `kind` the agency sits on today: a member sees nothing through a meeting
        until her 守秘義務の誓約 is recorded (`seated`)."""
        meetings = MeetingMember.objects.filter(
            seated(self.today), agency_id=self.agency_id, meeting__kind=kind
        ).values("meeting_id")
        return AgendaItem.objects.filter(_current("added_on", "removed_on", self.today), meeting_id__in=meetings)

    @_memo
    def _agenda_pairs(self, kind: str) -> list[tuple[int | None, int | None]]:
        return list(self._agenda(kind).order_by().values_list("case_id", "household_id"))

    @_memo
    def meeting_cases(self, kind: str) -> list[int]:
        case_ids = [c for c, _ in self._agenda_pairs(kind) if c]
        household_ids = [h for _, h in self._agenda_pairs(kind) if h]
        if not case_ids and not household_ids:
            return []
        return _ids(Case.objects.filter(_among("pk", case_ids) | _among("household_id", household_ids))
                    .order_by().values_list("pk", flat=True))

    @_memo
    def meeting_households(self, kind: str) -> list[int]:
        case_ids = [c for c, _ in self._agenda_pairs(kind) if c]
        direct = [h for _, h in self._agenda_pairs(kind) if h]
        if not case_ids:
            return direct
        of_cases = (Case.objects.filter(_among("pk", case_ids), household__isnull=False).order_by()
                    .values_list("household_id", flat=True))
        return sorted(set(direct) | set(_ids(of_cases)))

    @_memo
    def meeting_person_ids(self, kind: str) -> list[int]:
        cases = self.meeting_cases(kind)
        households = self.meeting_households(kind)
        if not cases and not households:
            return []
        of_cases = Case.objects.filter(_among("pk", cases), person__isnull=False).order_by().values_list("person_id", flat=True)
        members = HouseholdMember.objects.filter(self._members_now(), _among("household_id", households)).order_by()
        return sorted(set(_ids(of_cases)) | set(_ids(members.values_list("person_id", flat=True))))

    def meeting_person(self, kind: str) -> Q:
        return Q(pk__in=self.meeting_person_ids(kind))

    @property
    @_memo
    def consent_persons(self) -> list[int]:
        """The persons whose consent names the agency today: an active consent (given, not expired, not withdrawn)
        not outweighed by a refusal (不同意) to the agency recorded on or after it. A refusal blocks this basis
        for the agencies it names only; a consent given after it outweighs it in turn."""
        active = (Q(decision=ConsentDecision.GIVEN) & _current("given_on", "withdrawn_on", self.today)
                  & (Q(expires_on__isnull=True) | Q(expires_on__gte=self.today)))
        rows = Consent.objects.filter(active | Q(decision=ConsentDecision.REFUSED), agencies=self.agency_id,
                                      given_on__lte=self.today).order_by().values_list("person_id", "decision", "given_on", "pk")
        given: dict[int, tuple[date, int]] = {}
        refused: dict[int, tuple[date, int]] = {}
        for person_id, decision, given_on, pk in rows:
            latest = refused if decision == ConsentDecision.REFUSED else given
            latest[person_id] = max(latest.get(person_id, (given_on, pk)), (given_on, pk))
        return sorted(p for p, when in given.items() if p not in refused or refused[p] < when)

    def names_visible(self, model: type[Model], ref: str = "pk") -> Q:
        """世帯の一人ひとり: on rows of `model` (one with a `members` relation to Person — notes, plan rows, agenda
        and action items), or on rows pointing to one through `ref`: no member the row names is beyond the
        agency's bases. A row naming no one follows what it belongs to; a row naming members needs a basis for
        each of them."""
        through = model._meta.get_field("members").remote_field.through  # type: ignore[union-attr]
        own = next(f.attname for f in through._meta.fields if f.related_model is model)
        hidden = through.objects.filter(**{own: OuterRef(ref)}).exclude(_any(self.person_conditions("person_id")))
        return ~Exists(hidden)  # type: ignore[return-value]

    def _vital(self) -> "QuerySet[VitalInterestDisclosure]":
        return VitalInterestDisclosure.objects.filter(
            to_agency_id=self.agency_id, expires_on__gte=self.today, disclosed_at__date__lte=self.today)

    @property
    @_memo
    def vital_persons(self) -> list[int]:
        return _ids(self._vital().order_by().values_list("person_id", flat=True))

    @property
    @_memo
    def vital_cases(self) -> list[int]:
        """The cases an emergency disclosure opens: those about the person that the providing agency recorded or
        leads — what it holds. Not her household, nor other agencies' cases about her."""
        pairs = list(self._vital().order_by().values_list("person_id", "from_agency_id"))
        if not pairs:
            return []
        held = Q()
        for person_id, agency_id in pairs:
            held |= Q(person_id=person_id) & (Q(agency_id=agency_id) | Q(lead_agency_id=agency_id))
        return _ids(Case.objects.filter(held).order_by().values_list("pk", flat=True))

    @_memo
    def households_of(self, persons: list[int]) -> list[int]:
        if not persons:
            return []
        return _ids(HouseholdMember.objects.filter(self._members_now(), _among("person_id", persons))
                    .order_by().values_list("household_id", flat=True))

    # The rules, written once per subject. `_to_q` turns them into SQL conditions for lists and searches;
    # `bases_of` checks a row already loaded (get_or_404) in Python — the same rules, no query.
    # tests/sharing/test_row_bases.py holds the two to the same answer over the town.
    def person_rules(self) -> Rules:
        return {
            B.OWN_AGENCY: [[("agency_id", [self.agency_id])], [("pk", self.own_persons_elsewhere)]],
            B.CHILD_PROTECTION_COUNCIL: [[("pk", self.meeting_person_ids(MeetingKind.CHILD_PROTECTION_COUNCIL))]],
            B.SUPPORT_MEETING: [[("pk", self.meeting_person_ids(MeetingKind.SUPPORT_MEETING))]],
            B.CONSENT: [[("pk", self.consent_persons)]],
            B.VITAL_INTEREST: [[("pk", self.vital_persons)]],
        }

    def household_rules(self) -> Rules:
        return {
            B.OWN_AGENCY: [[("agency_id", [self.agency_id])], [("pk", self.led_households_elsewhere)]],
            B.CHILD_PROTECTION_COUNCIL: [[("pk", self.meeting_households(MeetingKind.CHILD_PROTECTION_COUNCIL))]],
            B.SUPPORT_MEETING: [[("pk", self.meeting_households(MeetingKind.SUPPORT_MEETING))]],
            B.CONSENT: [[("pk", self.households_of(self.consent_persons))]],
            B.VITAL_INTEREST: [[("pk", [])]],  # an emergency disclosure is about one person, not her household
        }

    def case_rules(self) -> Rules:
        def via(persons: list[int]) -> Rule:
            return [[("person_id", persons)], [("household_id", self.households_of(persons))]]

        return _council_only({
            B.OWN_AGENCY: [[("agency_id", [self.agency_id])], [("lead_agency_id", [self.agency_id])]],
            B.CHILD_PROTECTION_COUNCIL: [[("pk", self.meeting_cases(MeetingKind.CHILD_PROTECTION_COUNCIL))]],
            B.SUPPORT_MEETING: [[("pk", self.meeting_cases(MeetingKind.SUPPORT_MEETING))]],
            B.CONSENT: via(self.consent_persons),
            B.VITAL_INTEREST: [[("pk", self.vital_cases)]],
        })

    @_memo
    def holders(self, model: type[Model]) -> tuple[list[int], list[int]]:
        """The rules of a person or household as the two lists they come to — the agencies whose records the agency
        sees, and the ids it sees on a basis of their own — so that a search can read the candidates off its
        index (`people.search_index.containing`). Every alternative of those rules is one clause on the row's
        recording agency or its id; a rule of another shape is refused here rather than read wrong."""
        rules = self.person_rules() if model is Person else self.household_rules()
        agencies: set[int] = set()
        ids: set[int] = set()
        for alternatives in rules.values():
            for clauses in alternatives:
                (column, values), = clauses
                if column not in ("agency_id", "pk"):
                    raise ValueError(f"{model.__name__} rule on {column}")
                (agencies if column == "agency_id" else ids).update(cast(list[int], values))
        return sorted(agencies), sorted(ids)

    def bases_of(self, obj: Model) -> list[str]:
        """The bases (in ORDER) that hold for one loaded row of a model checked in Python (`KINDS`)."""
        rules = _kind(type(obj)).python_rules(self)
        return [basis for basis in ORDER if _holds(rules[basis], obj)]

    # conditions per object type, in ORDER
    def person_conditions(self, field: str = "pk") -> Conditions:
        """On Person (field "pk"), or on a row about a person (field "person_id")."""
        return {b: _to_q(rule, _path_from(field)) for b, rule in self.person_rules().items()}

    def household_conditions(self, field: str = "pk") -> Conditions:
        """On Household (field "pk"), or on a row about a household (field "household_id")."""
        return {b: _to_q(rule, _path_from(field)) for b, rule in self.household_rules().items()}

    def case_conditions(self, prefix: str = "") -> Conditions:
        """Conditions on Case (or, with prefix "case__", on a row that belongs to a case)."""
        return {b: _to_q(rule, lambda f: prefix + f) for b, rule in self.case_rules().items()}


def _council_only(rules: Rules) -> Rules:
    """The 要対協's compartment, written once. What is shared in a 要保護児童対策地域協議会 stays there, under its
    members' duty of confidentiality: a case, note or consultation recorded under the council (`compartment`) is
    seen on the council's basis only — never through own agency, a 支援会議, consent or an emergency disclosure.
    So every other basis of `rules` holds only for rows recorded outside the compartment. The case rules carry it
    (and with them every row that follows its case); a note's or consultation's own compartment is `_outside_council`."""
    outside: Clause = ("compartment", [""])
    return {basis: alternatives if basis == B.CHILD_PROTECTION_COUNCIL else [[outside, *clauses] for clauses in alternatives]
            for basis, alternatives in rules.items()}


def _outside_council(basis: str) -> Q:
    """`_council_only` on the row's own compartment, as SQL: no condition on the council's basis, rows recorded
    outside the compartment on any other."""
    return _to_q(_council_only({basis: [[]]})[basis], _same)


def _same(column: str) -> str:
    return column


def _path_from(field: str) -> Callable[[str], str]:
    """A rule's column as named on the subject itself (field "pk"), or on a row that points at the subject through
    `field` ("person_id": "pk" → "person_id", "agency_id" → "person__agency_id")."""
    if field == "pk":
        return _same
    relation = field.removesuffix("_id")
    return lambda f: field if f == "pk" else f"{relation}__{f}"


SHORT_LIST = 100  # longer id lists go to the database as one value (core.lookups.IdsIn)
# id(list) -> (the list, its IdList): a Scope's id lists are kept with it (`_memo`), so each is made an IdList once
# and not walked again by every query that carries it; the list is held so that its id is not reused
_id_lists: dict[int, tuple[Sequence[object], IdList]] = {}
_ID_LISTS_KEPT = 2000


def _id_list(values: Sequence[object]) -> IdList:
    found = _id_lists.get(id(values))
    if found is not None and found[0] is values:
        return found[1]
    if len(_id_lists) >= _ID_LISTS_KEPT:
        _id_lists.clear()
    made = IdList(values)  # type: ignore[arg-type]  # a long list is always of ids
    _id_lists[id(values)] = (values, made)
    return made


def _among(column: str, ids: Sequence[object]) -> Q:
    """`column` among `ids`: `__in` for a short list, one value (`ids_in`) for a long one."""
    return Q(**{f"{column}__in": ids}) if len(ids) <= SHORT_LIST else Q(**{f"{column}__ids_in": _id_list(ids)})


def _to_q(alternatives: Rule, path: Callable[[str], str]) -> Q:
    """A rule as a Q; `path` maps the subject's column to its name in the query ("agency_id" → "person__agency_id").
    A rule without alternatives holds for no row (as `_holds` says)."""
    combined: Q | None = None
    for clauses in alternatives:
        both = Q()
        for column, values in clauses:
            both &= Q(**{path(column): values[0]}) if len(values) == 1 else _among(path(column), values)
        combined = both if combined is None else combined | both
    return combined if combined is not None else Q(pk__in=[])


def _holds(alternatives: Rule, obj: Model) -> bool:
    return any(all((obj.pk if column == "pk" else getattr(obj, column)) in values for column, values in clauses)
               for clauses in alternatives)


# ----------------------------------------------------------------------------------------------------------
# The Scope of a request
# ----------------------------------------------------------------------------------------------------------

_generation = [0]  # this process's own writes of a basis: a request's remembered answers are dropped after one
# (agency, day) -> Scope, while the `sharing` token is unchanged
_scopes: versions.Kept[Scope] = versions.Kept(versions.SHARING, size=500)
# "agency:day" -> its Scope's `lists()`, computed by the first process that needs them and read by the others: six
# workers each building a 政令市 agency's Scope (20–90 ms) after every change of a basis cost six times one build.
# Ids only, never a name. The hour is a bound on a row's life, not on its truth: the token says when it is stale.
_shared_lists = versions.Shared(versions.SHARING, size=500, max_age=3600)


def forget_scopes() -> None:
    """Drops the Scopes this process keeps (tests): the next request builds them again, or reads them shared."""
    _scopes.forget()
    _shared_lists.forget()


def _shared_scope(agency_id: int, today: date, token: str | None) -> "Scope":
    lists = _shared_lists.get(f"{agency_id}:{today.isoformat()}", lambda token: Scope(agency_id, today).lists(), token=token)
    return Scope.from_lists(agency_id, today, lists)


def sharing_changed(**kwargs: object) -> None:
    """Connected (sharing.apps) to every write that changes a basis — Consent (and its agencies),
    VitalInterestDisclosure, MeetingMember, AgendaItem, HouseholdMember, Case (its saves through `case_saved`). Writes that bypass model signals
    (QuerySet.update, bulk_create, raw SQL) on those tables must call it themselves.

    A new `sharing` token is written in the writer's transaction (`core.versions`): every process sees it at its
    next request (or keeps the old one if the write is rolled back, which still describes the data)."""
    _generation[0] += 1
    versions.changed(versions.SHARING)


# What a Scope's lists read of a case (`own_persons_elsewhere`, `led_households_elsewhere`, `meeting_cases`,
# `meeting_households`, `meeting_person_ids`, `vital_cases`): its id and these columns. Every other column of a case
# is tested by the conditions inside the reader's own query, never kept.
CASE_COLUMNS_READ = frozenset({"agency", "agency_id", "lead_agency", "lead_agency_id", "person", "person_id",
                               "household", "household_id", "subject_agency", "subject_agency_id"})


def case_saved(*, created: bool = False, update_fields: Iterable[str] | None = None, **kwargs: object) -> None:
    """Connected (sharing.apps) to a case's save: a new case, or a save that may have changed a column the Scopes
    read (`CASE_COLUMNS_READ`; a save without `update_fields` may have changed any), is `sharing_changed`. Editing
    a case's name, summary or status — most of the saves of a busy day — keeps every process's Scopes."""
    if created or update_fields is None or CASE_COLUMNS_READ & set(update_fields):
        sharing_changed()


@dataclass
class PolicyContext:
    """What the policy remembers for one actor while she acts — one request, as the request's actor is made per
    request — until this process writes a basis (`generation`): her agency's Scope per day, so that a page
    builds it once, and the cases she may see (`visible_case_ids`, seeded by `get_or_404`)."""

    generation: int
    scopes: dict[date, Scope] = field(default_factory=dict)
    cases: dict[int, bool] = field(default_factory=dict)


# id(actor) -> her context. By identity, not equality: the actors of two requests by the same staff member are
# equal, and must not share answers. The entry goes when the actor does (weakref.finalize), with her request.
_contexts: dict[int, PolicyContext] = {}


def _context(actor: object) -> PolicyContext:
    """The actor's PolicyContext, a fresh one once this process has written a basis since it was made."""
    key = id(actor)
    known = _contexts.get(key)
    if known is not None and known.generation == _generation[0]:
        return known
    context = PolicyContext(_generation[0])
    if known is None:
        try:
            weakref.finalize(actor, _contexts.pop, key, None)
        except TypeError:  # an object that cannot be referred to weakly: nothing is remembered for it
            return context
    _contexts[key] = context
    return context


def acting_agency(actor: Acting | None) -> int | None:
    """The agency whose bases the actor reads with; None when she has none at all (no acting agency, or acting as
    system administrator) — as every answer of this module takes it."""
    scope = _scope(actor)
    return scope.agency_id if scope is not None else None


def _scope(actor: Acting | None, today: date | None = None) -> Scope | None:
    """None when the actor has no basis at all: no acting agency, or acting as system administrator.

    An agency's Scope is shared by its requests in this process while the `sharing` token is unchanged (one
    indexed read per request instead of a dozen id-list queries); within a request it is kept in the actor's
    PolicyContext unless this process has written a basis since."""
    agency_id = actor.agency_id if actor is not None else None
    if actor is None or agency_id is None or actor.role == Role.ADMIN:
        return None
    today = today or timezone.localdate()
    context = _context(actor)
    scope = context.scopes.get(today)
    if scope is not None:
        return scope
    scope = _scopes.get((agency_id, today), lambda token: _shared_scope(agency_id, today, token))
    context.scopes[today] = scope
    return scope


# ----------------------------------------------------------------------------------------------------------
# The rows of a case's subject: notes, plans, consultations, referrals
# ----------------------------------------------------------------------------------------------------------


def _following_case(scope: Scope) -> Conditions:
    """A plan is seen with its case."""
    return scope.case_conditions("case__")


def _note_conditions(scope: Scope) -> Conditions:
    """A note is seen with its case — one naming members (世帯の一人ひとり) only by a reader with a basis for each
    of them, or by the agency that wrote it."""
    named = Q(agency_id=scope.agency_id) | scope.names_visible(CaseNote)
    return {b: q & named for b, q in scope.case_conditions("case__").items()}


def _consultation_conditions(scope: Scope) -> Conditions:
    """A consultation is seen by the agency that took it, with its person, or with the case it led to — through a
    household case only if the reader also has a basis for the member it names, if it names one. Not on an
    emergency disclosure, which opens the providing agency's cases, not every consultation about her."""
    case_q = scope.case_conditions("case__")
    person_q = scope.person_conditions("person_id")
    with_case = {b: case_q[b] & (Q(person__isnull=True) | _any(person_q)) for b in ORDER}
    conditions: Conditions = {b: with_case[b] if b == B.VITAL_INTEREST else with_case[b] | person_q[b] for b in ORDER}
    conditions[B.OWN_AGENCY] |= Q(agency_id=scope.agency_id)
    return conditions


def _person_concern_conditions(scope: Scope) -> Conditions:
    """世帯員ごとの課題: seen by the agency that recorded it, and by a reader with a basis for the member it names
    and for its case (if it belongs to one) — an emergency disclosure only within the providing agency's cases."""
    person_q = scope.person_conditions("person_id")
    case_q = scope.case_conditions("case__")
    any_case = _any(case_q)
    conditions: Conditions = {b: person_q[b] & (Q(case__isnull=True) | any_case) for b in ORDER}
    conditions[B.VITAL_INTEREST] = person_q[B.VITAL_INTEREST] & case_q[B.VITAL_INTEREST]
    conditions[B.OWN_AGENCY] |= Q(agency_id=scope.agency_id)
    return conditions


def _referral_conditions(scope: Scope) -> Conditions:
    """The sender always sees what it sent. The receiver sees it while it has a basis for the person (or, for a
    household referral, the case): a referral carries personal data, so withdrawn consent hides it too."""
    person_q = scope.person_conditions("person_id")
    case_q = scope.case_conditions("case__")
    conditions: Conditions = {}
    for b in ORDER:
        subject = (Q(person__isnull=False) & person_q[b]) | (
            Q(person__isnull=True) & case_q[b]
        )
        received = Q(to_agency_id=scope.agency_id) & subject
        conditions[b] = (Q(from_agency_id=scope.agency_id) | received) if b == B.OWN_AGENCY else received
    return conditions


@dataclass(frozen=True)
class _Kind:
    """How the policy decides on the rows of one model."""

    conditions: Callable[[Scope], Conditions]  # per basis, as SQL: `visible` and every list and search
    rules: Callable[[Scope], Rules] | None = None  # the same rules as data, checked in Python on a loaded row
    own_compartment: bool = False  # the row itself may be recorded under the 要対協, not only through its case

    def python_rules(self, scope: Scope) -> Rules:
        if self.rules is None:
            raise TypeError("the policy checks this model's rows in SQL only (`visible`)")
        return self.rules(scope)


# The one table from model to its rules. Person, Household and Case carry their rules as data, so that a row
# loaded by a plain key (`checked`, `checked_rows`) is checked in Python with no query; the rows about a case
# follow it.
KINDS: dict[type[Model], _Kind] = {
    Person: _Kind(Scope.person_conditions, Scope.person_rules),
    Household: _Kind(Scope.household_conditions, Scope.household_rules),
    Case: _Kind(Scope.case_conditions, Scope.case_rules),
    CaseNote: _Kind(_note_conditions, own_compartment=True),
    SupportPlan: _Kind(_following_case),
    Consultation: _Kind(_consultation_conditions, own_compartment=True),
    PersonConcern: _Kind(_person_concern_conditions, own_compartment=True),
    Referral: _Kind(_referral_conditions),
}


@dataclass(frozen=True)
class Recorded:
    """The rows of a model an agency sees because it recorded them (OWN_AGENCY), whatever else holds, written on
    the row's own columns: a part of `visible` that a count may read by index, asking `visible` about the other
    rows only (reports.rows: an agency's own consultations of a year are tens of thousands on a 政令市, each of which
    `visible` joins to its case and person). `outside`: what else such a row must be — outside the 要対協's
    compartment (`_outside_council`). tests/sharing/test_recorded.py holds each to `visible`."""

    agency: str  # the column of the agency that recorded the row
    outside: Q | None = None

    def mine(self, model: type[Model], agency_id: int) -> Q:
        """The rows `agency_id` recorded and sees on that alone (archived rows are seen by no one)."""
        q = Q(**{self.agency: agency_id}) & (self.outside or Q())
        return q & Q(archived_at__isnull=True) if hasattr(model, "archived_at") else q


# Consultations taken by the agency outside the compartment (`_consultation_conditions`); referrals it sent
# (`_referral_conditions`: the sender always sees what it sent).
RECORDED: dict[type[Model], Recorded] = {
    Consultation: Recorded("agency_id", _outside_council(B.OWN_AGENCY)),
    Referral: Recorded("from_agency_id"),
}


def recorded(model: type[Model]) -> Recorded | None:
    """How the rows of `model` an agency recorded are seen by it alone; None: no such rule on the row's columns."""
    return RECORDED.get(model)


def _kind(model: type[Model]) -> _Kind:
    kind = KINDS.get(model)
    if kind is None:
        raise TypeError(f"policy does not know {model.__name__}")
    return kind


def _conditions_for(model: type[Model], scope: Scope) -> Conditions:
    kind = _kind(model)
    conditions = kind.conditions(scope)
    if not kind.own_compartment:
        return conditions
    return {b: _outside_council(b) & q for b, q in conditions.items()}


# ----------------------------------------------------------------------------------------------------------
# Querysets for lists and searches
# ----------------------------------------------------------------------------------------------------------


def _any(conditions: Conditions) -> Q:
    combined = Q()
    for q in conditions.values():
        combined |= q
    return combined


def _flags(conditions: Conditions) -> "dict[str, ExpressionWrapper[Q]]":
    return {f"basis_{b}": ExpressionWrapper(q, output_field=BooleanField()) for b, q in conditions.items()}


def _annotated(qs: "QuerySet[M]", conditions: Conditions) -> "QuerySet[M]":
    """Filters to visible rows and annotates each with one boolean per basis (read back by `access_of`)."""
    annotated: QuerySet[M] = qs.filter(_any(conditions)).annotate(**_flags(conditions))
    return annotated


def visible(qs: "QuerySet[M]", actor: Acting | None, *, today: date | None = None,
            with_basis: bool = False) -> "QuerySet[M]":
    """The rows of `qs` the actor may see (archived rows left out). `with_basis` annotates each row with one
    boolean per basis; lists leave it off and `log_reads` asks for the bases of the displayed rows only."""
    scope = _scope(actor, today)
    if scope is None:
        return qs.none()
    if hasattr(qs.model, "archived_at"):
        qs = qs.filter(archived_at__isnull=True)
    conditions = _conditions_for(qs.model, scope)
    if not with_basis:
        return qs.filter(_any(conditions))
    # filter on the annotations: each condition is compiled once, not twice
    any_flag = Q()
    for basis in conditions:
        any_flag |= Q(**{f"basis_{basis}": True})
    flagged: QuerySet[M] = qs.annotate(**_flags(conditions)).filter(any_flag)
    return flagged


def within_case(qs: "QuerySet[M]", actor: Acting, case: Case) -> "QuerySet[M]":
    """Rows of a case (notes, plans, assessments, consultations) for an actor who has been given the case by
    `get_or_404` (which put its basis on it). They follow the case, except that rows recorded under the
    要保護児童対策地域協議会 need that basis (`_outside_council`). Cheaper than `visible` on a page that already holds
    the case."""
    access = access_of(case)
    if access is None or _scope(actor) is None:
        return qs.none()
    qs = qs.filter(case_id=case.pk)
    if hasattr(qs.model, "archived_at"):
        qs = qs.filter(archived_at__isnull=True)
    kind = KINDS.get(qs.model)
    if kind is not None and kind.own_compartment:
        in_council = getattr(case, f"basis_{B.CHILD_PROTECTION_COUNCIL}", access.basis == B.CHILD_PROTECTION_COUNCIL)
        qs = qs.filter(_outside_council(B.CHILD_PROTECTION_COUNCIL if in_council else access.basis))
    return qs.filter(_naming_within_case(qs.model, actor))


def _naming_within_case(model: type[Model], actor: Acting) -> Q:
    """世帯の一人ひとり within a case the actor holds: a row naming members needs a basis for each, unless her agency
    recorded it."""
    scope = _scope(actor)
    if scope is None:
        return Q(pk__in=[])
    if model is CaseNote:
        return Q(agency_id=scope.agency_id) | scope.names_visible(CaseNote)
    if model in (Consultation, PersonConcern):
        return Q(agency_id=scope.agency_id) | Q(person__isnull=True) | _any(scope.person_conditions("person_id"))
    return Q()


def named_rows(qs: "QuerySet[M]", actor: Acting, *, recorded_by: str = "") -> "QuerySet[M]":
    """Of rows that may name members (`members`: plan rows, agenda and action items) and that the actor reads
    through something she already holds (the plan of a case she sees, a meeting she sits on), those whose every
    named member she has a basis for — or that her agency recorded (`recorded_by`: the agency column, e.g.
    "plan__agency_id"). The one rule of 世帯の一人ひとり for rows outside `KINDS`."""
    scope = _scope(actor)
    if scope is None:
        return qs.none()
    allowed = scope.names_visible(qs.model)
    if recorded_by:
        allowed = Q(**{recorded_by: scope.agency_id}) | allowed
    return qs.filter(allowed)


def names_visible(actor: Acting, model: type[Model], ref: str = "pk") -> Q:
    """`Scope.names_visible` for the actor (no basis at all: no row)."""
    scope = _scope(actor)
    return scope.names_visible(model, ref) if scope is not None else Q(pk__in=[])


_ACCESS = "_policy_access"  # on a row passed to `log_reads` without basis_* flags: the Access found for it


def access_of(obj: Model) -> Access | None:
    """The first basis (in ORDER) found for a row from `visible(with_basis=True)` or passed to `log_reads`."""
    attached: Access | None = getattr(obj, _ACCESS, None)
    if attached is not None:
        return attached
    for basis in ORDER:
        if getattr(obj, f"basis_{basis}", False):
            return Access(basis, _detail(basis))
    return None


def _detail(basis: str) -> str:
    return str(SharingBasis(basis).label)


def _attach_access(actor: Acting, objs: list[Model]) -> None:
    """One query per model for the rows that do not carry their bases yet."""
    by_model: dict[type[Model], list[Model]] = {}
    for obj in objs:
        if not hasattr(obj, f"basis_{B.OWN_AGENCY}") and not hasattr(obj, _ACCESS):
            by_model.setdefault(type(obj), []).append(obj)
    for model, rows in by_model.items():
        flagged = visible(model._default_manager.filter(pk__in=[r.pk for r in rows]), actor, with_basis=True).only("pk")
        found = {row.pk: access_of(row) for row in flagged}
        for row in rows:
            setattr(row, _ACCESS, found.get(row.pk))


# ----------------------------------------------------------------------------------------------------------
# Single objects: get-or-404 with the read logged
# ----------------------------------------------------------------------------------------------------------


def get_or_404(model: type[M], actor: Actor, pk: int | str | None, *, action: str = AccessAction.VIEW, path: str = "",
               queryset: "QuerySet[M] | None" = None) -> M:
    """The row if the actor has a basis for it, else Http404. The read is logged with the basis found."""
    key = _int_or_none(pk)
    obj = checked(model, actor, key, queryset=queryset) if key is not None else None
    if obj is None:
        raise Http404
    log_reads(actor, [obj], action=action, path=path)
    if model is Case:
        _context(actor).cases[obj.pk] = True
    return obj


def _int_or_none(pk: int | str | None) -> int | None:
    """A key as the URL or the API gave it; None when it is not a number."""
    if pk is None:
        return None
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


def visible_case_ids(actor: Acting, case_ids: Iterable[int | str]) -> list[int]:
    """Of `case_ids`, the cases the actor may see: for plug-ins that add rows about cases to a page (timeline
    entries, panels). Remembered in the actor's PolicyContext for the request, and seeded by `get_or_404`, so the
    plug-ins of a page that already holds its case ask no SQL."""
    ids = {int(i) for i in case_ids}
    known = _context(actor).cases
    unknown = ids - known.keys()
    if unknown:
        found = set(visible(Case.objects.filter(pk__in=unknown), actor).values_list("pk", flat=True))
        known.update({i: i in found for i in unknown})
    return sorted(i for i in ids if known[i])


def checked(model: type[M], actor: Acting, pk: int | str | None, *, queryset: "QuerySet[M] | None" = None) -> M | None:
    """The row with its basis_* flags (as `visible(with_basis=True)` sets them), or None without a basis. NOT
    logged: for a page that logs it with the other rows it shows (`log_reads`); otherwise use get_or_404.

    A model whose rules are data (`KINDS`: Person, Household, Case) is read alone and checked in Python."""
    key = _int_or_none(pk)
    if key is None:
        return None
    qs = queryset if queryset is not None else model._default_manager.all()
    if _kind(model).rules is None:
        return visible(qs, actor, with_basis=True).filter(pk=key).first()
    if _scope(actor) is None:
        return None
    obj = qs.filter(pk=key).first()
    return next(iter(checked_rows(actor, [obj] if obj is not None else [])), None)


def checked_rows(actor: Acting, rows: Iterable[M]) -> list[M]:
    """Of Person, Household or Case rows already loaded, those the actor may see (archived ones left out), each
    with its basis_* flags — the same rules as `visible`, checked in Python (`Scope.bases_of`), no query. For a
    page that reads a few rows by a plain key (a household's members) and logs them with `log_reads`."""
    scope = _scope(actor)
    if scope is None:
        return []
    shown = []
    for obj in rows:
        if _kind(type(obj)).rules is None:
            raise TypeError(f"checked_rows does not know {type(obj).__name__}")
        if getattr(obj, "archived_at", None) is not None:
            continue
        found = scope.bases_of(obj)
        for basis in ORDER:
            setattr(obj, f"basis_{basis}", basis in found)
        if found:
            shown.append(obj)
    return shown


def basis_for(obj: Model, actor: Acting, *, today: date | None = None) -> Access | None:
    """Which basis lets the actor see `obj` (without logging). None: no basis, the caller must 404."""
    row = visible(type(obj)._default_manager.filter(pk=obj.pk), actor, today=today, with_basis=True).first()
    return access_of(row) if row is not None else None


def log_reads(actor: Actor, objs: Iterable[Model], *, action: str = AccessAction.VIEW, path: str = "") -> int:
    """Logs reads of rows returned by `visible`, each with its basis (looked up for the given rows only)."""
    rows = list(objs)
    _attach_access(actor, rows)
    reads = []
    for obj in rows:
        access = access_of(obj)
        if access is not None:
            reads.append((obj, access.basis, access.detail))
    if not reads:
        return 0
    return access_log_record(actor=actor, reads=reads, action=action, path=path)


# ----------------------------------------------------------------------------------------------------------
# Editing
# ----------------------------------------------------------------------------------------------------------


def may_edit(obj: Model, actor: Acting) -> bool:
    """Edit rights on a row the actor can already see (see the module docstring for the rules)."""
    if _scope(actor) is None:
        return False
    if isinstance(obj, CaseNote):
        return bool(obj.agency_id == actor.agency_id)
    if isinstance(obj, SupportPlan):
        obj = obj.case
    if isinstance(obj, Case):
        return actor.agency_id in (obj.agency_id, obj.lead_agency_id)
    access = access_of(obj) or basis_for(obj, actor)
    return access is not None and access.basis == B.OWN_AGENCY


# ----------------------------------------------------------------------------------------------------------
# Search, suggestions and the "known elsewhere" signal
# ----------------------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return search_key(text).replace("|", "")


def search_persons(actor: Acting, text: str, *, queryset: "QuerySet[Person] | None" = None,
                   with_basis: bool = False) -> "QuerySet[Person]":
    """Visible persons whose name or reading contains `text` (髙/高, かな/カナ, half-width, spaces ignored), in
    ふりがな order off an index (`people.search_index`), the whole list for no text. `with_basis` as for `visible`:
    a page that logs what it shows saves the bases' own query."""
    qs = queryset if queryset is not None else Person.objects.all()
    return visible(_matching(qs, text, actor), actor, with_basis=with_basis)


def search_households(actor: Acting, text: str, *, with_basis: bool = False) -> "QuerySet[Household]":
    """As `search_persons`, in name order."""
    return visible(_matching(Household.objects.all(), text, actor), actor, with_basis=with_basis)


def search_persons_to_count(actor: Acting, text: str) -> "QuerySet[Person]":
    """The rows of `search_persons`, as a query to count (core.pagination.capped_page's `counted`): the candidates
    narrowed on the index to the Scope's holders — a piece of a row the agency recorded, or of a listed id — and
    nothing of `visible` again. They are the same rows: the narrowing is the person rules' own alternatives
    (`Scope.holders`), and each piece carries its row's recording agency, written with the row
    (`people.search_index.reindex`, on every save that changes either). `visible`'s conditions on top are the same
    condition again, which PostgreSQL takes for an independent one: it then expects a tenth of the rows, and a count
    of up to a hundred read every person of the agency to sort them (the metro's 自立相談, 15–90 ms) instead of
    walking the piece's holders (1–12 ms). A number only — the rows shown are always `search_persons`';
    tests/sharing/test_row_bases.py holds the two to the same rows for every agency of the town."""
    if _scope(actor) is None or not search_index.grams(_key(text)):  # no piece to narrow on: the search itself
        return search_persons(actor, text)
    return _matching(Person.objects.filter(archived_at__isnull=True), text, actor)


def _matching(qs: "QuerySet[M]", text: str, actor: Acting) -> "QuerySet[M]":
    """The name filter first: it narrows the rows the sharing conditions are evaluated on. The candidates are read
    off the search index already narrowed to the Scope's holders (`Scope.holders`) — an agency's own rows and its
    listed ids; `visible` then says on which basis each is seen. On a 政令市 a small agency's common name is held
    mostly by other agencies' persons: they are passed over on the index, their rows never read."""
    key = _key(text)
    if not key:
        return search_index.in_list_order(qs)
    scope = _scope(actor)
    if scope is None:
        return search_index.containing(qs, key)
    agencies, ids = scope.holders(qs.model)

    def holders(agency_column: str, row_column: str) -> Q:
        return _among(agency_column, agencies) | _among(row_column, ids)

    return search_index.containing(qs, key, holders=holders)


def suggest_own_persons(actor: Actor, text: str, limit: int = 8) -> list[Person]:
    """Intake suggestions: the acting agency's own matching records only (logged as 候補表示)."""
    key = _key(text)
    if len(key) < 2:
        return []
    scope = _scope(actor)
    if scope is None:
        return []
    rows = list(search_persons(actor, text).filter(scope.own_person())[:limit])
    log_reads(actor, rows, action=AccessAction.SUGGEST)
    return rows


def known_elsewhere(actor: Acting, text: str, *, birth_date: date | None = None) -> bool:
    """True when a person matching `text` exists in records the actor may NOT see. Nothing more is revealed."""
    scope = _scope(actor)
    key = _key(text)
    if scope is None or len(key) < 2:
        return False
    matches = search_index.containing(Person.objects.filter(archived_at__isnull=True), key)
    if birth_date is not None:
        matches = matches.filter(Q(birth_date=birth_date) | Q(birth_date__isnull=True))
    return matches.exclude(_any(scope.person_conditions())).exists()


def holder_agencies(text: str) -> list[int]:
    """For an 照会 (seen by the coordinator only): the agencies recording a person matching `text`."""
    key = _key(text)
    if len(key) < 2:
        return []
    rows = search_index.containing(Person.objects.filter(archived_at__isnull=True), key)
    return sorted(set(rows.values_list("agency_id", flat=True)))


# ----------------------------------------------------------------------------------------------------------
# Referrals and emergency disclosure
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AgencyActor:
    """The receiving agency, reasoned about as if it were acting (for "may this agency see it?")."""

    agency_id: int
    role: str = Role.WORKER


def agency_may_see(agency: Agency, obj: Model, *, today: date | None = None) -> Access | None:
    return basis_for(obj, _AgencyActor(agency.pk), today=today)


def referral_target_allowed(*, case: Case, person: Person | None, to_agency: Agency) -> bool:
    """A referral can be sent only to an agency some basis covers for its subject."""
    subject: Model = person if person is not None else case
    return agency_may_see(to_agency, subject) is not None


def disclosure_log(actor: Actor, objs: Iterable[Model], *, to_agency: Agency, access: Access, what: str,
                   path: str = "") -> int:
    """Logs a disclosure the actor's agency made (a 移管, a meeting's agenda item or member): each row opened to
    `to_agency`, under the basis that agency holds (`access`, from `agency_may_see`)."""
    detail = f"{what} → {to_agency.name}（{access.label}）"
    return access_log_record(actor=actor, reads=[(obj, access.basis, detail) for obj in objs],
                             action=AccessAction.DISCLOSE, path=path)


def agencies_covering(obj: Model, agencies: Iterable[Agency]) -> list[Agency]:
    """The agencies (of `agencies`) that some basis covers for `obj`: the referral form offers only these."""
    return [a for a in agencies if agency_may_see(a, obj) is not None]


# ==========================================================================================================
# Meetings: who reads a meeting's record, and on which basis; 重層的支援会議 consent; アウトリーチ
# ==========================================================================================================

# What a member reads a meeting's record (minutes, decisions, agenda talk) on. Other kinds share nothing
# personal by law, so a member reads their record as her own agency's business.
MEETING_BASIS: dict[str, str] = {
    MeetingKind.SUPPORT_MEETING: B.SUPPORT_MEETING,
    MeetingKind.CHILD_PROTECTION_COUNCIL: B.CHILD_PROTECTION_COUNCIL,
    MeetingKind.MULTI_AGENCY_MEETING: B.CONSENT,
}


def _meeting_basis(meeting: Meeting) -> str:
    return MEETING_BASIS.get(meeting.kind, B.OWN_AGENCY)


def seated(today: date) -> Q:
    """On MeetingMember: a member who sits today — joined, not left, and her 守秘義務の誓約 recorded on or before
    today. Until the pledge she sees nothing of the meeting (its record, its agenda's cases and households, the
    要対協 compartment); from the pledge on she sees at once. The one condition for `Scope._agenda` and
    `visible_meetings`."""
    return _current("joined_on", "left_on", today) & Q(confidentiality_pledged_on__lte=today)


def visible_meetings(qs: "QuerySet[Meeting]", actor: Acting, *, today: date | None = None) -> "QuerySet[Meeting]":
    """Meetings whose record the actor may read: her agency is a current member whose pledge is recorded
    (`seated`). Former members keep their duty of confidentiality, not their access; the administrator reads
    none."""
    scope = _scope(actor, today)
    if scope is None:
        return qs.none()
    return qs.filter(pk__in=MeetingMember.objects.filter(seated(scope.today), agency_id=scope.agency_id).values("meeting_id"))


def meeting_access(meeting: Meeting, actor: Acting, *, today: date | None = None) -> Access | None:
    if not visible_meetings(Meeting.objects.filter(pk=meeting.pk), actor, today=today).exists():
        return None
    return Access(_meeting_basis(meeting), f"会議の構成員（{meeting.title}）"[:200])


MeetingRow = TypeVar("MeetingRow", Meeting, Sitting)


def meeting_get_or_404(model: type[MeetingRow], actor: Actor, pk: int | str | None, *,
                       action: str = AccessAction.VIEW, path: str = "") -> MeetingRow:
    """A meeting (model=Meeting) or one of its sittings (model=Sitting) for a current member; Http404 otherwise.
    The read is logged with the meeting's basis."""
    key = _int_or_none(pk)
    if key is None:
        raise Http404
    try:
        obj = model._default_manager.select_related(*([] if model is Meeting else ["meeting"])).get(pk=key)
    except model.DoesNotExist:
        raise Http404 from None
    meeting = obj if isinstance(obj, Meeting) else obj.meeting
    access = meeting_access(meeting, actor)
    if access is None:
        raise Http404
    access_log_record(actor=actor, reads=[(obj, access.basis, access.detail)], action=action, path=path)
    return obj


def meeting_change_logged(actor: Actor, meeting: Meeting, objs: Iterable[Model], *, detail: str, path: str = "") -> int:
    """A change to a meeting's members, pledges or agenda, or a proposal to its agenda, in the access log: each
    changed row, on the meeting's basis, as an edit."""
    basis = _meeting_basis(meeting)
    return access_log_record(actor=actor, reads=[(obj, basis, f"{detail}（{meeting.title}）"[:200]) for obj in objs],
                             action=AccessAction.EDIT, path=path)


def meeting_disclosure_logged(actor: Actor, item: AgendaItem, *, path: str = "") -> int:
    """An agenda item of a 支援会議 or 要対協 opens its case or household to every seated member: a disclosure,
    logged on the meeting's legal basis. An agenda item of another kind opens nothing (each member reads it on
    a basis of her own), so nothing is logged."""
    meeting = item.meeting
    if meeting.kind not in (MeetingKind.SUPPORT_MEETING, MeetingKind.CHILD_PROTECTION_COUNCIL):
        return 0
    subject: Model | None = item.case if item.case_id else item.household
    if subject is None:
        return 0
    detail = f"検討事項として構成員に提供（{meeting.title}）"[:200]
    return access_log_record(actor=actor, reads=[(subject, _meeting_basis(meeting), detail)],
                             action=AccessAction.DISCLOSE, path=path)


@dataclass(frozen=True)
class ConsentCoverage:
    """What a 重層的支援会議 may share of a case or household (`consent_coverage`).

    `missing`: the agencies that block the item altogether — for a person, those holding neither her as their
    own nor her consent; for a household, every agency when no member is covered. `members`: the household's
    members whose consent (or own record) covers every member agency — the only ones the item shares.
    `left_out`: the others, each with why (不同意 / 同意の記録なし), for readers who may see them."""

    missing: list[int]
    members: list[int] = field(default_factory=list)
    left_out: dict[int, str] = field(default_factory=dict)

    def left_out_summary(self) -> str:
        """Who is left out, in words every member of the meeting may read: counts, never names."""
        if not self.left_out:
            return ""
        refused = sum(1 for why in self.left_out.values() if why == LEFT_OUT_REFUSED)
        parts = [f"{LEFT_OUT_REFUSED}{refused}名"] if refused else []
        if len(self.left_out) - refused:
            parts.append(f"{LEFT_OUT_NO_CONSENT}{len(self.left_out) - refused}名")
        return f"世帯員{len(self.left_out)}名（{'、'.join(parts)}）は、本人同意がないため共有していません。"


LEFT_OUT_REFUSED = "不同意"
LEFT_OUT_NO_CONSENT = "同意の記録なし"


def consent_coverage(obj: Case | Household, agency_ids: Iterable[int], *, today: date | None = None) -> ConsentCoverage:
    """重層的支援会議 rests on consent, member by member (世帯の一人ひとり). A case about one person is covered when
    every agency holds her as its own or holds her consent (`consent_missing`). A household — a household case,
    or a household alone — is shared only through the members whose consent covers every agency; the others
    are left out, and a refusal (不同意) to any of the agencies says why."""
    today = today or timezone.localdate()
    agency_ids = sorted(set(agency_ids))
    household = obj.household if isinstance(obj, Case) else obj
    if household is None:
        subject = [obj.person_id] if isinstance(obj, Case) and obj.person_id is not None else []
        return ConsentCoverage(consent_missing(obj, agency_ids, today=today), subject)
    members = [m.person for m in HouseholdMember.objects.filter(
        _current("joined_on", "left_on", today), household=household, person__archived_at__isnull=True,
    ).select_related("person").order_by("pk")]
    scopes = [Scope(a, today) for a in agency_ids]
    lacking = {p.pk: [s.agency_id for s in scopes if not {B.OWN_AGENCY, B.CONSENT} & set(s.bases_of(p))] for p in members}
    refusals = set(Consent.objects.filter(person_id__in=list(lacking), decision=ConsentDecision.REFUSED,
                                          given_on__lte=today, agencies__in=agency_ids or [0])
                   .values_list("person_id", "agencies"))
    covered = [p for p, missing in lacking.items() if not missing]
    left_out = {p: LEFT_OUT_REFUSED if any((p, a) in refusals for a in missing) else LEFT_OUT_NO_CONSENT
                for p, missing in lacking.items() if missing}
    return ConsentCoverage([] if covered else agency_ids, covered, left_out)


def consent_missing(obj: Case | Household, agency_ids: Iterable[int], *, today: date | None = None) -> list[int]:
    """重層的支援会議: the agencies (of `agency_ids`) that neither hold `obj` (a Case or Household) as their own
    nor are named in an active 本人同意 covering it. Empty means the case may be taken up with consent."""
    today = today or timezone.localdate()
    missing = []
    for agency_id in agency_ids:
        conditions = _conditions_for(type(obj), Scope(agency_id, today))
        if not type(obj)._default_manager.filter(conditions[B.OWN_AGENCY] | conditions[B.CONSENT], pk=obj.pk).exists():
            missing.append(agency_id)
    return missing


def visible_outreach(qs: "QuerySet[M]", actor: Acting, *, today: date | None = None) -> "QuerySet[M]":
    """アウトリーチ records: the agency that recorded one sees it; others see it only with a basis for the person
    or household it is about (an entry about someone not yet identified stays with its agency)."""
    scope = _scope(actor, today)
    if scope is None:
        return qs.none()
    # on the entry's own person and household columns (joined), not "person_id IN (every person the agency may
    # see)": the entries are a few hundred, the agency's persons ten thousand
    person_q, household_q = scope.person_conditions("person_id"), scope.household_conditions("household_id")
    conditions: Conditions = {b: person_q[b] | household_q[b] for b in ORDER}
    conditions[B.VITAL_INTEREST] = Q(pk__in=[])  # an emergency disclosure opens the provider's cases, not these
    conditions[B.OWN_AGENCY] |= Q(agency_id=scope.agency_id)
    return _annotated(qs.filter(archived_at__isnull=True), conditions)


# ---------------------------------------------------------------------------------------------------------
# 名寄せの確認 (linkage review)
# ---------------------------------------------------------------------------------------------------------


def linkage_review_persons(actor: Actor, ids: Iterable[int], *, path: str = "") -> dict[int, Person]:
    """The identity fields of the persons in 名寄せ review pairs, for the coordinator only.

    Deciding whether two agencies' rows are one person needs both rows side by side, before any other basis can
    exist: the municipality designates the 多機関協働 coordinator for this task. Rows she already has a basis for
    are logged with that basis; the others under LINKAGE_REVIEW, so every such read stays reviewable. Nobody else
    gets anything (the caller answers 404).
    """
    if not actor.is_coordinator:
        return {}
    wanted = set(ids)
    base = Person.objects.select_related("agency").filter(archived_at__isnull=True)
    shown = {p.pk: p for p in visible(base.filter(pk__in=wanted), actor)}
    log_reads(actor, shown.values(), action=AccessAction.VIEW, path=path)
    others = list(base.filter(pk__in=wanted - shown.keys()))
    if others:
        access_log_record(actor=actor, reads=[(p, SharingBasis.LINKAGE_REVIEW, "名寄せの確認") for p in others],
                          action=AccessAction.VIEW, path=path)
    return {**shown, **{p.pk: p for p in others}}


# ==========================================================================================================
# 本人の権利: who holds her information (支援チームのお知らせ), 開示請求, 転出
# ==========================================================================================================


@dataclass(frozen=True)
class TeamEntry:
    """One agency of her 支援チーム: each basis (in ORDER) on which it sees her, with the day it began."""

    agency: Agency
    bases: list[tuple[str, date | None]]

    def labels(self) -> list[tuple[str, date | None]]:
        return [(str(SharingBasis(b).label), since) for b, since in self.bases]


def agencies_seeing(person: Person, *, today: date | None = None) -> list[TeamEntry]:
    """The agencies that hold or see `person` today, each with its bases and since when — for the letter she may ask
    for (支援チームのお知らせ). Asked of every agency's Scope with the very rules `visible` and `basis_for` use
    (`Scope.bases_of`, held to the SQL by tests/sharing/test_row_bases.py), so the letter cannot disagree with the
    policy: an agency is listed exactly when `agency_may_see(agency, person)` holds."""
    today = today or timezone.localdate()
    if person.archived_at is not None:
        return []
    entries = []
    for agency in Agency.objects.order_by("name", "pk"):
        scope = Scope(agency.pk, today)
        bases = scope.bases_of(person)
        if bases:
            entries.append(TeamEntry(agency, [(b, _since(scope, person, b)) for b in bases]))
    return entries


def _since(scope: Scope, person: Person, basis: str) -> date | None:
    """The day a basis began for `scope`'s agency: her record made, the case led (its 移管), the agenda item met
    the agency's seat, the consent in force given, the emergency disclosure made."""
    a, today = scope.agency_id, scope.today
    if basis == B.OWN_AGENCY:
        if person.agency_id == a:
            return timezone.localtime(person.created_at).date()
        led = Case.objects.filter(person=person, lead_agency_id=a).order_by("opened_on").first()
        if led is None:
            return None
        moved = led.transfers.filter(to_agency_id=a).order_by("transferred_at").first()
        return timezone.localtime(moved.transferred_at).date() if moved else led.opened_on
    if basis in (B.SUPPORT_MEETING, B.CHILD_PROTECTION_COUNCIL):
        kind = MeetingKind.SUPPORT_MEETING if basis == B.SUPPORT_MEETING else MeetingKind.CHILD_PROTECTION_COUNCIL
        households = scope.households_of([person.pk])
        cases = Case.objects.filter(Q(person=person) | Q(household_id__in=households)).values("pk")
        items = scope._agenda(kind).filter(Q(case_id__in=cases) | Q(household_id__in=households))
        seats: dict[int, date] = {}  # per meeting, the day the agency's seat began: joined and pledged
        for m, *days in MeetingMember.objects.filter(seated(today), agency_id=a, meeting__kind=kind).values_list(
                "meeting_id", "joined_on", "confidentiality_pledged_on"):
            seats[m] = min(seats.get(m, today), max(d for d in days if d is not None))
        began = [max(d for d in (added, seats[m]) if d is not None)
                 for m, added in items.values_list("meeting_id", "added_on") if m in seats]
        return min(began, default=None)
    if basis == B.CONSENT:
        refused = Consent.objects.filter(person=person, agencies=a, decision=ConsentDecision.REFUSED,
                                         given_on__lte=today).order_by("-given_on").values_list("given_on", flat=True)
        after = refused.first()
        given = [c.given_on for c in Consent.objects.filter(person=person, agencies=a, decision=ConsentDecision.GIVEN)
                 if c.is_active(today) and (after is None or c.given_on >= after)]
        return min(given, default=None)
    if basis == B.VITAL_INTEREST:
        first = scope._vital().filter(person=person).order_by("disclosed_at").first()
        return timezone.localtime(first.disclosed_at).date() if first else None
    return None


def leads_person(person: Person, actor: Acting) -> bool:
    """The person's lead agency: it leads a case about her or a household she lives in — or, when she has no case,
    it recorded her. With the coordinator, the only ones who print her 支援チームのお知らせ."""
    scope = _scope(actor)
    if scope is None:
        return False
    households = scope.households_of([person.pk])
    about_her = Case.objects.filter(Q(person=person) | Q(household_id__in=households), archived_at__isnull=True)
    if about_her.filter(lead_agency_id=scope.agency_id).exists():
        return True
    return person.agency_id == scope.agency_id and not about_her.exists()


def team_letter_logged(actor: Actor, person: Person, *, detail: str, path: str = "") -> int:
    """A print of the 支援チームのお知らせ, logged with her request (`detail`) on the printer's basis."""
    access = basis_for(person, actor)
    if access is None:
        return 0
    return access_log_record(actor=actor, reads=[(person, access.basis, f"{detail}（{access.label}）")],
                             action=AccessAction.PRINT, path=path)


@dataclass
class DisclosedRows:
    """Every row about the persons of a 開示請求 (one per agency that recorded her), across agencies: the households
    she lives or lived in with their members, the cases about her or them, and their consultations, concerns,
    notes, plans and referrals. Other members' rows are here too — the bundle marks them for the 不開示 review."""

    persons: list[Person]
    memberships: list[HouseholdMember]
    cases: list[Case]
    consultations: list[Consultation]
    concerns: list[PersonConcern]
    notes: list[CaseNote]
    plans: list[SupportPlan]
    referrals: list[Referral]

    def all(self) -> list[Model]:
        rows: list[Model] = [*self.persons, *{m.household_id: m.household for m in self.memberships}.values()]
        others = {m.person_id: m.person for m in self.memberships if m.person_id not in {p.pk for p in self.persons}}
        return [*rows, *others.values(), *self.cases, *self.consultations, *self.concerns, *self.notes, *self.plans,
                *self.referrals]


def disclosure_request_open(actor: Acting, request: DisclosureRequest, *, today: date | None = None) -> bool:
    """DISCLOSURE_REQUEST holds for the coordinator of the agency that received the request, while it is open."""
    today = today or timezone.localdate()
    return (actor.role == Role.COORDINATOR and actor.agency_id == request.agency_id and request.is_open(today))


def disclosure_request_rows(actor: Actor, request: DisclosureRequest, *, action: str = AccessAction.PRINT,
                            path: str = "") -> DisclosedRows | None:
    """The rows of a 開示請求, for its coordinator while it is open — a basis of its own, outside every agency's
    Scope (nobody else gains anything, and it ends with the request). Every row read is logged under
    DISCLOSURE_REQUEST with the request's 受付番号 and date. None when the basis does not hold (the caller 404s)."""
    if not disclosure_request_open(actor, request):
        return None
    persons = list(request.persons.filter(archived_at__isnull=True).select_related("agency").order_by("pk"))
    ids = [p.pk for p in persons]
    mine = HouseholdMember.objects.filter(person_id__in=ids).values("household_id")
    memberships = list(HouseholdMember.objects.filter(household_id__in=mine, person__archived_at__isnull=True)
                       .select_related("household", "person").order_by("household_id", "pk"))
    households = {m.household_id for m in memberships}
    cases = list(Case.objects.filter(Q(person_id__in=ids) | Q(household_id__in=households), archived_at__isnull=True)
                 .select_related("agency", "lead_agency").order_by("opened_on", "pk"))
    case_ids = [c.pk for c in cases]
    about = Q(person_id__in=ids) | Q(case_id__in=case_ids)
    rows = DisclosedRows(
        persons, memberships, cases,
        list(Consultation.objects.filter(about, archived_at__isnull=True).select_related("agency", "person")
             .order_by("received_on", "pk")),
        list(PersonConcern.objects.filter(about, archived_at__isnull=True).select_related("agency", "person")
             .order_by("noted_on", "pk")),
        list(CaseNote.objects.filter(case_id__in=case_ids, archived_at__isnull=True).select_related("agency")
             .prefetch_related("members").order_by("written_on", "pk")),
        list(SupportPlan.objects.filter(case_id__in=case_ids).select_related("agency").order_by("created_at", "pk")),
        list(Referral.objects.filter(about).select_related("from_agency", "to_agency", "person")
             .order_by("sent_at", "pk")),
    )
    detail = f"開示請求 受付番号{request.receipt_number}（{request.received_on:%Y-%m-%d}受付）"
    access_log_record(actor=actor, reads=[(row, B.DISCLOSURE_REQUEST, detail) for row in rows.all()],
                      action=action, path=path)
    return rows


def external_disclosure_logged(actor: Actor, objs: Iterable[Model], *, basis: str, detail: str, path: str = "") -> int:
    """A disclosure outside the installation (転出: a bundle handed to another municipality): each row it carries,
    on the basis that allows it, logged as DISCLOSE."""
    return access_log_record(actor=actor, reads=[(obj, basis, detail) for obj in objs], action=AccessAction.DISCLOSE,
                             path=path)


def move_ins_logged(actor: Actor, rows: Iterable[Model], *, path: str = "") -> int:
    """The coordinator reads the 転入 bundles other municipalities handed over on each person's consent: the page's
    rows in one insert."""
    reads = [(row, B.CONSENT, f"転入の引継ぎ（{getattr(row, 'from_municipality', '')}から、転出元の本人同意）")
             for row in rows]
    return access_log_record(actor=actor, reads=reads, action=AccessAction.VIEW, path=path) if reads else 0


# ==========================================================================================================
# 相談の申込み (inquiries.HelpRequest): what a resident sent from the public form
# ==========================================================================================================
# A sending is owned by the coordinator's agency. Until it is answered only that agency's coordinators read it (not
# its other staff); passed to an agency (a disclosure, logged), it is read by that agency and the coordinator only.
# The rows are read by their columns (owner_agency_id, passed_to_id), so this module needs no import of the app.

HELP_REQUEST_OWNER = "相談の申込み（受付機関の相談支援包括化推進員）"
HELP_REQUEST_RECEIVER = "相談の申込み（引継ぎ先の機関）"


def help_requests_visible(qs: "QuerySet[M]", actor: Acting) -> "QuerySet[M]":
    """Of `qs` (HelpRequest rows), those the actor may read."""
    if actor.agency_id is None or actor.role == Role.ADMIN:
        return qs.none()
    rule = Q(passed_to_id=actor.agency_id)
    if actor.role == Role.COORDINATOR:
        rule |= Q(owner_agency_id=actor.agency_id)
    return qs.filter(rule)


def _help_request_detail(actor: Acting, row: Model) -> str:
    owner = actor.role == Role.COORDINATOR and getattr(row, "owner_agency_id", None) == actor.agency_id
    return HELP_REQUEST_OWNER if owner else HELP_REQUEST_RECEIVER


def help_requests_logged(actor: Actor, rows: Iterable[M], *, action: str = AccessAction.LIST, path: str = "") -> list[M]:
    """Logs the reads of HelpRequest rows already narrowed by `help_requests_visible` (a queue's page)."""
    shown = list(rows)
    if shown:
        access_log_record(actor=actor, reads=[(r, B.OWN_AGENCY, _help_request_detail(actor, r)) for r in shown],
                          action=action, path=path)
    return shown


def help_request_get_or_404(qs: "QuerySet[M]", actor: Actor, pk: int | str | None, *,
                            action: str = AccessAction.VIEW, path: str = "") -> M:
    """The HelpRequest if the actor may read it, else Http404; the read is logged."""
    key = _int_or_none(pk)
    row = help_requests_visible(qs, actor).filter(pk=key).first() if key is not None else None
    if row is None:
        raise Http404
    help_requests_logged(actor, [row], action=action, path=path)
    return row


def help_request_pass_logged(actor: Actor, row: Model, *, to_agency: Agency, path: str = "") -> int:
    """Logs a sending passed to `to_agency` as a disclosure: from now on that agency reads it."""
    return access_log_record(actor=actor, reads=[(row, B.OWN_AGENCY, f"相談の申込みの引継ぎ → {to_agency.name}")],
                             action=AccessAction.DISCLOSE, path=path)
