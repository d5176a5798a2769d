"""相談受付, 支援ケース, プラン, 経過記録 and つなぎ screens. Reads go through sharing.policy (logged)."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from tsunagu.agencies.models import Agency
from tsunagu.agencies.permissions import coordinator_required
from tsunagu.audit.models import AccessAction
from tsunagu.core import cells
from tsunagu.core.forms import EditOutcome, add_validation_errors, conflict_rows, save_or_conflict
from tsunagu.core.locking import EditConflict
from tsunagu.core.pagination import capped_page
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.people.models import Household, HouseholdMember, Person, RelationshipKind
from tsunagu.rules.household import age_on
from tsunagu.sharing import policy
from tsunagu.sharing import services as sharing_services
from tsunagu.sharing.models import Inquiry, InquiryStatus, VitalInterestDisclosure
from tsunagu.sharing.queries import (
    inquiry_household_id,
    member_consents,
    open_inquiries,
    support_meeting_asked,
    unreviewed_disclosures,
)
from tsunagu.sharing.services import inquiry_send

from . import filled, queries, services
from .forms import (
    NOTE_TEMPLATES,
    PLAN_ROWS_MAX,
    AssessmentForm,
    CaseFilterForm,
    CaseForm,
    CaseTransferForm,
    IntakeForm,
    NoteCorrectForm,
    NoteForm,
    PersonConcernForm,
    PlanActionFormSet,
    PlanAgreeForm,
    PlanCreateForm,
    PlanForm,
    PlanReviewForm,
    ReferralForm,
    ReferralRespondForm,
)
from .models import (
    ASSESSMENT_AREAS,
    REFERRAL_TRANSITIONS,
    Assessment,
    Case,
    CaseNote,
    Consultation,
    Outcome,
    PersonConcern,
    Referral,
    ReferralStatus,
    SupportPlan,
)
from .timeline import case_timeline

PAGE_SIZE = 25
LIST_CAP = 1000  # a total beyond is shown as 「1,000件以上」 (core.pagination.capped_page)


def _editable(model, request, pk):
    obj = policy.get_or_404(model, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(obj, request.actor):
        raise PermissionDenied
    return obj


# ---- 相談受付 ----


@login_required
def intake(request):
    household_pk = (request.POST if request.method == "POST" else request.GET).get("household")
    household = policy.get_or_404(Household, request.actor, household_pk, path=request.path) if household_pk else None
    form = IntakeForm(request.POST or None, initial={"household": household_pk},
                      members=_household_members(request, household) if household is not None else ())
    if request.method == "POST" and form.is_valid():
        consultation = _intake_save(request, form, household)
        if consultation is not None:
            return _after_intake(request, consultation)
    return render(request, "cases/intake.html", {"form": form, "household": household})


def _household_members(request, household: Household) -> list[Person]:
    """The household's current members the reader has a basis for (intake's member × need rows, a case's members)."""
    rows = Person.objects.filter(household_memberships__household=household,
                                 household_memberships__left_on__isnull=True).order_by("household_memberships__pk")
    members = policy.checked_rows(request.actor, list(rows))
    policy.log_reads(request.actor, members, action=AccessAction.LIST, path=request.path)
    return members


def _intake_save(request, form, household):
    data = form.cleaned_data
    person = policy.get_or_404(Person, request.actor, data["person"], path=request.path) if data.get("person") else None
    try:
        return services.consultation_record(
            actor=request.actor, received_on=data["received_on"], route=data["route"], consulter=data["consulter"],
            consulter_name=data["consulter_name"], person=person, household=household,
            new_person=None if person else form.new_person(),
            main_complaint=data["main_complaint"], concerns=data["concerns"], primary_concern=data["primary_concern"],
            urgency=data["urgency"], first_response=data["first_response"], outcome=data["outcome"],
            member_concerns=form.member_concerns(), referred_to_welfare=data["referred_to_welfare"])
    except ValidationError as error:
        add_validation_errors(form, error)
        return None


