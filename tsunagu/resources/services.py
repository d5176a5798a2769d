"""Writes to the directory. A staff form is flat (one screen); here it becomes HSDS rows: a service, its provider
(organization), its place (location + address), phone, contact and weekly schedule.

Any agency adds entries; an entry is edited, verified, given a vacancy or ended only by the agency maintaining it
or by the coordinator (`may_maintain`) — the coordinator alone for an entry no agency maintains (one imported from
an HSDS package). An edit states the version it started from."""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Agency, Municipality
from tsunagu.core import versions
from tsunagu.core.locking import EditConflict, save_versioned
from tsunagu.core.progress import Progress

from . import search
from .hsds.publish import Batch, Removal, publish, staging_table
from .models import (
    ActivityAgency,
    ActivityMonth,
    Address,
    CommunityActivity,
    CommunityPlace,
    Location,
    NeedStatus,
    Offer,
    OfferStatus,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    UnmetNeed,
    list_to_tokens,
)

PROFILE_FIELDS = [
    "name", "description", "description_easy", "kind", "visibility", "is_consultation_window", "district", "free", "fees_description",
    "eligibility_description", "capacity", "vacancy", "keywords", "url", "email", "minimum_age", "maximum_age",
]
NULLABLE = {"capacity", "vacancy", "minimum_age", "maximum_age"}
NOT_MAINTAINER = "この資源を変更できるのは、管理機関または相談支援包括化推進員です。"
VERSION_MISSING = "版の情報がないため保存できません。画面を開き直してから、もう一度保存してください。"


def directory_changed(**kwargs: object) -> None:
    """A new `directory` token in the writer's transaction: the public pages cached under the old one are not read
    again (middleware.py). Connected to every write of the directory's HSDS tables (apps.py); writes that bypass the
    model signals call it themselves (hsds.publish, below this module, changes the token itself)."""
    versions.changed(versions.DIRECTORY)


def may_maintain(actor: Actor, service: Service) -> bool:
    """Edit, verify, set the vacancy of, or end the entry: its maintaining agency, or the coordinator."""
    if actor.is_coordinator:
        return True
    return service.maintainer_id is not None and service.maintainer_id == actor.agency_id


def _check_maintainer(actor: Actor, service: Service) -> None:
    if not may_maintain(actor, service):
        raise PermissionDenied(NOT_MAINTAINER)


def search_refresh(services: Iterable[Service]) -> None:
    """Recomputes the normalised search columns (the FTS5 triggers / PostgreSQL index follow the column)."""
    services = list(services)
    places = _place_words([s.pk for s in services])
    for service in services:
        service.search_text = search.search_text_for(service, organization_name=service.provider_name,
                                                     extra=places.get(service.pk))
        service.search_name = search.normalize(service.name)
        service.search_chars = search.chars(service.search_text)
    Service.objects.bulk_update(services, ["search_text", "search_name", "search_chars"], batch_size=500)


def _place_words(service_ids: list[str]) -> dict[str, list[str]]:
    words: dict[str, list[str]] = {}
    rows = ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "location__name", "location__addresses__address_1")
    for service_id, name, address in rows:
        words.setdefault(service_id, []).extend(w for w in (name, address) if w)
    return words


def _organization_for(name: str) -> Organization | None:
    name = name.strip()
    if not name:
        return None
    found = Organization.objects.filter(name=name).first()
    return found or Organization.objects.create(name=name, description=name)


def _apply_fields(service: Service, data: dict) -> None:
    """The form's values on the entry, but its provider (which may need a row of its own)."""
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(service, name, "" if value is None and name not in NULLABLE else value)
    service.fields = list_to_tokens(data.get("fields", []))
    service.targets = list_to_tokens(data.get("targets", []))
    service.status = service.status or "active"
    now = timezone.now()
    service.updated_at = now
    service.last_modified = now.isoformat(timespec="seconds")


def _provider_name(service: Service, data: dict) -> str:
    # HSDS needs a provider for every service; without one named, the maintaining agency provides it.
    fallback = service.maintainer.name if service.maintainer is not None else "提供主体未登録"
    return (data.get("organization_name", "") or "").strip() or fallback


def _apply_profile(service: Service, data: dict) -> None:
    _apply_fields(service, data)
    service.organization = _organization_for(_provider_name(service, data))


