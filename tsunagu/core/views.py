from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .dashboard import panels_for


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": panels_for(request.actor)})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)