def _after_intake(request, consultation):
    messages.success(request, "相談を受け付けました。")
    if consultation.outcome == Outcome.REFERRAL and consultation.case_id:
        return redirect("cases:referral_create", consultation.case_id)
    if consultation.case_id:
        return redirect("cases:case_detail", consultation.case_id)
    if consultation.household_id:
        return redirect("people:household_detail", consultation.household_id)
    return redirect("dashboard")


@login_required
def intake_suggest(request):
    """htmx: as the worker types, her own agency's matching persons, and the bare "known elsewhere" signal — asked
    on the record and within the day's limit (sharing.services.known_elsewhere_ask)."""
    text = " ".join(request.GET.get(f, "") for f in ("name",)).strip() or request.GET.get("kana", "").strip()
    suggestions = policy.suggest_own_persons(request.actor, text)
    elsewhere = sharing_services.known_elsewhere_ask(actor=request.actor, text=text, path=request.path) if text else None
    return render(request, "cases/_suggestions.html", {
        "suggestions": suggestions, "elsewhere": bool(elsewhere and elsewhere.known),
        "elsewhere_note": elsewhere.note if elsewhere else "", "text": text, "chosen": request.GET.get("person", "")})


@login_required
@require_POST
def inquiry_create(request):
    """照会 to the coordinator. The asker learns nothing more; the coordinator sees which agencies to invite."""
    text = (request.POST.get("name") or request.POST.get("kana") or "").strip()[:100]
    if not text:
        return HttpResponse('<p class="message message--error" role="alert">照会する方の氏名を入力してください。</p>')
    query = " ".join(p for p in (text, request.POST.get("address", "").strip()[:100]) if p)
    inquiry_send(actor=request.actor, query=query, message="相談受付の際、他機関で把握されている可能性が示されました。",
                 holder_agency_ids=policy.holder_agencies(text))
    return render(request, "cases/_inquiry_sent.html")


# ---- 支援ケース ----


@login_required
def index(request):
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = _filtered_cases(request, filters)
    # newest first off an index: 26 rows, then a count of at most 1,001 when there is a next page
    page = capped_page(cases, request.GET.get("page"), PAGE_SIZE, cap=LIST_CAP)
    policy.log_reads(request.actor, page, action=AccessAction.LIST, path=request.path)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/index.html", {"form": form, "page": page, "query_string": query.urlencode()})


def _filtered_cases(request, filters):
    return queries.case_list(policy.visible(Case.objects.all(), request.actor), status=filters.get("status", ""),
                             mine_only=filters.get("mine", False), agency_id=request.actor.agency_id,
                             query=filters.get("q", ""))


@login_required
def export(request):
    """Excel (.xlsx) of the filtered case list; every row exported is logged."""
    form = CaseFilterForm(request.GET or None)
    cases = list(_filtered_cases(request, form.cleaned_data if form.is_valid() else {})[:5000])
    policy.log_reads(request.actor, cases, action=AccessAction.EXPORT, path=request.path)
    book = Workbook()
    sheet = book.active
    sheet.title = "支援ケース"
    sheet.append(cells.xlsx_row(sheet, ["ID", "呼び名", "ケース名（主訴）", "本人・世帯", "主担当機関", "状況", "開始日", "終結日",
                                         "最終更新"]))
    for c in cases:
        sheet.append(cells.xlsx_row(sheet, [c.pk, c.label, c.title, str(c.subject), c.lead_agency.name, c.get_status_display(),
                                            c.opened_on, c.closed_on, timezone.localtime(c.updated_at).replace(tzinfo=None)]))
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def case_detail(request, pk: int):
    case = policy.get_or_404(Case, request.actor, pk, path=request.path,
                             queryset=Case.objects.select_related("lead_agency", "person", "household", "worker"))
    plans = SupportPlan.objects.filter(case=case).prefetch_related("actions__agency")
    referrals = list(policy.visible(case.referrals.all(), request.actor).select_related("from_agency", "to_agency", "person"))
    members = case_members(request, case)
    may_edit = policy.may_edit(case, request.actor)
    return render(request, "cases/case_detail.html", {
        "case": case, "access": policy.access_of(case), "may_edit": may_edit,
        "timeline": case_timeline([case.pk], request.actor, case=case, referrals=referrals),
        "note_form": NoteForm(members=members), "plans": plans, "note_templates": NOTE_TEMPLATES, "referrals": referrals,
        "needs": member_needs(request, case, members) if case.household_id else [],
        "concern_form": PersonConcernForm(members=members) if case.household_id and may_edit else None,
        "refusals": (refusals := _refusals(members) if case.household_id else []),
        "meeting_asked": bool(refusals) and case.household is not None and support_meeting_asked(case.household),
    })


