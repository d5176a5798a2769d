"""The HSDS 3.0 API (openapi.json of the standard): public entries only, no login, read-only, JSON."""

import math

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import queries, search
from .hsds import nested, spec
from .models import Organization

MAX_PER_PAGE = 200


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public open data
    return response


def _int(value, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


def _truthy(value) -> bool:
    return str(value).lower() in {"1", "true", "yes"}


@require_GET
def root(request):
    return _json({
        "version": spec.VERSION,
        "profile": "https://docs.openreferral.org/en/v3.0/",
        "openapi_url": request.build_absolute_uri(reverse("hsds:services")).rsplit("/services", 1)[0]
        + "/openapi.json",
    })


@require_GET
def openapi(request):
    return _json({"openapi": "3.1.0", "info": {"title": "Tsunagu HSDS API", "version": spec.VERSION},
                  "externalDocs": {"url": "https://github.com/openreferral/specification/blob/3.0/schema/openapi.json"},
                  "paths": {"/": {}, "/services": {}, "/services/{id}": {}, "/organizations": {},
                            "/organizations/{id}": {}}})


def _page(request, queryset, contents_of) -> JsonResponse:
    """An HSDS page of `queryset` (`page`, `per_page`); `contents_of(window)` builds its objects."""
    per_page = _int(request.GET.get("per_page"), 50, 1, MAX_PER_PAGE)
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    page = _int(request.GET.get("page"), 1, 1, pages)
    contents = contents_of(queryset[(page - 1) * per_page: page * per_page])
    return _json({"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
                  "first_page": page == 1, "last_page": page == pages, "empty": total == 0, "contents": contents})


def _filtered_services(request):
    services = queries.public_services()
    if organization := request.GET.get("organization_id"):
        services = services.filter(organization_id=organization)
    if modified_after := request.GET.get("modified_after"):
        services = services.filter(last_modified__gte=modified_after)
    if text := request.GET.get("search", "").strip():
        return search.matching(services, text)
    return services.order_by("name", "id")


@require_GET
def services(request):
    def contents_of(window):
        if _truthy(request.GET.get("minimal")):
            return [{"id": pk, "last_modified": modified} for pk, modified in window.values_list("id", "last_modified")]
        return nested.services_json(window, full=_truthy(request.GET.get("full")))

    return _page(request, _filtered_services(request), contents_of)


@require_GET
def service_detail(request, pk: str):
    queryset = queries.public_services().filter(pk=pk)
    found = nested.services_json(queryset, full=True)
    if not found:
        return not_found(request)
    return _json(found[0])


def not_found(request, exception=None):
    return _json({"detail": "見つかりません（公開されていないか、存在しません）。"}, status=404)


def _public_organizations():
    """The organizations of public entries: an organization with staff-only entries only is not shown."""
    return Organization.objects.filter(pk__in=queries.public_services().values("organization_id"))


@require_GET
def organizations(request):
    queryset = _public_organizations().order_by("name", "id")
    if text := request.GET.get("search", "").strip():
        queryset = queryset.filter(name__icontains=text)
    full = _truthy(request.GET.get("full_service"))
    return _page(request, queryset, lambda window: nested.organizations_json(window, queries.public_services(), full=full))


@require_GET
def organization_detail(request, pk: str):
    found = nested.organizations_json(_public_organizations().filter(pk=pk), queries.public_services(), full=True)
    if not found:
        return not_found(request)
    return _json(found[0])
