"""会議 screens: list, calendar, a meeting (members, pledges, agenda, proposals, history), a sitting (minutes,
decisions, action items), printable minutes (取扱注意). A meeting's record is read through
`policy.meeting_get_or_404` (current members whose pledge is recorded, logged); what it says about an agenda
item through `queries.readable` (the policy, logged). The governance screens (members, agenda, proposals)
answer 403 to a member who does not govern the meeting (`services.governs`), and the services refuse too."""

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
from tsunagu.core.forms import EditOutcome, add_validation_errors, save_or_conflict
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy

from . import queries, services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AgendaAddForm,
    CaseProposalForm,
    DecisionForm,
    DeclineForm,
    MeetingForm,
    MemberAddForm,
    MinutesForm,
    PledgeForm,
    ProposalForm,
    SittingForm,
    SittingItemsForm,
)
from .models import ActionItem, AgendaItem, AgendaProposal, Meeting, MeetingKind, MeetingMember, Sitting


def _log_subjects(actor, rows, path: str, action: str = AccessAction.VIEW) -> None:
    """Logs the cases and households a page names (agenda, proposals, history), each once."""
    seen = {}
    for row in rows:
        if row.subject is not None:
            seen[(type(row.subject), row.subject.pk)] = row.subject
    policy.log_reads(actor, list(seen.values()), action=action, path=path)


@login_required
def index(request):
    kind = request.GET.get("kind", "")
    meetings = list(queries.meeting_list(request.actor, kind=kind if kind in MeetingKind.values else ""))
    actions = list(queries.open_actions(request.actor)[:50])
    return render(request, "meetings/index.html", {
        "meetings": meetings, "actions": actions, "kinds": MeetingKind.choices, "kind": kind,
        "pending_pledges": list(queries.pending_pledges(request.actor)),
        "upcoming": list(queries.upcoming_sittings(request.actor)), "today": timezone.localdate()})


@login_required
def create(request):
    if not request.actor.is_manager:
        raise PermissionDenied("会議をつくるのは、機関の管理者または相談支援包括化推進員です。")
    # 「支援会議を開く」 from a 照会 names the kind and the agencies to invite (the asker and the possible holders)
    initial = {"kind": request.GET.get("kind", ""), "member_agencies": request.GET.getlist("member_agencies")}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_create(actor=request.actor, kind=d["kind"], title=d["title"], purpose=d["purpose"],
                                              recurrence=d["recurrence"], usual_place=d["usual_place"],
                                              member_agencies=d["member_agencies"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "会議を作成しました。構成員は、守秘義務の誓約が記録されるまで会議の記録を閲覧できません。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def detail(request, pk: int):
    actor = request.actor
    meeting = policy.meeting_get_or_404(Meeting, actor, pk, path=request.path)
    governs = services.governs(actor, meeting)
    rows = queries.agenda_rows(meeting, actor)
    proposals = queries.pending_proposals(meeting, actor, all_of_them=governs)
    events = queries.history(meeting, actor)
    _log_subjects(actor, [*rows, *proposals, *events], request.path)
    members = list(meeting.members.select_related("agency", "staff").prefetch_related("pledges__staff")
                   .order_by("left_on", "agency__kana"))
    today = timezone.localdate()
    current = [m for m in members if m.left_on is None or m.left_on > today]
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "access": policy.meeting_access(meeting, actor), "rows": rows, "today": today,
        "governs": governs, "proposals": proposals, "events": events,
        "current_members": current, "former_members": [m for m in members if m not in current],
        "sittings": list(meeting.sittings.order_by("-held_on", "-pk")[:24]),
        "member_form": MemberAddForm(exclude_ids=[m.agency_id for m in current]) if governs else None,
        "sitting_form": SittingForm(initial={"held_on": today}),
    })


