from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .dashboard import panels_for
from .health import health
from .languages import language_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]  # set by agencies' middleware, which core does not import
    return render(request, "core/dashboard.html", {"panels": panels_for(actor)})


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """An error page: a public address's (/vi/help/…) speaks to residents in its language (templates/public/);
    every other one is the staff's."""
    language = language_of(request.path_info)
    if language is None:
        return render(request, template, status=status)
    with translation.override(language):
        return render(request, f"public/{template}", status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if language_of(request.path_info) is None:
        return render(request, "500.html", status=500)
    try:
        return _error(request, "500.html", 500)
    except Exception:  # noqa: BLE001  # the resident's page failed too: the staff page, which needs nothing
        return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its token (expired, cookies off) — the 403 page, a resident's in her
    language, instead of Django's English page."""
    return _error(request, "403_csrf.html" if language_of(request.path_info) else "403.html", 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring, without sign-in: the database, migrations, the worker's heartbeat and free disk (core.health).
    200 when all pass, 503 otherwise; no personal data."""
    report = health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503,
                        json_dumps_params={"ensure_ascii": False})
