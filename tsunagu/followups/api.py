"""/api/followups/… — the acting agency's planned follow-ups (on cases it may see) and recording one."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case
from tsunagu.core.forms import save_or_conflict
from tsunagu.core.locking import EditConflict
from tsunagu.sharing import policy

from . import queries, services
from .models import FollowUp

PREFIX = "followups/"
router = Router(tags=["フォローアップ"])


class FollowUpOut(Schema):
    id: int
    case_id: int
    agency_id: int
    staff_id: int | None
    due_on: date
    method: str
    status: str
    done_on: date | None
    note: str
    version: int


class RecordIn(Schema):
    status: str
    note: str = ""
    version: int
    done_on: date | None = None


@router.get("/", response=list[FollowUpOut], summary="自機関のフォローアップ（予定・期限切れ）")
def followup_list(request, overdue: bool = False):
    rows = list(queries.followups_for(request.actor, overdue_only=overdue, within_days=None)[:500])
    cases = policy.visible(Case.objects.filter(pk__in={f.case_id for f in rows}), request.actor)
    policy.log_reads(request.actor, cases, action=AccessAction.API, path=request.path)
    return rows


@router.post("/{int:followup_id}/record", response={200: FollowUpOut, 409: dict}, summary="フォローアップの結果を記録")
def followup_record(request, followup_id: int, payload: RecordIn):
    followup = FollowUp.objects.filter(pk=followup_id, agency_id=request.actor.agency_id).select_related("case").first()
    if followup is None:
        raise Http404
    policy.get_or_404(Case, request.actor, followup.case_id, action=AccessAction.API, path=request.path)
    try:
        outcome = save_or_conflict(
            lambda: services.followup_record(actor=request.actor, followup=followup, expected_version=payload.version,
                                             status=payload.status, note=payload.note, done_on=payload.done_on),
            invalid=_unprocessable)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    if outcome.conflict is not None:
        return Status(409, {"detail": EditConflict.message, "version": outcome.conflict.version})
    return Status(200, outcome.value)


def _unprocessable(error: ValidationError):
    raise HttpError(422, " ".join(error.messages)) from None
