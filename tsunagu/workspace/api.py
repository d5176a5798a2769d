"""/api/workspace/… — the 体制整備 reads and a few writes, through the same forms, services and rules as the pages.

Same permissions as the pages (agencies.permissions, workspace.permissions): the planner runs it all, an agency's
manager keeps her own agency's 業務棚卸表 and 会議・研修一覧 rows, every staff member reads the roadmap and the
network; anyone else gets 404. Nothing here is personal data: worksheet answers are served without their
respondent fields.
"""

from typing import TypeVar, cast

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from tsunagu.agencies.permissions import acts_for_agency, is_planner
from tsunagu.core.fiscal import fiscal_year
from tsunagu.core.forms import save_or_conflict
from tsunagu.core.locking import EditConflict

from . import queries, services
from .forms import RoadmapActivityForm, TrialObservationForm
from .models import (
    MeetingInventory,
    RoadmapActivity,
    TaskInventory,
    TaskRow,
    TrialCode,
    TrialObservation,
    Workshop,
)
from .permissions import inventory_editable, inventory_visible, keeps_inventories
from .schemas import (
    ActivityIn,
    ActivityOut,
    ActivityUpdate,
    AnalysisOut,
    CellConflictOut,
    CellIn,
    CodeSummaryOut,
    ConflictOut,
    ErrorOut,
    InventoryDetailOut,
    InventoryOut,
    MeetingRowOut,
    NetworkOut,
    ObservationIn,
    ObservationOut,
    ProposalOut,
    RowOut,
    WorkshopOut,
    WorkshopSummaryOut,
)

PREFIX = "workspace/"
router = Router(tags=["体制整備"])

MAX_ID = 2**31 - 1
NOT_FOUND = "見つかりません。"


def _require(allowed: bool) -> None:
    if not allowed:
        raise HttpError(404, NOT_FOUND)


T = TypeVar("T")


def _found(row: T | None) -> T:
    """The row, or 404 when there is none."""
    if row is None:
        raise HttpError(404, NOT_FOUND)
    return row


def _staff(request):
    _require(acts_for_agency(request.actor))
    return request.actor


def _planner(request):
    _require(is_planner(request.actor))
    return request.actor


def _year(year: int | None) -> int:
    return year or fiscal_year(timezone.localdate())


def _form_errors(form) -> None:
    messages = [f"{form.fields[f].label if f in form.fields else '入力'}: {' '.join(e)}" for f, e in form.errors.items()]
    raise HttpError(422, " ".join(messages))


# ---- roadmap -----------------------------------------------------------------------------------------------


@router.get("/roadmap", response=list[ActivityOut], summary="検討スケジュール（年度の取り組み）")
def roadmap_list(request, year: int | None = Query(None, ge=2000, le=2100)):
    _staff(request)
    return RoadmapActivity.objects.filter(fiscal_year=_year(year))


def _activity_save(request, activity: RoadmapActivity, payload: ActivityIn, version: int | None):
    data = payload.dict()
    data["workshop"], data["task_inventory"] = data.pop("workshop_id"), data.pop("task_inventory_id")
    form = RoadmapActivityForm(data={k: v for k, v in data.items() if v is not None}, instance=activity)
    if not form.is_valid():
        _form_errors(form)
    outcome = save_or_conflict(lambda: services.roadmap_activity_save(
        actor=request.actor, activity=form.instance, data=form.cleaned_data, expected_version=version))
    if outcome.conflict is not None:
        return Status(409, {"detail": EditConflict.message, "current": outcome.conflict})
    return outcome.value


@router.post("/roadmap", response={201: ActivityOut, 422: ErrorOut}, summary="検討スケジュールに取り組みを追加")
def roadmap_create(request, payload: ActivityIn):
    _planner(request)
    return Status(201, _activity_save(request, RoadmapActivity(), payload, None))


@router.put("/roadmap/{activity_id}", response={200: ActivityOut, 409: ConflictOut, 422: ErrorOut},
            summary="取り組みの更新（version が最新でなければ 409）")
def roadmap_update(request, payload: ActivityUpdate, activity_id: int = Path(..., ge=1, le=MAX_ID)):
    _planner(request)
    activity = _found(RoadmapActivity.objects.filter(pk=activity_id).first())
    return _activity_save(request, activity, payload, payload.version)


# ---- 業務棚卸 ----------------------------------------------------------------------------------------------


def _inventory(request, inventory_id: int) -> TaskInventory:
    actor = _staff(request)
    inventory = _found(TaskInventory.objects.select_related("agency").filter(pk=inventory_id).first())
    _require(inventory_visible(actor, inventory))
    return inventory


