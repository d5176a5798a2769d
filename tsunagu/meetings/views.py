"""会議 screens: list, calendar, a meeting (members, pledges, agenda), a sitting (minutes, decisions, action
items), printable minutes (取扱注意). A meeting's record is read through `policy.meeting_get_or_404` (current
members only, logged); its cases and households through `policy.visible` (logged)."""

import calendar as pycalendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case
from tsunagu.core.forms import add_validation_errors
from tsunagu.core.locking import EditConflict
from tsunagu.people.models import Household
from tsunagu.sharing import policy

from . import queries, services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AgendaAddForm,
    DecisionForm,
    LeaveForm,
    MeetingForm,
    MemberAddForm,
    MinutesForm,
    PledgeForm,
    SittingForm,
)
from .models import ActionItem, AgendaItem, Meeting, MeetingKind, MeetingMember, Sitting


def _log_subjects(actor, rows, path: str) -> None:
    policy.log_reads(actor, [r.subject for r in rows if r.subject is not None], path=path)


@login_required
def index(request):
    kind = request.GET.get("kind", "")
    meetings = list(queries.meeting_list(request.actor, kind=kind if kind in MeetingKind.values else ""))
    actions = list(queries.open_actions(request.actor.agency_id)[:50])
    return render(request, "meetings/index.html", {
        "meetings": meetings, "actions": actions, "kinds": MeetingKind.choices, "kind": kind,
        "upcoming": list(queries.upcoming_sittings(request.actor)), "today": timezone.localdate()})


@login_required
def create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_create(actor=request.actor, kind=d["kind"], title=d["title"], purpose=d["purpose"],
                                              recurrence=d["recurrence"], usual_place=d["usual_place"],
                                              member_agencies=d["member_agencies"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "会議を作成しました。構成員の守秘義務の誓約を記録してください。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def detail(request, pk: int):
    actor = request.actor
    meeting = policy.meeting_get_or_404(Meeting, actor, pk, path=request.path)
    rows = queries.agenda_rows(meeting, actor)
    _log_subjects(actor, rows, request.path)
    members = list(meeting.members.select_related("agency", "staff").prefetch_related("pledges__staff")
                   .order_by("left_on", "agency__kana"))
    today = timezone.localdate()
    current_ids = [m.agency_id for m in members if m.left_on is None or m.left_on > today]
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "access": policy.meeting_access(meeting, actor), "rows": rows, "today": today,
        "current_members": [m for m in members if m.agency_id in current_ids and (m.left_on is None or m.left_on > today)],
        "former_members": [m for m in members if m.left_on is not None and m.left_on <= today],
        "sittings": list(meeting.sittings.order_by("-held_on", "-pk")[:24]),
        "member_form": MemberAddForm(exclude_ids=current_ids), "sitting_form": SittingForm(initial={"held_on": today}),
    })


@login_required
@require_POST
def member_add(request, pk: int):
    meeting = policy.meeting_get_or_404(Meeting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            services.member_add(actor=request.actor, meeting=meeting, agency=form.cleaned_data["agency"],
                                joined_on=form.cleaned_data["joined_on"])
            messages.success(request, "構成員を加えました。守秘義務の誓約を記録してください。")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "加える機関と加入日を確かめてください。")
    return redirect("meetings:detail", meeting.pk)


def _member(request, pk: int) -> MeetingMember:
    member = MeetingMember.objects.select_related("meeting", "agency").filter(pk=pk).first()
    if member is None:
        raise Http404
    policy.meeting_get_or_404(Meeting, request.actor, member.meeting_id, action=AccessAction.EDIT, path=request.path)
    return member


@login_required
@require_POST
def member_leave(request, pk: int):
    member = _member(request, pk)
    form = LeaveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("脱退日を確かめてください。")
        services.member_leave(actor=request.actor, member=member, left_on=form.cleaned_data["left_on"])
        messages.success(request, f"{member.agency.name}の脱退を記録しました（守秘義務の記録は残ります）。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:detail", member.meeting_id)


