"""Writes for つながり続ける支援: follow-up schedules, closing a case with one (or with a reason), recording a
follow-up, アウトリーチ, and the 部署異動 handover. Each is one transaction; bad input raises a Japanese
ValidationError before anything is written. Reads of the case were made by the caller through the policy.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.agencies.models import Membership, Staff
from tsunagu.cases import services as cases
from tsunagu.cases.models import OPEN_STATUSES, Case, CaseStatus
from tsunagu.core.locking import save_versioned
from tsunagu.meetings.models import ActionItem, ActionStatus
from tsunagu.meetings.services import add_months

from . import gaps
from .models import (
    ACTIVE_OUTREACH,
    FREQUENCY_STEP,
    CaseClosure,
    FollowUp,
    FollowUpMethod,
    FollowUpSchedule,
    FollowUpStatus,
    Handover,
    NoticedBy,
    Outreach,
    OutreachStatus,
    OutreachVisit,
    VisitFrequency,
    VisitPlan,
)

MAX_TEXT = 100_000
MAX_OCCURRENCES = 24


def _text(text: str, field: str, label: str, limit: int = MAX_TEXT, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"{label}を入力してください。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}は{limit:,}文字以内で入力してください（{len(text):,}文字あります）。"})
    return text


def _works_at(staff: Staff | None, agency_id: int, field: str) -> None:
    if staff is not None and not Membership.objects.filter(staff=staff, agency_id=agency_id, ended_on__isnull=True).exists():
        raise ValidationError({field: f"{staff.name}さんはこの機関の職員ではありません。"})


# ---- フォローアップ計画 ----


@transaction.atomic
def schedule_create(*, actor, case: Case, starts_on: date, interval_months: int = 1, occurrences: int = 6,
                    method: str = FollowUpMethod.PHONE, purpose: str = "", staff: Staff | None = None) -> FollowUpSchedule:
    """e.g. monthly for six months: one FollowUp per date, owned by the acting agency."""
    if not 1 <= occurrences <= MAX_OCCURRENCES:
        raise ValidationError({"occurrences": f"回数は1〜{MAX_OCCURRENCES}回で指定してください。"})
    if not 1 <= interval_months <= 12:
        raise ValidationError({"interval_months": "間隔は1〜12か月で指定してください。"})
    if method not in FollowUpMethod.values:
        raise ValidationError({"method": "方法を選んでください。"})
    staff = staff or actor.staff
    _works_at(staff, actor.agency_id, "staff")
    schedule = FollowUpSchedule.objects.create(
        case=case, agency_id=actor.agency_id, staff=staff, interval_months=interval_months, occurrences=occurrences,
        starts_on=starts_on, method=method, purpose=_text(purpose, "purpose", "目的", required=False), created_by=actor.staff)
    FollowUp.objects.bulk_create([
        FollowUp(schedule=schedule, case=case, agency_id=actor.agency_id, staff=staff, method=method,
                 due_on=add_months(starts_on, interval_months * i)) for i in range(occurrences)])
    gaps.gaps_changed()  # bulk_create sends no signal: a schedule begun in the past is on the 狭間 list at once
    return schedule


def case_closure_check(case: Case) -> str | None:
    """Why `case` may not be closed yet (None when it may): it needs planned follow-ups or a recorded reason.
    The cases app's close path calls this before it writes status 終結."""
    has_plan = case.followups.filter(status=FollowUpStatus.PLANNED).exists()
    has_reason = case.closures.exclude(no_followup_reason="").filter(closed_on__gte=case.opened_on).exists()
    if has_plan or has_reason:
        return None
    return ("終結する前に、フォローアップの予定（例: 毎月・6か月間）を立てるか、"
            "フォローアップをしない理由を記録してください。")