@transaction.atomic
def service_create(*, data: dict, maintainer: Agency | None) -> Service:
    service = Service(status="active", maintainer=maintainer, verified_on=timezone.localdate())
    _apply_profile(service, data)
    if service.vacancy is not None:
        service.vacancy_updated_on = timezone.localdate()
    service.save()
    _write_place_phone_schedule(service, data)
    search_refresh([service])
    return service


@transaction.atomic
def service_update(*, actor: Actor, service: Service, data: dict, expected_version: int | None) -> Service:
    if expected_version is None:
        raise ValidationError({"version": VERSION_MISSING})
    current = Service.objects.select_for_update().get(pk=service.pk)
    _check_maintainer(actor, current)
    if current.version != expected_version:
        raise EditConflict(current)
    vacancy_changed = data.get("vacancy") != current.vacancy
    _apply_profile(service, data)
    service.version = expected_version + 1
    service.verified_on = timezone.localdate()  # editing is checking: the person just looked at every field
    if vacancy_changed:
        service.vacancy_updated_on = timezone.localdate()
    service.save()
    _write_place_phone_schedule(service, data)
    search_refresh([service])
    return service


def _write_place_phone_schedule(service: Service, data: dict) -> None:
    _write_place(service, data.get("place_name", ""), data.get("address", ""), data.get("postal_code", ""))
    _write_phone(service, data.get("phone", ""))
    _write_schedule(service, data)


def _write_place(service: Service, place_name: str, address_text: str, postal_code: str) -> None:
    link = service.service_at_locations.select_related("location").first()
    if not (place_name or address_text):
        return
    if link is None:
        location = Location.objects.create(location_type="physical", name=place_name or service.name,
                                           organization=service.organization)
        ServiceAtLocation.objects.create(service=service, location=location)
    else:
        location = link.location
        location.name = place_name or location.name
        location.save(update_fields=["name"])
    municipality = Municipality.objects.first()
    # HSDS requires city, state and postal code on an address; "-" marks one we were not told.
    Address.objects.update_or_create(
        location=location, address_type="physical",
        defaults={"address_1": address_text or "-", "city": (municipality.name if municipality else "") or "-",
                  "state_province": (municipality.prefecture if municipality else "") or "-",
                  "postal_code": postal_code or "-", "country": "JP"},
    )


def _write_phone(service: Service, number: str) -> None:
    phone = service.phones.first()
    if phone is None and number:
        Phone.objects.create(service=service, number=number, type="voice")
    elif phone is not None and number != phone.number:
        if number:
            phone.number = number
            phone.save(update_fields=["number"])
        else:
            phone.delete()


def _write_schedule(service: Service, data: dict) -> None:
    days = data.get("days") or []
    note = data.get("schedule_note", "")
    opens = data["opens_at"].strftime("%H:%M") if data.get("opens_at") else ""
    closes = data["closes_at"].strftime("%H:%M") if data.get("closes_at") else ""
    service.schedules.all().delete()  # a schedule is part of the entry, rewritten as a whole with it
    if days or note or opens:
        Schedule.objects.create(service=service, freq="WEEKLY" if days else "", byday=",".join(days),
                                opens_at=opens, closes_at=closes, description=note, wkst="MO")


@transaction.atomic
def service_verify(*, actor: Actor, service: Service, on: date | None = None) -> Service:
    _check_maintainer(actor, service)
    service.verified_on = on or timezone.localdate()
    service.updated_at = timezone.now()
    service.save(update_fields=["verified_on", "updated_at"])
    return service


@transaction.atomic
def vacancy_update(*, actor: Actor, service: Service, vacancy: int | None) -> Service:
    _check_maintainer(actor, service)
    service.vacancy = vacancy
    service.vacancy_updated_on = timezone.localdate()
    service.updated_at = timezone.now()
    service.save(update_fields=["vacancy", "vacancy_updated_on", "updated_at"])
    return service


@transaction.atomic
def service_archive(*, actor: Actor, service: Service) -> Service:
    """Entries are never deleted from the screens: an ended resource becomes inactive and leaves every list."""
    _check_maintainer(actor, service)
    service.status = "inactive"
    service.updated_at = timezone.now()
    service.save(update_fields=["status", "updated_at"])
    return service


