"""フォローアップ, 終結, アウトリーチ, 訪問計画 (頻度, 訪問予定表 and its print, the visit record), 引継ぎ and 制度の狭間 screens. Cases are read through sharing.policy (logged);
outreach through `policy.visible_outreach` (logged)."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tsunagu.agencies.permissions import coordinator_required
from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core.forms import EditOutcome, add_validation_errors, save_or_conflict
from tsunagu.core.pagination import capped_page
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.rules.wareki import read_date
from tsunagu.sharing import policy

from . import queries, services
from .forms import (
    CloseForm,
    HandoverForm,
    OutreachForm,
    OutreachStatusForm,
    RecordForm,
    ScheduleForm,
    VisitForm,
    VisitPlanForm,
    VisitRecordForm,
)
from .models import FollowUp, Handover, Outreach, VisitPlan

FOLLOWUP_LIST_LIMIT = 300  # rows read, soonest first: an agency of a city has hundreds overdue at times
OUTREACH_SHOWN = 30  # the newest active outreach on the follow-up page; all of them, page by page, on their own list
OUTREACH_PAGE_SIZE = 50


@login_required
def index(request):
    actor = request.actor
    today = timezone.localdate()
    found = queries.agency_followups(actor, limit=FOLLOWUP_LIST_LIMIT)
    overdue, due = [f for f in found.rows if f.due_on < today], [f for f in found.rows if f.due_on >= today]
    outreach = list(queries.outreach_for(actor)[:OUTREACH_SHOWN + 1])
    outreach_total = queries.outreach_for(actor).count() if len(outreach) > OUTREACH_SHOWN else len(outreach)
    outreach = outreach[:OUTREACH_SHOWN]
    policy.log_reads(actor, [*found.cases, *outreach], action=AccessAction.LIST, path=request.path)  # one write
    return render(request, "followups/index.html", {"overdue": overdue, "due": due, "outreach": outreach, "today": today,
                                                    "overdue_total": found.overdue, "more": found.more,
                                                    "limit": FOLLOWUP_LIST_LIMIT, "outreach_total": outreach_total})


@login_required
def outreach_list(request):
    """Every アウトリーチ entry the agency may see, newest noticed first, page by page: those being worked on, or
    with ?closed=1 those connected or ended too. The follow-up page shows only the newest OUTREACH_SHOWN."""
    actor = request.actor
    closed = request.GET.get("closed") == "1"
    page = capped_page(queries.outreach_for(actor, active_only=not closed), request.GET.get("page"), OUTREACH_PAGE_SIZE)
    policy.log_reads(actor, page, action=AccessAction.LIST, path=request.path)
    return render(request, "followups/outreach_list.html", {"page": page, "closed": closed,
                                                            "query_string": "closed=1" if closed else ""})


def _case_for_edit(request, case_id: int) -> Case:
    case = policy.get_or_404(Case, request.actor, case_id, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(case, request.actor):
        raise PermissionDenied
    return case


@login_required
def schedule(request, case_id: int):
    case = _case_for_edit(request, case_id)
    form = ScheduleForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.schedule_create(actor=request.actor, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"フォローアップを{plan.occurrences}回分予定しました。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "followups/schedule_form.html", {"form": form, "case": case})


@login_required
def close(request, case_id: int):
    """終結: never without follow-ups or a recorded reason (J5)."""
    case = _case_for_edit(request, case_id)
    if case.status == CaseStatus.CLOSED:
        messages.error(request, "このケースはすでに終結しています。")
        return redirect("cases:case_detail", case.pk)
    initial = {"version": case.version, "starts_on": timezone.localdate() + timedelta(days=30)}
    form = CloseForm(request.POST or None, initial=initial)
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = save_or_conflict(
            lambda: services.case_close(actor=request.actor, case=case, expected_version=d["version"],
                                        closed_on=d["closed_on"], reason=d["reason"] if d["mode"] == "reason" else "",
                                        schedule=form.schedule()), form)
        if outcome.saved:
            messages.success(request, "終結しました。" + ("フォローアップの予定はダッシュボードに表示されます。" if form.schedule() else ""))
            return redirect("cases:case_detail", case.pk)
    return render(request, "followups/close_form.html", {"form": form, "case": case, "conflict": outcome.conflict,
                                                         "pending": services.case_closure_check(case),
                                                         "warnings": queries.closing_warnings(case)})


def _followup(request, pk: int) -> FollowUp:
    followup = FollowUp.objects.select_related("case").filter(pk=pk, agency_id=request.actor.agency_id).first()
    if followup is None:
        raise Http404
    policy.get_or_404(Case, request.actor, followup.case_id, path=request.path)
    return followup


@login_required
def record(request, pk: int):
    followup = _followup(request, pk)
    form = RecordForm(request.POST or None, initial={"version": followup.version})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = save_or_conflict(
            lambda: services.followup_record(actor=request.actor, followup=followup, expected_version=d["version"],
                                             status=d["status"], note=d["note"], done_on=d["done_on"]), form)
        if outcome.saved:
            messages.success(request, "フォローアップを記録しました（経過記録にも残りました）。")
            return redirect("followups:index")
    return render(request, "followups/record_form.html", {"form": form, "followup": followup,
                                                          "conflict": outcome.conflict})


# ---- 訪問計画 ----


@login_required
def visit_plan(request, case_id: int):
    """訪問頻度 of a case, set or changed by the acting agency."""
    case = _case_for_edit(request, case_id)
    plan = VisitPlan.objects.filter(case=case, agency_id=request.actor.agency_id).first()
    initial = ({"version": plan.version, "frequency": plan.frequency, "due_on": plan.due_on, "checks": plan.checks,
                "household_wide": plan.household_wide} if plan else {"household_wide": case.household_id is not None})
    form = VisitPlanForm(request.POST or None, initial=initial)
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = save_or_conflict(
            lambda: services.visit_plan_save(actor=request.actor, case=case, frequency=d["frequency"], due_on=d["due_on"],
                                             checks=d["checks"], household_wide=d["household_wide"],
                                             expected_version=d["version"]), form)
        if outcome.saved:
            messages.success(request, "訪問頻度を設定しました。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "followups/visit_plan_form.html", {"form": form, "case": case, "plan": plan,
                                                              "conflict": outcome.conflict})


def _day(request) -> date:
    """The day of a 訪問予定表 (?day=, 和暦 or 西暦), today when absent or unreadable."""
    text = request.GET.get("day") or request.POST.get("day") or ""
    try:
        return read_date(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def visit_route(request):
    """The worker's 訪問予定表 for a day, in her order (moved up and down by plain forms)."""
    actor, day = request.actor, _day(request)
    stops = queries.day_route(actor, day)
    policy.log_reads(actor, queries.route_reads(stops), action=AccessAction.LIST, path=request.path)
    return render(request, "followups/visit_route.html", {"stops": stops, "day": day, "today": timezone.localdate()})


