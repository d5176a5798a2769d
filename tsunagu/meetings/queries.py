"""Reads for meetings. Which meetings an actor may read is `sharing.policy.visible_meetings`; the agenda's cases
and households are shown only through `policy.visible` (so a member without a basis sees a count, not a name)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.people.models import Household
from tsunagu.sharing import policy

from .models import ActionItem, ActionStatus, AgendaItem, Meeting, MeetingKind, Sitting, SittingStatus


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


def open_actions(agency_id: int | None, *, staff_id: int | None = None) -> QuerySet:
    """Open action items owned by an agency (optionally one staff member), soonest first."""
    qs = ActionItem.objects.filter(owner_agency_id=agency_id, status=ActionStatus.OPEN)
    if staff_id is not None:
        qs = qs.filter(Q(owner_staff_id=staff_id) | Q(owner_staff__isnull=True))
    return qs.select_related("sitting__meeting", "owner_staff").order_by("due_on", "pk")


def open_actions_with_overdue(agency_id: int | None, *, limit: int) -> tuple[list[ActionItem], int]:
    """The first `limit` open action items of the agency and how many are overdue, in one query (the count is a
    window over all of them, computed before the LIMIT)."""
    today = timezone.localdate()
    rows = list(open_actions(agency_id).annotate(overdue_total=Window(Count("pk", filter=Q(due_on__lt=today))))[:limit])
    return rows, rows[0].overdue_total if rows else 0


@dataclass
class AgendaRow:
    item: AgendaItem
    subject: object | None  # the case or household, or None when the actor has no basis for it

    @property
    def label(self) -> str:
        if self.subject is None:
            return "（閲覧の根拠がないため表示しません）"
        return getattr(self.subject, "title", None) or self.subject.name


def agenda_rows(meeting: Meeting, actor, *, current_only: bool = True) -> list[AgendaRow]:
    """The agenda as the actor may see it. Cases and households go through the policy (the caller logs them)."""
    items = list(meeting.agenda_items.order_by("-added_on", "pk"))
    if current_only:
        today = timezone.localdate()
        items = [i for i in items if i.removed_on is None or i.removed_on > today]
    cases = {c.pk: c for c in policy.visible(Case.objects.filter(pk__in=[i.case_id for i in items if i.case_id]), actor)
             .select_related("lead_agency", "household", "person")}
    households = {h.pk: h for h in policy.visible(
        Household.objects.filter(pk__in=[i.household_id for i in items if i.household_id and not i.case_id]), actor)}
    return [AgendaRow(i, cases.get(i.case_id) if i.case_id else households.get(i.household_id)) for i in items]


def meetings_for_agenda(actor, kinds=None) -> QuerySet:
    """Meetings the actor may put a case on (she is a current member)."""
    qs = policy.visible_meetings(Meeting.objects.all(), actor).order_by("kind", "title")
    return qs.filter(kind__in=kinds) if kinds else qs


def support_meeting_sittings(year_start: date, year_end: date) -> int:
    """支援会議開催回数 for the yearly report (J12): held sittings, no personal data."""
    return Sitting.objects.filter(meeting__kind=MeetingKind.SUPPORT_MEETING, status=SittingStatus.HELD,
                                  held_on__gte=year_start, held_on__lte=year_end).count()