@transaction.atomic
def case_close(*, actor, case: Case, expected_version: int, closed_on: date | None = None, reason: str = "",
               schedule: dict | None = None) -> CaseClosure:
    """終結: with a follow-up schedule (`schedule` = schedule_create's keywords) or a reason for none — never
    neither. Writes the closure record and the case's new status in the same transaction."""
    if case.status in (CaseStatus.CLOSED,):
        raise ValidationError("このケースはすでに終結しています。")
    reason = _text(reason, "reason", "理由", required=False)
    if not schedule and not reason:
        raise ValidationError({"reason": "フォローアップの予定を立てるか、フォローアップをしない理由を記録してください。"})
    closed_on = closed_on or timezone.localdate()
    plan = schedule_create(actor=actor, case=case, **schedule) if schedule else None
    closure = CaseClosure.objects.create(case=case, closed_on=closed_on, schedule=plan, no_followup_reason=reason,
                                         recorded_by=actor.staff, agency_id=actor.agency_id)
    cases.case_update(actor=actor, case=case, expected_version=expected_version, status=CaseStatus.CLOSED, closed_on=closed_on)
    return closure


@transaction.atomic
def followup_record(*, actor, followup: FollowUp, expected_version: int, status: str, note: str = "",
                    done_on: date | None = None) -> FollowUp:
    """Records how the contact went; the note also goes on the case's 経過記録, so the timeline is complete."""
    if followup.agency_id != actor.agency_id:
        raise PermissionDenied("担当機関だけが記録できます。")
    if status not in (FollowUpStatus.DONE, FollowUpStatus.NO_CONTACT, FollowUpStatus.CANCELLED):
        raise ValidationError({"status": "結果を選んでください。"})
    note = _text(note, "note", "様子・記録", required=status != FollowUpStatus.CANCELLED)
    followup.status, followup.note = status, note
    followup.done_on = done_on or timezone.localdate()
    if followup.done_on > timezone.localdate():
        raise ValidationError({"done_on": "実施日が未来の日付です。"})
    save_versioned(followup, expected_version=expected_version, fields=["status", "note", "done_on"])
    if note:
        cases.note_add(actor=actor, case=followup.case, written_on=followup.done_on, kind="フォローアップ",
                       body=f"【フォローアップ・{followup.get_method_display()}・{followup.get_status_display()}】{note}")
    return followup


# ---- アウトリーチ ----


@transaction.atomic
def outreach_record(*, actor, target: str, signs: str, noticed_by: str, noticed_on: date | None = None,
                    person=None, household=None, staff: Staff | None = None) -> Outreach:
    if noticed_by not in NoticedBy.values:
        raise ValidationError({"noticed_by": "気づいた人を選んでください。"})
    noticed_on = noticed_on or timezone.localdate()
    if noticed_on > timezone.localdate():
        raise ValidationError({"noticed_on": "気づいた日が未来の日付です。"})
    staff = staff or actor.staff
    _works_at(staff, actor.agency_id, "staff")
    return Outreach.objects.create(agency_id=actor.agency_id, staff=staff, person=person, household=household,
                                   target=_text(target, "target", "対象", 200), signs=_text(signs, "signs", "気づいたこと"),
                                   noticed_by=noticed_by, noticed_on=noticed_on)


@transaction.atomic
def outreach_visit_add(*, actor, outreach: Outreach, note: str, met: bool = False,
                       visited_on: date | None = None) -> OutreachVisit:
    visited_on = visited_on or timezone.localdate()
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "訪問日が未来の日付です。"})
    visit = OutreachVisit.objects.create(outreach=outreach, staff=actor.staff, met=met, visited_on=visited_on,
                                         note=_text(note, "note", "様子"))
    if outreach.status == OutreachStatus.OPEN:
        outreach.status = OutreachStatus.VISITING
        save_versioned(outreach, expected_version=outreach.version, fields=["status"])
    return visit


