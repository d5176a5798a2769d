from .navigation import nav_for


def shell(request) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"actor": actor, "nav_items": nav_for(actor, request.path)}
