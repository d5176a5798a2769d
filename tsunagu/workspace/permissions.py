"""Who does what in the workspace. Nothing here is personal data; these are working rules, not the sharing policy.

- the planner (the municipality's 計画担当: a manager at a 行政 agency, the coordinator, or an admin) runs it all;
- an agency's manager keeps her own agency's 業務棚卸表 and 会議・研修一覧 rows;
- every staff member may read the roadmap and the grand design.
Anyone else gets the same 404 as for a page that does not exist. Who the planner is, and the gates of whole
screens, are agencies.permissions' (`is_planner`, `planner_required`, `staff_required`).
"""

from django.http import Http404

from tsunagu.agencies.permissions import is_planner


def keeps_inventories(actor) -> bool:
    """The planner, or a manager keeping her own agency's 業務棚卸表 and 会議・研修一覧 rows."""
    return is_planner(actor) or actor.is_manager


def inventory_visible(actor, inventory) -> bool:
    return is_planner(actor) or actor.agency_id == inventory.agency_id


def inventory_editable(actor, agency_id: int) -> bool:
    return is_planner(actor) or (actor.agency_id == agency_id and actor.is_manager)


def check(allowed: bool) -> None:
    if not allowed:
        raise Http404