@transaction.atomic
def outreach_update(*, actor, outreach: Outreach, expected_version: int, status: str, closed_reason: str = "") -> Outreach:
    if outreach.agency_id != actor.agency_id:
        raise PermissionDenied("記録した機関だけが更新できます。")
    if status not in OutreachStatus.values:
        raise ValidationError({"status": "状況を選んでください。"})
    outreach.status = status
    outreach.closed_reason = _text(closed_reason, "closed_reason", "終了の理由", required=status == OutreachStatus.CLOSED)
    return save_versioned(outreach, expected_version=expected_version, fields=["status", "closed_reason"])


# ---- 訪問計画 ----


def next_visit_proposed(frequency: str, after: date) -> date | None:
    """The visit after one on `after` at `frequency` (None for 日付を指定: the worker sets it)."""
    step = FREQUENCY_STEP.get(VisitFrequency(frequency)) if frequency in VisitFrequency.values else None
    if step is None:
        return None
    days, months = step
    return add_months(after, months) + timedelta(days=days)


@transaction.atomic
def visit_plan_save(*, actor, case: Case, frequency: str, due_on: date | None = None, checks: str = "",
                    household_wide: bool = False, expected_version: int | None = None) -> VisitPlan:
    """Sets the acting agency's 訪問頻度 on `case` (a new plan, or its plan changed from `expected_version`). The
    first visit is `due_on`, else proposed from today; 日付を指定 needs the date."""
    if frequency not in VisitFrequency.values:
        raise ValidationError({"frequency": "訪問頻度を選んでください。"})
    if household_wide and case.household_id is None:
        raise ValidationError({"household_wide": "このケースは世帯のケースではありません。本人のケースとして訪問してください。"})
    due_on = due_on or next_visit_proposed(frequency, timezone.localdate())
    if due_on is None:
        raise ValidationError({"due_on": "「日付を指定」のときは、次回の訪問予定日を入力してください。"})
    checks = _text(checks, "checks", "確認すること", 2000, required=False)
    plan = VisitPlan.objects.filter(agency_id=actor.agency_id, case=case).first()
    if plan is None:
        if expected_version is not None:
            raise ValidationError("訪問計画が見つかりません。ケースの画面からもう一度開いてください。")
        return VisitPlan.objects.create(case=case, agency_id=actor.agency_id, staff=case.worker or actor.staff,
                                        frequency=frequency, due_on=due_on, checks=checks, household_wide=household_wide,
                                        created_by=actor.staff)
    plan.frequency, plan.due_on, plan.checks, plan.household_wide = frequency, due_on, checks, household_wide
    return save_versioned(plan, expected_version=expected_version, fields=["frequency", "due_on", "checks", "household_wide"])


def _own_plan(actor, plan: VisitPlan) -> None:
    if plan.agency_id != actor.agency_id:
        raise PermissionDenied("担当機関だけが訪問を記録・並べ替えできます。")


