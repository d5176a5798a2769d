from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from tsunagu.agencies.models import Agency
from tsunagu.meetings.models import AgendaItem, MeetingKind
from tsunagu.people.models import Household

from .models import Consent, ConsentDecision, Inquiry, InquiryStatus, VitalInterestDisclosure


@dataclass
class MemberConsent:
    """One member's standing, as the household page shows it: the agencies her consent names today, and her
    refusals in force (a refusal not outweighed by a later consent to the same agency)."""

    consented: list[Agency] = field(default_factory=list)
    refusals: list[tuple[Consent, list[Agency]]] = field(default_factory=list)


def member_consents(person_ids: Iterable[int]) -> dict[int, MemberConsent]:
    """Per person (of `person_ids`, the members the reader already sees), her consents and refusals in force —
    the same reading of the records as sharing.policy's CONSENT basis."""
    today = timezone.localdate()
    rows = list(Consent.objects.filter(person_id__in=list(person_ids), given_on__lte=today)
                .prefetch_related("agencies").order_by("given_on", "pk"))
    latest: dict[tuple[int, int], Consent] = {}
    for consent in rows:  # oldest first: the last decision per (person, agency) stands
        if consent.decision == ConsentDecision.REFUSED or consent.is_active(today):
            for agency in consent.agencies.all():
                latest[(consent.person_id, agency.pk)] = consent
    agencies = {a.pk: a for c in rows for a in c.agencies.all()}
    found: dict[int, MemberConsent] = {}
    refused: dict[tuple[int, int], list[Agency]] = {}
    for (person_id, agency_id), consent in sorted(latest.items()):
        standing = found.setdefault(person_id, MemberConsent())
        if consent.is_refusal:
            refused.setdefault((person_id, consent.pk), []).append(agencies[agency_id])
        else:
            standing.consented.append(agencies[agency_id])
    by_pk = {c.pk: c for c in rows}
    for (person_id, consent_pk), names in refused.items():
        found[person_id].refusals.append((by_pk[consent_pk], names))
    return found


def open_inquiries() -> QuerySet[Inquiry]:
    """照会 for the coordinators (they see which agencies hold a possible match — nothing of those records)."""
    return (Inquiry.objects.filter(status=InquiryStatus.OPEN).select_related("from_agency", "from_staff")
            .prefetch_related("holder_agencies"))


def unreviewed_disclosures() -> QuerySet[VitalInterestDisclosure]:
    return VitalInterestDisclosure.objects.filter(reviewed_at__isnull=True).select_related("from_agency", "to_agency")


def support_meeting_asked(household: Household) -> bool:
    """The household (or a case about it) is on a 支援会議's agenda today, or a 支援会議 about it has been asked of
    the coordinator and not yet answered: the page no longer offers to ask again."""
    today = timezone.localdate()
    on_agenda = AgendaItem.objects.filter(
        Q(household=household) | Q(case__household=household), meeting__kind=MeetingKind.SUPPORT_MEETING,
        added_on__lte=today).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=today))
    asked = Inquiry.objects.filter(query=household_inquiry_text(household), status=InquiryStatus.OPEN)
    return on_agenda.exists() or asked.exists()


HOUSEHOLD_INQUIRY = "世帯 #"


def household_inquiry_text(household: Household) -> str:
    """What the request for a 支援会議 about a household puts in its 照会 (the coordinator's list reads it)."""
    return f"{HOUSEHOLD_INQUIRY}{household.pk}"


def inquiry_household_id(inquiry: Inquiry) -> int | None:
    """The household a request for a 支援会議 names (`household_inquiry_text`); None for a 照会 about a typed name."""
    rest = inquiry.query.removeprefix(HOUSEHOLD_INQUIRY)
    return int(rest) if rest != inquiry.query and rest.isascii() and rest.isdigit() else None
