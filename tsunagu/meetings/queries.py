"""Reads for meetings. Which meetings an actor may read is `sharing.policy.visible_meetings` (a current member
whose pledge is recorded); what she may read of their record about an agenda item is `readable` — one rule, on
the policy, for the agenda, discussions, decisions, action items, proposals and the history (a member without a
basis for an item's case sees that there is one, not what it is). A sitting shows only the agenda items it takes
up (`sitting_item_ids`), and of those only the readable ones."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone

from tsunagu.cases.models import OPEN_STATUSES, Case
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.sharing import policy

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaProposal,
    Decision,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingMember,
    ProposalStatus,
    Sitting,
    SittingItem,
    SittingStatus,
)


def meeting_list(actor, *, kind: str = "") -> QuerySet:
    """The meetings the actor's agency currently sits on, with member count and next sitting (one query)."""
    today = timezone.localdate()
    next_sitting = (Sitting.objects.filter(meeting=OuterRef("pk"), held_on__gte=today)
                    .exclude(status=SittingStatus.CANCELLED).order_by("held_on").values("held_on")[:1])
    qs = policy.visible_meetings(Meeting.objects.all(), actor)
    if kind:
        qs = qs.filter(kind=kind)
    current = Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)
    return (qs.select_related("convened_by", "profile")
            .annotate(member_count=Count("members", filter=current, distinct=True), next_on=Subquery(next_sitting))
            .order_by("kind", "title", "pk"))


def sittings_between(actor, start: date, end: date) -> QuerySet:
    """The calendar: sittings of the actor's meetings from `start` to `end` (inclusive)."""
    meetings = policy.visible_meetings(Meeting.objects.all(), actor).values("pk")
    # the calendar and the dashboard name the sitting; its minutes and sections stay unread
    return (Sitting.objects.filter(meeting_id__in=meetings, held_on__gte=start, held_on__lte=end)
            .select_related("meeting").defer("minutes", "events", "topics").order_by("held_on", "starts_at", "pk"))


def upcoming_sittings(actor, days: int = 14) -> QuerySet:
    today = timezone.localdate()
    return sittings_between(actor, today, today + timedelta(days=days)).exclude(status=SittingStatus.CANCELLED)


# ---- What a reader may read of a meeting's record about one agenda item ----


def readable(actor, prefix: str = "") -> Q:
    """THE rule for a meeting's record about an agenda item (its discussion, decisions, action items, its place
    in the history): the reader needs a basis, through the policy, for the item's case — or, for an item about a
    household alone, for the household. As a condition on AgendaItem (prefix ""), or on a row naming a case and
    household the same way ("agenda_item__" on a decision or action item, "proposal__" through a proposal).
    Every list and page of the meetings app filters through it (`agenda_rows`, `on_readable_items`,
    `readable_agenda_item_ids`)."""
    cases = policy.visible(Case.objects.filter(pk=OuterRef(f"{prefix}case_id")), actor)
    households = policy.visible(Household.objects.filter(pk=OuterRef(f"{prefix}household_id")), actor)
    if cases.query.is_empty():  # no basis at all (the administrator)
        return Q(pk__in=[])
    subject = (Q(**{f"{prefix}case__isnull": False}) & Exists(cases)) | (Q(**{f"{prefix}case__isnull": True}) & Exists(households))
    if prefix in ("", "agenda_item__"):
        # 世帯の一人ひとり: an item naming members needs a basis for each of them too
        subject &= policy.names_visible(actor, AgendaItem, "pk" if not prefix else "agenda_item_id")
    return subject


def readable_agenda_item_ids(actor, items) -> set[int]:
    """Of `items` (AgendaItems, or a queryset of them), the ids the actor may read (`readable`)."""
    qs = items if isinstance(items, QuerySet) else AgendaItem.objects.filter(pk__in=[i.pk for i in items])
    return set(qs.filter(readable(actor)).values_list("pk", flat=True))


def on_readable_items(qs: QuerySet, actor) -> QuerySet:
    """Decisions or action items the actor may read, of meetings she sits on (the caller's query says which):
    those about an agenda item she may read (`readable`), and those about the meeting as a whole (no item) —
    the meeting's own business, for its seated members."""
    qs = qs.filter(Q(agenda_item__isnull=True) | readable(actor, "agenda_item__"))
    return qs.filter(policy.names_visible(actor, ActionItem)) if qs.model is ActionItem else qs


def sitting_record(sitting: Sitting, actor) -> tuple[list[Decision], list[ActionItem]]:
    """A sitting's decisions and action items as the actor may read them (the page, the print and the API)."""
    decisions = on_readable_items(sitting.decisions.select_related("agenda_item"), actor).order_by("pk")
    actions = on_readable_items(sitting.action_items.select_related("owner_agency", "owner_staff", "sitting__meeting"),
                                actor).prefetch_related("members").order_by("due_on", "pk")
    return list(decisions), list(actions)


