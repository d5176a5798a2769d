"""/api/meetings/… — the meetings the acting agency sits on, a sitting's record, agenda and action items,
through the same services and policy as the pages (current members only; reads logged)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case
from tsunagu.people.models import Household
from tsunagu.sharing import policy

from . import queries, services
from .models import Meeting, Sitting

PREFIX = "meetings/"
router = Router(tags=["会議"])


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    convened_by_id: int
    member_count: int
    next_on: date | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class ActionOut(Schema):
    id: int
    sitting_id: int
    meeting_id: int
    description: str
    owner_agency_id: int
    owner_staff_id: int | None
    due_on: date
    status: str

    @staticmethod
    def resolve_meeting_id(obj) -> int:
        return obj.sitting.meeting_id

    @staticmethod
    def resolve_description(obj) -> str:
        # The 要対協's record stays in the council's own screens.
        return "（要保護児童対策地域協議会の役割分担）" if obj.sitting.meeting.kind == "child_protection_council" else obj.description


class SittingOut(Schema):
    id: int
    meeting_id: int
    number: int
    held_on: date
    status: str
    minutes: str
    events: str
    topics: str
    version: int


class AgendaIn(Schema):
    case_id: int | None = None
    household_id: int | None = None


def _raise(error: ValidationError):
    raise HttpError(422, " ".join(error.messages))


@router.get("/", response=list[MeetingOut], summary="自機関が構成員の会議")
def meeting_list(request):
    return list(queries.meeting_list(request.actor))


@router.get("/actions", response=list[ActionOut], summary="自機関の未完了の役割分担")
def action_list(request):
    return list(queries.open_actions(request.actor.agency_id)[:200])


@router.get("/sittings/{int:sitting_id}", response=SittingOut, summary="開催と議事録（構成員のみ）")
def sitting_get(request, sitting_id: int):
    return policy.meeting_get_or_404(Sitting, request.actor, sitting_id, action=AccessAction.API, path=request.path)


@router.post("/{int:meeting_id}/agenda", response={201: dict}, summary="検討事項に加える（重層的支援会議は同意が必要）")
def agenda_add(request, meeting_id: int, payload: AgendaIn):
    actor = request.actor
    meeting = policy.meeting_get_or_404(Meeting, actor, meeting_id, action=AccessAction.API, path=request.path)
    case = policy.get_or_404(Case, actor, payload.case_id, path=request.path) if payload.case_id else None
    household = policy.get_or_404(Household, actor, payload.household_id, path=request.path) if payload.household_id and not case else None
    try:
        item = services.agenda_add(actor=actor, meeting=meeting, case=case, household=household)
    except ValidationError as error:
        _raise(error)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    return Status(201, {"id": item.pk, "meeting_id": meeting.pk, "added_on": item.added_on.isoformat()})