@router.get("/inventories", response=list[InventoryOut], summary="業務棚卸表の一覧（計画担当はすべて、ほかは自機関）")
def inventory_list(request, agency_id: int | None = Query(None, ge=1, le=2**31 - 1), year: int | None = Query(None, ge=2000, le=2100)):
    actor = _staff(request)
    rows = TaskInventory.objects.select_related("agency")
    if not is_planner(actor):
        rows = rows.filter(agency_id=actor.agency_id)
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    if year:
        rows = rows.filter(fiscal_year=year)
    return rows


@router.get("/inventories/{inventory_id}", response=InventoryDetailOut, summary="業務棚卸表（職種の列と業務の行、印）")
def inventory_detail(request, inventory_id: int = Path(..., ge=1, le=MAX_ID)):
    return _inventory(request, inventory_id)


def _counts(stats) -> dict:
    return {"own_done": stats.own_done, "own_not_done": stats.own_not_done, "anyone": stats.anyone}


@router.get("/inventories/{inventory_id}/analysis", response=AnalysisOut, summary="業務棚卸の分析（職種ごとの内訳、任せられる業務、1日の動き）")
def inventory_analysis(request, inventory_id: int = Path(..., ge=1, le=MAX_ID)):
    a = queries.inventory_analysis(_inventory(request, inventory_id))
    columns = []
    for s in a.stats:
        before = a.previous_stats_for(s)
        columns.append({**_counts(s), "column_id": s.column.pk, "heading": s.column.heading, "job_role": s.column.job_role.name,
                        "support_role": s.is_support_role, "anyone_share": round(s.anyone_share, 4),
                        "not_done_row_ids": [r.pk for r in s.not_done_tasks], "previous": _counts(before) if before else None})
    return {
        "inventory_id": a.inventory.pk, "previous_inventory_id": a.previous.inventory.pk if a.previous else None,
        "columns": columns,
        "delegations": [{"row_id": d.row.pk, "category": d.row.category, "task": d.row.task,
                         "professionals": [c.job_role.name for c in d.professionals],
                         "candidates": [c.job_role.name for c in d.candidates]} for d in a.delegations],
        "time_uses": [{"label": t.label, "job_role": t.job_role.name, "hours": {k: float(v) for k, v in t.hours.items()},
                       "total": t.total} for t in a.time_uses],
        "role_time": [{"job_role": role, "mean_hours": means, "workers": n} for role, means, n in a.role_time],
    }


@router.put("/inventories/{inventory_id}/rows/{row_id}/cells/{column_id}",
            response={200: RowOut, 409: CellConflictOut, 422: ErrorOut},
            summary="業務棚卸表の1欄の印（was が保存中の印と違えば 409）")
def inventory_cell_set(request, payload: CellIn, inventory_id: int = Path(..., ge=1, le=MAX_ID), row_id: int = Path(..., ge=1, le=MAX_ID), column_id: int = Path(..., ge=1, le=MAX_ID)):
    inventory = _inventory(request, inventory_id)
    _require(inventory_editable(request.actor, inventory.agency_id))
    row = _found(TaskRow.objects.filter(pk=row_id, inventory=inventory).first())
    outcome = save_or_conflict(
        lambda: services.task_cell_set(row=row, column_id=column_id, mark=payload.mark, was=payload.was),
        invalid=_unprocessable)
    if outcome.conflict is not None:
        current = cast(TaskRow, outcome.conflict).marks.get(str(column_id), "")
        return Status(409, {"detail": f"この欄は他の人が「{current or '空欄'}」に変更していました。確認してからもう一度選んでください。",
                           "current": current})
    return outcome.value


def _unprocessable(error: ValidationError) -> None:
    raise HttpError(422, " ".join(error.messages)) from None


# ---- 会議・研修一覧 ----------------------------------------------------------------------------------------


@router.get("/meeting-inventory", response=list[MeetingRowOut], summary="会議・研修一覧（計画担当はすべて、管理者は自機関の記入分）")
def meeting_inventory_list(request, year: int | None = Query(None, ge=2000, le=2100)):
    actor = _staff(request)
    _require(keeps_inventories(actor))
    rows = MeetingInventory.objects.filter(fiscal_year=_year(year)).select_related("host").prefetch_related("attending")
    if not is_planner(actor):
        rows = rows.filter(reported_by_id=actor.agency_id)
    return rows