def _owned_open(actor) -> QuerySet:
    """Open action items owned by the actor's agency, of meetings it sits on (pledge recorded) — before the check
    of what it may read (`on_readable_items`)."""
    meetings = policy.visible_meetings(Meeting.objects.all(), actor).values("pk")
    return ActionItem.objects.filter(owner_agency_id=actor.agency_id, status=ActionStatus.OPEN,
                                     sitting__meeting_id__in=meetings)


def open_actions(actor, *, staff_id: int | None = None) -> QuerySet:
    """Open action items owned by the actor's agency (optionally one staff member), soonest first: of meetings it
    sits on (pledge recorded), and only those it may read (`on_readable_items`)."""
    qs = _owned_open(actor)
    if staff_id is not None:
        qs = qs.filter(Q(owner_staff_id=staff_id) | Q(owner_staff__isnull=True))
    return on_readable_items(qs, actor).select_related("sitting__meeting", "owner_staff").order_by("due_on", "pk")


def open_actions_with_overdue(actor, *, limit: int) -> tuple[list[ActionItem], int]:
    """The first `limit` open action items of the agency and how many are overdue: their ids by plain keys first (an
    agency owns a handful), then one query over those alone through `on_readable_items` (the count a window over
    all of them, computed before the LIMIT). An agency owning none (44 of the 政令市 demo's 60) asks nothing of the
    policy: its conditions carry the agency's id lists of bases, thousands of ids on a 政令市, costlier to build and
    send than to run (80 ms of the 自立相談's dashboard, for no row)."""
    owned = list(_owned_open(actor).values_list("pk", flat=True))
    if not owned:
        return [], 0
    today = timezone.localdate()
    qs = on_readable_items(ActionItem.objects.filter(pk__in=owned), actor)
    rows = list(qs.select_related("sitting__meeting", "owner_staff").order_by("due_on", "pk")
                .annotate(overdue_total=Window(Count("pk", filter=Q(due_on__lt=today))))[:limit])
    return rows, rows[0].overdue_total if rows else 0


@dataclass
class AgendaRow:
    item: AgendaItem
    subject: Case | Household | None  # the case or household, or None when the actor has no basis for it

    @property
    def label(self) -> str:
        return _label(self.subject)


def _label(subject) -> str:
    if subject is None:
        return "（閲覧の根拠がないため表示しません）"
    return subject.label if isinstance(subject, Case) else subject.name


def _subjects(rows, readable_pks: set[int]) -> tuple[dict, dict]:
    """The cases and households of the readable rows (rows with case_id / household_id), by key."""
    case_ids = {r.case_id for r in rows if r.pk in readable_pks and r.case_id}
    household_ids = {r.household_id for r in rows if r.pk in readable_pks and not r.case_id}
    cases = ({c.pk: c for c in Case.objects.filter(pk__in=case_ids).select_related("lead_agency", "household", "person")}
             if case_ids else {})
    households = {h.pk: h for h in Household.objects.filter(pk__in=household_ids)} if household_ids else {}
    return cases, households


def _subject_of(row, cases: dict, households: dict):
    return cases.get(row.case_id) if row.case_id else households.get(row.household_id)


def _agenda_rows(items: QuerySet, actor) -> list[AgendaRow]:
    annotated = items.annotate(may_read=ExpressionWrapper(readable(actor), output_field=BooleanField()))
    rows = list(annotated.prefetch_related("members").order_by("-added_on", "pk"))
    cases, households = _subjects(rows, {i.pk for i in rows if i.may_read})
    return [AgendaRow(i, _subject_of(i, cases, households) if i.may_read else None) for i in rows]


def agenda_rows(meeting: Meeting, actor, *, current_only: bool = True) -> list[AgendaRow]:
    """The agenda as the actor may read it (`readable`); the caller logs the subjects it shows."""
    items = meeting.agenda_items.all()
    if current_only:
        items = items.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=timezone.localdate()))
    return _agenda_rows(items, actor)


# ---- The agenda items a sitting takes up ----


def _previous_sitting(sitting: Sitting) -> Sitting | None:
    """The meeting's sitting before this one (a cancelled one does not count)."""
    earlier = Q(held_on__lt=sitting.held_on) | Q(held_on=sitting.held_on, number__lt=sitting.number)
    return (Sitting.objects.filter(earlier, meeting_id=sitting.meeting_id).exclude(pk=sitting.pk)
            .exclude(status=SittingStatus.CANCELLED).order_by("-held_on", "-number").first())


