from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def admin_required(view):
    """Admin screens. Everyone else gets the same 404 as for a page that does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.actor.is_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def coordinator_required(view):
    """The 多機関協働 coordinator's screens (名寄せ, 照会, 制度の狭間). Everyone else gets the same 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.actor.is_coordinator:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
