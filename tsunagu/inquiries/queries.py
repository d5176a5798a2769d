"""Reads of 相談の申込み: the queue (through sharing.policy), the numbers a resident is shown, and when a reply comes."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from tsunagu.agencies.models import Agency
from tsunagu.rules.holidays import holiday_name
from tsunagu.sharing import policy

from .models import HelpRequest, Status, Urgency
from .services import coordinator_agency

# Numbers anyone in Japan may call at once; the municipality's own 窓口 comes from its coordinator's agency.
EMERGENCY_NUMBERS = [("119", "fire"), ("110", "police"), ("189", "child")]


def queue(actor) -> "QuerySet[HelpRequest]":
    """What the actor may read, waiting ones first (the most urgent, then the oldest), then the answered ones."""
    waiting_first = Case(When(status=Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    urgent_first = Case(When(urgency=Urgency.NOW, then=Value(0)), When(urgency=Urgency.SOON, then=Value(1)),
                        default=Value(2), output_field=IntegerField())
    rows = policy.help_requests_visible(HelpRequest.objects.select_related("passed_to", "owner_agency"), actor)
    return rows.order_by(waiting_first, urgent_first, "received_at")


def waiting_count(actor) -> int:
    return policy.help_requests_visible(HelpRequest.objects.filter(status__in=[Status.PENDING, Status.PASSED]),
                                        actor).exclude(status=Status.PASSED, owner_agency_id=actor.agency_id).count()


def municipal_window() -> Agency | None:
    """The 窓口 a resident may call: the coordinator's agency (its name and phone)."""
    return coordinator_agency()


def _office_hours() -> tuple[time, time]:
    opening, closing = settings.PUBLIC_OFFICE_HOURS.split("-")
    return time.fromisoformat(opening), time.fromisoformat(closing)


def _office_day(day: date) -> bool:
    """Weekdays, except 年末年始 (12/29–1/3) and the national holidays (`rules.holidays`)."""
    closed = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not closed and holiday_name(day) is None


def reply_from(now: datetime | None = None) -> datetime | None:
    """When a reply may come: None within office hours (today), else the next opening."""
    local = timezone.localtime(now or timezone.now())
    opening, closing = _office_hours()
    if _office_day(local.date()) and opening <= local.time() < closing:
        return None
    day = local.date() if local.time() < opening else local.date() + timedelta(days=1)
    while not _office_day(day):
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, opening))
