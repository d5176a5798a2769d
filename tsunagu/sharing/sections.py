"""What sharing adds to the person and household pages (core.sections): the person's consents with the forms to
record a consent or an emergency disclosure, and the household's adult members without a consent (J2)."""

from django.utils import timezone

from tsunagu.agencies.actor import ActorRequest
from tsunagu.cases.models import Case
from tsunagu.core.sections import Section
from tsunagu.people.models import Household, HouseholdMember, Person

from . import policy
from .forms import ConsentForm, VitalInterestForm
from .models import Consent
from .queries import member_consents, support_meeting_asked


def person(request: ActorRequest, person: Person) -> list[Section]:
    consents = Consent.objects.filter(person=person).prefetch_related("agencies").select_related("recorded_by", "taken_by")
    return [Section("sharing/_person_consents.html", {
        "consents": consents, "consent_form": ConsentForm(), "vital_form": VitalInterestForm(),
        "today": timezone.localdate(), "leads": policy.leads_person(person, request.actor),
        # 転出: the cases about her that the reader's agency leads may be handed to another municipality
        "led_cases": list(Case.objects.filter(person=person, lead_agency_id=request.actor.agency_id or 0,
                                              archived_at__isnull=True).order_by("pk")),
    }, order=20)]


def household(request: ActorRequest, household: Household, members: list[HouseholdMember]) -> list[Section]:
    """世帯の一人ひとり: each member the reader sees (`members`) with her consents and refusals in force; and, for a
    multi-issue household, the adults without a consent — with the request for a 支援会議 unless the household is
    already on a 支援会議's agenda or asked for."""
    standing = member_consents({m.person_id for m in members})
    today = timezone.localdate()
    rows = [(m, standing.get(m.person_id)) for m in members]
    without_consent = [m for m, s in rows if not (s and s.consented) and (m.person.age_on(today) or 0) >= 18]
    return [
        Section("sharing/_household_consents.html", {"rows": rows}, order=15),
        Section("sharing/_household_without_consent.html", {
            "without_consent": without_consent,
            "refused": [m for m, s in rows if s and s.refusals],
            "meeting_asked": support_meeting_asked(household),
        }, order=20, slot="multi_issue"),
    ]