def _governed_meeting(request, pk: int) -> Meeting:
    """A governance screen: 404 for a reader who does not sit on the meeting, 403 for a member who does not
    govern it (the services refuse too)."""
    meeting = policy.meeting_get_or_404(Meeting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not services.governs(request.actor, meeting):
        raise PermissionDenied("構成員と検討事項を決めるのは、主催機関の管理者・相談支援包括化推進員です。")
    return meeting


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_POST
def member_add(request, pk: int):
    meeting = _governed_meeting(request, pk)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.member_add(actor=request.actor, meeting=meeting, agency=d["agency"], joined_on=d["joined_on"],
                                reason=d["joined_reason"])
            messages.success(request, "構成員を加えました。守秘義務の誓約が記録されるまで、その機関は会議の記録を閲覧できません。")
        except ValidationError as error:
            messages.error(request, _errors(error))
    else:
        messages.error(request, "加える機関・加入日・理由を確かめてください。" + " ".join(
            str(e) for errs in form.errors.values() for e in errs))
    return redirect("meetings:detail", meeting.pk)


def _member(request, pk: int) -> MeetingMember:
    """The member row, for the meeting's seated members and the member agency's own staff; 404 for others."""
    member = MeetingMember.objects.select_related("meeting__convened_by", "agency").filter(pk=pk).first()
    if member is None:
        raise Http404
    if request.actor.agency_id is not None and request.actor.agency_id == member.agency_id:
        return member
    policy.meeting_get_or_404(Meeting, request.actor, member.meeting_id, action=AccessAction.EDIT, path=request.path)
    return member


@login_required
@require_POST
def member_leave(request, pk: int):
    """The member agency's own staff record that it leaves."""
    member = _member(request, pk)
    if request.actor.agency_id != member.agency_id:
        raise PermissionDenied("脱退を記録できるのは、その機関の職員です。")
    try:
        services.member_leave(actor=request.actor, member=member)
        messages.success(request, f"{member.agency.name}の脱退を記録しました（守秘義務は続きます）。")
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("meetings:detail", member.meeting_id)
    return redirect("meetings:index")


@login_required
@require_POST
def member_remove(request, pk: int):
    member = _member(request, pk)
    _governed_meeting(request, member.meeting_id)
    try:
        services.member_remove(actor=request.actor, member=member)
        messages.success(request, f"{member.agency.name}を構成員から外しました（守秘義務の記録は残ります）。")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("meetings:detail", member.meeting_id)


@login_required
def pledge(request, pk: int):
    member = _member(request, pk)
    actor = request.actor
    if not services.may_record_pledge(actor, member):
        raise PermissionDenied("誓約を記録できるのは、その機関の職員か、主催機関の管理者・推進員です。")
    own_worker = actor.agency_id == member.agency_id and not actor.is_manager
    form = PledgeForm(request.POST or None, agency=member.agency, only_staff=actor.staff if own_worker else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.pledge_record(actor=actor, member=member, staff=d["staff"], pledged_on=d["pledged_on"],
                                   method=d["method"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "守秘義務の誓約を記録しました。")
            if policy.meeting_access(member.meeting, actor) is None:
                return redirect("meetings:index")
            return redirect("meetings:detail", member.meeting_id)
    return render(request, "meetings/pledge_form.html", {"form": form, "member": member,
                                                          "seated": policy.meeting_access(member.meeting, actor) is not None})


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
        messages.error(request, _errors(error))
        return redirect("meetings:detail", meeting.pk)
    messages.success(request, f"開催予定を{len(sittings)}回分登録しました。")
    return redirect("meetings:sitting", sittings[0].pk)


# ---- 検討事項と提案 ----


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
    """「会議にかける」: put a case or household on the agenda of a meeting the actor's agency convenes as manager,
    or propose it to the convener of another she sits on. A 重層的支援会議 without consent is refused with the
    reason, and the 支援会議 the actor sits on are offered instead."""
    actor = request.actor
    case, household = _subject_from(request)
    meetings = list(queries.meetings_for_agenda(actor))
    governed = [m for m in meetings if services.governs(actor, m)]
    others = [m for m in meetings if m not in governed]
    proposing = request.method == "POST" and "propose" in request.POST
    form = AgendaAddForm(request.POST if request.method == "POST" and not proposing else None, meetings=governed)
    proposal_form = ProposalForm(request.POST if proposing else None, meetings=others, prefix="proposal")
    refused = None
    if request.method == "POST":
        chosen = proposal_form if proposing else form
        if chosen.is_valid():
            meeting = next(m for m in (others if proposing else governed) if m.pk == chosen.cleaned_data["meeting"])
            try:
                if proposing:
                    services.agenda_propose(actor=actor, meeting=meeting, case=case, household=household,
                                            reason=chosen.cleaned_data["reason"])
                else:
                    services.agenda_add(actor=actor, meeting=meeting, case=case, household=household)
            except services.AgendaRefused as error:
                refused = error
            except ValidationError as error:
                add_validation_errors(chosen, error)
            else:
                if proposing:
                    messages.success(request, f"「{meeting.title}」に提案しました。主催機関（{meeting.convened_by.name}）が判断します。")
                else:
                    messages.success(request, f"「{meeting.title}」の検討事項にしました。")
                return redirect("meetings:detail", meeting.pk)
    support = [m for m in meetings if m.kind == MeetingKind.SUPPORT_MEETING]
    return render(request, "meetings/agenda_add.html", {
        "form": form, "proposal_form": proposal_form, "case": case, "household": household, "refused": refused,
        "support_governed": [m for m in support if m in governed], "support_others": [m for m in support if m in others]})


@login_required
def propose(request, pk: int):
    """「提案する」 from the meeting's page: one of the open cases the actor's agency leads (others are proposed from
    their own page through 「会議にかける」)."""
    actor = request.actor
    meeting = policy.meeting_get_or_404(Meeting, actor, pk, path=request.path)
    cases = queries.proposable_cases(actor)
    policy.log_reads(actor, cases, action=AccessAction.LIST, path=request.path)
    form = CaseProposalForm(request.POST or None, cases=cases)
    refused = None
    if request.method == "POST" and form.is_valid():
        case = next(c for c in cases if c.pk == form.cleaned_data["case"])
        try:
            services.agenda_propose(actor=actor, meeting=meeting, case=case, reason=form.cleaned_data["reason"])
        except services.AgendaRefused as error:
            refused = error
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"提案しました。主催機関（{meeting.convened_by.name}）が判断します。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/propose.html", {"meeting": meeting, "form": form, "refused": refused})


def _proposal(request, pk: int) -> AgendaProposal:
    proposal = AgendaProposal.objects.select_related("meeting__convened_by", "proposed_by_agency").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    _governed_meeting(request, proposal.meeting_id)
    return proposal


@login_required
@require_POST
def proposal_accept(request, pk: int):
    proposal = _proposal(request, pk)
    try:
        services.proposal_accept(actor=request.actor, proposal=proposal)
        messages.success(request, "提案を受け入れ、検討事項にしました。")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("meetings:detail", proposal.meeting_id)


@login_required
@require_POST
def proposal_decline(request, pk: int):
    proposal = _proposal(request, pk)
    form = DeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("見送りの理由は2,000文字以内で入力してください。")
        services.proposal_decline(actor=request.actor, proposal=proposal, reason=form.cleaned_data["reason"])
        messages.success(request, "提案を見送りました。")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("meetings:detail", proposal.meeting_id)


@login_required
@require_POST
def agenda_remove(request, pk: int):
    item = AgendaItem.objects.filter(pk=pk).select_related("meeting__convened_by").first()
    if item is None:
        raise Http404
    _governed_meeting(request, item.meeting_id)
    try:
        services.agenda_remove(actor=request.actor, item=item)
        messages.success(request, "検討事項を終了しました。この会議を根拠とする閲覧は、今日で終わります。")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("meetings:detail", item.meeting_id)


# ---- 開催・議事録 ----


def _action_members_read(request, actions, action: str = AccessAction.VIEW) -> None:
    """The household members the shown action items name, logged as read (the rows are filtered by
    `queries.on_readable_items`: the reader has a basis for each)."""
    named = {p.pk: p for a in actions for p in a.members.all()}
    policy.log_reads(request.actor, list(named.values()), action=action, path=request.path)


def _sitting_context(request, sitting: Sitting, rows, member_ids, member_groups=(), action: str = AccessAction.VIEW):
    decisions, actions = queries.sitting_record(sitting, request.actor)
    _action_members_read(request, actions, action)
    return {
        "sitting": sitting, "meeting": sitting.meeting, "rows": rows,
        "discussions": {d.agenda_item_id: d for d in sitting.items.all()},
        "decisions": decisions, "actions": actions,
        # one page holds both forms: their fields are told apart by their ids (a label names one control)
        "decision_form": DecisionForm(agenda_rows=rows, auto_id="decision_%s"),
        "action_form": ActionForm(member_ids=member_ids, agenda_rows=rows, member_groups=member_groups,
                                  auto_id="action_%s"),
        "attendees": list(sitting.attendees.order_by("kana")),
        "today": timezone.localdate(),
    }


@login_required
def sitting(request, pk: int):
    """The sitting's record: the agenda items it takes up (`queries.sitting_rows`) — chosen here by the meeting's
    governors among those they may read (`sitting_items`) — with their discussions, decisions and action items."""
    actor = request.actor
    obj = policy.meeting_get_or_404(Sitting, actor, pk, path=request.path)
    rows = queries.sitting_rows(obj, actor)
    governs = services.governs(actor, obj.meeting)
    choices = queries.sitting_choices(obj, actor) if governs else []
    _log_subjects(actor, [*rows, *(c.row for c in choices)], request.path)
    member_groups = queries.action_member_choices(rows, actor)
    policy.log_reads(actor, {p.pk: p for _, ps in member_groups for p in ps}.values(), action=AccessAction.LIST,
                     path=request.path)
    member_ids = services.current_member_agency_ids(obj.meeting, seated_only=True)
    discussions = {d.agenda_item_id: d.discussion for d in obj.items.all()}
    initial = {"status": obj.status, "minutes": obj.minutes, "events": obj.events, "topics": obj.topics,
               "version": obj.version, "attendees": list(obj.attendees.values_list("pk", flat=True)),
               **{f"item_{k}": v for k, v in discussions.items()}}
    form = MinutesForm(request.POST or None, initial=initial, member_ids=member_ids, agenda_rows=rows)
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = save_or_conflict(
            lambda: services.minutes_save(actor=actor, sitting=obj, expected_version=d["version"], minutes=d["minutes"],
                                          events=d["events"], topics=d["topics"], status=d["status"],
                                          discussions=form.discussions(), attendee_ids=[a.pk for a in d["attendees"]]),
            form)
        if outcome.saved:
            messages.success(request, "議事録を保存しました。")
            return redirect("meetings:sitting", obj.pk)
    context = _sitting_context(request, obj, rows, member_ids, member_groups)
    context.update(form=form, conflict=outcome.conflict, governs=governs,
                   items_form=SittingItemsForm(choices=choices) if governs else None)
    return render(request, "meetings/sitting.html", context)


@login_required
@require_POST
def sitting_items(request, pk: int):
    """The meeting's governors choose the agenda items the sitting takes up (403 for the other members)."""
    obj = policy.meeting_get_or_404(Sitting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    _governed_meeting(request, obj.meeting_id)
    form = SittingItemsForm(request.POST, choices=queries.sitting_choices(obj, request.actor))
    try:
        if not form.is_valid():
            raise ValidationError("この回で取り上げる検討事項を、一覧から選んでください。")
        services.sitting_items_choose(actor=request.actor, sitting=obj, agenda_item_ids=form.cleaned_data["agenda_items"])
        messages.success(request, "この回で取り上げる検討事項を決めました。")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("meetings:sitting", obj.pk)


@login_required
@require_POST
def decision_add(request, pk: int):
    obj = policy.meeting_get_or_404(Sitting, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    rows = queries.sitting_rows(obj, request.actor)
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
    rows = queries.sitting_rows(obj, request.actor)
    form = ActionForm(request.POST, member_ids=services.current_member_agency_ids(obj.meeting, seated_only=True),
                      agenda_rows=rows, member_groups=queries.action_member_choices(rows, request.actor))
    try:
        if not form.is_valid():
            raise ValidationError("役割・担当機関・期日を確かめてください。" + " ".join(
                str(e) for errs in form.errors.values() for e in errs))
        d = form.cleaned_data
        members = list(Person.objects.filter(pk__in=d.get("members") or []))
        services.action_add(actor=request.actor, sitting=obj, description=d["description"], owner_agency=d["owner_agency"],
                            owner_staff=d["owner_staff"], due_on=d["due_on"], agenda_item=_item(obj, d["agenda_item"]),
                            members=members)
        messages.success(request, "役割分担を記録しました。担当機関のダッシュボードに表示されます。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:sitting", obj.pk)


@login_required
def minutes_print(request, pk: int):
    actor = request.actor
    obj = policy.meeting_get_or_404(Sitting, actor, pk, action=AccessAction.PRINT, path=request.path)
    rows = queries.sitting_rows(obj, actor)
    policy.log_reads(actor, [r.subject for r in rows if r.subject is not None], action=AccessAction.PRINT, path=request.path)
    context = _sitting_context(request, obj, rows, [], action=AccessAction.PRINT)
    context["printed_by"] = actor.staff
    context["printed_at"] = timezone.now()
    return render(request, "meetings/minutes_print.html", context)


# ---- 役割分担（自機関） ----


@login_required
def actions(request):
    rows = list(queries.open_actions(request.actor).prefetch_related("members")[:200])
    _action_members_read(request, [a for a in rows if a.sitting.meeting.kind != MeetingKind.CHILD_PROTECTION_COUNCIL],
                         AccessAction.LIST)
    return render(request, "meetings/actions.html", {"actions": rows, "today": timezone.localdate()})


@login_required
def action_edit(request, pk: int):
    action = ActionItem.objects.select_related("sitting__meeting", "owner_agency").filter(pk=pk).first()
    if action is None or request.actor.agency_id is None:
        raise Http404
    if request.actor.agency_id not in (action.owner_agency_id, action.sitting.meeting.convened_by_id):
        raise Http404
    if not queries.on_readable_items(ActionItem.objects.filter(pk=action.pk), request.actor).filter(
            sitting__meeting__in=policy.visible_meetings(Meeting.objects.all(), request.actor)).exists():
        raise Http404
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status, "result": action.result,
                                                           "version": action.version})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            outcome = save_or_conflict(
                lambda: services.action_update(actor=request.actor, action=action, expected_version=d["version"],
                                               status=d["status"], result=d["result"]), form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        if outcome.saved:
            messages.success(request, "役割分担を更新しました。")
            return redirect("meetings:actions")
    return render(request, "meetings/action_form.html", {"form": form, "action": action, "conflict": outcome.conflict})


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

