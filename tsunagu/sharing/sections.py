"""What sharing adds to the person and household pages (core.sections): the person's consents with the forms to
record a consent or an emergency disclosure, and the household's adult members without a consent (J2)."""

from django.utils import timezone

from tsunagu.agencies.actor import ActorRequest
from tsunagu.core.sections import Section
from tsunagu.people.models import Household, HouseholdMember, Person

from .forms import ConsentForm, VitalInterestForm
from .models import Consent
from .queries import persons_with_active_consent


def person(request: ActorRequest, person: Person) -> list[Section]:
    consents = Consent.objects.filter(person=person).prefetch_related("agencies").select_related("recorded_by")
    return [Section("sharing/_person_consents.html", {
        "consents": consents, "consent_form": ConsentForm(), "vital_form": VitalInterestForm(),
        "today": timezone.localdate(),
    }, order=20)]


def household(request: ActorRequest, household: Household, members: list[HouseholdMember]) -> list[Section]:
    """The members the reader sees (`members`) who are adults and have no consent in force."""
    consented = persons_with_active_consent({m.person_id for m in members})
    today = timezone.localdate()
    without_consent = [m for m in members if m.person_id not in consented and (m.person.age_on(today) or 0) >= 18]
    return [Section("sharing/_household_without_consent.html", {"without_consent": without_consent}, order=20,
                    slot="multi_issue")]
