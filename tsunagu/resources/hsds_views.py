"""The HSDS 3.0 API (openapi.json of the standard): public entries only, no login, read-only, JSON."""

import math

from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import queries, search
from .hsds import nested, profile, spec
from .models import Attribute, Organization, ServiceAtLocation, Taxonomy, TaxonomyTerm

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
                            "/organizations/{id}": {}, "/taxonomies": {}, "/taxonomies/{id}": {},
                            "/taxonomy_terms": {}, "/taxonomy_terms/{id}": {}, "/service_at_locations": {},
                            "/service_at_locations/{id}": {}}})


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


# ---------- service_at_locations: the places of public entries ----------

def _with_term(term_id: str) -> Q:
    if (known := profile.tsunagu_term_ids().get(term_id)) is not None:
        return profile.services_with(*known)
    return Q(pk__in=Attribute.objects.filter(taxonomy_term_id=term_id).values("link_id"))


def _with_taxonomy(taxonomy_id: str) -> Q:
    if (key := profile.taxonomy_key(taxonomy_id)) is not None:
        return profile.services_with(key)
    return Q(pk__in=Attribute.objects.filter(taxonomy_term__taxonomy_id=taxonomy_id).values("link_id"))


def _public_service_at_locations(services=None):
    """Links of public entries only; `services` (public services, filtered) narrows them."""
    services = queries.public_services() if services is None else services
    return ServiceAtLocation.objects.filter(service_id__in=services.values("id"))


@require_GET
def service_at_locations(request):
    services = _filtered_services(request)
    if term := request.GET.get("taxonomy_term_id", "").strip():
        services = services.filter(_with_term(term))
    if taxonomy := request.GET.get("taxonomy_id", "").strip():
        services = services.filter(_with_taxonomy(taxonomy))
    queryset = _public_service_at_locations(services).order_by("service__name", "id")
    full = _truthy(request.GET.get("full"))
    return _page(request, queryset,
                 lambda window: nested.service_at_locations_json(window, queries.public_services(), full=full))


@require_GET
def service_at_location_detail(request, pk: str):
    found = nested.service_at_locations_json(_public_service_at_locations().filter(pk=pk), queries.public_services(),
                                             full=True)
    if not found:
        return not_found(request)
    return _json(found[0])


# ---------- taxonomies and terms: vocabulary, all of it (the profile's own first, then those imported) ----------

class _Vocabulary:
    """The profile's objects (built in code) followed by a queryset's, as one list `_page` can count and slice."""

    def __init__(self, built: list[dict], queryset, build):
        self.built, self.queryset, self.build = built, queryset, build

    def count(self) -> int:
        return len(self.built) + self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict]:
        skip = len(self.built)
        rest = self.queryset[max(0, window.start - skip): max(0, window.stop - skip)]
        return self.built[window] + self.build(rest)


def _searched(request, queryset, built: list[dict], columns: tuple[str, ...]):
    """`search` as a case-insensitive part of any of `columns`, in the stored rows and the profile's alike."""
    if text := request.GET.get("search", "").strip():
        queryset = queryset.filter(Q(*(Q(**{f"{c}__icontains": text}) for c in columns), _connector=Q.OR))
        built = [o for o in built if any(text.lower() in str(o.get(c, "")).lower() for c in columns)]
    return queryset, built


@require_GET
def taxonomies(request):
    queryset, built = _searched(request, Taxonomy.objects.order_by("name", "id"), nested.profile_taxonomies_json(),
                                ("name", "description"))
    return _page(request, _Vocabulary(built, queryset, nested.taxonomies_json), list)


def _vocabulary_detail(request, pk: str, built: list[dict], queryset, build):
    """One taxonomy or term: the profile's (built in code) first, else the stored one; 404 JSON without either."""
    found = [o for o in built if o["id"] == pk] or build(queryset.filter(pk=pk))
    return _json(found[0]) if found else not_found(request)


@require_GET
def taxonomy_detail(request, pk: str):
    return _vocabulary_detail(request, pk, nested.profile_taxonomies_json(), Taxonomy.objects, nested.taxonomies_json)


@require_GET
def taxonomy_terms(request):
    queryset, built = _searched(request, TaxonomyTerm.objects.order_by("name", "id"), nested.profile_terms_json(),
                                ("code", "name", "description"))
    if taxonomy := request.GET.get("taxonomy_id", "").strip():
        queryset = queryset.filter(taxonomy_id=taxonomy)
        built = [t for t in built if t["taxonomy_id"] == taxonomy]
    if parent := request.GET.get("parent_id", "").strip():
        queryset = queryset.filter(parent_id=parent)
        built = []  # the profile's terms have no parent
    if _truthy(request.GET.get("top_only")):
        queryset = queryset.filter(parent__isnull=True)
    return _page(request, _Vocabulary(built, queryset, nested.taxonomy_terms_json), list)


@require_GET
def taxonomy_term_detail(request, pk: str):
    return _vocabulary_detail(request, pk, nested.profile_terms_json(), TaxonomyTerm.objects, nested.taxonomy_terms_json)
