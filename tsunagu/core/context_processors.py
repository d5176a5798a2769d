from typing import Any

from django.http import HttpRequest

from .navigation import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"actor": actor, "nav_items": nav_for(actor, request.path)}
