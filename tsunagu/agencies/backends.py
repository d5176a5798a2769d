"""Signing in and, on every request, reading who is signed in."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from .models import Staff, active_memberships_of


class StaffBackend(ModelBackend):
    """Django's password backend, which on each request reads the staff member together with her current
    memberships (which every page needs, for `request.actor`): one query instead of two.

    An account an admin has locked neither signs in nor stays signed in: its next request is anonymous."""

    def user_can_authenticate(self, user: Staff | AnonymousUser | None) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "locked_at", None) is None

    def get_user(self, user_id: Any) -> Staff | None:
        memberships = list(active_memberships_of(user_id).select_related("staff"))
        staff = memberships[0].staff if memberships else Staff._default_manager.filter(pk=user_id).first()
        if staff is None or not self.user_can_authenticate(staff):
            return None
        for membership in memberships:
            membership.staff = staff
        staff._active_memberships = memberships
        return staff
