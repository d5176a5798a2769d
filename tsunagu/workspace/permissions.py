"""Who does what in the workspace. Nothing here is personal data; these are working rules, not the sharing policy.

- the planner (the municipality's 計画担当: a manager at a 行政 agency, the coordinator, or an admin) runs it all;
- an agency's manager keeps her own agency's 業務棚卸表 and 会議・研修一覧 rows;
- every staff member may read the roadmap and the grand design.
Anyone else gets the same 404 as for a page that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from tsunagu.agencies.models import AgencyKind


def is_planner(actor) -> bool:
    if actor.is_admin or actor.is_coordinator:
        return True
    return actor.is_manager and actor.agency is not None and actor.agency.kind == AgencyKind.MUNICIPAL_OFFICE


def planner_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_planner(request.actor):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.actor.agency is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def inventory_visible(actor, inventory) -> bool:
    return is_planner(actor) or actor.agency_id == inventory.agency_id


def inventory_editable(actor, agency_id: int) -> bool:
    return is_planner(actor) or (actor.agency_id == agency_id and actor.is_manager)


def check(allowed: bool) -> None:
    if not allowed:
        raise Http404
