"""記入済みの帳票 printed as lists, and the 多機関協働 sheets of a household case: 支援経過記録シート（出力用：経過一覧）
and 支援ケース一覧 as PDF and Excel. Every row is read through sharing.policy and the print or export logged; the
sheets themselves are drawn by `cases.filled` (docs/NATIONAL_FORMS.md's items, in order)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import cast

from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.models import Field
from tsunagu.agencies.permissions import staff_required
from tsunagu.audit.models import AccessAction
from tsunagu.core import cells
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.people.models import Person
from tsunagu.rules.household import concern_fields
from tsunagu.sharing import policy
from tsunagu.sharing.queries import member_consents, support_meeting_asked

from . import filled
from .models import Assessment, Case, CaseNote, Consultation, PersonConcern, SupportPlan
from .views import case_members, household_rows, plan_actions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CASE_LIST_MAX = 5000


def _pdf(request: HttpRequest, sheet: filled.ListSheet, agency, filename: str) -> HttpResponse:
    rows = [[{"day": cell} if isinstance(cell, date) else {"text": cell or ""} for cell in row] for row in sheet.rows]
    document = render_pdf(request, "cases/list_form_pdf.html", {"sheet": sheet, "rows": rows, "agency": agency})
    return pdf_response(document, filename)


def _xlsx(sheet: filled.ListSheet, agency, filename: str) -> HttpResponse:
    """The sheet as a workbook: its title, 取扱注意, the heading items, then the 一覧 under its labels (【国】 on the
    国への報告事項). Every text goes through core.cells, so none becomes a formula; dates are 和暦 date cells."""
    book = Workbook()
    ws = cast(Worksheet, book.active)
    ws.title = sheet.title[:31].replace("：", " ").replace("（", "(").replace("）", ")")
    ws.append(cells.xlsx_row(ws, [sheet.title]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(cells.xlsx_row(ws, ["取扱注意", f"機関 {agency.name}"]))
    for item, value in sheet.heading:
        ws.append(cells.xlsx_row(ws, [("【国】" if item.reported else "") + item.label, value]))
    ws.append(cells.xlsx_row(ws, [("【国】" if item.reported else "") + item.label for item in sheet.columns]))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append(cells.xlsx_row(ws, row))
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---- 支援経過記録シート（出力用：経過一覧） ----


def _progress_list(request: ActorRequest, pk: int, action: str) -> tuple[filled.ListSheet, Case]:
    """A case's notes as the reader may read them (policy.within_case: one naming members needs a basis for each,
    unless her agency wrote it), each read logged with the print or export."""
    actor = request.actor
    case = policy.get_or_404(Case, actor, pk, action=action, path=request.path,
                             queryset=Case.objects.select_related("lead_agency", "person", "household"))
    notes = list(policy.within_case(CaseNote.objects.all(), actor, case).select_related("staff", "agency")
                 .prefetch_related("members").order_by("written_on", "pk"))
    policy.log_reads(actor, notes, action=action, path=request.path)
    rows = [filled.NoteRow(n.written_on, n.kind, n.body, [m.name for m in n.members.all()], n.staff.name,
                           n.agency.name) for n in notes]
    return filled.progress_list(case, rows), case


@require_GET
@login_required
def progress_list_pdf(request: ActorRequest, pk: int) -> HttpResponse:
    sheet, case = _progress_list(request, pk, AccessAction.PRINT)
    return _pdf(request, sheet, case.lead_agency, f"progress_list-{case.pk}.pdf")


@require_GET
@login_required
def progress_list_xlsx(request: ActorRequest, pk: int) -> HttpResponse:
    sheet, case = _progress_list(request, pk, AccessAction.EXPORT)
    return _xlsx(sheet, case.lead_agency, f"progress_list-{case.pk}.xlsx")


# ---- 支援ケース一覧 ----


def _case_list(request: ActorRequest, action: str) -> filled.ListSheet:
    """The cases the reader's agency leads and may see (the policy decides; every row logged), oldest first, with
    the first consultation's 受付日, the first plan's 作成日 and the latest plan's 見直し予定日."""
    actor = request.actor
    cases = list(policy.visible(Case.objects.filter(lead_agency_id=actor.agency_id), actor)
                 .select_related("lead_agency", "person", "household", "worker")
                 .order_by("opened_on", "pk")[:CASE_LIST_MAX])
    policy.log_reads(actor, cases, action=action, path=request.path)
    ids = [c.pk for c in cases]
    received = dict(policy.visible(Consultation.objects.filter(case_id__in=ids, voided_at__isnull=True), actor)
                    .values("case_id").annotate(first=Min("received_on")).values_list("case_id", "first"))
    plans = policy.visible(SupportPlan.objects.filter(case_id__in=ids), actor)
    planned = dict(plans.values("case_id").annotate(first=Min("created_at")).values_list("case_id", "first"))
    review: dict[int, date | None] = {}
    for case_id, review_on in plans.order_by("case_id", "revision").values_list("case_id", "review_on"):
        review[case_id] = review_on  # the latest revision's
    rows = [filled.CaseRow(c, received.get(c.pk),
                           timezone.localdate(planned[c.pk]) if c.pk in planned else None, review.get(c.pk))
            for c in cases]
    return filled.case_list(rows)