def case_members(request, case: Case) -> list[Person]:
    """世帯の一人ひとり: who a row of the case may name — a person case its person; a household case the current
    members the reader has a basis for (each checked through the policy, read logged with the page)."""
    if case.person is not None:
        return [case.person]
    return _household_members(request, case.household) if case.household is not None else []


def member_needs(request, case: Case, members: list[Person]) -> list[queries.MemberNeeds]:
    """The member × need view: each member the reader sees with the concerns recorded for her on the case (or at
    the intake that opened it) that the reader may read, and the 分野 they point to."""
    rows = policy.within_case(PersonConcern.objects.filter(case=case), request.actor, case)
    return queries.member_needs(members, rows)


def _refusals(members: list[Person]) -> list[tuple[Person, list]]:
    standing = member_consents([m.pk for m in members])
    return [(m, standing[m.pk].refusals) for m in members if m.pk in standing and standing[m.pk].refusals]


@login_required
@require_POST
def person_concern_add(request, pk: int):
    """A member's concerns found by assessment, added to the member × need view."""
    case = _editable(Case, request, pk)
    members = case_members(request, case)
    form = PersonConcernForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.person_concern_record(actor=request.actor, case=case, person=form.cleaned_data["person"],
                                           concerns=form.cleaned_data["concerns"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{form.cleaned_data['person'].name}さんの課題を記録しました。")
    else:
        messages.error(request, "世帯員と課題を選んでください。")
    return redirect("cases:case_detail", case.pk)


@login_required
def case_edit(request, pk: int):
    case = _editable(Case, request, pk)
    form = CaseForm(request.POST or None, initial={"name": case.name, "title": case.title, "summary": case.summary,
                                                   "status": case.status, "version": case.version})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        outcome = save_or_conflict(
            lambda: services.case_update(actor=request.actor, case=case, expected_version=version, **data), form)
        if outcome.saved:
            messages.success(request, "保存しました。")
            return redirect("cases:case_detail", case.pk)
    rows = conflict_rows(outcome.conflict, form, ["name", "title", "summary", "status"])
    return render(request, "cases/case_form.html", {"form": form, "case": case, "conflict": outcome.conflict,
                                                    "conflict_rows": rows})


@login_required
def case_transfer(request, pk: int):
    """移管: the lead agency hands the case to an agency that has a basis for its subject, with a reason. The
    transfer is a disclosure: recorded on the case's timeline and in the access log under the receiver's basis."""
    case = _editable(Case, request, pk)
    candidates = Agency.objects.filter(active=True).exclude(pk=case.lead_agency_id)
    form = CaseTransferForm(request.POST or None, initial={"version": case.version},
                            agencies=policy.agencies_covering(case.subject, candidates))
    if request.method == "POST" and form.is_valid():
        to_agency = form.cleaned_data["to_agency"]
        access = policy.agency_may_see(to_agency, case.subject)
        outcome = save_or_conflict(
            lambda: services.case_transfer(actor=request.actor, case=case, to_agency=to_agency,
                                           reason=form.cleaned_data["reason"],
                                           expected_version=form.cleaned_data["version"], receiver_access=access),
            form)
        if outcome.conflict is not None:
            messages.error(request, EditConflict.message)
        if outcome.saved and access is not None:  # case_transfer refuses a receiver without a basis
            policy.disclosure_log(request.actor, [case, case.subject], to_agency=to_agency, access=access,
                                  what="移管", path=request.path)
            messages.success(request, f"{to_agency.name}に移管しました。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/case_transfer.html", {"form": form, "case": case})


@login_required
@require_POST
def note_add(request, pk: int):
    case = policy.get_or_404(Case, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    form = NoteForm(request.POST, members=case_members(request, case))
    if form.is_valid():
        try:
            services.note_add(actor=request.actor, case=case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "経過記録を追加しました。")
    else:
        messages.error(request, "経過記録: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("cases:case_detail", case.pk)


@login_required
def note_edit(request, pk: int):
    note = policy.get_or_404(CaseNote, request.actor, pk, path=request.path)
    may_edit = policy.may_edit(note, request.actor)
    form = NoteCorrectForm(request.POST or None, initial={"body": note.body, "version": note.version})
    outcome = EditOutcome()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            outcome = save_or_conflict(
                lambda: services.note_correct(actor=request.actor, note=note, expected_version=form.cleaned_data["version"],
                                              body=form.cleaned_data["body"]), form)
            if outcome.saved:
                messages.success(request, "訂正を保存しました（訂正前の内容は履歴に残ります）。")
                return redirect("cases:case_detail", note.case_id)
    versions = note.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "cases/note_form.html", {"form": form, "note": note, "may_edit": may_edit,
                                                    "conflict": outcome.conflict, "versions": versions})


@login_required
def assessment_create(request, pk: int):
    """インテーク・アセスメントシート of one person: a household case's member chosen among those the writer sees.
    Bad input (an item out of its choices, a date that does not exist): a message naming the item, nothing written."""
    case = _editable(Case, request, pk)
    members = case_members(request, case)
    form = AssessmentForm(request.POST or None, members=members,
                          initial={"person": request.GET.get("person", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_record(
                actor=request.actor, case=case, areas=form.areas(), summary=data["summary"],
                assessed_on=data["assessed_on"], person=form.subject(), screening=data["screening"],
                employment_support=data["employment_support"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "アセスメントを記録しました。")
            if assessment.person_id:
                return redirect(f"{reverse('cases:case_detail', args=[case.pk])}#assessment-{assessment.person_id}")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/assessment_form.html", {"form": form, "case": case,
                                                          "named_errors": _named_errors(form)})


def _named_errors(form) -> list[str]:
    """Each error with the item it is about, for the message at the top of the form."""
    return [f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items() for error in errors]


@login_required
def member_assessment_pdf(request, pk: int, person_pk: int):
    """The インテーク・アセスメントシート of one person of a case (本人: the case's person, or a household member the
    reader has a basis for) as a PDF, filled from the consultation that opened the case, her latest assessment and
    her own concerns; every row read through the policy, the print logged."""
    case = policy.get_or_404(Case, request.actor, pk, action=AccessAction.PRINT, path=request.path,
                             queryset=Case.objects.select_related("lead_agency", "person", "household"))
    members = case_members(request, case)
    person = next((m for m in members if m.pk == person_pk), None)
    if person is None:
        raise Http404
    policy.log_reads(request.actor, [person], action=AccessAction.PRINT, path=request.path)
    assessment = policy.within_case(Assessment.objects.filter(person=person), request.actor, case).first()
    if assessment is None and case.person_id == person.pk:  # a person case's older sheets name no one: hers
        assessment = policy.within_case(Assessment.objects.filter(person__isnull=True), request.actor, case).first()
    consultation = policy.within_case(
        Consultation.objects.filter(voided_at__isnull=True), request.actor, case).order_by("received_on", "pk").first()
    concerns = list(dict.fromkeys(
        [*(consultation.concerns if consultation is not None and consultation.person_id == person.pk else []),
         *policy.within_case(PersonConcern.objects.filter(person=person), request.actor, case)
         .order_by("noted_on", "pk").values_list("concern", flat=True)]))
    plan = policy.within_case(SupportPlan.objects.all(), request.actor, case).order_by("-revision").first()
    logged = [row for row in (consultation, plan) if row is not None]  # the assessment is the case's, logged with it
    policy.log_reads(request.actor, logged, action=AccessAction.PRINT, path=request.path)
    national_form, sections = filled.intake_assessment_sheet(
        person, case=case, assessment=assessment, consultation=consultation, concerns=concerns, plan=plan,
        household=household_rows(case, members, assessment.assessed_on if assessment else timezone.localdate()))
    document = render_pdf(request, "cases/filled_form_pdf.html", {
        "form": national_form, "sections": sections, "agency": case.lead_agency})
    return pdf_response(document, f"intake_assessment-{case.pk}-{person.pk}.pdf")


def household_rows(case: Case, members: list[Person], on) -> list[filled.HouseholdRow]:
    """世帯員（氏名・続柄・年齢）: the members the reader sees (already checked and logged), with their relation."""
    if case.household_id is None:
        return []
    relations = dict(HouseholdMember.objects.filter(household_id=case.household_id, left_on__isnull=True,
                                                    person__in=members).values_list("person_id", "relation_to_head"))
    labels = dict(RelationshipKind.choices)
    return [filled.HouseholdRow(m.name, labels.get(relations.get(m.pk, ""), "世帯主") if m.pk in relations else "",
                                age_on(m.birth_date, on) if m.birth_date else None) for m in members]


# ---- 支援プラン ----


@login_required
def plan_create(request, pk: int):
    case = _editable(Case, request, pk)
    members = case_members(request, case)
    if request.method == "POST" and "add_row" in request.POST:  # 行を追加: the same form, one more row, nothing saved
        data = request.POST.copy()
        shown = int(data.get("actions-TOTAL_FORMS") or 1) if (data.get("actions-TOTAL_FORMS") or "").isdigit() else 1
        data["actions-TOTAL_FORMS"] = str(min(shown + 1, PLAN_ROWS_MAX))
        form = PlanCreateForm(initial={k: request.POST.get(k, "") for k in ("goals", "person_wishes", "review_on")})
        actions = PlanActionFormSet(data, prefix="actions", form_kwargs={"members": members})
        return render(request, "cases/plan_form.html", {"form": form, "actions": actions, "case": case,
                                                        "rows_max": PLAN_ROWS_MAX})
    form = PlanCreateForm(request.POST or None)
    actions = PlanActionFormSet(request.POST or None, prefix="actions", form_kwargs={"members": members})
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        rows = [a.cleaned_data for a in actions if a.cleaned_data.get("description")]
        try:
            services.plan_create(actor=request.actor, case=case, actions=rows, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "支援プランを作成しました。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/plan_form.html", {"form": form, "actions": actions, "case": case,
                                                    "rows_max": PLAN_ROWS_MAX})


@login_required
def plan_edit(request, pk: int):
    plan = policy.get_or_404(SupportPlan, request.actor, pk, path=request.path,
                             queryset=SupportPlan.objects.select_related("case"))
    may_edit = policy.may_edit(plan, request.actor)
    form = PlanForm(request.POST or None, initial={"goals": plan.goals, "person_wishes": plan.person_wishes,
                                                   "review_on": plan.review_on, "version": plan.version,
                                                   "employment_support": "1" if plan.employment_support else "0"})
    agree = PlanAgreeForm(initial={"version": plan.version})
    outcome = EditOutcome()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            outcome = save_or_conflict(
                lambda: services.plan_update(actor=request.actor, plan=plan, expected_version=version, **data), form)
            if outcome.saved:
                messages.success(request, "支援プランを保存しました。")
                return redirect("cases:case_detail", plan.case_id)
    rows = conflict_rows(outcome.conflict, form, ["goals", "person_wishes"])
    return render(request, "cases/plan_edit.html", {"form": form, "plan": plan, "may_edit": may_edit, "agree": agree,
                                                    "conflict": outcome.conflict, "conflict_rows": rows,
                                                    "actions": plan_actions(request, plan),
                                                    "reviews": plan.reviews.select_related("staff"),
                                                    "review_form": PlanReviewForm() if may_edit else None})


@login_required
@require_POST
def plan_review_add(request, pk: int):
    """評価 of a plan: 就労, 増収, 自立に向けた改善 (the 支援状況調査's 国への報告事項). Bad input: a message naming the
    item, nothing written."""
    plan = _editable(SupportPlan, request, pk)
    form = PlanReviewForm(request.POST)
    if form.is_valid():
        try:
            services.plan_review_record(actor=request.actor, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "評価を記録しました。")
    else:
        messages.error(request, " ".join(f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
                                         for name, errors in form.errors.items() for e in errors))
    return redirect("cases:plan_edit", plan.pk)


def plan_actions(request, plan: SupportPlan):
    """A plan's rows as the reader may read them: one naming members needs a basis for each (世帯の一人ひとり), unless
    her agency made the plan."""
    rows = plan.actions.select_related("agency").prefetch_related("members")
    return policy.named_rows(rows, request.actor, recorded_by="plan__agency_id")


@login_required
@require_POST
def plan_agree(request, pk: int):
    plan = _editable(SupportPlan, request, pk)
    form = PlanAgreeForm(request.POST)
    if form.is_valid():
        outcome = save_or_conflict(
            lambda: services.plan_agree(actor=request.actor, plan=plan, expected_version=form.cleaned_data["version"],
                                        agreed_by=form.cleaned_data["agreed_by"], agreed_on=form.cleaned_data["agreed_on"]))
        if outcome.saved:
            messages.success(request, "同意を記録しました。")
        else:
            messages.error(request, EditConflict.message)
    else:
        messages.error(request, "同意した人を入力してください。")
    return redirect("cases:plan_edit", plan.pk)


@login_required
def plan_print(request, pk: int):
    plan = policy.get_or_404(SupportPlan, request.actor, pk, action=AccessAction.PRINT, path=request.path,
                             queryset=SupportPlan.objects.select_related("case__lead_agency", "case__person", "case__household", "staff"))
    return render(request, "cases/plan_print.html", {"plan": plan, "case": plan.case,
                                                     "actions": plan_actions(request, plan)})


@login_required
def consultation_print(request, pk: int):
    consultation = policy.get_or_404(Consultation, request.actor, pk, action=AccessAction.PRINT, path=request.path,
                                     queryset=Consultation.objects.select_related("person", "household", "agency", "staff",
                                                                                  "voided_by"))
    return render(request, "cases/consultation_print.html", {
        "c": consultation, "areas": ASSESSMENT_AREAS,
        "may_void": consultation.voided_at is None and services.consultation_may_void(request.actor, consultation)})


def _consultation_for_print(request, pk: int) -> Consultation:
    return policy.get_or_404(Consultation, request.actor, pk, action=AccessAction.PRINT, path=request.path,
                             queryset=Consultation.objects.select_related("person", "household", "agency", "staff",
                                                                          "case"))


@login_required
def consultation_pdf(request, pk: int):
    """The 相談受付・申込票 of a recorded consultation as a PDF, in the version its consent records choose (本人同意あり /
    なし: its person's, or the household members' the reader sees), read through the policy and logged as a print."""
    consultation = _consultation_for_print(request, pk)
    subjects = _consultation_subjects(request, consultation)
    standing = _consent_standing(subjects)
    members = _member_rows(request, consultation, subjects) if consultation.person is None else []
    referred_to = []
    if consultation.case is not None:
        sent = policy.visible(consultation.case.referrals.all(), request.actor).select_related("to_agency")
        referred_to = list(dict.fromkeys(r.to_agency.name for r in sent))
    if consultation.referred_to_welfare:
        referred_to.append("生活保護窓口")
    national_form, sections = filled.consultation_sheet(consultation, standing=standing, members=members,
                                                        referred_to=referred_to)
    document = render_pdf(request, "cases/filled_form_pdf.html", {
        "form": national_form, "sections": sections, "agency": consultation.agency})
    return pdf_response(document, f"{national_form.key}-{consultation.pk}.pdf")


def _consultation_subjects(request, consultation: Consultation) -> list[Person]:
    """Whose consent records choose the 申込票's version: the consultation's person, or — about a household — its
    current members the reader has a basis for (read logged with the print)."""
    if consultation.person is not None:
        return [consultation.person]
    if consultation.household is None:
        return []
    rows = Person.objects.filter(household_memberships__household=consultation.household,
                                 household_memberships__left_on__isnull=True).order_by("household_memberships__pk")
    members = policy.checked_rows(request.actor, list(rows))
    policy.log_reads(request.actor, members, action=AccessAction.PRINT, path=request.path)
    return members


def _consent_standing(subjects: list[Person]) -> filled.ConsentStanding:
    names = {p.pk: p.name for p in subjects}
    standing = member_consents(names)
    reasons = [f"{names[consent.person_id]}さん: {consent.reason or '不同意の記録'}"
               for one in standing.values() for consent, _ in one.refusals]
    return filled.ConsentStanding(consented=any(one.consented for one in standing.values()),
                                  refusal_reasons=tuple(reasons))


def _member_rows(request, consultation: Consultation, members: list[Person]) -> list[filled.MemberRow]:
    """世帯の一人ひとり: each member the reader sees with her own concerns recorded at this consultation."""
    seen = {m.pk: m for m in members}
    rows: dict[int, list[str]] = {}
    for concern in consultation.person_concerns.filter(person_id__in=list(seen), archived_at__isnull=True):
        rows.setdefault(concern.person_id, []).append(concern.get_concern_display())
    return [filled.MemberRow(seen[pk].name, names) for pk, names in rows.items()]


@login_required
def plan_pdf(request, pk: int):
    """The プラン兼事業等利用申込書 of a plan as a PDF, read through the policy and logged as a print."""
    plan = policy.get_or_404(SupportPlan, request.actor, pk, action=AccessAction.PRINT, path=request.path,
                             queryset=SupportPlan.objects.select_related("case__lead_agency", "case__person",
                                                                         "case__household", "staff", "agency"))
    actions = [filled.ActionRow(a.description, [m.name for m in a.members.all()], a.agency.name if a.agency else "",
                                a.resource_name, a.due_on) for a in plan_actions(request, plan)]
    national_form, sections = filled.plan_sheet(plan, actions=actions, review=plan.reviews.first())
    document = render_pdf(request, "cases/filled_form_pdf.html", {
        "form": national_form, "sections": sections, "agency": plan.agency})
    return pdf_response(document, f"plan_application-{plan.pk}.pdf")


@login_required
@require_POST
def consultation_void(request, pk: int):
    """取消 of a consultation recorded by mistake (the recorder or a manager of her agency, with a reason)."""
    consultation = policy.get_or_404(Consultation, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    try:
        services.consultation_void(actor=request.actor, consultation=consultation,
                                   reason=request.POST.get("reason", "")[:5000])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "相談受付を取り消しました。集計から外れ、履歴には取消として残ります。")
    return redirect("cases:consultation_print", consultation.pk)


# ---- つなぎ ----


def _referral_subject(case: Case, request, members: list[Person]) -> Person | None:
    """世帯の一人ひとり: a referral names one member — the person of a person case, or the member chosen (`person`)
    among those the sender sees."""
    if case.person_id:
        return case.person
    pid = request.POST.get("person") or request.GET.get("person")
    return next((m for m in members if str(m.pk) == pid), None)


@login_required
def referral_create(request, pk: int):
    case = policy.get_or_404(Case, request.actor, pk, path=request.path)
    members = case_members(request, case)
    subject = _referral_subject(case, request, members)
    if subject is None:  # a household case: first, whom to refer
        return render(request, "cases/referral_form.html", {"case": case, "members": members, "choose": True})
    candidates = Agency.objects.filter(active=True).exclude(pk=request.actor.agency_id)
    allowed = policy.agencies_covering(subject, candidates)
    form = ReferralForm(request.POST or None, agencies=allowed)
    if request.method == "POST" and form.is_valid():
        to_agency = form.cleaned_data["to_agency"]
        try:
            services.referral_send(actor=request.actor, case=case, person=subject, to_agency=to_agency,
                                   reason=form.cleaned_data["reason"], request=form.cleaned_data["request"],
                                   due_on=form.cleaned_data["due_on"],
                                   receiver_access=policy.agency_may_see(to_agency, subject))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{to_agency.name}につなぎました。回答があるとお知らせします。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/referral_form.html", {"form": form, "case": case, "subject": subject,
                                                        "no_targets": not allowed, "members": members})


@login_required
def referrals(request):
    actor = request.actor
    visible = policy.visible(Referral.objects.all(), actor).select_related("from_agency", "to_agency", "case", "person")
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    received = list(queries.received_referrals(visible, agency_id=actor.agency_id, status=status)[:100])
    sent = list(visible.filter(from_agency_id=actor.agency_id).order_by("-sent_at")[:100])
    policy.log_reads(actor, received + sent, action=AccessAction.LIST, path=request.path)
    return render(request, "cases/referrals.html", {"received": received, "sent": sent, "today": timezone.localdate(),
                                                    "status": status, "statuses": ReferralStatus.choices})


@login_required
def referral_detail(request, pk: int):
    referral = policy.get_or_404(Referral, request.actor, pk, path=request.path,
                                 queryset=Referral.objects.select_related("from_agency", "to_agency", "case", "person", "from_staff"))
    is_receiver = referral.to_agency_id == request.actor.agency_id
    moves = [ReferralStatus(s) for s in REFERRAL_TRANSITIONS[ReferralStatus(referral.status)]
             if (s == ReferralStatus.CANCELLED) != is_receiver]
    form = ReferralRespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _referral_respond(request, referral, form.cleaned_data)
        return redirect("cases:referral_detail", referral.pk)
    services.notifications_mark_read(actor=request.actor, ids=list(referral.notifications.values_list("pk", flat=True)))
    return render(request, "cases/referral_detail.html", {"r": referral, "moves": sorted(moves, key=lambda m: m.value),
                                                          "events": referral.events.select_related("agency", "staff"),
                                                          "today": timezone.localdate()})


def _referral_respond(request, referral, data) -> None:
    outcome = save_or_conflict(
        lambda: services.referral_respond(actor=request.actor, referral=referral, status=data["status"],
                                          expected_version=data["version"], comment=data["comment"]),
        invalid=lambda error: messages.error(request, " ".join(error.messages)))
    if outcome.conflict is not None:
        messages.error(request, EditConflict.message)
    elif outcome.saved:
        messages.success(request, "つなぎの状況を更新しました。")


@coordinator_required
def overdue(request):
    """The coordinator's list of referrals unanswered past their due date (no personal data on it)."""
    rows = queries.overdue_referrals()
    return render(request, "cases/overdue.html", {"rows": rows, "today": timezone.localdate()})


@coordinator_required
@require_POST
def inquiry_answer(request, pk: int):
    inquiry = Inquiry.objects.filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    sharing_services.inquiry_answer(actor=request.actor, inquiry=inquiry, answer=request.POST.get("answer", "")[:5000],
                                    status=InquiryStatus.CLOSED)
    messages.success(request, "照会を対応済みにしました。")
    return redirect("cases:inquiries")


@coordinator_required
@require_POST
def disclosure_review(request, pk: int):
    disclosure = VitalInterestDisclosure.objects.filter(pk=pk, reviewed_at__isnull=True).first()
    if disclosure is None:
        raise Http404
    try:
        sharing_services.vital_interest_review(actor=request.actor, disclosure=disclosure,
                                               decision=request.POST.get("decision", ""),
                                               note=request.POST.get("note", "")[:5000])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "緊急時の情報提供の確認を記録しました。")
    return redirect("cases:inquiries")


@coordinator_required
def inquiries(request):
    """The coordinator's 照会: who asked and when, the name as the asker typed it, the agencies holding a possible
    match — and, for a request about a household, its name only when she has a basis for it herself (read through
    the policy and logged); otherwise the text as sent."""
    rows = list(open_inquiries()[:100])
    wanted = {pk for pk in map(inquiry_household_id, rows) if pk is not None}
    households = {h.pk: h for h in policy.visible(Household.objects.filter(pk__in=wanted), request.actor,
                                                  with_basis=True)} if wanted else {}
    policy.log_reads(request.actor, households.values(), action=AccessAction.LIST, path=request.path)
    return render(request, "cases/inquiries.html", {
        "inquiries": [(i, inquiry_household_id(i), households.get(inquiry_household_id(i) or 0)) for i in rows],
        "disclosures": unreviewed_disclosures()[:100]})


@login_required
def notifications(request):
    rows = list(queries.unread_notifications(request.actor.agency_id)[:100])
    services.notifications_mark_read(actor=request.actor, ids=[n.pk for n in rows])
    return render(request, "cases/notifications.html", {"rows": rows})
