from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from .models import MembershipChange, Staff

# How long a membership change stays on the agency managers' dashboard.
MEMBERSHIP_CHANGE_DAYS = 30


@dataclass(frozen=True)
class FailedSignInLock:
    """A (login id, address) pair locked after repeated failed sign-ins, until `until` (None: until lifted)."""

    login_id: str
    address: str | None
    failures: int
    until: datetime | None


def failed_sign_in_locks(login_id: str | None = None) -> list[FailedSignInLock]:
    """The pairs locked now, as django-axes counts them: the failures of a pair (over its user agents) within the
    cool-off, at or above the limit."""
    attempts = AccessAttempt.objects.all()
    if login_id is not None:
        attempts = attempts.filter(username=login_id)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username", "ip_address")
    )
    return [
        FailedSignInLock(row["username"], row["ip_address"], row["failures"],
                         row["last"] + cool_off if cool_off is not None else None)
        for row in rows
    ]


def admin_locked_staff() -> QuerySet[Staff]:
    return Staff.objects.filter(locked_at__isnull=False).select_related("locked_by").order_by("-locked_at")


def locked_login_ids() -> list[str]:
    """Login ids locked now, by an admin or from some address after failed sign-ins."""
    ids = {lock.login_id for lock in failed_sign_in_locks()}
    ids.update(admin_locked_staff().values_list("login_id", flat=True))
    return sorted(ids)


def membership_changes(*, agency_id: int | None = None, days: int | None = None) -> QuerySet[MembershipChange]:
    """Membership changes, the latest first: of one agency and the last `days` days when given."""
    changes = MembershipChange.objects.select_related("staff", "agency", "by")
    if agency_id is not None:
        changes = changes.filter(agency_id=agency_id)
    if days is not None:
        changes = changes.filter(at__gte=timezone.now() - timedelta(days=days))
    return changes.order_by("-at", "-id")
