"""Writes for consents, emergency disclosures and 照会. Withdrawal and expiry take effect on the next read; and the
recorded, rationed ask of the 「他機関で把握されている可能性」 signal."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Agency, Staff
from tsunagu.cases.models import Case, Consultation, Notification
from tsunagu.identity.normalize import search_key
from tsunagu.people.models import Person

from . import policy
from .models import (
    Consent,
    ConsentDecision,
    ElsewhereAnswer,
    ElsewhereCheck,
    Inquiry,
    InquiryStatus,
    VitalGround,
    VitalInterestDisclosure,
    VitalReview,
)

VITAL_INTEREST_DAYS_UNCONFIRMED = 3  # access ends at the end of the third day (the day of disclosure is the first)
VITAL_INTEREST_DAYS = 14  # at most, once the coordinator has confirmed it


def _acting_agency(actor: Actor) -> Agency:
    """The agency a write is recorded for; an actor without one (the administrator) writes nothing here."""
    if actor.agency is None:
        raise ValidationError("所属機関として操作しているときだけ記録できます。")
    return actor.agency


@transaction.atomic
def consent_record(*, actor: Actor, person: Person, agencies: Iterable[Agency], given_on: date | None = None, method: str = "written",
                   expires_on: date | None = None, decision: str = ConsentDecision.GIVEN, reason: str = "") -> Consent:
    """本人同意 — or 不同意 (`decision`): per person, per receiving agency. The date is the day she said it: never
    ahead of today (a consent dated ahead would read 有効 and open nothing). A refusal outweighs every earlier
    consent to the agencies it names (sharing.policy); it has no expiry."""
    agencies = list(agencies)
    if decision not in ConsentDecision.values:
        raise ValidationError({"decision": "同意か不同意かを選んでください。"})
    refused = decision == ConsentDecision.REFUSED
    if not agencies:
        raise ValidationError({"agencies": "共有先の機関を一つ以上選んでください。"
                               if not refused else "共有を断られた機関を一つ以上選んでください。"})
    today = timezone.localdate()
    given_on = given_on or today
    if given_on > today:
        raise ValidationError({"given_on": f"{'不同意' if refused else '同意'}の日付が未来です（{given_on:%Y-%m-%d}）。"
                                           "本人から聞き取った日を入力してください。"})
    if refused:
        expires_on = None
    if expires_on is not None and expires_on < given_on:
        raise ValidationError({"expires_on": "有効期限が同意日より前です。"})
    consent = Consent.objects.create(person=person, recorded_by=_acting_agency(actor), taken_by=actor.staff,
                                     given_on=given_on, method=method, expires_on=expires_on, decision=decision,
                                     reason=(reason or "").strip()[:5000])
    consent.agencies.set(agencies)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent, note: str = "", withdrawn_on: date | None = None) -> Consent:
    """Access through the consent ends from `withdrawn_on` (today by default) — the policy checks it on every read."""
    if consent.decision != ConsentDecision.GIVEN:
        raise ValidationError("撤回できるのは同意の記録だけです。不同意のあとに同意を得たときは、同意を記録してください。")
    if consent.withdrawn_on is not None:
        raise ValidationError("この同意はすでに撤回されています。")
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawal_note"])
    return consent


@transaction.atomic
def vital_interest_disclose(*, actor: Actor, person: Person, to_agency: Agency | None, ground: str, reason: str) -> VitalInterestDisclosure:
    """Break the glass. The caller has checked that the person is the acting agency's own (recorded by it, or the
    subject of a case it leads): an agency provides what it holds. Access ends at the end of the third day unless
    the coordinator confirms it; the person's lead agencies are told at once."""
    if ground not in VitalGround.values:
        raise ValidationError({"ground": "提供の根拠（生命・身体・財産の保護）を選んでください。"})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "緊急に提供する理由を具体的に書いてください（10文字以上）。"})
    if to_agency is None or to_agency.pk == actor.agency_id:
        raise ValidationError({"to_agency": "提供先の機関を一つ選んでください（自機関は選べません）。"})
    today = timezone.localdate()
    disclosure = VitalInterestDisclosure.objects.create(
        person=person, from_agency=_acting_agency(actor), to_agency=to_agency, disclosed_by=actor.staff, ground=ground,
        reason=reason[:5000], expires_on=today + timedelta(days=VITAL_INTEREST_DAYS_UNCONFIRMED - 1),
    )
    _tell_lead_agencies(disclosure, actor)
    return disclosure


def _tell_lead_agencies(disclosure: VitalInterestDisclosure, actor: Actor) -> None:
    """The agencies for which the person is their own (her recording agency, the leads of her cases) hear of it."""
    person = disclosure.person
    agencies = {person.agency_id, *Case.objects.filter(person=person, archived_at__isnull=True)
                .values_list("lead_agency_id", flat=True)} - {actor.agency_id}
    message = (f"緊急時の情報提供: {_acting_agency(actor).name}が{person.name}さんの情報を{disclosure.to_agency.name}に提供しました"
               f"（{disclosure.get_ground_display()}）")[:200]
    Notification.objects.bulk_create([Notification(agency_id=a, message=message) for a in sorted(agencies)])