@transaction.atomic
def visit_route_move(*, actor, plan: VisitPlan, day: date, up: bool) -> list[int]:
    """Moves `plan` one place up or down the worker's 訪問予定表 for `day` (the plans due by then), and writes the
    whole day's order, so every stop keeps a distinct place. Returns the plan ids in their new order."""
    _own_plan(actor, plan)
    stops = list(VisitPlan.objects.select_for_update().filter(
        agency_id=actor.agency_id, staff=actor.staff, due_on__lte=day).order_by("route_position", "due_on", "pk"))
    ids = [p.pk for p in stops]
    if plan.pk not in ids:
        raise ValidationError("この訪問はこの日の訪問予定表にありません。")
    i = ids.index(plan.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(stops):
        stops[i], stops[j] = stops[j], stops[i]
    for position, stop in enumerate(stops, start=1):
        if stop.route_position != position:
            stop.route_position = position
            stop.save(update_fields=["route_position"])
    return [p.pk for p in stops]


@transaction.atomic
def visit_record(*, actor, plan: VisitPlan, expected_version: int, note: str, met: bool = False,
                 visited_on: date | None = None, next_on: date | None = None) -> VisitPlan:
    """A visit made: written on the case's 経過記録 (kind 訪問), and the plan moves to the next visit — `next_on`,
    else proposed from the frequency. Refused as a whole when the plan changed since the form was opened."""
    _own_plan(actor, plan)
    today = timezone.localdate()
    visited_on = visited_on or today
    if visited_on > today:
        raise ValidationError({"visited_on": "訪問日が未来の日付です。"})
    note = _text(note, "note", "様子")
    next_on = next_on or next_visit_proposed(plan.frequency, visited_on)
    if next_on is None:
        raise ValidationError({"next_on": "次回の訪問予定日を入力してください。"})
    if next_on <= visited_on:
        raise ValidationError({"next_on": "次回の訪問予定日は訪問日より後の日付にしてください。"})
    plan.last_visited_on, plan.due_on, plan.route_position = visited_on, next_on, 0
    save_versioned(plan, expected_version=expected_version, fields=["last_visited_on", "due_on", "route_position"])
    whom = "世帯" if plan.household_wide else "本人"
    cases.note_add(actor=actor, case=plan.case, written_on=visited_on, kind="訪問",
                   body=f"【訪問・{whom}に{'会えた' if met else '会えなかった'}】{note}")
    return plan


# ---- 部署異動の引継ぎ ----


def handover_preview(*, agency_id: int, from_staff: Staff) -> dict:
    """What a handover would move: the leaving worker's open work at this agency."""
    return {
        "cases": Case.objects.filter(worker=from_staff, lead_agency_id=agency_id, status__in=[*OPEN_STATUSES, CaseStatus.WATCHING],
                                     archived_at__isnull=True),
        "followups": FollowUp.objects.filter(staff=from_staff, agency_id=agency_id, status=FollowUpStatus.PLANNED),
        "outreach": Outreach.objects.filter(staff=from_staff, agency_id=agency_id, status__in=ACTIVE_OUTREACH),
        "actions": ActionItem.objects.filter(owner_staff=from_staff, owner_agency_id=agency_id, status=ActionStatus.OPEN),
    }


@transaction.atomic
def handover_perform(*, actor, from_staff: Staff, to_staff: Staff, note: str = "") -> Handover:
    """Moves, in one step, the leaving worker's open cases, planned follow-ups, outreach and meeting actions to
    the successor. Each moved row is saved through its model, so its history records the change of worker."""
    if not (actor.is_manager or actor.staff == from_staff):
        raise PermissionDenied("引継ぎは、本人または機関の管理者・推進員が行います。")
    if from_staff == to_staff:
        raise ValidationError({"to_staff": "前任者と後任者が同じです。"})
    _works_at(to_staff, actor.agency_id, "to_staff")
    if not Membership.objects.filter(staff=from_staff, agency_id=actor.agency_id).exists():
        raise ValidationError({"from_staff": f"{from_staff.name}さんはこの機関の職員ではありません。"})
    work = handover_preview(agency_id=actor.agency_id, from_staff=from_staff)
    moved = {key: _reassign(qs.select_for_update(), _STAFF_FIELD[key], to_staff) for key, qs in work.items()}
    return Handover.objects.create(agency_id=actor.agency_id, from_staff=from_staff, to_staff=to_staff, performed_by=actor.staff,
                                   note=_text(note, "note", "メモ", required=False), case_ids=moved["cases"],
                                   followup_ids=moved["followups"], outreach_ids=moved["outreach"],
                                   action_item_ids=moved["actions"])


_STAFF_FIELD = {"cases": "worker", "followups": "staff", "outreach": "staff", "actions": "owner_staff"}


def _reassign(qs, field: str, to_staff: Staff) -> list[int]:
    ids = []
    for obj in qs:
        setattr(obj, field, to_staff)
        update = [field]
        if hasattr(obj, "version"):
            obj.version += 1
            update.append("version")
        obj.save(update_fields=update)
        ids.append(obj.pk)
    return ids
