"""Reads for cases, timelines and referrals. Personal rows are filtered by sharing.policy in the callers that
pass an actor; the overdue list and the referral figures carry no personal data (agencies, dates, status).

つなぎの回答日数 — one definition for the 集計 (reports.figures) and the 連携ネットワーク (workspace.queries): the
calendar days, in the municipality's time zone, from 依頼 (`sent_at`) to the first 受理 or 辞退 (`answered_at`, set
by cases.services.referral_respond on that move), their median over the referrals answered; a referral still
waiting (`ReferralStatus.REQUESTED`) is counted apart as unanswered, never as a number of days; one cancelled
before any answer is neither."""

import operator
import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce

from django.db.models import Case as SqlCase
from django.db.models import Count, DurationField, ExpressionWrapper, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import TruncDate
from django.utils import timezone

from tsunagu.agencies.models import Agency, AgencyKind, Field, Municipality
from tsunagu.identity.normalize import parse_address
from tsunagu.people.models import Person
from tsunagu.rules.household import child_protection_first, concern_fields

from .models import Concern, Notification, PersonConcern, Referral, ReferralStatus

# The kind a child-protection worry goes to first: 利用者支援事業・こども家庭センター, where the 要保護児童対策地域協議会's
# 調整機関 sits (rules.household.child_protection_first says when).
CHILD_PROTECTION_KINDS = frozenset({AgencyKind.CHILD_FAMILY_CENTER})
# Drop-in places (居場所: 地域子育て支援拠点, 共生型地域福祉拠点) are places to go, not agencies to refer a household to:
# they are left out here and offered as social resources for 参加支援 (participation.queries).
DROP_IN_KINDS = frozenset({AgencyKind.CHILDCARE_HUB, AgencyKind.HUB})
ACCEPTED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED)


@dataclass
class SuggestedAgency:
    agency: Agency
    reasons: list[str]  # why it is suggested, in the order of the ranking


def suggested_agencies(fields: Iterable[str], *, exclude: int | None = None, concerns: Iterable[str] = (),
                       ages: Iterable[int | None] = (), address: str = "", limit: int = 8) -> list[SuggestedAgency]:
    """Agencies for a household's needs (J2). A child-protection worry (`rules.household.child_protection_first`)
    puts the こども家庭センター (CHILD_PROTECTION_KINDS) first; then the agencies whose 分野 match, ranked by the
    分野 they share, the same 地区 as the household (the 町名 of both addresses), and how many referrals they have
    accepted (受理・対応中・完了), consultation agencies before others. Drop-in places (DROP_IN_KINDS) are left out."""
    wanted = set(fields)
    protect = child_protection_first(set(concerns), list(ages))
    active = Agency.objects.filter(active=True).exclude(kind__in=DROP_IN_KINDS)
    candidates = [a for a in (active if exclude is None else active.exclude(pk=exclude))
                  if wanted & set(a.fields) or (protect and a.kind in CHILD_PROTECTION_KINDS)]
    accepted = dict(Referral.objects.filter(to_agency__in=[a.pk for a in candidates], status__in=ACCEPTED_STATUSES)
                    .values("to_agency").annotate(n=Count("pk")).values_list("to_agency", "n"))
    municipality = Municipality.objects.values_list("name", flat=True).first() or ""
    town = parse_address(address, municipality).town if address else ""
    ranked = []
    for a in candidates:
        first = protect and a.kind in CHILD_PROTECTION_KINDS
        shared = [f for f in a.fields if f in wanted]
        near = bool(town) and parse_address(a.address, municipality).town == town
        n_accepted = accepted.get(a.pk, 0)
        key = (not first, -len(shared), not near, -n_accepted, a.group != "相談機関", a.kana, a.pk)
        ranked.append((key, SuggestedAgency(a, _reasons(first, shared, town if near else "", n_accepted))))
    return [s for _, s in sorted(ranked, key=lambda r: r[0])][:limit]


def _reasons(first: bool, shared: list[str], town: str, accepted: int) -> list[str]:
    labels = dict(Field.choices)
    reasons = ["子どもの安全（要保護児童対策地域協議会・こども家庭センター）"] if first else []
    if shared:
        reasons.append("・".join(labels.get(f, f) for f in shared))
    if town:
        reasons.append(f"同じ地区（{town}）")
    if accepted:
        reasons.append(f"受理 {accepted}件")
    return reasons


