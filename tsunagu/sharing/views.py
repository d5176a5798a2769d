"""本人同意 and 緊急時の情報提供 on a person's page, and the request for a 支援会議 about a household whose members have
not all consented. The addresses are the person's and the household's (/people/…); the screens are sharing's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.models import Agency
from tsunagu.audit.models import AccessAction, SharingBasis
from tsunagu.core.pdf import pdf_response, render_pdf
from tsunagu.people.models import Household, Person

from . import policy
from .forms import ConsentForm, VitalInterestForm
from .models import Consent, ConsentDecision
from .queries import household_inquiry_text, support_meeting_asked
from .services import consent_record, consent_withdraw, inquiry_send, vital_interest_disclose


def _person_to_edit(request: ActorRequest, pk: int) -> Person:
    """The person, if the actor has a basis for her (404 otherwise, the read logged) and may edit her (else 403)."""
    person = policy.get_or_404(Person, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(person, request.actor):
        raise PermissionDenied
    return person


@login_required
@require_POST
def consent_add(request: ActorRequest, pk: int) -> HttpResponse:
    person = _person_to_edit(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent = consent_record(actor=request.actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if consent.is_refusal:  # a refusal opens nothing: it closes the CONSENT basis for those agencies
                messages.success(request, "不同意を記録しました。これらの機関とは、本人同意による共有はできません"
                                          "（支援会議・要対協での検討はできます）。")
                return redirect(_back(request, person))
            for agency in consent.agencies.all():  # consent given: a disclosure to each agency it names
                policy.disclosure_log(request.actor, [person], to_agency=agency,
                                      access=policy.Access(SharingBasis.CONSENT), what="本人同意", path=request.path)
            messages.success(request, "本人同意を記録しました。")
    else:
        messages.error(request, "同意の入力内容を確かめてください: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(_back(request, person))


def _back(request: ActorRequest, person: Person) -> str:
    """Back to the household page the form was sent from (`household`, one the person lives in), else her page."""
    household = request.POST.get("household", "")
    if household.isdigit() and person.household_memberships.filter(household_id=int(household)).exists():
        return reverse("people:household_detail", args=[int(household)])
    return reverse("people:person_detail", args=[person.pk])


@login_required
def consent_sheet(request: ActorRequest, pk: int) -> HttpResponse:
    """同意書 for one person, to print and sign: the agencies chosen (`agency`, repeated; all active agencies if
    none), what they would share and why, and the lines for her signature. Printing shows her name and address,
    so it is a read of her record, logged as a print."""
    return render(request, "sharing/consent_sheet.html", {
        **_consent_sheet_context(request, pk), "all_agencies": Agency.objects.filter(active=True).order_by("kind", "kana"),
    })


@login_required
def consent_sheet_pdf(request: ActorRequest, pk: int) -> HttpResponse:
    """The same 同意書 as a PDF drawn on the server (core.pdf): the same read of her record, logged as a print."""
    document = render_pdf(request, "sharing/consent_sheet_pdf.html", _consent_sheet_context(request, pk))
    return pdf_response(document, f"consent-{pk}.pdf")


def _consent_sheet_context(request: ActorRequest, pk: int) -> dict[str, object]:
    person = policy.get_or_404(Person, request.actor, pk, action=AccessAction.PRINT, path=request.path)
    chosen = [int(a) for a in request.GET.getlist("agency") if a.isdigit()]
    agencies = Agency.objects.filter(active=True, **({"pk__in": chosen} if chosen else {})).order_by("kind", "kana")
    return {"person": person, "agencies": list(agencies), "recorder": request.actor.agency, "today": timezone.localdate(),
            "shared_items": CONSENT_SHEET_ITEMS}


# What the 同意書 says the agencies share (the rows Tsunagu holds about a person).
CONSENT_SHEET_ITEMS = [
    "氏名・ふりがな・生年月日・性別・住所・電話番号", "世帯の状況（世帯員・続柄）", "相談の内容と経過の記録",
    "アセスメント（生活・健康・家計などの状況）", "支援プランと、その実施状況", "他の機関へのつなぎとその結果",
]


@login_required
@require_POST
def consent_withdraw_view(request: ActorRequest, pk: int, consent_pk: int) -> HttpResponse:
    person = _person_to_edit(request, pk)
    consent = Consent.objects.filter(person=person, pk=consent_pk, withdrawn_on__isnull=True,
                                     decision=ConsentDecision.GIVEN).first()
    if consent is not None:
        consent_withdraw(actor=request.actor, consent=consent, note=request.POST.get("note", "")[:2000])
        messages.success(request, "同意の撤回を記録しました。共有先の機関は直ちに閲覧できなくなります。")
    return redirect(_back(request, person))


@login_required
@require_POST
def vital_interest_add(request: ActorRequest, pk: int) -> HttpResponse:
    """緊急時の情報提供 (break the glass): only an agency whose own the person is — it recorded her or leads her case —
    provides what it holds; an agency that sees her on a temporary basis cannot pass her on."""
    person = _person_to_edit(request, pk)
    form = VitalInterestForm(request.POST)
    if form.is_valid():
        try:
            disclosure = vital_interest_disclose(actor=request.actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            policy.disclosure_log(request.actor, [person], to_agency=disclosure.to_agency,
                                  access=policy.Access(SharingBasis.VITAL_INTEREST), what="緊急時の情報提供",
                                  path=request.path)
            messages.success(request, "緊急時の情報提供を記録しました。推進員の確認一覧に載ります。")
    else:
        messages.error(request, "提供先・根拠・理由を入力してください。")
    return redirect("people:person_detail", person.pk)


@login_required
@require_POST
def household_propose_meeting(request: ActorRequest, pk: int) -> HttpResponse:
    """J2: members have not consented, so the worker asks the coordinator to take the household to a 支援会議."""
    household = policy.get_or_404(Household, request.actor, pk, path=request.path)
    if support_meeting_asked(household):
        messages.info(request, "この世帯は、すでに支援会議の検討事項になっているか、推進員に依頼済みです。")
        return redirect("people:household_detail", household.pk)
    inquiry_send(actor=request.actor, query=household_inquiry_text(household),
                 message="複合課題世帯です。同意のない世帯員がいるため、支援会議での検討をお願いします。")
    messages.success(request, "相談支援包括化推進員に支援会議での検討を依頼しました。")
    return redirect("people:household_detail", household.pk)
