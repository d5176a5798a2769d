"""How a caller of the JSON API signs in: an API token, or the pages' own signed-in session.

A `core.registry` plug-in: `core.api` asks each app's `authentication.py` for `METHODS`, so the shell does not import
the app that owns accounts. Both attach the acting staff member (`request.actor`) as the pages' middleware does.
"""

from typing import Any

from django.http import HttpRequest
from django_otp import user_has_device
from ninja.security import HttpBearer, SessionAuth

from .actor import actor_for
from .models import Staff
from .tokens import staff_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Staff | None:
        staff = staff_for_token(token)
        if staff is None:
            return None
        request.user = staff
        request.actor = actor_for(staff)  # type: ignore[attr-defined]  # the acting staff member, as the middleware sets it
        return staff


class BrowserSession(SessionAuth):
    """The pages' own htmx calls: a signed-in session that has passed its second factor (CSRF checked)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        actor = actor_for(user, request.session)
        if not user.is_verified() and (actor.is_admin or user_has_device(user, confirmed=True)):
            return None
        request.actor = actor  # type: ignore[attr-defined]  # as above
        return user


METHODS = (BearerToken(), BrowserSession())
