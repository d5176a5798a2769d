from axes.models import AccessAttempt
from django.conf import settings


def locked_login_ids() -> list[str]:
    """Login ids locked out after repeated failures (until an admin lifts the lock)."""
    return list(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
        .distinct()
    )


def is_locked(login_id: str) -> bool:
    return login_id in locked_login_ids()