@transaction.atomic
def offer_create(*, data: dict, recorded_by: Agency) -> Offer:
    offer = Offer(recorded_by=recorded_by)
    for name in ["title", "offerer_kind", "offerer_name", "contact_note", "description", "availability", "district"]:
        setattr(offer, name, data.get(name, ""))
    offer.fields = list_to_tokens(data.get("fields", []))
    offer.targets = list_to_tokens(data.get("targets", []))
    offer.save()
    return offer


@transaction.atomic
def offer_set_status(*, offer: Offer, status: str, resulting_service: Service | None = None) -> Offer:
    if status not in OfferStatus.values:
        raise ValueError(f"状態の値が正しくありません: {status}")
    offer.status = status
    offer.resulting_service = resulting_service or offer.resulting_service
    offer.save(update_fields=["status", "resulting_service"])
    return offer


@transaction.atomic
def need_create(*, data: dict, recorded_by: Agency) -> UnmetNeed:
    need = UnmetNeed(recorded_by=recorded_by, description=data["description"], district=data.get("district", ""),
                     people_count=data.get("people_count") or 1)
    need.fields = list_to_tokens(data.get("fields", []))
    need.targets = list_to_tokens(data.get("targets", []))
    need.save()
    return need


@transaction.atomic
def need_mark_met(*, need: UnmetNeed, service: Service | None) -> UnmetNeed:
    need.status = NeedStatus.MET
    need.met_by = service
    need.save(update_fields=["status", "met_by"])
    return need


# ----------------------------------------------------------------------------------------------------------
# 地域づくり: the places registered as 拠点, their activities and each month's numbers
# ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def community_place_register(*, actor: Actor, service: Service, registered_on: date | None = None) -> CommunityPlace:
    """Registers a directory entry as a 地域づくりの拠点 (once)."""
    if actor.agency is None:
        raise ValidationError("機関の職員として操作してください。")
    if CommunityPlace.objects.filter(service=service).exists():
        raise ValidationError({"service": f"「{service.name}」はすでに地域づくりの拠点です。"})
    return CommunityPlace.objects.create(service=service, registered_on=registered_on or timezone.localdate(),
                                         recorded_by=actor.agency)


@transaction.atomic
def community_activity_add(*, actor: Actor, place: CommunityPlace, name: str) -> CommunityActivity:
    if actor.agency is None:
        raise ValidationError("機関の職員として操作してください。")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "活動名を入力してください（例：ふれあいサロン）。"})
    if CommunityActivity.objects.filter(place=place, name=name).exists():
        raise ValidationError({"name": f"この拠点には「{name}」がすでにあります。"})
    return CommunityActivity.objects.create(place=place, name=name[:120], agency=actor.agency)


