"""Dashboard panels of the 体制整備 workspace: for the planner, what is due on the roadmap, the latest 試行検証 and
the meetings that could be consolidated; for an agency's manager, her 業務棚卸表 of this year. Nothing personal."""

from django.utils import timezone

from tsunagu.agencies.permissions import is_planner
from tsunagu.core.dashboard import Panel
from tsunagu.core.fiscal import fiscal_year, fiscal_year_label

from . import queries
from .models import TrialObservation


def panels(actor) -> list[Panel]:
    if actor.agency is None:
        return []
    today = timezone.localdate()
    year = fiscal_year(today)
    if is_planner(actor):
        return _planner_panels(today, year)
    if actor.is_manager:
        status = queries.inventory_status(actor.agency_id, year)
        return [Panel("業務棚卸表", "workspace/panel_inventory.html",
                      {"status": status, "year_label": fiscal_year_label(year)}, order=70)]
    return []


def _planner_panels(today, year) -> list[Panel]:
    due, overdue = queries.roadmap_due(today)
    proposals = queries.consolidation_proposals(year)
    observations = list(TrialObservation.objects.prefetch_related("codes")[:3])
    return [
        Panel("体制整備の予定", "workspace/panel_roadmap.html",
              {"due": due[:5], "overdue": overdue[:5], "due_count": len(due), "overdue_count": len(overdue),
               "month": today.month, "year": year}, order=65, count=len(overdue) or None),
        Panel("体制整備の動き", "workspace/panel_activity.html",
              {"observations": observations, "proposals": proposals[:3], "proposal_count": len(proposals),
               "hours": round(sum(p.hours_saved for p in proposals), 1), "year": year}, order=66),
    ]
