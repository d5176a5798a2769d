"""/api/cases/… — intake, cases, notes and referrals through the same services and sharing policy as the pages."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from tsunagu.agencies.models import Agency
from tsunagu.audit.models import AccessAction
from tsunagu.core.forms import save_or_conflict
from tsunagu.people.models import Person
from tsunagu.sharing import policy
from tsunagu.sharing.services import known_elsewhere_ask

from . import queries, services
from .models import Case, CaseNote, Concern, Consultation, Consulter, Outcome, Referral, Route, Urgency

PREFIX = "cases/"
router = Router(tags=["相談・支援ケース・つなぎ"])


class CaseOut(Schema):
    id: int
    name: str  # 呼び名: what lists call the case (「十河さん世帯」)
    title: str
    status: str
    status_label: str
    lead_agency_id: int
    person_id: int | None
    household_id: int | None
    opened_on: date
    closed_on: date | None
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class NoteOut(Schema):
    id: int
    case_id: int
    agency_id: int
    written_on: date
    kind: str
    body: str
    version: int
    member_ids: list[int]  # the members the note names (世帯の一人ひとり); empty: the whole case

    @staticmethod
    def resolve_member_ids(obj: CaseNote) -> list[int]:
        return sorted(m.pk for m in obj.members.all())


class NoteIn(Schema):
    body: str
    kind: str = ""
    written_on: date | None = None
    member_ids: list[int] = []


def _one_of(choices, *, blank: bool = False) -> object:
    """The values of a model's choices as a type: anything else is a 422 naming the field (core.api)."""
    return Literal[tuple([""] * blank + list(choices.values))]


if TYPE_CHECKING:  # to the type checker each is a string; the schema checks the value against the choices
    RouteValue = str
    ConsulterValue = str
    ConcernValue = str
    ConcernOrBlank = str
    UrgencyValue = str
    OutcomeValue = str
else:
    RouteValue = _one_of(Route)
    ConsulterValue = _one_of(Consulter)
    ConcernValue = _one_of(Concern)
    ConcernOrBlank = _one_of(Concern, blank=True)
    UrgencyValue = _one_of(Urgency)
    OutcomeValue = _one_of(Outcome)


class ConsultationIn(Schema):
    """The intake form's fields; each choice takes only the form's values."""

    route: RouteValue
    consulter: ConsulterValue
    main_complaint: str
    received_on: date | None = None
    consulter_name: str = ""
    person_id: int | None = None
    name: str = ""
    kana: str = ""
    concerns: list[ConcernValue] = []
    primary_concern: ConcernOrBlank = ""
    urgency: UrgencyValue = Urgency.LOW.value
    first_response: str = ""
    outcome: OutcomeValue = Outcome.INFO_ONLY.value


class ConsultationOut(Schema):
    id: int
    person_id: int | None
    case_id: int | None
    known_elsewhere: bool | None  # null: not checked — past the day's limit of asks (see known_elsewhere_note)
    known_elsewhere_note: str = ""


class ReferralOut(Schema):
    id: int
    case_id: int
    person_id: int | None
    from_agency_id: int
    to_agency_id: int
    reason: str
    request: str
    due_on: date
    status: str
    decline_reason: str
    outcome: str
    sent_at: datetime
    version: int


class ReferralIn(Schema):
    to_agency_id: int
    reason: str
    request: str
    due_on: date
    person_id: int | None = None


class ReferralStatusIn(Schema):
    status: str
    version: int
    comment: str = ""


def _raise(error: ValidationError):
    raise HttpError(422, " ".join(error.messages))


@router.get("/", response=list[CaseOut], summary="支援ケースの一覧（閲覧の根拠があるもの）")
def case_list(request, status: str = "", q: str = "", mine: bool = False, limit: int = 50):
    rows = list(queries.case_list(policy.visible(Case.objects.all(), request.actor), status=status, mine_only=mine,
                                  agency_id=request.actor.agency_id, query=q[:100])[: max(1, min(limit, 200))])
    policy.log_reads(request.actor, rows, action=AccessAction.API, path=request.path)
    return rows


@router.get("/{int:case_id}", response=CaseOut, summary="支援ケース")
def case_get(request, case_id: int):
    return policy.get_or_404(Case, request.actor, case_id, action=AccessAction.API, path=request.path)


@router.get("/{int:case_id}/notes", response=list[NoteOut], summary="経過記録")
def note_list(request, case_id: int):
    case = policy.get_or_404(Case, request.actor, case_id, action=AccessAction.API, path=request.path)
    rows = list(policy.visible(CaseNote.objects.filter(case=case), request.actor).prefetch_related("members")[:500])
    policy.log_reads(request.actor, rows, action=AccessAction.API, path=request.path)
    return rows


