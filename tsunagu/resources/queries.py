"""Reads of the directory. The directory holds no personal data, so staff of every agency see every entry;
the public page and the public HSDS endpoints see `public_services()` only."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from tsunagu.agencies.models import Field
from tsunagu.core import pagination, versions
from tsunagu.core.pagination import CAP, capped_page

from . import search
from .models import (
    VERIFY_EVERY,
    NeedStatus,
    Offer,
    OfferStatus,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    UnmetNeed,
    Visibility,
    tokens_to_list,
)


@dataclass
class Filters:
    query: str = ""
    field: str = ""
    target: str = ""
    day: str = ""
    district: str = ""
    free: bool = False
    kind: str = ""
    vacancy: bool = False

    @property
    def active(self) -> bool:
        return any([self.query, self.field, self.target, self.day, self.district, self.free, self.kind, self.vacancy])


def active_services() -> QuerySet:
    return Service.objects.filter(status="active")


def public_services() -> QuerySet:
    """The only door to entries for people who are not logged in: public and active, nothing else."""
    return Service.objects.filter(visibility=Visibility.PUBLIC, status="active")


def with_listing_details(queryset: QuerySet) -> QuerySet:
    """What a list row shows, in a fixed number of queries whatever the page size."""
    return queryset.select_related("organization", "maintainer").prefetch_related(
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch("phones", queryset=Phone.objects.order_by("id")),
    )


# What a row of a result list shows (_service_row.html, placement_new.html) and nothing more: a page of 30 rows is
# read and turned into objects in half the time of the whole entry. A template that needs another column of a
# row must add it here (the list query-count tests catch a forgotten one).
ROW_FIELDS = ("id", "name", "kind", "visibility", "is_consultation_window", "free", "fields", "district",
              "description", "capacity", "vacancy", "organization__name")


def with_row_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("organization").only(*ROW_FIELDS).prefetch_related(
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch("phones", queryset=Phone.objects.order_by("id").only("id", "service_id", "number")),
    )


def with_places(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")
                 .prefetch_related("location__addresses").order_by("id")))


def filtered(queryset: QuerySet, filters: Filters) -> QuerySet:
    """Every entry the filters and the words find, best first (a search) or in name order."""
    queryset = _narrowed(queryset, filters)
    if filters.query:
        return search.matching(queryset, filters.query)
    return queryset.order_by("name", "id")


def _narrowed(queryset: QuerySet, filters: Filters) -> QuerySet:
    """The filters but the words, unordered."""
    if filters.field:
        queryset = queryset.filter(fields__contains=f",{filters.field},")
    if filters.target:
        # 「誰でも」 entries suit every target.
        queryset = queryset.filter(Q(targets__contains=f",{filters.target},") | Q(targets__contains=",anyone,"))
    if filters.day:
        # Asked of each entry read (its schedules by their index) rather than as the list of every entry open that
        # day: a page in name order then stops after its rows.
        queryset = queryset.filter(Exists(Schedule.objects.filter(service_id=OuterRef("pk"), byday__contains=filters.day)))
    if filters.district:
        queryset = queryset.filter(district=filters.district)
    if filters.free:
        queryset = queryset.filter(free=True)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.vacancy:
        queryset = queryset.filter(vacancy__gt=0)
    return queryset


def result_page(queryset: QuerySet, filters: Filters, page_number, per_page: int = 30) -> Page:
    """One page of results whose cost follows the page, not the list (core.pagination.capped_page): the rows read
    with one more, the total counted only then and only up to CAP (「1,000件以上」 beyond). A text search reads its
    page rank by rank (search.first_ranked: the same rows in the same order as ranking every match) and loads only
    the page's rows."""
    if not filters.query:
        return capped_page(with_row_details(filtered(queryset, filters)), page_number, per_page, cap=CAP)
    return _search_page(_narrowed(queryset, filters), filters.query, page_number, per_page, cap=CAP)


def _search_page(queryset: QuerySet, query: str, page_number, per_page: int, *, cap: int) -> Page:
    """capped_page's rules for a ranked search, whose page is a list of ids."""
    number = pagination.page_number(page_number)
    if number < 1:
        number = _last_page(queryset, query, per_page)
    offset = (number - 1) * per_page
    ranked = search.first_ranked(queryset, query, offset + per_page + 1)
    ids = ranked.ids
    if len(ids) <= offset and number > 1:  # past the end: the last page, counted exactly (rare)
        return _search_page(queryset, query, _last_page(queryset, query, per_page), per_page, cap=cap)
    page_ids = ids[offset:offset + per_page]

    def count_up_to(limit: int) -> int:  # not counted again when a rank read whole already holds more than the cap
        return ranked.known if ranked.known > limit else search.count_matching(queryset, query, cap=limit)

    paginator = pagination.capped_paginator(ids, per_page, cap=cap, offset=offset, shown=len(page_ids),
                                            more=len(ids) > offset + per_page, count_up_to=count_up_to)
    rows = {s.pk: s for s in with_row_details(Service.objects.filter(pk__in=page_ids))}
    return Page([rows[pk] for pk in page_ids if pk in rows], number, paginator)


def _last_page(queryset: QuerySet, query: str, per_page: int) -> int:
    return pagination.last_page(search.count_matching(queryset, query), per_page)