@login_required
def visit_sheet(request):
    """The 訪問予定表 as an A4 route sheet (取扱注意): every row read through the policy, logged as 印刷."""
    actor, day = request.actor, _day(request)
    stops = queries.day_route(actor, day)
    policy.log_reads(actor, queries.route_reads(stops), action=AccessAction.PRINT, path=request.path)
    return render(request, "followups/visit_sheet.html", {"stops": stops, "day": day})


@login_required
def visit_sheet_pdf(request) -> HttpResponse:
    actor, day = request.actor, _day(request)
    stops = queries.day_route(actor, day)
    policy.log_reads(actor, queries.route_reads(stops), action=AccessAction.PRINT, path=request.path)
    pdf = render_pdf(request, "followups/visit_sheet_pdf.html", {"stops": stops, "day": day})
    return pdf_response(pdf, f"visit-route-{day:%Y%m%d}.pdf")


def _visit_plan(request, pk: int, action: str = AccessAction.EDIT) -> VisitPlan:
    """The acting agency's plan, its case read through the policy (404 for anyone else)."""
    plan = VisitPlan.objects.filter(pk=pk, agency_id=request.actor.agency_id).first()
    if plan is None:
        raise Http404
    plan.case = policy.get_or_404(Case, request.actor, plan.case_id, action=action, path=request.path)
    return plan


@login_required
def visit_move(request, pk: int):
    if request.method != "POST":
        return redirect("followups:visit_route")
    plan, day = _visit_plan(request, pk), _day(request)
    try:
        services.visit_route_move(actor=request.actor, plan=plan, day=day, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('followups:visit_route')}?day={day.isoformat()}#stop-{plan.pk}")


