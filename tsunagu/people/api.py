"""/api/people/… — the same services and the same sharing policy as the pages (reads logged as API)."""

from datetime import date

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from tsunagu.audit.models import AccessAction
from tsunagu.core.forms import save_or_conflict
from tsunagu.identity.normalize import parse_birth_date
from tsunagu.sharing import policy

from . import services
from .models import Household, Person

PREFIX = "people/"
router = Router(tags=["本人・世帯"])


class PersonOut(Schema):
    id: int
    name: str
    kana: str
    birth_date: date | None
    birth_date_wareki: str
    sex: str
    address: str
    phone: str
    agency_id: int
    version: int
    basis: str

    @staticmethod
    def resolve_basis(obj) -> str:
        access = policy.access_of(obj)
        return access.basis if access else ""


class PersonIn(Schema):
    name: str
    kana: str = ""
    birth_date: str | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    notes: str = ""


class PersonPatch(PersonIn):
    version: int


class MemberOut(Schema):
    person_id: int
    name: str
    relation_to_head: str
    is_head: bool


class HouseholdOut(Schema):
    id: int
    name: str
    address: str
    multi_issue: bool
    multi_issue_fields: list[str]
    version: int
    members: list[MemberOut]


def _birth(text: str | None):
    if not text:
        return None
    result = parse_birth_date(text)
    if result.error:
        raise HttpError(422, result.error)
    return result.date


def _raise(error: ValidationError):
    raise HttpError(422, " ".join(error.messages))


@router.get("/", response=list[PersonOut], summary="本人の検索（閲覧の根拠がある方のみ）")
def person_search(request, q: str = "", limit: int = 50):
    rows = list(policy.search_persons(request.actor, q[:100])[: max(1, min(limit, 200))])  # in ふりがな order
    policy.log_reads(request.actor, rows, action=AccessAction.API, path=request.path)
    return rows


@router.get("/{int:person_id}", response=PersonOut, summary="本人")
def person_get(request, person_id: int):
    return policy.get_or_404(Person, request.actor, person_id, action=AccessAction.API, path=request.path)


@router.post("/", response={201: PersonOut}, summary="本人の登録")
def person_create(request, payload: PersonIn):
    data = payload.dict()
    data["birth_date"] = _birth(data["birth_date"])
    try:
        person = services.person_create(actor=request.actor, **data)
    except ValidationError as error:
        _raise(error)
    return Status(201, policy.get_or_404(Person, request.actor, person.pk, action=AccessAction.API, path=request.path))


@router.patch("/{int:person_id}", response={200: PersonOut, 409: dict}, summary="本人の更新（version 必須）")
def person_update(request, person_id: int, payload: PersonPatch):
    person = policy.get_or_404(Person, request.actor, person_id, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(person, request.actor):
        raise HttpError(403, "この記録を編集できるのは記録した機関です。")
    data = payload.dict()
    version = data.pop("version")
    data["birth_date"] = _birth(data["birth_date"])
    outcome = save_or_conflict(
        lambda: services.person_update(actor=request.actor, person=person, expected_version=version, **data),
        invalid=_raise)
    if outcome.conflict is not None:
        return Status(409, outcome.conflict_answer("version", "name", "kana", "address", "phone", "notes"))
    return policy.get_or_404(Person, request.actor, person_id, action=AccessAction.API, path=request.path)


@router.get("/households/{int:household_id}", response=HouseholdOut, summary="世帯と（閲覧できる）世帯員")
def household_get(request, household_id: int):
    household = policy.get_or_404(Household, request.actor, household_id, action=AccessAction.API, path=request.path)
    members = household.members.filter(left_on__isnull=True).select_related("person")
    visible = set(policy.visible(Person.objects.filter(pk__in=[m.person_id for m in members]), request.actor)
                  .values_list("pk", flat=True))
    return {
        "id": household.pk, "name": household.name, "address": household.address, "multi_issue": household.multi_issue,
        "multi_issue_fields": household.multi_issue_fields, "version": household.version,
        "members": [{"person_id": m.person_id, "name": m.person.name, "relation_to_head": m.relation_to_head,
                     "is_head": m.is_head} for m in members if m.person_id in visible],
    }
