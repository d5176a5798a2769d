from typing import Any

from django.http import HttpRequest

from .dates import DateStyle
from .navigation import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """The signed-in staff member's shell: `actor`, the navigation, and `date_style` — how she reads dates, taken
    from the staff row the request already holds, so the date filters (core.templatetags.dates) ask no query."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"date_style": DateStyle.WAREKI}
    style = getattr(actor.staff, "date_style", DateStyle.WAREKI)
    return {"actor": actor, "nav_items": nav_for(actor, request.path), "date_style": style}