@login_required
def visit_record(request, pk: int):
    """The visit record form for the tablet: one column, the next visit proposed from the frequency."""
    plan = _visit_plan(request, pk)
    visited_on = timezone.localdate()
    form = VisitRecordForm(request.POST or None, initial={
        "version": plan.version, "visited_on": visited_on,
        "next_on": services.next_visit_proposed(plan.frequency, visited_on)})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = save_or_conflict(
            lambda: services.visit_record(actor=request.actor, plan=plan, expected_version=d["version"], note=d["note"],
                                          met=d["met"], visited_on=d["visited_on"], next_on=d["next_on"]), form)
        if outcome.saved:
            messages.success(request, "訪問を記録しました（経過記録に残り、次回の訪問を予定しました）。")
            return redirect("cases:case_detail", plan.case_id)
    return render(request, "followups/visit_record_form.html", {"form": form, "plan": plan, "case": plan.case,
                                                                "conflict": outcome.conflict})


# ---- アウトリーチ ----


@login_required
def outreach_create(request):
    form = OutreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outreach = services.outreach_record(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "アウトリーチの対象として記録しました。")
            return redirect("followups:outreach_detail", outreach.pk)
    return render(request, "followups/outreach_form.html", {"form": form})


def _outreach(request, pk: int, action: str = AccessAction.VIEW) -> Outreach:
    outreach = policy.visible_outreach(Outreach.objects.filter(pk=pk), request.actor).select_related("agency", "staff").first()
    if outreach is None:
        raise Http404
    policy.log_reads(request.actor, [outreach], action=action, path=request.path)
    return outreach


@login_required
def outreach_detail(request, pk: int):
    outreach = _outreach(request, pk)
    visit_form = VisitForm(request.POST or None)
    if request.method == "POST" and visit_form.is_valid():
        try:
            services.outreach_visit_add(actor=request.actor, outreach=outreach, **visit_form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(visit_form, error)
        else:
            messages.success(request, "訪問を記録しました。")
            return redirect("followups:outreach_detail", outreach.pk)
    status_form = OutreachStatusForm(initial={"status": outreach.status, "version": outreach.version})
    return render(request, "followups/outreach_detail.html", {
        "outreach": outreach, "visits": list(outreach.visits.select_related("staff")), "visit_form": visit_form,
        "status_form": status_form, "may_update": outreach.agency_id == request.actor.agency_id})


@login_required
def outreach_status(request, pk: int):
    outreach = _outreach(request, pk, AccessAction.EDIT)
    form = OutreachStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            outcome = save_or_conflict(
                lambda: services.outreach_update(actor=request.actor, outreach=outreach, expected_version=d["version"],
                                                 status=d["status"], closed_reason=d["closed_reason"]),
                invalid=lambda error: messages.error(request, " ".join(error.messages)))
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            if outcome.saved:
                messages.success(request, "状況を更新しました。")
            elif outcome.conflict is not None:
                messages.error(request, "他の人が先に更新しました。もう一度確かめてください。")
    return redirect("followups:outreach_detail", outreach.pk)


# ---- 部署異動の引継ぎ ----


@login_required
def handover(request):
    actor = request.actor
    if actor.agency_id is None:
        raise Http404
    form = HandoverForm(request.POST or None, agency_id=actor.agency_id)
    preview = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if "confirm" not in request.POST:
            preview = {k: list(v[:200]) for k, v in services.handover_preview(agency_id=actor.agency_id, from_staff=d["from_staff"]).items()}
        else:
            try:
                done = services.handover_perform(actor=actor, from_staff=d["from_staff"], to_staff=d["to_staff"], note=d["note"])
            except (ValidationError, PermissionDenied) as error:
                add_validation_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            else:
                messages.success(request, f"{done.to_staff.name}さんに引き継ぎました: 支援ケース {len(done.case_ids)} 件、"
                                          f"フォローアップ {len(done.followup_ids)} 件、アウトリーチ {len(done.outreach_ids)} 件、"
                                          f"会議の役割分担 {len(done.action_item_ids)} 件。")
                return redirect("followups:handover")
    recent = Handover.objects.filter(agency_id=actor.agency_id).select_related("from_staff", "to_staff")[:10]
    return render(request, "followups/handover.html", {"form": form, "preview": preview, "recent": recent})


# ---- 制度の狭間 ----


@coordinator_required
def gaps(request):
    """The coordinator's list. Others get 404: the list is hers (and shows names only where she has a basis)."""
    return render(request, "followups/gaps.html", {"sections": queries.gap_sections(request.actor)})


@coordinator_required
def gaps_kind(request, kind: str):
    """One kind of the list, all its rows, GAP_PAGE a page, oldest first."""
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    try:
        section, page = queries.gap_section(request.actor, kind, number)
    except KeyError:
        raise Http404 from None
    return render(request, "followups/gaps_kind.html", {"section": section, "page": page})