def _participants(value: object) -> int:
    text = str(value if value is not None else "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not text.isdigit() or int(text) > 1_000_000:
        raise ValidationError({"participants": "参加者数（延べ）は 0 以上の整数で入力してください（例：24）。"})
    return int(text)


@transaction.atomic
def activity_month_record(*, actor: Actor, activity: CommunityActivity, month: date, participants: object,
                          agency_ids: Iterable[int] = (), expected_version: int | None = None) -> ActivityMonth:
    """The month's 延べ参加者数 and 参加機関 of an activity, recorded by the agency running it; a month already
    recorded is corrected from the version the edit began with (core.locking)."""
    agency = actor.agency
    if agency is None or agency.pk != activity.agency_id:
        raise ValidationError("この活動の実績を記録できるのは、運営・記録する機関の職員です。")
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": "月は今月以前を指定してください。"})
    count = _participants(participants)
    agencies = list(Agency.objects.filter(pk__in=list(agency_ids)))
    row = ActivityMonth.objects.filter(activity=activity, month=month).first()
    if row is None:
        row = ActivityMonth.objects.create(activity=activity, month=month, participants=count, recorded_by=agency)
    else:
        row.participants, row.recorded_by, row.updated_at = count, agency, timezone.now()
        save_versioned(row, expected_version=expected_version, fields=["participants", "recorded_by", "updated_at"])
    row.participations.all().delete()
    ActivityAgency.objects.bulk_create(ActivityAgency(activity_month=row, agency=a) for a in agencies)
    return row


# ---------- a sheet of entries at once (the Excel import) ----------

class StaleRows(Exception):
    """Entries changed by someone else after they were read: (row number, name) of each. Nothing was written."""

    def __init__(self, rows: list[tuple[int, str]]):
        super().__init__(rows)
        self.rows = rows


@dataclass
class _Sheet:
    """Every row written by a sheet, built in memory, then published at once (hsds.publish)."""

    municipality: Municipality | None
    organizations: dict[str, Organization] = dc_field(default_factory=dict)
    new_organizations: list[Organization] = dc_field(default_factory=list)
    services: list[Service] = dc_field(default_factory=list)
    locations: list[Location] = dc_field(default_factory=list)
    links: list[ServiceAtLocation] = dc_field(default_factory=list)
    addresses: list[Address] = dc_field(default_factory=list)
    phones: list[Phone] = dc_field(default_factory=list)
    schedules: list[Schedule] = dc_field(default_factory=list)
    phones_removed: list[str] = dc_field(default_factory=list)
    schedules_of: list[str] = dc_field(default_factory=list)  # services whose schedules are rewritten


def _organization_in(sheet: _Sheet, name: str) -> Organization:
    if name not in sheet.organizations:
        organization = Organization(name=name, description=name)
        sheet.organizations[name] = organization
        sheet.new_organizations.append(organization)
    return sheet.organizations[name]


def _address_values(sheet: _Sheet, address_text: str, postal_code: str) -> dict:
    municipality = sheet.municipality
    return {"address_1": address_text or "-", "city": (municipality.name if municipality else "") or "-",
            "state_province": (municipality.prefecture if municipality else "") or "-",
            "postal_code": postal_code or "-", "country": "JP"}


class _Held:
    """What the sheet's existing entries already have: their first place (and its address), first phone, and the
    words of all their places for the search — each read for all of them in one query."""

    def __init__(self, service_ids: list[str]):
        # keyed by the rows' references (never null here: the rows are filtered on them)
        self.link: dict[str | None, ServiceAtLocation] = {}
        self.places: dict[str | None, list[Location]] = {}
        for link in ServiceAtLocation.objects.filter(service_id__in=service_ids).select_related("location").order_by("id"):
            self.link.setdefault(link.service_id, link)
            if link.location is not None:
                self.places.setdefault(link.service_id, []).append(link.location)
        locations = {location.pk for found in self.places.values() for location in found}
        self.addresses: dict[str | None, list[Address]] = {}
        for address in Address.objects.filter(location_id__in=locations).order_by("id"):
            self.addresses.setdefault(address.location_id, []).append(address)
        self.phone: dict[str | None, Phone] = {}
        for phone in Phone.objects.filter(service_id__in=service_ids).order_by("id"):
            self.phone.setdefault(phone.service_id, phone)


def _place(sheet: _Sheet, held: _Held, service: Service, data: dict) -> list[str]:
    """The entry's place as `_write_place` writes it; returns the words of all its places for the search."""
    place_name, address_text = data.get("place_name", ""), data.get("address", "")
    postal_code = data.get("postal_code", "")
    link = held.link.get(service.pk)
    if place_name or address_text:
        if link is None or link.location is None:
            location = Location(location_type="physical", name=place_name or service.name,
                                organization_id=service.organization_id)
            sheet.locations.append(location)
            sheet.links.append(ServiceAtLocation(service_id=service.pk, location_id=location.pk))
            held.places.setdefault(service.pk, []).append(location)
        else:
            location = link.location
            location.name = place_name or location.name
            sheet.locations.append(location)
        physical = next((a for a in held.addresses.get(location.pk, []) if a.address_type == "physical"), None)
        if physical is None:
            physical = Address(location_id=location.pk, address_type="physical")
            held.addresses.setdefault(location.pk, []).append(physical)
        for name, value in _address_values(sheet, address_text, postal_code).items():
            setattr(physical, name, value)
        sheet.addresses.append(physical)
    words: list[str] = []
    for location in held.places.get(service.pk, []):
        words.extend(w for w in (location.name, *(a.address_1 for a in held.addresses.get(location.pk, []))) if w)
    return words


def _phone_and_schedule(sheet: _Sheet, held: _Held, service: Service, data: dict, *, new: bool) -> None:
    number = data.get("phone", "")
    phone = held.phone.get(service.pk)
    if phone is None and number:
        sheet.phones.append(Phone(service_id=service.pk, number=number, type="voice"))
    elif phone is not None and number != phone.number:
        if number:
            phone.number = number
            sheet.phones.append(phone)
        else:
            sheet.phones_removed.append(phone.pk)
    if not new:
        sheet.schedules_of.append(service.pk)  # rewritten as a whole with the entry, as on the screen
    days = data.get("days") or []
    note = data.get("schedule_note", "")
    opens = data["opens_at"].strftime("%H:%M") if data.get("opens_at") else ""
    closes = data["closes_at"].strftime("%H:%M") if data.get("closes_at") else ""
    if days or note or opens:
        sheet.schedules.append(Schedule(service_id=service.pk, freq="WEEKLY" if days else "", byday=",".join(days),
                                        opens_at=opens, closes_at=closes, description=note, wkst="MO"))


def _sheet_entry(sheet: _Sheet, held: _Held, service: Service, data: dict, *, new: bool) -> None:
    vacancy_before = service.vacancy
    _apply_fields(service, data)
    today = timezone.localdate()
    if new:
        service.verified_on = today
        if service.vacancy is not None:
            service.vacancy_updated_on = today
    else:
        service.version = data["version"] + 1
        service.verified_on = today  # editing is checking, as on the screen
        if data.get("vacancy") != vacancy_before:
            service.vacancy_updated_on = today
    provider = _organization_in(sheet, _provider_name(service, data))
    service.organization_id = provider.pk
    words = _place(sheet, held, service, data)
    _phone_and_schedule(sheet, held, service, data, new=new)
    service.search_text = search.search_text_for(service, organization_name=provider.name, extra=words)
    service.search_name = search.normalize(service.name)
    service.search_chars = search.chars(service.search_text)
    sheet.services.append(service)


def _batch(model, instances: list, fields: list[str] | None = None):
    unique = list({i.pk: i for i in instances}.values())
    columns = fields or [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return Batch(model, unique, columns)


def services_write_sheet(*, actor: Actor, rows: list[tuple[int, Service | None, dict]]) -> tuple[int, int]:
    """A checked sheet's rows — (row number, the entry it updates or None for a new one, the form's values) —
    written at once: every row built in memory, then published in one short transaction (hsds.publish), in a
    number of statements that does not grow with the rows. An entry whose version moved on since it was read
    raises StaleRows, and nothing is written. Returns (created, updated)."""
    updated_ids = [service.pk for _, service, _ in rows if service is not None]
    held = _Held(updated_ids)
    sheet = _Sheet(municipality=Municipality.objects.first())
    names = {_provider_name(service or Service(maintainer=actor.agency), data) for _, service, data in rows}
    sheet.organizations = {o.name: o for o in Organization.objects.filter(name__in=names).order_by("-id")}
    expected: dict[str, tuple[int, str]] = {}
    for number, service, data in rows:
        if service is None:
            _sheet_entry(sheet, held, Service(status="active", maintainer=actor.agency), data, new=True)
        else:
            expected[service.pk] = (number, service.name)
            _sheet_entry(sheet, held, service, data, new=False)
    batches = [_batch(Organization, sheet.new_organizations), _batch(Service, sheet.services),
               _batch(Location, sheet.locations), _batch(ServiceAtLocation, sheet.links),
               _batch(Address, sheet.addresses), _batch(Phone, sheet.phones), _batch(Schedule, sheet.schedules)]

    def unchanged_since_read(cursor) -> None:
        if not expected:
            return
        cursor.execute(f"SELECT s.id FROM resources_service s JOIN {staging_table(Service)} t ON s.id = t.id "  # noqa: S608
                       "WHERE s.version <> t.version - 1")
        stale = sorted(expected[row[0]] for row in cursor.fetchall())
        if stale:
            raise StaleRows(stale)

    publish(batches, progress=Progress(io.StringIO()), check=unchanged_since_read,
            removals=[Removal(Schedule, "service", sheet.schedules_of), Removal(Phone, "id", sheet.phones_removed)])
    return len(rows) - len(updated_ids), len(updated_ids)