def case_list(qs: QuerySet, *, status: str = "", mine_only: bool = False, agency_id: int | None = None,
              query: str = "") -> QuerySet:
    if status == "open":
        qs = qs.exclude(status__in=["closed", "watching"])
    elif status:
        qs = qs.filter(status=status)
    if mine_only and agency_id:
        qs = qs.filter(lead_agency_id=agency_id)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(title__icontains=query) | Q(person__name__icontains=query)
                       | Q(household__name__icontains=query))
    return qs.select_related("lead_agency", "person", "household").order_by("-updated_at", "-pk")


def received_referrals(qs: QuerySet, *, agency_id: int, status: str = "") -> QuerySet:
    """受けた依頼: those waiting for an answer (依頼中) first, the newest first within each; `status` narrows to one."""
    qs = qs.filter(to_agency_id=agency_id)
    if status:
        qs = qs.filter(status=status)
    waiting = SqlCase(When(status=ReferralStatus.REQUESTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(waiting, "-sent_at", "-pk")


def overdue_referrals(today: date | None = None) -> QuerySet:
    """Referrals unanswered past their due date — agencies and dates only, for the coordinator (制度の狭間)."""
    today = today or timezone.localdate()
    return (Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=today)
            .select_related("from_agency", "to_agency").order_by("due_on", "pk"))


def unread_notifications(agency_id: int | None) -> QuerySet[Notification]:
    if agency_id is None:  # an account acting for no agency has no notifications
        return Notification.objects.none()
    return Notification.objects.filter(agency_id=agency_id, read_at__isnull=True).select_related("referral")


# ---- つなぎの回答日数 and the flows between agencies (figures only) ----

TAKEN_UP = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED)  # accepted, at any stage


@dataclass(frozen=True, slots=True)
class ReferralAnswer:
    """One referral: who sent it to whom, the day it was sent, and the days to its first answer (None: unanswered)."""

    from_agency_id: int
    to_agency_id: int
    sent_on: date
    days: int | None


@dataclass(frozen=True)
class AnswerDays:
    median: int | float | None  # None when none was answered
    answered: int
    unanswered: int


def referral_answer(from_agency_id: int, to_agency_id: int, status: str, sent_at: datetime,
                    answered_at: datetime | None) -> ReferralAnswer | None:
    """The referral's answer time, or None for one cancelled before any answer (it will never have one).
    `referral_flows` counts the same in SQL for a year's pairs; tests/cases/test_referral_answer_days.py holds the
    two to one answer."""
    sent_on = timezone.localtime(sent_at).date()
    if answered_at is not None:
        days = max((timezone.localtime(answered_at).date() - sent_on).days, 0)
        return ReferralAnswer(from_agency_id, to_agency_id, sent_on, days)
    if status == ReferralStatus.REQUESTED:
        return ReferralAnswer(from_agency_id, to_agency_id, sent_on, None)
    return None


def referral_answers(referrals: QuerySet[Referral]) -> list[ReferralAnswer]:
    """The answer time of each referral in `referrals` that was answered or is still waiting (one query)."""
    rows = referrals.values_list("from_agency_id", "to_agency_id", "status", "sent_at", "answered_at")
    return [a for row in rows.iterator(chunk_size=5000) if (a := referral_answer(*row)) is not None]


def referral_answer_days(answers: Iterable[ReferralAnswer]) -> AnswerDays:
    """The median days of those answered (a whole number when it is one, else to one decimal), and the unanswered."""
    answers = list(answers)
    days = [a.days for a in answers if a.days is not None]
    return AnswerDays(_median(days), len(days), len(answers) - len(days))


def _median(days: list[int]) -> int | float | None:
    """A whole number when it is one, else to one decimal; None for no days."""
    median = statistics.median(days) if days else None
    if median is not None:
        median = int(median) if float(median).is_integer() else round(median, 1)
    return median


@dataclass
class ReferralFlow:
    """The referrals one agency sent another: how many, how many were accepted or declined, how many still wait for
    an answer, and how many were answered after each number of days."""

    count: int = 0
    accepted: int = 0
    declined: int = 0
    unanswered: int = 0
    days: Counter[int] = field(default_factory=Counter)

    @property
    def acceptance(self) -> float | None:
        decided = self.accepted + self.declined
        return self.accepted / decided if decided else None

    @property
    def answer_days(self) -> AnswerDays:
        answered = sorted(self.days.elements())
        return AnswerDays(_median(answered), len(answered), self.unanswered)


