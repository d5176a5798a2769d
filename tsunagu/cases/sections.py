"""What cases adds to the person and household pages (core.sections): the cases and consultations the reader may
see, the household's timeline, and the agencies whose 分野 fit a 複合課題世帯. Reads go through sharing.policy."""

from tsunagu.agencies.actor import ActorRequest
from tsunagu.core.sections import Section
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.sharing import policy

from .models import Case, Consultation
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
    if household.multi_issue:
        suggested = suggested_agencies(household.multi_issue_fields, exclude=actor.agency_id)
        sections.append(Section("cases/_household_suggested.html", {"suggested": suggested}, order=10,
                                slot="multi_issue"))
    return sections