@require_GET
@staff_required
def case_list_pdf(request: ActorRequest) -> HttpResponse:
    sheet = _case_list(request, AccessAction.PRINT)
    return _pdf(request, sheet, request.actor.agency, f"case_list-{timezone.localdate():%Y%m%d}.pdf")


@require_GET
@staff_required
def case_list_xlsx(request: ActorRequest) -> HttpResponse:
    sheet = _case_list(request, AccessAction.EXPORT)
    return _xlsx(sheet, request.actor.agency, f"case_list-{timezone.localdate():%Y%m%d}.xlsx")


# ---- 多機関協働 (重層的支援体制整備事業) ----

MULTIAGENCY_FORMS = ("multiagency_intake", "multiagency_assessment", "multiagency_plan")


def _member_facts(request: ActorRequest, case: Case, members: list[Person]) -> list[filled.MemberFacts]:
    """Each member the reader sees (checked and logged by `case_members`) with her concerns on the case, her consent
    standing and her latest assessment — rows read through the policy (policy.within_case)."""
    actor = request.actor
    concerns: dict[int, list[str]] = {}
    for person_id, concern in (policy.within_case(PersonConcern.objects.filter(person__in=members), actor, case)
                               .order_by("noted_on", "pk").values_list("person_id", "concern")):
        concerns.setdefault(person_id, [])
        if concern not in concerns[person_id]:
            concerns[person_id].append(concern)
    latest: dict[int, Assessment] = {}
    for assessment in policy.within_case(Assessment.objects.filter(person__in=members), actor, case):
        if assessment.person_id is not None:
            latest.setdefault(assessment.person_id, assessment)  # newest first (the model's ordering)
    standing = member_consents([m.pk for m in members])
    facts = []
    for m, row in zip(members, household_rows(case, members, timezone.localdate()), strict=True):
        one = standing.get(m.pk)
        consent = (filled.CONSENT_REFUSED if one is not None and one.refusals else
                   filled.CONSENT_GIVEN if one is not None and one.consented else filled.CONSENT_NONE)
        facts.append(filled.MemberFacts(row, m.birth_date, concerns.get(m.pk, []),
                                        [Field(f).label for f in concern_fields(concerns.get(m.pk, []))], consent,
                                        latest.get(m.pk)))
    return facts


@require_GET
@login_required
def multiagency_pdf(request: ActorRequest, pk: int, key: str) -> HttpResponse:
    """A household case's 多機関協働 sheet (`key`: インテークシート, アセスメントシート 1〜4, プラン兼利用申込書) as a
    PDF: every row through the policy — the members the reader has a basis for, and only what her basis covers of
    them — the print logged."""
    if key not in MULTIAGENCY_FORMS:
        raise Http404
    actor = request.actor
    case = policy.get_or_404(Case, actor, pk, action=AccessAction.PRINT, path=request.path,
                             queryset=Case.objects.select_related("lead_agency", "household"))
    if case.household_id is None:
        raise Http404
    members = case_members(request, case)
    policy.log_reads(actor, members, action=AccessAction.PRINT, path=request.path)
    plan = policy.within_case(SupportPlan.objects.all(), actor, case).order_by("-revision").first()
    if key == "multiagency_intake":
        consultation = policy.within_case(Consultation.objects.filter(voided_at__isnull=True), actor, case) \
            .select_related("agency", "staff").order_by("received_on", "pk").first()
        policy.log_reads(actor, [consultation] if consultation else [], action=AccessAction.PRINT, path=request.path)
        national_form, sections = filled.multiagency_intake(case, consultation=consultation,
                                                            members=_member_facts(request, case, members))
    elif key == "multiagency_assessment":
        agencies = [f"{p.agency.name}（{p.role}）" if p.role else p.agency.name
                    for p in case.participations.select_related("agency").order_by("joined_on", "pk")]
        referred = policy.visible(case.referrals.all(), actor).select_related("to_agency")
        agencies += [f"{r.to_agency.name}（つなぎ先）" for r in referred]
        meeting = "支援会議" if case.household is not None and support_meeting_asked(case.household) else ""
        national_form, sections = filled.multiagency_assessment(
            case, members=_member_facts(request, case, members), agencies=list(dict.fromkeys(agencies)), plan=plan,
            meeting=meeting)
    else:
        actions = [filled.ActionRow(a.description, [m.name for m in a.members.all()],
                                    a.agency.name if a.agency else "", a.resource_name, a.due_on)
                   for a in plan_actions(request, plan)] if plan is not None else []
        national_form, sections = filled.multiagency_plan(case, plan=plan, actions=actions)
    if plan is not None:
        policy.log_reads(actor, [plan], action=AccessAction.PRINT, path=request.path)
    document = render_pdf(request, "cases/filled_form_pdf.html", {
        "form": national_form, "sections": sections, "agency": case.lead_agency})
    return pdf_response(document, f"{key}-{case.pk}.pdf")
