"""記入済みの帳票 printed as lists, and the 多機関協働 sheets of a household case: 支援経過記録シート（出力用：経過一覧）
and 支援ケース一覧 as PDF and Excel. Every row is read through sharing.policy and the print or export logged; the
sheets themselves are drawn by `cases.filled` (docs/NATIONAL_FORMS.md's items, in order)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import cast

from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.permissions import staff_required
from tsunagu.audit.models import AccessAction
from tsunagu.core import cells
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.sharing import policy

from . import filled
from .models import Case, CaseNote, Consultation, SupportPlan

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