@login_required
def pledge(request, pk: int):
    member = _member(request, pk)
    form = PledgeForm(request.POST or None, agency=member.agency)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.pledge_record(actor=request.actor, member=member, staff=d["staff"], pledged_on=d["pledged_on"],
                                   method=d["method"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "守秘義務の誓約を記録しました。")
            return redirect("meetings:detail", member.meeting_id)
    return render(request, "meetings/pledge_form.html", {"form": form, "member": member})


@login_required
@require_POST
def sitting_create(request, pk: int):
    meeting = policy.meeting_get_or_404(Meeting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    form = SittingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "開催日と回数を確かめてください。")
        return redirect("meetings:detail", meeting.pk)
    d = form.cleaned_data
    try:
        sittings = services.sitting_schedule(actor=request.actor, meeting=meeting, held_on=d["held_on"],
                                             starts_at=d["starts_at"], place=d["place"], repeat=d["repeat"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:detail", meeting.pk)
    messages.success(request, f"開催予定を{len(sittings)}回分登録しました。")
    return redirect("meetings:sitting", sittings[0].pk)


# ---- 検討事項 ----


def _subject_from(request):
    """The case or household named in the query or form, read through the policy (404 without a basis)."""
    case_id = request.POST.get("case") or request.GET.get("case")
    household_id = request.POST.get("household") or request.GET.get("household")
    if case_id:
        return policy.get_or_404(Case, request.actor, case_id, path=request.path), None
    if household_id:
        return None, policy.get_or_404(Household, request.actor, household_id, path=request.path)
    raise Http404


@login_required
def agenda_add(request):
    """Put a case or household on a meeting's agenda. A 重層的支援会議 without consent is refused with the reason,
    and the 支援会議 the actor sits on are offered instead."""
    case, household = _subject_from(request)
    meetings = list(queries.meetings_for_agenda(request.actor))
    form = AgendaAddForm(request.POST or None, meetings=meetings)
    refused = None
    if request.method == "POST" and form.is_valid():
        meeting = next(m for m in meetings if m.pk == form.cleaned_data["meeting"])
        try:
            services.agenda_add(actor=request.actor, meeting=meeting, case=case, household=household)
        except services.AgendaRefused as error:
            refused = error
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"「{meeting.title}」の検討事項にしました。")
            return redirect("meetings:detail", meeting.pk)
    support = [m for m in meetings if m.kind == MeetingKind.SUPPORT_MEETING]
    return render(request, "meetings/agenda_add.html", {"form": form, "case": case, "household": household,
                                                        "refused": refused, "support_meetings": support})


@login_required
@require_POST
def agenda_remove(request, pk: int):
    item = AgendaItem.objects.filter(pk=pk).select_related("meeting").first()
    if item is None:
        raise Http404
    policy.meeting_get_or_404(Meeting, request.actor, item.meeting_id, action=AccessAction.EDIT, path=request.path)
    try:
        services.agenda_remove(actor=request.actor, item=item)
        messages.success(request, "検討事項を終了しました。この会議を根拠とする閲覧は、今日で終わります。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:detail", item.meeting_id)


# ---- 開催・議事録 ----


def _sitting_context(request, sitting: Sitting, rows, member_ids):
    return {
        "sitting": sitting, "meeting": sitting.meeting, "rows": rows,
        "discussions": {d.agenda_item_id: d for d in sitting.items.all()},
        "decisions": list(sitting.decisions.select_related("agenda_item")),
        "actions": list(sitting.action_items.select_related("owner_agency", "owner_staff")),
        "decision_form": DecisionForm(agenda_rows=rows),
        "action_form": ActionForm(member_ids=member_ids, agenda_rows=rows),
        "attendees": list(sitting.attendees.order_by("kana")),
        "today": timezone.localdate(),
    }


@login_required
def sitting(request, pk: int):
    actor = request.actor
    obj = policy.meeting_get_or_404(Sitting, actor, pk, path=request.path)
    rows = queries.agenda_rows(obj.meeting, actor)
    _log_subjects(actor, rows, request.path)
    member_ids = services.current_member_agency_ids(obj.meeting)
    discussions = {d.agenda_item_id: d.discussion for d in obj.items.all()}
    initial = {"status": obj.status, "minutes": obj.minutes, "events": obj.events, "topics": obj.topics,
               "version": obj.version, "attendees": list(obj.attendees.values_list("pk", flat=True)),
               **{f"item_{k}": v for k, v in discussions.items()}}
    form = MinutesForm(request.POST or None, initial=initial, member_ids=member_ids, agenda_rows=rows)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.minutes_save(actor=actor, sitting=obj, expected_version=d["version"], minutes=d["minutes"],
                                  events=d["events"], topics=d["topics"], status=d["status"],
                                  discussions=form.discussions(), attendee_ids=[a.pk for a in d["attendees"]])
        except EditConflict as error:
            conflict = error.current
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "議事録を保存しました。")
            return redirect("meetings:sitting", obj.pk)
    context = _sitting_context(request, obj, rows, member_ids)
    context.update(form=form, conflict=conflict)
    return render(request, "meetings/sitting.html", context)


@login_required
@require_POST
def decision_add(request, pk: int):
    obj = policy.meeting_get_or_404(Sitting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    rows = queries.agenda_rows(obj.meeting, request.actor)
    form = DecisionForm(request.POST, agenda_rows=rows)
    try:
        if not form.is_valid():
            raise ValidationError("決定事項を入力してください。")
        item = _item(obj, form.cleaned_data["agenda_item"])
        services.decision_add(actor=request.actor, sitting=obj, text=form.cleaned_data["text"], agenda_item=item)
        messages.success(request, "決定事項を記録しました。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:sitting", obj.pk)


def _item(sitting: Sitting, item_id: int | None) -> AgendaItem | None:
    return sitting.meeting.agenda_items.filter(pk=item_id).first() if item_id else None


@login_required
@require_POST
def action_add(request, pk: int):
    obj = policy.meeting_get_or_404(Sitting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    rows = queries.agenda_rows(obj.meeting, request.actor)
    form = ActionForm(request.POST, member_ids=services.current_member_agency_ids(obj.meeting), agenda_rows=rows)
    try:
        if not form.is_valid():
            raise ValidationError("役割・担当機関・期日を確かめてください。" + " ".join(
                str(e) for errs in form.errors.values() for e in errs))
        d = form.cleaned_data
        services.action_add(actor=request.actor, sitting=obj, description=d["description"], owner_agency=d["owner_agency"],
                            owner_staff=d["owner_staff"], due_on=d["due_on"], agenda_item=_item(obj, d["agenda_item"]))
        messages.success(request, "役割分担を記録しました。担当機関のダッシュボードに表示されます。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:sitting", obj.pk)


@login_required
def minutes_print(request, pk: int):
    actor = request.actor
    obj = policy.meeting_get_or_404(Sitting, actor, pk, action=AccessAction.PRINT, path=request.path)
    rows = queries.agenda_rows(obj.meeting, actor)
    policy.log_reads(actor, [r.subject for r in rows if r.subject is not None], action=AccessAction.PRINT, path=request.path)
    context = _sitting_context(request, obj, rows, [])
    context["printed_by"] = actor.staff
    context["printed_at"] = timezone.now()
    return render(request, "meetings/minutes_print.html", context)


# ---- 役割分担（自機関） ----


@login_required
def actions(request):
    rows = list(queries.open_actions(request.actor.agency_id)[:200])
    return render(request, "meetings/actions.html", {"actions": rows, "today": timezone.localdate()})


@login_required
def action_edit(request, pk: int):
    action = ActionItem.objects.select_related("sitting__meeting", "owner_agency").filter(pk=pk).first()
    if action is None or request.actor.agency_id is None:
        raise Http404
    if request.actor.agency_id not in (action.owner_agency_id, action.sitting.meeting.convened_by_id):
        raise Http404
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status, "result": action.result,
                                                           "version": action.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.action_update(actor=request.actor, action=action, expected_version=d["version"], status=d["status"],
                                   result=d["result"])
        except EditConflict as error:
            conflict = error.current
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "役割分担を更新しました。")
            return redirect("meetings:actions")
    return render(request, "meetings/action_form.html", {"form": form, "action": action, "conflict": conflict})


# ---- カレンダー ----


def _month(value: str) -> date:
    try:
        year, month = (int(p) for p in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        today = timezone.localdate()
        return today.replace(day=1)


@login_required
def calendar(request):
    first = _month(request.GET.get("month", ""))
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    by_day: dict[date, list] = {}
    for s in queries.sittings_between(request.actor, first, last):
        by_day.setdefault(s.held_on, []).append(s)
    weeks = [[(d, by_day.get(d, [])) if d.month == first.month else (None, []) for d in week]
             for week in pycalendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render(request, "meetings/calendar.html", {
        "first": first, "weeks": weeks, "prev": prev_month, "next": next_month, "today": timezone.localdate(),
        "weekdays": ["日", "月", "火", "水", "木", "金", "土"]})