@router.get("/meeting-inventory/proposals", response=list[ProposalOut], summary="会議・研修の効率化の提案（統合・共催・同日開催）")
def meeting_proposals(request, year: int | None = Query(None, ge=2000, le=2100)):
    _planner(request)
    return [
        {"meeting_ids": [p.a.pk, p.b.pk], "meeting_names": [p.a.name, p.b.name], "form": p.form,
         "audience_overlap": round(p.audience_overlap, 4), "purpose_similarity": round(p.purpose_similarity, 4),
         "shared_agencies": p.shared_agencies, "shared_people": p.shared_people, "sessions": p.sessions,
         "hours_saved": p.hours_saved, "reasoning": p.reasoning}
        for p in queries.consolidation_proposals(_year(year))
    ]


# ---- グランドデザイン --------------------------------------------------------------------------------------


@router.get("/network", response=NetworkOut, summary="連携ネットワーク（機関と、つなぎ・共通の会議の流れ。機関のすべての組）")
def network(request, year: int | None = Query(None, ge=2000, le=2100)):
    _staff(request)
    return queries.network(_year(year), busiest=None)  # every pair, where the page's graph draws the busiest


# ---- 試行検証 ----------------------------------------------------------------------------------------------


@router.get("/trial/observations", response=list[ObservationOut], summary="試行検証記録（新しい順）")
def observation_list(request, code_id: int | None = Query(None, ge=1, le=2**31 - 1), limit: int = Query(100, ge=1, le=500)):
    _planner(request)
    rows = TrialObservation.objects.prefetch_related("codes")
    if code_id:
        rows = rows.filter(codes=code_id)
    return rows[:limit]


@router.post("/trial/observations", response={201: ObservationOut, 422: ErrorOut}, summary="試行検証記録の追加")
def observation_create(request, payload: ObservationIn):
    _planner(request)
    services.trial_codes_ensure_defaults()
    data = payload.dict()
    data["codes"] = data.pop("code_ids")
    form = TrialObservationForm(data=data)
    if not form.is_valid():
        _form_errors(form)
    return Status(201, services.trial_observation_save(actor=request.actor, observation=form.instance,
                                                       data=form.cleaned_data))


@router.get("/trial/codes", response=list[CodeSummaryOut], summary="コードごとの集計と、その根拠の記録")
def code_summary(request):
    _planner(request)
    services.trial_codes_ensure_defaults()
    codes = TrialCode.objects.prefetch_related(Prefetch("observations", queryset=TrialObservation.objects.order_by("observed_on", "pk")))
    return [
        {"id": c.pk, "label": c.label, "name": c.name, "description": c.description, "active": c.active,
         "count": len(c.observations.all()),
         "quotes": [{"observation_id": o.pk, "observed_on": o.observed_on, "heard": o.heard, "event": o.event, "effect": o.effect}
                    for o in c.observations.all()]}
        for c in codes
    ]


# ---- 研修・ワークショップ ----------------------------------------------------------------------------------


@router.get("/workshops", response=list[WorkshopOut], summary="研修・ワークショップの一覧")
def workshop_list(request, year: int | None = Query(None, ge=2000, le=2100)):
    _planner(request)
    rows = Workshop.objects.annotate(response_count=Count("responses"))
    return rows.filter(fiscal_year=year) if year else rows


@router.get("/workshops/{workshop_id}/summary", response=WorkshopSummaryOut,
            summary="ワークシートの回答のまとめ（回答者の氏名・所属は含みません）")
def workshop_summary(request, workshop_id: int = Path(..., ge=1, le=MAX_ID)):
    _planner(request)
    workshop = _found(Workshop.objects.filter(pk=workshop_id).first())
    sheets = []
    for section in queries.workshop_summary(workshop):
        questions = []
        for item in section["questions"]:
            q, values = item["question"], item["answers"]
            rows = q.get("kind") == "rows"
            questions.append({
                "key": q["key"], "label": q["label"], "kind": q.get("kind", "text"),
                "answers": [] if rows else [str(v) for v in values],
                "rows": [{str(k): str(v) for k, v in r.items()} for r in values if isinstance(r, dict)] if rows else [],
            })
        sheets.append({"template_id": section["template"].pk, "name": section["template"].name, "responses": section["count"],
                       "questions": questions})
    terms = queries.term_frequencies(queries.workshop_answers(workshop), limit=30)
    return {
        "workshop_id": workshop.pk, "title": workshop.title, "sheets": sheets,
        "frequent_terms": [{"term": t, "count": n} for t, n in terms],
        "themes": [{"id": t.pk, "title": t.title, "area": t.area, "terms": t.terms, "quotes": [q["text"] for q in t.quotes]}
                   for t in workshop.themes.all()],
    }
