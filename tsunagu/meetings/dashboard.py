"""Dashboard panels: the agency's open action items (overdue first; only those of meetings it sits on and about
what it may read, `queries.open_actions`) and the meetings of the next two weeks."""

from django.utils import timezone

from tsunagu.core.dashboard import Panel

from .queries import open_actions_with_overdue, upcoming_sittings


def panels(actor) -> list[Panel]:
    if actor.agency_id is None or actor.role == "admin":
        return []
    today = timezone.localdate()
    actions, overdue = open_actions_with_overdue(actor, limit=6)
    return [
        Panel("会議の役割分担", "meetings/panel_actions.html", {"rows": actions, "today": today}, order=30,
              count=overdue or None),
        Panel("これからの会議", "meetings/panel_upcoming.html", {"rows": list(upcoming_sittings(actor)[:6])}, order=40),
    ]
