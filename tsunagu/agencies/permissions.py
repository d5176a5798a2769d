"""The role gates: who may open a kind of screen at all. Everyone else gets the same 404 as for a page that does not
exist, so that a screen does not tell an outsider it is there. What a person sees on a screen she may open is the
information-sharing policy's business (`sharing.policy`), not these gates'.

- `admin_required`: the admin screens (accounts, agencies, the access log);
- `coordinator_required`: the 多機関協働 coordinator's screens (名寄せ, 照会, 制度の狭間);
- `planner_required` / `is_planner`: the municipality's 計画担当, who runs 体制整備 and reads every agency's 集計;
- `staff_required`: any staff member acting for an agency (an account without a current membership is not one).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .actor import Actor, ActorRequest
from .models import AgencyKind

View = TypeVar("View", bound=Callable[..., Any])


def is_planner(actor: Actor) -> bool:
    """計画担当: a manager at a 行政 agency, the coordinator, or an admin."""
    if actor.is_admin or actor.is_coordinator:
        return True
    return actor.is_manager and actor.agency is not None and actor.agency.kind == AgencyKind.MUNICIPAL_OFFICE


def acts_for_agency(actor: Actor) -> bool:
    return actor.agency is not None


def _gate(allowed: Callable[[Actor], bool], view: View) -> View:
    """`view` behind sign-in, and a 404 for a signed-in actor that `allowed` refuses."""

    @login_required
    @wraps(view)
    def wrapped(request: ActorRequest, *args: Any, **kwargs: Any) -> Any:
        if not allowed(request.actor):
            raise Http404
        return view(request, *args, **kwargs)

    return cast(View, wrapped)


def admin_required(view: View) -> View:
    return _gate(lambda actor: actor.is_admin, view)


def coordinator_required(view: View) -> View:
    return _gate(lambda actor: actor.is_coordinator, view)


def planner_required(view: View) -> View:
    return _gate(is_planner, view)


def staff_required(view: View) -> View:
    return _gate(acts_for_agency, view)
