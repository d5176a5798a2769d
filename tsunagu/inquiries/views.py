"""住民の入口: the public form (no sign-in, in the visitor's language), and the queue where the coordinator — or
the agency a request was passed to — answers it."""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from tsunagu.agencies.permissions import staff_required
from tsunagu.audit.models import AccessAction
from tsunagu.cases import services as cases_services
from tsunagu.cases.forms import IntakeForm
from tsunagu.cases.models import Consulter, Route
from tsunagu.cases.models import Urgency as CaseUrgency
from tsunagu.core.client import client_address
from tsunagu.core.forms import add_validation_errors
from tsunagu.core.locking import EditConflict
from tsunagu.people.models import Person
from tsunagu.sharing import policy

from . import queries, services
from .forms import HelpRequestForm, PassForm
from .models import HelpRequest, Status, Urgency, Who

# A sending is a few kilobytes; a body far larger is refused before it is read.
MAX_BODY = 256 * 1024
# The blank form is the same for every visitor but for her CSRF token: drawn once a minute per language (the 窓口's
# number may change), the token put in per request. A page with errors is drawn for its sender.
FORM_CACHE_SECONDS = 60
_SLOT = "tsunagu-form-slot-of-the-visitors-csrf-value"


def _public(request: HttpRequest, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    context = {"window": queries.municipal_window(), "emergency": queries.EMERGENCY_NUMBERS, **(context or {})}
    return render(request, template, context, status=status)


def request_form(request: HttpRequest) -> HttpResponse:
    """相談の申込み. A sending is answered by a redirect to a page that names nobody (nothing sent is shown back)."""
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
            return _public(request, "inquiries/public/too_long.html", status=413)
        form = HelpRequestForm(request.POST)
        if form.is_trap:
            return redirect("help:sent")
        if form.is_valid():
            return _submit(request, form)
        return _public(request, "inquiries/public/form.html", {"form": form})
    return _blank_form(request)


def _blank_form(request: HttpRequest) -> HttpResponse:
    key = f"inquiries:blank-form:{get_language()}"
    page: str | None = cache.get(key)
    if page is None:
        drawn = _public(request, "inquiries/public/form.html", {"form": HelpRequestForm(), "csrf_token": _SLOT})
        page = drawn.content.decode()
        cache.set(key, page, FORM_CACHE_SECONDS)
    return HttpResponse(page.replace(_SLOT, get_token(request)))


def _submit(request: HttpRequest, form: HelpRequestForm) -> HttpResponse:
    data = form.cleaned_data
    sending = services.Sending(
        who=data["who"], topics=data["topics"], message=data["message"].strip(), name=data["name"].strip(),
        contact_method=data["contact_method"], contact=data["contact"].strip(), contact_time=data["contact_time"],
        urgency=data["urgency"], language=get_language())
    try:
        services.help_request_submit(sending=sending, address=client_address(request))
    except services.Limited:
        return _public(request, "inquiries/public/limited.html", status=429)
    except services.NoCoordinator:
        return _public(request, "inquiries/public/closed.html", status=503)
    return redirect("help:sent_urgent" if data["urgency"] == Urgency.NOW else "help:sent")


def sent(request: HttpRequest, urgent: bool = False) -> HttpResponse:
    return _public(request, "inquiries/public/sent.html", {"urgent": urgent, "reply_from": queries.reply_from()})


# ---------- the queue (staff) ----------


@staff_required
def queue(request):
    rows = policy.help_requests_logged(request.actor, queries.queue(request.actor)[:100], path=request.path)
    return render(request, "inquiries/queue.html", {"rows": rows})


def _readable(request, pk: int, action: str = AccessAction.VIEW) -> HelpRequest:
    return policy.help_request_get_or_404(HelpRequest.objects.select_related("passed_to", "owner_agency"),
                                          request.actor, pk, action=action, path=request.path)


@staff_required
def detail(request, pk: int):
    help_request = _readable(request, pk)
    may_pass = help_request.status == Status.PENDING and request.actor.is_coordinator
    pass_form = PassForm(initial={"version": help_request.version}) if may_pass else None
    return render(request, "inquiries/detail.html", {
        "r": help_request, "pass_form": pass_form, "may_accept": services.may_accept(request.actor, help_request)})


@staff_required
@require_POST
def pass_to(request, pk: int):
    help_request = _readable(request, pk, AccessAction.EDIT)
    form = PassForm(request.POST)
    if form.is_valid():
        agency = form.cleaned_data["to_agency"]
        try:
            with transaction.atomic():
                services.help_request_pass(actor=request.actor, help_request=help_request, to_agency=agency,
                                           note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"])
                policy.help_request_pass_logged(request.actor, help_request, to_agency=agency, path=request.path)
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict:
            form.add_error(None, EditConflict.message)
        else:
            messages.success(request, f"相談の申込み #{help_request.pk} を「{agency.name}」へ引き継ぎました。")
            return redirect("inquiries:queue")
    return render(request, "inquiries/detail.html", {"r": help_request, "pass_form": form,
                                                     "may_accept": services.may_accept(request.actor, help_request)},
                  status=400)


_WHO: dict[str, str] = {Who.SELF: Consulter.SELF, Who.FAMILY: Consulter.FAMILY, Who.SOMEONE: Consulter.NEIGHBOUR}
_URGENCY: dict[str, str] = {Urgency.NOW: CaseUrgency.HIGH, Urgency.SOON: CaseUrgency.MEDIUM, Urgency.LATER: CaseUrgency.LOW}
_CONCERNS = {"money": ["income", "job_search"], "home": ["housing"], "food": ["food"], "health": ["health_disability"],
             "family": ["family", "childcare"], "care": ["care"], "school": ["withdrawal"], "violence": ["abuse"],
             "language": ["other"], "other": ["other"]}


def _prefill(r: HelpRequest) -> dict:
    """The intake form filled from the sending: the coordinator checks and completes it."""
    concerns = list(dict.fromkeys(c for t in r.topics for c in _CONCERNS.get(t, [])))
    contact = r.contact if r.contact_method == "phone" else ""
    complaint = r.message or "、".join(r.topic_labels())
    return {"received_on": timezone.localdate(r.received_at), "route": Route.EMAIL, "consulter": _WHO.get(r.who),
            "consulter_name": r.name if r.who != Who.SELF else "", "name": r.name if r.who == Who.SELF else "",
            "phone": contact, "main_complaint": complaint, "concerns": concerns, "urgency": _URGENCY.get(r.urgency),
            "first_response": f"住民の入口（相談の申込み #{r.pk}）から。連絡先: {r.get_contact_method_display()} "
                              f"{r.contact}（{r.get_contact_time_display()}）"}


@staff_required
def accept(request, pk: int):
    """受付: the request taken into a consultation (断らない相談) on cases' intake form, prefilled."""
    help_request = _readable(request, pk, AccessAction.EDIT)
    if not services.may_accept(request.actor, help_request):
        messages.error(request, "この申込みは、すでに対応済みです。")
        return redirect("inquiries:detail", pk=help_request.pk)
    form = IntakeForm(request.POST or None, initial=_prefill(help_request))
    if request.method == "POST" and form.is_valid():
        consultation = _record(request, form, help_request)
        if consultation is not None:
            messages.success(request, f"相談の申込み #{help_request.pk} を相談として受け付けました。")
            if consultation.case_id:
                return redirect("cases:case_detail", consultation.case_id)
            return redirect("inquiries:queue")
    elif request.method != "POST":
        messages.info(request, f"相談の申込み #{help_request.pk} の内容を入れてあります。確かめて「受け付ける」を押してください。")
    return render(request, "cases/intake.html", {"form": form, "household": None})


def _record(request, form: IntakeForm, help_request: HelpRequest):
    data = form.cleaned_data
    person = policy.get_or_404(Person, request.actor, data["person"], path=request.path) if data.get("person") else None
    try:
        with transaction.atomic():
            consultation = cases_services.consultation_record(
                actor=request.actor, received_on=data["received_on"], route=data["route"],
                consulter=data["consulter"], consulter_name=data["consulter_name"], person=person,
                new_person=None if person else form.new_person(), main_complaint=data["main_complaint"],
                concerns=data["concerns"], primary_concern=data["primary_concern"], urgency=data["urgency"],
                first_response=data["first_response"], outcome=data["outcome"],
                referred_to_welfare=data["referred_to_welfare"])
            services.help_request_accept(actor=request.actor, help_request=help_request, consultation=consultation,
                                         expected_version=help_request.version)
    except ValidationError as error:
        add_validation_errors(form, error)
        return None
    except EditConflict:
        form.add_error(None, "この申込みは、ほかの人が先に対応しました。受付待ちの一覧を開き直してください。")
        return None
    return consultation
