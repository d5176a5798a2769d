"""本人の権利の画面: 支援チームのお知らせ (a print, at the person's address), 開示請求 (the coordinator's), 転出 (the
case's lead agency) and 転入 (the coordinator's). Each reads through `policy` and is logged there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.models import Agency
from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.people.models import Person

from . import move_out, policy, rights
from .forms import DisclosureRequestForm, MoveOutForm, TeamLetterForm
from .models import DisclosureRequest, ImplementingBody, MoveIn, MoveInStatus


def _form_errors(form: object) -> str:
    return " ".join(f"{form.fields[name].label}: {e}" if name in form.fields else str(e)  # type: ignore[attr-defined]
                    for name, errs in form.errors.items() for e in errs)  # type: ignore[attr-defined]


# ---- 支援チームのお知らせ ----


@login_required
def team_letter(request: ActorRequest, pk: int) -> HttpResponse:
    """The request form (申出日, 申出の方法); posting it records the request and answers the letter as a PDF. The
    agency list is never shown on screen — only printed for her."""
    person = policy.checked(Person, request.actor, pk)  # logged below: as the print, or as the form's view
    if person is None:
        raise Http404
    if not (request.actor.is_coordinator or policy.leads_person(person, request.actor)):
        raise PermissionDenied
    form = TeamLetterForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            row, entries = rights.team_letter_record(actor=request.actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            policy.team_letter_logged(request.actor, person, path=request.path,
                                      detail=f"支援チームのお知らせ（申出 {row.requested_on:%Y-%m-%d}・{row.get_method_display()}）")
            document = render_pdf(request, "sharing/team_letter_pdf.html", {
                "person": person, "entries": entries, "letter": row, "issuer": request.actor.agency,
                "today": timezone.localdate()})
            return pdf_response(document, f"team-letter-{row.pk}.pdf")
    policy.log_reads(request.actor, [person], action=AccessAction.VIEW, path=request.path)
    return render(request, "sharing/team_letter.html", {"person": person, "form": form}, status=400 if form.errors else 200)


# ---- 開示請求 ----


def _coordinator(request: ActorRequest) -> None:
    if not request.actor.is_coordinator:
        raise Http404


@login_required
def disclosure_requests(request: ActorRequest) -> HttpResponse:
    """The coordinator receives a 開示請求 and prints its bundle while it is open; she marks the 実施機関."""
    _coordinator(request)
    form = DisclosureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = rights.disclosure_request_receive(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"開示請求（受付番号 {row.receipt_number}）を受け付けました。"
                                      f"記録のある機関: {len(rights.holding_agency_ids(row))}。")
            return redirect("sharing:disclosure_requests")
    today = timezone.localdate()
    rows = (DisclosureRequest.objects.filter(agency_id=request.actor.agency_id or 0)
            .annotate(person_count=Count("persons")).order_by("-received_on", "-pk")[:50])
    return render(request, "sharing/disclosure_requests.html", {
        "form": form, "rows": [(r, r.is_open(today)) for r in rows],
        "agencies": Agency.objects.filter(active=True).order_by("name"),
        "implementing": set(ImplementingBody.objects.values_list("agency_id", flat=True)),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def implementing_bodies(request: ActorRequest) -> HttpResponse:
    """実施機関: which agencies' records a 開示請求's bundle gives in full (not personal data)."""
    _coordinator(request)
    chosen = {int(a) for a in request.POST.getlist("agency") if a.isdigit()}
    ImplementingBody.objects.exclude(agency_id__in=chosen).delete()
    known = set(ImplementingBody.objects.values_list("agency_id", flat=True))
    for agency in Agency.objects.filter(pk__in=chosen - known):
        ImplementingBody.objects.create(agency=agency, recorded_by=request.actor.staff)
    messages.success(request, "実施機関を記録しました。")
    return redirect("sharing:disclosure_requests")


@login_required
def disclosure_bundle(request: ActorRequest, pk: int) -> HttpResponse:
    row = DisclosureRequest.objects.filter(pk=pk).first()
    rows = policy.disclosure_request_rows(request.actor, row, path=request.path) if row is not None else None
    if row is None or rows is None:
        raise Http404
    document = render_pdf(request, "sharing/disclosure_bundle_pdf.html", {
        "request_row": row, "parts": rights.disclosure_bundle(rows), "review": rights.REVIEW,
        "today": timezone.localdate()})
    return pdf_response(document, f"disclosure-{row.pk}.pdf")


# ---- 転出・転入 ----


@login_required
def move_out_view(request: ActorRequest, pk: int) -> HttpResponse:
    """転出: the case's lead agency hands it to another municipality — a JSON bundle (docs/TRANSFER_SCHEMA.md)."""
    case = policy.get_or_404(Case, request.actor, pk, action=AccessAction.EXPORT if request.method == "POST"
                             else AccessAction.VIEW, path=request.path)
    if request.actor.agency_id != case.lead_agency_id:
        raise PermissionDenied
    members = policy.checked_rows(request.actor, [m.person for m in move_out.household_members(case, timezone.localdate())])
    form = MoveOutForm(request.POST or None, members=[(p.pk, p.name) for p in members])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, body = move_out.move_out_record(
                actor=request.actor, case=case, to_municipality=data["to_municipality"], consent_on=data["consent_on"],
                consent_method=data["consent_method"], member_ids=[int(m) for m in data["members"]], path=request.path)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="move-out-{case.pk}.json"'
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "sharing/move_out.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@login_required
def move_ins(request: ActorRequest) -> HttpResponse:
    """転入: the bundles other municipalities handed over, for the coordinator; each shown is logged."""
    _coordinator(request)
    if request.method == "POST":
        key = request.POST.get("taken_up", "")
        row = MoveIn.objects.filter(pk=int(key), status=MoveInStatus.OPEN).first() if key.isdigit() else None
        if row is not None:
            row.status = MoveInStatus.TAKEN_UP
            row.save(update_fields=["status"])
        return redirect("sharing:move_ins")
    rows = list(MoveIn.objects.all()[:50])
    policy.move_ins_logged(request.actor, rows, path=request.path)
    return render(request, "sharing/move_ins.html", {"rows": rows})
