"""/api/meetings/… — the meetings the acting agency sits on, a sitting's record (the agenda items it takes up, with
their discussions, and its decisions and action items, as the reader may read them: `queries.sitting_rows`,
`queries.sitting_record`), the agency's action items, the agenda (the convener's
managers) and proposals to it (members), through the same services and policy as the pages (current members
whose pledge is recorded; reads logged)."""

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


class DecisionOut(Schema):
    id: int
    agenda_item_id: int | None
    text: str


class SittingItemOut(Schema):
    agenda_item_id: int
    case_id: int | None
    household_id: int | None
    discussion: str


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
    agenda_items: list[SittingItemOut]
    decisions: list[DecisionOut]
    action_items: list[ActionOut]


class AgendaIn(Schema):
    case_id: int | None = None
    household_id: int | None = None


class ProposalIn(AgendaIn):
    reason: str = ""


def _raise(error: ValidationError):
    raise HttpError(422, " ".join(error.messages))


@router.get("/", response=list[MeetingOut], summary="自機関が構成員の会議")
def meeting_list(request):
    return list(queries.meeting_list(request.actor))


@router.get("/actions", response=list[ActionOut], summary="自機関の未完了の役割分担（閲覧できる検討事項のものだけ）")
def action_list(request):
    return list(queries.open_actions(request.actor)[:200])


@router.get("/sittings/{int:sitting_id}", response=SittingOut, summary="開催と議事録（構成員のみ）")
def sitting_get(request, sitting_id: int):
    sitting = policy.meeting_get_or_404(Sitting, request.actor, sitting_id, action=AccessAction.API, path=request.path)
    rows = [r for r in queries.sitting_rows(sitting, request.actor) if r.subject is not None]
    policy.log_reads(request.actor, [r.subject for r in rows if r.subject is not None], action=AccessAction.API,
                     path=request.path)
    said = dict(sitting.items.values_list("agenda_item_id", "discussion"))
    items = [{"agenda_item_id": r.item.pk, "case_id": r.item.case_id, "household_id": r.item.household_id,
              "discussion": said.get(r.item.pk, "")} for r in rows]
    decisions, actions = queries.sitting_record(sitting, request.actor)
    fields = ("id", "meeting_id", "number", "held_on", "status", "minutes", "events", "topics", "version")
    return {**{f: getattr(sitting, f) for f in fields}, "agenda_items": items, "decisions": decisions,
            "action_items": actions}


def _subject(request, payload: AgendaIn):
    """The case or household of the payload, read through the policy (404 without a basis); both or neither: 422."""
    if (payload.case_id is None) == (payload.household_id is None):
        raise HttpError(422, "case_id か household_id のどちらか一方を指定してください。")
    if payload.case_id is not None:
        return policy.get_or_404(Case, request.actor, payload.case_id, action=AccessAction.API, path=request.path), None
    return None, policy.get_or_404(Household, request.actor, payload.household_id, action=AccessAction.API, path=request.path)


def _write(call):
    try:
        return call()
    except ValidationError as error:
        _raise(error)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None


@router.post("/{int:meeting_id}/agenda", response={201: dict},
             summary="検討事項に加える（主催機関の管理者・推進員のみ。重層的支援会議は同意が必要）")
def agenda_add(request, meeting_id: int, payload: AgendaIn):
    actor = request.actor
    meeting = policy.meeting_get_or_404(Meeting, actor, meeting_id, action=AccessAction.API, path=request.path)
    if not services.governs(actor, meeting):
        raise HttpError(403, "検討事項を加えるのは主催機関の管理者・推進員です。"
                             f"POST /api/meetings/{meeting.pk}/proposals で提案してください。")
    case, household = _subject(request, payload)
    item = _write(lambda: services.agenda_add(actor=actor, meeting=meeting, case=case, household=household))
    return Status(201, {"id": item.pk, "meeting_id": meeting.pk, "added_on": item.added_on.isoformat()})


@router.post("/{int:meeting_id}/proposals", response={201: dict}, summary="検討事項を提案する（構成員。主催機関が判断）")
def proposal_add(request, meeting_id: int, payload: ProposalIn):
    actor = request.actor
    meeting = policy.meeting_get_or_404(Meeting, actor, meeting_id, action=AccessAction.API, path=request.path)
    case, household = _subject(request, payload)
    proposal = _write(lambda: services.agenda_propose(actor=actor, meeting=meeting, case=case, household=household,
                                                      reason=payload.reason))
    return Status(201, {"id": proposal.pk, "meeting_id": meeting.pk, "status": proposal.status})
