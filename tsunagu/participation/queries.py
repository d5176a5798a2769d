"""参加支援's reads: the case a placement is made from, its persons, the resources suggested for it, and the placements
of the cases a reader may see.

A placement names a person, so it is personal data: it is reached only through its case, and the case is read
through sharing.policy (which logs the read). Like a case note, any agency that may see the case may record one.
"""

from django.db.models import Q, QuerySet

from tsunagu.cases.models import Case, Consultation
from tsunagu.people.models import Person
from tsunagu.resources import queries as resources
from tsunagu.resources.models import Service, tokens_to_list
from tsunagu.rules import household as household_rules
from tsunagu.sharing import policy

from .models import Placement


def case_for(actor, case_pk, *, path: str = "") -> Case:
    """The case if the actor has a basis for it (the read is logged), else Http404."""
    return policy.get_or_404(Case, actor, case_pk, path=path,
                             queryset=Case.objects.select_related("person", "household", "lead_agency"))


def persons_for(case: Case, actor) -> list[Person]:
    """The person of a person case, or the household members the actor may see."""
    if case.person is not None:
        return [case.person]
    members = Person.objects.filter(household_memberships__household=case.household)
    return list(policy.visible(members, actor).order_by("id"))


def concern_fields(case: Case, actor) -> list[str]:
    """分野 the case's consultations point to (only consultations the actor may see)."""
    concerns = policy.visible(Consultation.objects.filter(case=case), actor).values_list("concerns", flat=True)
    return household_rules.concern_fields(c for listed in concerns for c in listed or [])


def suggestions(*, fields: list[str], age: int | None, address: str, limit: int = 10) -> list[Service]:
    """Resources for the case's fields, open to the person's age; the same district, informal places and
    entries with room first."""
    candidates = resources.active_services().select_related("organization").prefetch_related("schedules")
    if fields:
        any_field = Q()
        for field in fields:
            any_field |= Q(fields__contains=f",{field},")
        candidates = candidates.filter(any_field)
    if age is not None:
        candidates = candidates.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
                                       Q(maximum_age__isnull=True) | Q(maximum_age__gte=age))
    scored = [(_score(s, fields, address), s) for s in candidates.exclude(is_consultation_window=True)[:500]]
    return [s for _, s in sorted(scored, key=lambda pair: (-pair[0], pair[1].name))[:limit]]


def _score(service: Service, fields: list[str], address: str) -> int:
    score = 3 * len(set(fields) & set(tokens_to_list(service.fields)))
    if service.district and service.district in (address or ""):
        score += 4
    if service.kind == "informal":
        score += 1
    if service.vacancy:
        score += 1
    return score


def visible_placements(case_ids, actor) -> QuerySet[Placement]:
    """Placements of the cases the actor may see (policy decides which cases)."""
    cases = policy.visible_case_ids(actor, case_ids)
    return Placement.objects.filter(case_id__in=cases).select_related("service", "agency")
