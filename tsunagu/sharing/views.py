"""本人同意 and 緊急時の情報提供 on a person's page, and the request for a 支援会議 about a household whose members have
not all consented. The addresses are the person's and the household's (/people/…); the screens are sharing's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tsunagu.agencies.actor import ActorRequest
from tsunagu.audit.models import AccessAction, SharingBasis
from tsunagu.people.models import Household, Person

from . import policy
from .forms import ConsentForm, VitalInterestForm
from .models import Consent
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
            for agency in consent.agencies.all():  # consent given: a disclosure to each agency it names
                policy.disclosure_log(request.actor, [person], to_agency=agency,
                                      access=policy.Access(SharingBasis.CONSENT), what="本人同意", path=request.path)
            messages.success(request, "本人同意を記録しました。")
    else:
        messages.error(request, "同意の入力内容を確かめてください: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("people:person_detail", person.pk)


@login_required
@require_POST
def consent_withdraw_view(request: ActorRequest, pk: int, consent_pk: int) -> HttpResponse:
    person = _person_to_edit(request, pk)
    consent = Consent.objects.filter(person=person, pk=consent_pk, withdrawn_on__isnull=True).first()
    if consent is not None:
        consent_withdraw(actor=request.actor, consent=consent, note=request.POST.get("note", "")[:2000])
        messages.success(request, "同意の撤回を記録しました。共有先の機関は直ちに閲覧できなくなります。")
    return redirect("people:person_detail", person.pk)


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
    inquiry_send(actor=request.actor, query=f"世帯 #{household.pk}",
                 message="複合課題世帯です。同意のない世帯員がいるため、支援会議での検討をお願いします。")
    messages.success(request, "相談支援包括化推進員に支援会議での検討を依頼しました。")
    return redirect("people:household_detail", household.pk)