@router.post("/{int:case_id}/notes", response={201: NoteOut}, summary="経過記録の追加")
def note_create(request, case_id: int, payload: NoteIn):
    case = policy.get_or_404(Case, request.actor, case_id, action=AccessAction.EDIT, path=request.path)
    members = [policy.get_or_404(Person, request.actor, pk, path=request.path) for pk in dict.fromkeys(payload.member_ids)]
    try:
        note = services.note_add(actor=request.actor, case=case, body=payload.body, kind=payload.kind,
                                 written_on=payload.written_on, members=members)
    except ValidationError as error:
        _raise(error)
    return Status(201, note)


@router.post("/consultations", response={201: ConsultationOut}, summary="相談受付")
def consultation_create(request, payload: ConsultationIn):
    actor = request.actor
    person = policy.get_or_404(Person, actor, payload.person_id, path=request.path) if payload.person_id else None
    text = payload.name or payload.kana
    try:
        c = services.consultation_record(
            actor=actor, route=payload.route, consulter=payload.consulter, main_complaint=payload.main_complaint,
            received_on=payload.received_on, consulter_name=payload.consulter_name, person=person,
            new_person={"name": payload.name, "kana": payload.kana} if not person else None,
            concerns=payload.concerns, primary_concern=payload.primary_concern, urgency=payload.urgency,
            first_response=payload.first_response, outcome=payload.outcome)
    except ValidationError as error:
        _raise(error)
    elsewhere = known_elsewhere_ask(actor=actor, text=text, path=request.path) if text and not person else None
    return Status(201, {"id": c.pk, "person_id": c.person_id, "case_id": c.case_id,
                        "known_elsewhere": elsewhere.known if elsewhere else False,
                        "known_elsewhere_note": elsewhere.note if elsewhere else ""})


@router.get("/consultations/{int:consultation_id}", response=ConsultationOut, summary="相談受付")
def consultation_get(request, consultation_id: int):
    c = policy.get_or_404(Consultation, request.actor, consultation_id, action=AccessAction.API, path=request.path)
    return {"id": c.pk, "person_id": c.person_id, "case_id": c.case_id, "known_elsewhere": False}


@router.get("/referrals", response=list[ReferralOut], summary="つなぎ（送った・受けた）")
def referral_list(request):
    rows = list(policy.visible(Referral.objects.all(), request.actor)[:200])
    policy.log_reads(request.actor, rows, action=AccessAction.API, path=request.path)
    return rows


@router.get("/referrals/{int:referral_id}", response=ReferralOut, summary="つなぎ")
def referral_get(request, referral_id: int):
    return policy.get_or_404(Referral, request.actor, referral_id, action=AccessAction.API, path=request.path)


@router.post("/{int:case_id}/referrals", response={201: ReferralOut}, summary="つなぎの依頼（根拠のある機関のみ）")
def referral_create(request, case_id: int, payload: ReferralIn):
    case = policy.get_or_404(Case, request.actor, case_id, path=request.path)
    person = case.person
    if payload.person_id and not person:
        person = policy.get_or_404(Person, request.actor, payload.person_id, path=request.path)
    to_agency = Agency.objects.filter(pk=payload.to_agency_id, active=True).first()
    if to_agency is None:
        raise HttpError(422, "つなぎ先の機関が見つかりません。")
    try:
        referral = services.referral_send(actor=request.actor, case=case, person=person, to_agency=to_agency,
                                          reason=payload.reason, request=payload.request, due_on=payload.due_on,
                                          receiver_access=policy.agency_may_see(to_agency, person or case))
    except ValidationError as error:
        _raise(error)
    return Status(201, referral)


@router.post("/referrals/{int:referral_id}/status", response={200: ReferralOut, 409: dict}, summary="つなぎの状況変更")
def referral_status(request, referral_id: int, payload: ReferralStatusIn):
    referral = policy.get_or_404(Referral, request.actor, referral_id, action=AccessAction.EDIT, path=request.path)
    outcome = save_or_conflict(
        lambda: services.referral_respond(actor=request.actor, referral=referral, status=payload.status,
                                          expected_version=payload.version, comment=payload.comment),
        invalid=_raise)
    if outcome.conflict is not None:
        return Status(409, outcome.conflict_answer("status", "version"))
    return policy.get_or_404(Referral, request.actor, referral_id, action=AccessAction.API, path=request.path)