def referral_flows(since: datetime, until: datetime, *, excluding: Collection[int] = (),
                   busiest: int | None = None) -> tuple[dict[tuple[int, int], ReferralFlow], int]:
    """Per (sending, receiving) agency pair, the referrals sent from `since` up to `until`, counted by the database:
    the pairs without the agencies `excluding`, the `busiest` of them (the most referrals first, then by the
    agencies' ids; every pair when None) in that order, and how many pairs there are in all.

    Two queries, whose rows grow with the pairs asked for and their numbers of days, not with the referrals: the
    pairs ranked (one row each), then the figures of those asked for (a row per number of days). A 政令市's 60,000
    a year took 3–4 s read one by one, and its 3,540 pairs each counted and made into figures another 0.2 s where
    its page shows the busiest. The answer days as `referral_answer` counts them: the calendar days between the two
    dates in the municipality's time zone, never below 0."""
    referrals = Referral.objects.filter(sent_at__gte=since, sent_at__lt=until).order_by()
    if excluding:
        referrals = referrals.exclude(from_agency_id__in=excluding).exclude(to_agency_id__in=excluding)
    ranked = (referrals.values("from_agency_id", "to_agency_id").annotate(n=Count("pk"), pairs=Window(Count("*")))
              .order_by("-n", "from_agency_id", "to_agency_id").values_list("from_agency_id", "to_agency_id", "n", "pairs"))
    rows = list(ranked if busiest is None else ranked[:busiest])
    if not rows:
        return {}, 0
    flows = {(src, dst): ReferralFlow(count) for src, dst, count, _ in rows}
    pairs = rows[0][3]
    if len(flows) < pairs:  # only the pairs asked for: the others' answer days cost a row per number of days each
        # (their agencies first: the database compares the pairs only on the rows these leave, three times faster)
        referrals = referrals.filter(from_agency_id__in={src for src, _ in flows}, to_agency_id__in={dst for _, dst in flows})
        referrals = referrals.filter(reduce(operator.or_, (Q(from_agency_id=src, to_agency_id=dst) for src, dst in flows)))
    tz = timezone.get_current_timezone()
    days = ExpressionWrapper(TruncDate("answered_at", tzinfo=tz) - TruncDate("sent_at", tzinfo=tz), output_field=DurationField())
    figures = referrals.annotate(days=days).values("from_agency_id", "to_agency_id", "days").annotate(
        n=Count("pk"), accepted=Count("pk", filter=Q(status__in=TAKEN_UP)),
        declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
        unanswered=Count("pk", filter=Q(answered_at__isnull=True, status=ReferralStatus.REQUESTED)))
    for src, dst, elapsed, n, accepted, declined, unanswered in figures.values_list(
            "from_agency_id", "to_agency_id", "days", "n", "accepted", "declined", "unanswered"):
        flow = flows[(src, dst)]
        flow.accepted += accepted
        flow.declined += declined
        flow.unanswered += unanswered
        if elapsed is not None:  # answered (days is NULL without an answer)
            flow.days[max(elapsed.days, 0)] += n
    return flows, pairs


@dataclass
class MemberNeeds:
    """One row of a household case's member × need view (世帯の一人ひとり)."""

    person: Person
    concerns: list[str]  # labels, in the order first recorded
    fields: list[str]  # the 分野 they point to (tsunagu.rules.household), as labels


def member_needs(members: Sequence[Person], rows: Iterable[PersonConcern]) -> list[MemberNeeds]:
    """The member × need view from `rows` (PersonConcern the reader may read): one row per member she sees, those
    without a recorded concern included, so the view shows who has none yet."""
    labels = dict(Concern.choices)
    field_labels = dict(Field.choices)
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row.person_id, [])
        if row.concern not in found[row.person_id]:
            found[row.person_id].append(row.concern)
    return [MemberNeeds(m, [labels.get(c, c) for c in found.get(m.pk, [])],
                        [field_labels.get(f, f) for f in concern_fields(found.get(m.pk, []))]) for m in members]
