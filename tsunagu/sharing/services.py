"""Writes for consents, emergency disclosures and 照会. Withdrawal and expiry take effect on the next read."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Consent, Inquiry, InquiryStatus, VitalInterestDisclosure

VITAL_INTEREST_DAYS = 14


@transaction.atomic
def consent_record(*, actor, person, agencies, given_on: date | None = None, method: str = "written",
                   expires_on: date | None = None) -> Consent:
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": "共有先の機関を一つ以上選んでください。"})
    given_on = given_on or timezone.localdate()
    if expires_on is not None and expires_on < given_on:
        raise ValidationError({"expires_on": "有効期限が同意日より前です。"})
    consent = Consent.objects.create(person=person, recorded_by_id=actor.agency_id, taken_by=actor.staff,
                                     given_on=given_on, method=method, expires_on=expires_on)
    consent.agencies.set(agencies)
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, note: str = "", withdrawn_on: date | None = None) -> Consent:
    """Access through the consent ends from `withdrawn_on` (today by default) — the policy checks it on every read."""
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawal_note"])
    return consent


@transaction.atomic
def vital_interest_disclose(*, actor, person, to_agency, reason: str, days: int = VITAL_INTEREST_DAYS) -> VitalInterestDisclosure:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "緊急に提供する理由を具体的に書いてください（10文字以上）。"})
    return VitalInterestDisclosure.objects.create(
        person=person, from_agency_id=actor.agency_id, to_agency=to_agency, disclosed_by=actor.staff, reason=reason,
        expires_on=timezone.localdate() + timedelta(days=days),
    )


@transaction.atomic
def vital_interest_review(*, actor, disclosure: VitalInterestDisclosure, note: str) -> VitalInterestDisclosure:
    if not actor.is_coordinator:
        raise ValidationError("確認は相談支援包括化推進員が行います。")
    disclosure.reviewed_by = actor.staff
    disclosure.reviewed_at = timezone.now()
    disclosure.review_note = note
    disclosure.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return disclosure


@transaction.atomic
def inquiry_send(*, actor, query: str, message: str = "", holder_agency_ids: list[int] = (), consultation=None) -> Inquiry:
    """照会 to the coordinators. `holder_agency_ids` comes from sharing.policy.holder_agencies and is never shown
    to the asker."""
    query = (query or "").strip()
    if not query:
        raise ValidationError({"query": "照会する方の氏名などを入力してください。"})
    inquiry = Inquiry.objects.create(from_agency_id=actor.agency_id, from_staff=actor.staff, query=query[:300],
                                     message=message[:5000], consultation=consultation)
    inquiry.holder_agencies.set([a for a in holder_agency_ids if a != actor.agency_id])
    return inquiry


@transaction.atomic
def inquiry_answer(*, actor, inquiry: Inquiry, answer: str, status: str = InquiryStatus.TAKEN_UP) -> Inquiry:
    if not actor.is_coordinator:
        raise ValidationError("照会への回答は相談支援包括化推進員が行います。")
    inquiry.answer = answer
    inquiry.status = status
    inquiry.answered_at = timezone.now()
    inquiry.save(update_fields=["answer", "status", "answered_at"])
    return inquiry