LIST_DEFER = ("search_text", "search_name", "search_chars", "application_process", "interpretation_services", "accreditations",
              "licenses", "alert", "wait_time", "fees")


def directory_version() -> str | None:
    """The key under which public pages are cached, read on every visit: the `directory` version token, which every
    write of the directory changes (resources.apps, hsds.publish). One row read by its key, whatever the directory's
    size — counting the entries for it cost a 政令市 3–18 ms a visit. None when the row is gone (a flushed
    database): then nothing may be cached."""
    return versions.current(versions.DIRECTORY)


# Answers read from every entry — the search form's districts, the staff page's summary — kept in each process while
# the `directory` token is unchanged: each costs a 政令市 tens of ms over its 50,000 entries, and the uncached public
# page and the staff page asked them on every request.
_kept: versions.Kept[Any] = versions.Kept(versions.DIRECTORY, size=16)


def districts() -> list[str]:
    return _kept.get("districts", lambda token: list(
        Service.objects.exclude(district="").order_by("district").values_list("district", flat=True).distinct()))


def public_districts() -> list[str]:
    return _kept.get("public_districts", lambda token: list(
        public_services().exclude(district="").order_by("district").values_list("district", flat=True).distinct()))


def forget() -> None:
    """Drops what this process keeps (tests: their rolled-back writes leave the token as it was)."""
    _kept.forget()


def consultation_windows() -> QuerySet:
    return with_listing_details(public_services().filter(is_consultation_window=True)).defer(*LIST_DEFER).order_by("name")


def stale_for(agency, *, today=None) -> QuerySet:
    """Entries this agency maintains that nobody has confirmed for twelve months."""
    today = today or timezone.localdate()
    return active_services().filter(maintainer=agency).filter(
        Q(verified_on__isnull=True) | Q(verified_on__lt=today - VERIFY_EVERY)).order_by("verified_on", "name")


def service_detail(pk: str, *, public: bool) -> Service | None:
    base = public_services() if public else Service.objects.all()
    return with_places(with_listing_details(base)).filter(pk=pk).first()


def open_needs() -> QuerySet:
    return UnmetNeed.objects.filter(status=NeedStatus.OPEN).select_related("recorded_by")


def needs_by_district() -> list[dict]:
    """Open needs per district and field, beside the number of active resources there: where a resource is wanted."""
    rows: dict[tuple[str, str], dict] = {}
    for need in open_needs():
        for field_key in tokens_to_list(need.fields) or [""]:
            key = (need.district, field_key)
            row = rows.setdefault(key, {"district": need.district, "field": field_key, "needs": 0, "people": 0,
                                        "field_label": dict(Field.choices).get(field_key, "")})
            row["needs"] += 1
            row["people"] += need.people_count
    resource_counts = _resource_counts()
    for (district, field_key), row in rows.items():
        row["resources"] = resource_counts.get((district, field_key), 0)
    return sorted(rows.values(), key=lambda r: (-r["people"], r["resources"], r["district"]))


def _resource_counts() -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for district, fields in active_services().values_list("district", "fields"):
        for field_key in tokens_to_list(fields):
            counts[(district, field_key)] = counts.get((district, field_key), 0) + 1
    return counts


def _overlap(a: str, b: str) -> int:
    return len(set(tokens_to_list(a)) & set(tokens_to_list(b)))


def match_score(offer: Offer, need: UnmetNeed) -> int:
    """Shared fields count most, then the same district, then shared targets. Zero means no match."""
    fields = _overlap(offer.fields, need.fields)
    if not fields:
        return 0
    same_district = bool(offer.district) and offer.district == need.district
    return fields * 3 + (2 if same_district else 0) + _overlap(offer.targets, need.targets)


def matches_for_offer(offer: Offer, limit: int = 10) -> list[tuple[int, UnmetNeed]]:
    scored = [(match_score(offer, need), need) for need in open_needs()]
    return sorted([s for s in scored if s[0] > 0], key=lambda s: (-s[0], -s[1].people_count))[:limit]


def matches_for_need(need: UnmetNeed, limit: int = 10) -> list[tuple[int, Offer]]:
    offers = Offer.objects.filter(status=OfferStatus.OPEN).select_related("recorded_by")
    scored = [(match_score(offer, need), offer) for offer in offers]
    return sorted([s for s in scored if s[0] > 0], key=lambda s: -s[0])[:limit]


def open_offers() -> QuerySet:
    return Offer.objects.filter(status=OfferStatus.OPEN).select_related("recorded_by")


def directory_summary() -> dict:
    today = timezone.localdate()
    return _kept.get(("summary", today), lambda token: _summary(today))


def _summary(today) -> dict:
    totals = active_services().aggregate(
        total=Count("id"), public=Count("id", filter=Q(visibility=Visibility.PUBLIC)),
        informal=Count("id", filter=Q(kind="informal")), vacancy=Sum("vacancy"),
        stale=Count("id", filter=Q(verified_on__isnull=True) | Q(verified_on__lt=today - VERIFY_EVERY)),
    )
    totals["recent"] = active_services().filter(created_at__gte=timezone.now() - timedelta(days=30)).count()
    return totals