@dataclass
class DefaultItems:
    """What a sitting takes up until its items are chosen, and why."""

    new: set[int]  # added since the previous sitting and not taken up there (at a first sitting: the whole agenda)
    with_open_actions: set[int]  # an action item about it is still open

    @property
    def ids(self) -> set[int]:
        return self.new | self.with_open_actions


def default_items(sitting: Sitting, *, status: str = "") -> DefaultItems:
    """The default of a sitting: of the agenda items current on its day, those new since the previous sitting and
    those with open action items. A held sitting (`status`, if it is being recorded so) never takes up an item
    added after its day."""
    items = AgendaItem.objects.filter(meeting_id=sitting.meeting_id).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=sitting.held_on))
    if (status or sitting.status) == SittingStatus.HELD:
        items = items.filter(added_on__lte=sitting.held_on)
    previous = _previous_sitting(sitting)
    is_new = Q(pk__isnull=False)
    if previous is not None:
        taken_up_there = SittingItem.objects.filter(sitting=previous, agenda_item=OuterRef("pk"))
        is_new = Q(added_on__gte=previous.held_on) & Q(~Exists(taken_up_there))
    open_action = Exists(ActionItem.objects.filter(agenda_item=OuterRef("pk"), status=ActionStatus.OPEN))
    rows = items.annotate(is_new=ExpressionWrapper(is_new, output_field=BooleanField()), has_open=open_action)
    new, with_open = set(), set()
    for pk, new_item, has_open in rows.values_list("pk", "is_new", "has_open"):
        if new_item:
            new.add(pk)
        if has_open:
            with_open.add(pk)
    return DefaultItems(new, with_open)


def sitting_item_ids(sitting: Sitting, *, status: str = "") -> set[int]:
    """The agenda items the sitting takes up: those chosen for it (`Sitting.items_chosen`), else its default —
    with any item it already holds a discussion of."""
    stored = set(sitting.items.values_list("agenda_item_id", flat=True))
    return stored if sitting.items_chosen else stored | default_items(sitting, status=status).ids


def sitting_rows(sitting: Sitting, actor) -> list[AgendaRow]:
    """The items the sitting takes up, as the actor may read them (`readable`): its page, print and API. The
    caller logs the subjects it shows."""
    return _agenda_rows(AgendaItem.objects.filter(pk__in=sitting_item_ids(sitting)), actor)


@dataclass
class ItemChoice:
    row: AgendaRow
    taken_up: bool
    why: str  # why the default takes it up

    @property
    def label(self) -> str:
        return f"{self.row.label}{f'（{self.why}）' if self.why else ''}"


def sitting_choices(sitting: Sitting, actor) -> list[ItemChoice]:
    """The items offered for the sitting to take up: the meeting's agenda items current on its day and those it
    takes up already — only those the actor may read (`readable`): an item she has no basis for is neither named
    nor offered, and her choice leaves it as it is."""
    taken = sitting_item_ids(sitting)
    default = default_items(sitting)
    items = AgendaItem.objects.filter(meeting_id=sitting.meeting_id).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=sitting.held_on) | Q(pk__in=taken))
    rows = [r for r in _agenda_rows(items, actor) if r.subject is not None]

    def why(pk: int) -> str:
        return "、".join(w for w, ids in (("前回以降に付議", default.new), ("未完了の役割分担あり", default.with_open_actions))
                        if pk in ids)
    return [ItemChoice(r, r.item.pk in taken, why(r.item.pk)) for r in rows]


def household_of(row: AgendaRow) -> int | None:
    """The household an agenda item is about: its own, or its case's (None for a person's own case)."""
    if row.item.household_id and not row.item.case_id:
        return row.item.household_id
    return row.subject.household_id if isinstance(row.subject, Case) else None


def action_member_choices(rows: list[AgendaRow], actor) -> list[tuple[AgendaRow, list[Person]]]:
    """世帯の一人ひとり: for each item the actor may read, the members an action item about it may name — the current
    members of its household that she has a basis for (`policy.checked_rows`), and of an item that names members
    (a 重層的支援会議 shares only those whose consent covers every member agency) only those. The caller logs them."""
    readable_rows = [r for r in rows if r.subject is not None and household_of(r) is not None]
    if not readable_rows:
        return []
    today = timezone.localdate()
    links = (HouseholdMember.objects.filter(household_id__in={household_of(r) for r in readable_rows}, joined_on__lte=today)
             .exclude(left_on__lte=today).select_related("person").order_by("pk"))
    by_household: dict[int, list[Person]] = {}
    for link in links:
        by_household.setdefault(link.household_id, []).append(link.person)
    seen = {p.pk for p in policy.checked_rows(actor, list({p.pk: p for ps in by_household.values() for p in ps}.values()))}
    groups = []
    for row in readable_rows:
        named = {m.pk for m in row.item.members.all()}
        persons = [p for p in by_household.get(household_of(row) or 0, []) if p.pk in seen and (not named or p.pk in named)]
        if persons:
            groups.append((row, persons))
    return groups


