import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import ApiToken, Staff


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, staff: Staff, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(staff=staff, name=name, key_hash=_hash(key), prefix=key[:8])
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def staff_for_token(key: str) -> Staff | None:
    token = (
        ApiToken.objects.select_related("staff")
        # An account an admin has locked: its tokens are suspended (not revoked) until it is unlocked.
        .filter(key_hash=_hash(key), revoked_at__isnull=True, staff__is_active=True, staff__locked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    # Touch last_used_at at most hourly, so reads through the API do not each cost a write.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.staff