@transaction.atomic
def vital_interest_review(*, actor: Actor, disclosure: VitalInterestDisclosure, decision: str = VitalReview.CONFIRMED,
                          note: str = "") -> VitalInterestDisclosure:
    """The coordinator's review: confirming lets access run to the 14th day from the disclosure; ending stops it
    from today. Either way the disclosure leaves the queue."""
    if not actor.is_coordinator:
        raise ValidationError("確認は相談支援包括化推進員が行います。")
    if decision not in VitalReview.values:
        raise ValidationError({"decision": "確認の結果（継続を認める・終了する）を選んでください。"})
    if disclosure.reviewed_at is not None:
        raise ValidationError("この提供はすでに確認されています。")
    today = timezone.localdate()
    disclosed_on = timezone.localdate(disclosure.disclosed_at)
    if decision == VitalReview.CONFIRMED:
        disclosure.expires_on = max(disclosure.expires_on, disclosed_on + timedelta(days=VITAL_INTEREST_DAYS - 1))
    else:
        disclosure.expires_on = min(disclosure.expires_on, today - timedelta(days=1))
    disclosure.reviewed_by = actor.staff
    disclosure.reviewed_at = timezone.now()
    disclosure.review_note = (note or "")[:5000]
    disclosure.review_decision = decision
    disclosure.save(update_fields=["expires_on", "reviewed_by", "reviewed_at", "review_note", "review_decision"])
    return disclosure


@transaction.atomic
def inquiry_send(*, actor: Actor, query: str, message: str = "", holder_agency_ids: Sequence[int] = (),
                 consultation: Consultation | None = None) -> Inquiry:
    """照会 to the coordinators. `holder_agency_ids` comes from sharing.policy.holder_agencies and is never shown
    to the asker."""
    query = (query or "").strip()
    if not query:
        raise ValidationError({"query": "照会する方の氏名などを入力してください。"})
    inquiry = Inquiry.objects.create(from_agency=_acting_agency(actor), from_staff=actor.staff, query=query[:300],
                                     message=message[:5000], consultation=consultation)
    inquiry.holder_agencies.set([a for a in holder_agency_ids if a != actor.agency_id])
    return inquiry


@transaction.atomic
def inquiry_answer(*, actor: Actor, inquiry: Inquiry, answer: str, status: str = InquiryStatus.TAKEN_UP) -> Inquiry:
    if not actor.is_coordinator:
        raise ValidationError("照会への回答は相談支援包括化推進員が行います。")
    inquiry.answer = answer
    inquiry.status = status
    inquiry.answered_at = timezone.now()
    inquiry.save(update_fields=["answer", "status", "answered_at"])
    return inquiry


# ---- 「他機関で把握されている可能性」 ----

ELSEWHERE_DAILY_LIMIT = 100  # asks per staff member per day, unless settings.KNOWN_ELSEWHERE_DAILY_LIMIT says
ELSEWHERE_TEXT_CHARS = 100


@dataclass(frozen=True)
class ElsewhereResult:
    known: bool | None  # None: not asked (past the day's limit); `note` says why, in Japanese
    note: str = ""


def elsewhere_daily_limit() -> int:
    return int(getattr(settings, "KNOWN_ELSEWHERE_DAILY_LIMIT", ELSEWHERE_DAILY_LIMIT))


def known_elsewhere_ask(*, actor: Actor, text: str, path: str = "") -> ElsewhereResult:
    """policy.known_elsewhere, asked on the record: whether a person matching `text` is in records the actor may
    not see says whether a named resident is somebody's client, so every ask is kept (ElsewhereCheck: who, for
    which agency, the text, when, the answer) and a staff member has `elsewhere_daily_limit()` asks a day (from
    midnight, local time). Past it the signal is not computed and the answer says so; the refused ask is kept too.
    A text of fewer than two characters once normalised is not asked (the policy answers it without looking) and
    not counted, so the first keystrokes of the intake page cost nothing."""
    text = " ".join((text or "").split())[:ELSEWHERE_TEXT_CHARS]
    if len(search_key(text).replace("|", "")) < 2:
        return ElsewhereResult(False)
    limit = elsewhere_daily_limit()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    with transaction.atomic():
        # one staff member's asks one at a time, so parallel requests cannot pass the limit together
        list(Staff.objects.select_for_update().filter(pk=actor.staff.pk).values_list("pk", flat=True))
        asked = (ElsewhereCheck.objects.filter(staff=actor.staff, at__gte=midnight)
                 .exclude(answer=ElsewhereAnswer.LIMITED).count())
        if asked >= limit:
            _elsewhere_record(actor, text, ElsewhereAnswer.LIMITED, path)
            return ElsewhereResult(None, f"本日の確認の上限（{limit}回）に達したため、他機関で把握されている可能性は"
                                         "確認していません。明日またお試しいただくか、相談支援包括化推進員に照会してください。")
        known = policy.known_elsewhere(actor, text)
        _elsewhere_record(actor, text, ElsewhereAnswer.KNOWN if known else ElsewhereAnswer.NOT_KNOWN, path)
    return ElsewhereResult(known)


def _elsewhere_record(actor: Actor, text: str, answer: str, path: str) -> None:
    ElsewhereCheck.objects.create(staff=actor.staff, agency_id=actor.agency_id, text=text, answer=answer,
                                  path=path[:300])
