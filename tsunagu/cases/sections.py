"""What cases adds to the person and household pages (core.sections): the cases and consultations the reader may
see, the household's timeline, and the agencies whose 分野 fit a 複合課題世帯. Reads go through sharing.policy."""

from django.db.models import Q
from django.utils import timezone

from tsunagu.agencies.actor import Actor, ActorRequest
from tsunagu.core.sections import Section
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.rules.household import child_protection_first
from tsunagu.sharing import policy

from .models import Case, Consultation, PersonConcern
from .queries import suggested_agencies
from .timeline import household_timeline


def person(request: ActorRequest, person: Person) -> list[Section]:
    actor = request.actor
    return [Section("cases/_person_cases.html", {
        "cases": policy.visible(Case.objects.filter(person=person), actor).select_related("lead_agency"),
        "consultations": policy.visible(Consultation.objects.filter(person=person), actor)[:20],
    }, order=10)]


def household(request: ActorRequest, household: Household, members: list[HouseholdMember]) -> list[Section]:
    actor = request.actor
    sections = [Section("cases/_household_cases.html", {
        "timeline": household_timeline(household, actor),
        "cases": policy.visible(Case.objects.filter(household=household), actor).select_related("lead_agency"),
    }, order=10)]
    today = timezone.localdate()
    ages = [m.person.age_on(today) for m in members]
    concerns = _household_concerns(actor, household, [m.person_id for m in members])
    if household.multi_issue or child_protection_first(concerns, ages):
        suggested = suggested_agencies(household.multi_issue_fields, exclude=actor.agency_id, concerns=concerns,
                                       ages=ages, address=household.address)
        sections.append(Section("cases/_household_suggested.html", {"suggested": suggested}, order=10,
                                slot="multi_issue" if household.multi_issue else "main"))
    return sections


def _household_concerns(actor: Actor, household: Household, member_ids: list[int]) -> set[str]:
    """The concerns recorded for the household and its members that the reader may read (consultations not taken
    back, and each member's own), for the suggestions: nothing of them is shown."""
    about = Q(household=household) | Q(person_id__in=member_ids)
    found: set[str] = set()
    for concerns in policy.visible(Consultation.objects.filter(about, voided_at__isnull=True), actor).values_list(
            "concerns", flat=True):
        found.update(concerns or [])
    found.update(policy.visible(PersonConcern.objects.filter(about), actor).values_list("concern", flat=True))
    return found
