"""Reads for cases, timelines and referrals. Personal rows are filtered by sharing.policy in the callers that
pass an actor; the overdue list carries no personal data (agencies, dates, status)."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from tsunagu.agencies.models import Agency

from .models import Notification, Referral, ReferralStatus


def suggested_agencies(fields: list[str], *, exclude: int | None = None) -> list[Agency]:
    """Agencies whose 分野 match the household's needs (J2), consultation agencies first."""
    wanted = set(fields)
    agencies = [a for a in Agency.objects.filter(active=True).exclude(pk=exclude) if wanted & set(a.fields)]
    return sorted(agencies, key=lambda a: (-len(wanted & set(a.fields)), a.group != "相談機関", a.kana))[:8]


def case_list(qs: QuerySet, *, status: str = "", mine_only: bool = False, agency_id: int | None = None,
              query: str = "") -> QuerySet:
    if status == "open":
        qs = qs.exclude(status__in=["closed", "watching"])
    elif status:
        qs = qs.filter(status=status)
    if mine_only and agency_id:
        qs = qs.filter(lead_agency_id=agency_id)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(person__name__icontains=query) | Q(household__name__icontains=query))
    return qs.select_related("lead_agency", "person", "household").order_by("-updated_at", "-pk")


def overdue_referrals(today: date | None = None) -> QuerySet:
    """Referrals unanswered past their due date — agencies and dates only, for the coordinator (制度の狭間)."""
    today = today or timezone.localdate()
    return (Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=today)
            .select_related("from_agency", "to_agency").order_by("due_on", "pk"))


def unread_notifications(agency_id: int | None) -> QuerySet:
    return Notification.objects.filter(agency_id=agency_id, read_at__isnull=True).select_related("referral")
