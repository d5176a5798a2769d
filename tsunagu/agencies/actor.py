"""Who is acting: a staff member on behalf of one agency. The information-sharing policy reasons about actors."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from .models import Agency, Membership, Role, Staff

SESSION_KEY = "acting_membership_id"


@dataclass(frozen=True)
class Actor:
    staff: Staff
    membership: Membership | None

    @property
    def agency(self) -> Agency | None:
        return self.membership.agency if self.membership else None

    @property
    def agency_id(self) -> int | None:
        return self.membership.agency_id if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.staff.active_memberships)

    @property
    def is_admin(self) -> bool:
        return self.staff.is_superuser or Role.ADMIN in self.roles

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_manager(self) -> bool:
        return self.role in {Role.MANAGER, Role.COORDINATOR}


class ActorRequest(HttpRequest):
    """A request of a signed-in staff member: `actor` is attached by agencies.middleware (for type checking only)."""

    actor: Actor
    user: Staff


def acting_memberships(staff: Staff) -> list[Membership]:
    """The memberships the staff member may act through. An admin account acts as the admin only: 管理者は個人情報を
    持たない, so an agency membership it holds anyway (written before the rule, or straight into the database)
    grants nothing (services refuse to make one)."""
    memberships = staff.active_memberships
    if staff.is_admin:
        return [m for m in memberships if m.role == Role.ADMIN]
    return memberships


def actor_for(staff: Staff, session: SessionBase | None = None) -> Actor:
    """The staff member's acting membership: the one chosen in this session, else her first active one."""
    memberships = acting_memberships(staff)
    chosen_id = session.get(SESSION_KEY) if session is not None else None
    chosen = next((m for m in memberships if m.pk == chosen_id), None)
    if chosen is None:
        chosen = next((m for m in memberships if m.role != Role.ADMIN), memberships[0] if memberships else None)
    return Actor(staff=staff, membership=chosen)