@dataclass
class ProposalRow:
    proposal: AgendaProposal
    subject: object | None

    @property
    def label(self) -> str:
        return _label(self.subject)


def pending_proposals(meeting: Meeting, actor, *, all_of_them: bool) -> list[ProposalRow]:
    """Proposals awaiting the convener: all of them for the convener (`all_of_them`), else the actor's agency's
    own. The case or household is named only to a reader who may read it (`readable`)."""
    qs = meeting.proposals.filter(status=ProposalStatus.PENDING).select_related("proposed_by_agency", "proposed_by")
    if not all_of_them:
        qs = qs.filter(proposed_by_agency_id=actor.agency_id)
    rows = list(qs.annotate(may_read=ExpressionWrapper(readable(actor), output_field=BooleanField())).order_by("proposed_at", "pk"))
    cases, households = _subjects(rows, {p.pk for p in rows if p.may_read})
    return [ProposalRow(p, _subject_of(p, cases, households) if p.may_read else None) for p in rows]


@dataclass
class HistoryRow:
    event: MeetingEvent
    subject: object | None  # the agenda item's or proposal's case or household, if the reader may read it

    @property
    def label(self) -> str:
        return _label(self.subject) if self.about_subject else ""

    @property
    def about_subject(self) -> bool:
        return self.event.agenda_item_id is not None or self.event.proposal_id is not None

    @property
    def note(self) -> str:
        """What was written with the change (a reason); about a case or household, only for a reader of it."""
        return self.event.note if not self.about_subject or self.subject is not None else ""


def history(meeting: Meeting, actor, *, limit: int = 50) -> list[HistoryRow]:
    """The meeting's history, latest first; an agenda or proposal event names its case or household only to a
    reader who may read it (`readable`, through the item or the proposal)."""
    may_read = (Q(agenda_item__isnull=False) & readable(actor, "agenda_item__")) | (
        Q(agenda_item__isnull=True, proposal__isnull=False) & readable(actor, "proposal__"))
    events = list(meeting.events.select_related("staff", "agency", "member__agency", "agenda_item", "proposal")
                  .annotate(may_read=ExpressionWrapper(may_read, output_field=BooleanField())).order_by("-at", "-pk")[:limit])
    subjects = [subject for e in events if e.may_read and (subject := e.agenda_item or e.proposal) is not None]
    cases, households = _subjects(subjects, {s.pk for s in subjects})
    return [HistoryRow(e, _subject_of(e.agenda_item or e.proposal, cases, households) if e.may_read else None)
            for e in events]


def proposable_cases(actor, limit: int = 300) -> list[Case]:
    """The open cases the actor's agency leads, for 「提案する」 on a meeting's page (the caller logs them)."""
    qs = Case.objects.filter(lead_agency_id=actor.agency_id, status__in=OPEN_STATUSES)
    return list(policy.visible(qs, actor, with_basis=True).order_by("title", "pk")[:limit])


def pending_pledges(actor) -> QuerySet:
    """The actor's agency's current memberships whose pledge is not yet recorded: the meetings it was added to
    and cannot read yet (title and convener only)."""
    today = timezone.localdate()
    if actor.agency_id is None:
        return MeetingMember.objects.none()
    return (MeetingMember.objects.filter(agency_id=actor.agency_id, joined_on__lte=today)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
            .filter(Q(confidentiality_pledged_on__isnull=True) | Q(confidentiality_pledged_on__gt=today))
            .select_related("meeting__convened_by").order_by("meeting__title", "pk"))


def meetings_for_agenda(actor, kinds=None) -> QuerySet:
    """Meetings the actor sits on, for the 「会議にかける」 page: she adds a case to the agenda of those her
    agency convenes as manager (`services.governs`) and proposes it to the others."""
    qs = policy.visible_meetings(Meeting.objects.all(), actor).select_related("convened_by").order_by("kind", "title")
    return qs.filter(kind__in=kinds) if kinds else qs


def support_meeting_sittings(year_start: date, year_end: date) -> int:
    """支援会議開催回数 for the yearly report (J12): held sittings, no personal data."""
    return Sitting.objects.filter(meeting__kind=MeetingKind.SUPPORT_MEETING, status=SittingStatus.HELD,
                                  held_on__gte=year_start, held_on__lte=year_end).count()


def member_agencies_by_meeting() -> QuerySet[MeetingMember, tuple[int, int]]:
    """Each meeting's current member agencies, one row (meeting id, agency id) each: figures for the workspace's
    network (agencies, no person), which counts the pairs of agencies sharing a meeting in the database."""
    return MeetingMember.objects.filter(left_on__isnull=True).order_by().values_list("meeting_id", "agency_id").distinct()
