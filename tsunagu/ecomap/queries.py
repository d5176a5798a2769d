"""Reads for the genogram and ecomap. Persons, households and cases come through `sharing.policy.visible`:
a member the actor may not see is not drawn, and a tie is shown only on a case the actor may see."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tsunagu.cases.models import Case, CaseAgency, Referral, ReferralStatus
from tsunagu.people.models import HouseholdMember, Relationship
from tsunagu.sharing import policy

from . import ecomap_svg, genogram
from .models import EcomapTie, GenogramFigure

LINKED_REFERRALS = [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED]


@dataclass
class HouseholdPicture:
    members: list  # HouseholdMember rows the actor may see
    persons: list  # the same persons, annotated by the policy (for logging)
    figure: genogram.Genogram
    figures: list  # the household's GenogramFigure rows
    member_count: int  # how many live in the household now, including members the actor may not see


def visible_members(household, actor, today) -> tuple[list[HouseholdMember], int]:
    """The household's current members the actor may see, head first, then by birth date, and how many live there
    in all (seen or not: a number only) — one query for the members with their persons; each person is checked by
    the policy in Python (`checked_rows`, carrying its basis for the caller's log_reads)."""
    rows = list(HouseholdMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today),
                                               household=household, joined_on__lte=today)
                .select_related("person").order_by("-is_head", "person__birth_date", "pk"))
    shown = {person.pk for person in policy.checked_rows(actor, [row.person for row in rows])}
    for row in rows:
        row.household = household
    return [row for row in rows if row.person_id in shown], len(rows)


def household_picture(household, actor, *, index_person_id: int | None = None) -> HouseholdPicture:
    today = timezone.localdate()
    members, member_count = visible_members(household, actor, today)
    seen = [m.person_id for m in members]
    relationships: list[Any] = []  # (from_person_id, to_person_id, kind) rows
    if seen:
        relationships = list(Relationship.objects.filter(from_person_id__in=seen, to_person_id__in=seen)
                             .values_list("from_person_id", "to_person_id", "kind", named=True))
    figures = list(GenogramFigure.objects.filter(household=household))
    if figures:  # rare: one more query, for the children each figure is a parent of
        parents = GenogramFigure.parent_of.through.objects.filter(genogramfigure__in=figures)
        for f in figures:
            f.parent_ids = []
        by_pk = {f.pk: f for f in figures}
        for figure_id, person_id in parents.values_list("genogramfigure_id", "person_id").order_by("pk"):
            by_pk[figure_id].parent_ids.append(person_id)
    picture = genogram.build(title=household.name, members=members, relationships=relationships, figures=figures,
                             index_person_id=index_person_id, today=today)
    return HouseholdPicture(members, [m.person for m in members], picture, figures, member_count)


def case_nodes(cases: list[Case]) -> list[ecomap_svg.Node]:
    """Agencies linked to the cases (lead, participating, accepted referrals), overridden by recorded ties.
    Three small queries of plain values (no model rows: on the case card that is a third of their cost; one UNION
    of them measured no faster)."""
    ids = [c.pk for c in cases]
    nodes: dict[str, ecomap_svg.Node] = {}
    for c in cases:
        nodes[f"a{c.lead_agency_id}"] = ecomap_svg.Node(f"a{c.lead_agency_id}", c.lead_agency.name, "agency", "strong", "to_case", "主担当機関")
    for agency_id, name, role in CaseAgency.objects.filter(case_id__in=ids).values_list("agency_id", "agency__name", "role"):
        nodes.setdefault(f"a{agency_id}", ecomap_svg.Node(f"a{agency_id}", name, "agency", "weak", "to_case", role))
    for agency_id, name in (Referral.objects.filter(case_id__in=ids, status__in=LINKED_REFERRALS)
                            .values_list("to_agency_id", "to_agency__name")):
        nodes.setdefault(f"a{agency_id}", ecomap_svg.Node(f"a{agency_id}", name, "agency", "weak", "to_case", "つなぎ"))
    ties = (EcomapTie.objects.filter(case_id__in=ids, ended_on__isnull=True).order_by("started_on", "pk")
            .values_list("pk", "agency_id", "agency__name", "label", "kind", "strength", "flow", "note"))
    for pk, agency_id, agency_name, label, kind, strength, flow, note in ties:
        key = f"a{agency_id}" if agency_id else f"t{pk}"
        nodes[key] = ecomap_svg.Node(key, agency_name if agency_id else label, kind, strength, flow, note)
    return list(nodes.values())


def centre_lines(title: str, members) -> list[str]:
    today = timezone.localdate()
    lines = [title]
    for m in members[:5]:
        age = m.person.age_on(today)
        lines.append(f"{m.person.name.split(' ')[-1]}{'' if age is None else f' {age}'}")
    return lines


def household_ecomap(household, actor, members) -> tuple[str, list[Case]]:
    """The household's ecomap, and its cases the actor may see (each with its basis, for the caller's log_reads)."""
    member_ids = [m.person_id for m in members]
    cases = list(policy.visible(Case.objects.filter(Q(household=household) | Q(person_id__in=member_ids)), actor,
                                with_basis=True).select_related("lead_agency"))
    svg = ecomap_svg.render(title=household.name, centre=centre_lines(household.name, members), nodes=case_nodes(cases))
    return svg, cases


def _current_members(today) -> QuerySet:
    return HouseholdMember.objects.filter(joined_on__lte=today).exclude(left_on__lte=today)


def current_household(person_id: int | None):
    """The household the person lives in today (the latest joined, should records overlap), or None. Not checked
    against the policy: the caller does (`policy.checked_rows`)."""
    if person_id is None:
        return None
    member = (_current_members(timezone.localdate()).filter(person_id=person_id).select_related("household")
              .order_by("-joined_on", "-pk").first())
    return member.household if member else None


def with_member_count(cases: QuerySet) -> QuerySet:
    """Cases carrying how many live in their household now (`current_members`), read with the case."""
    counted = (_current_members(timezone.localdate()).filter(household_id=OuterRef("household_id"))
               .order_by().values("household_id").annotate(n=Count("pk")).values("n"))
    return cases.annotate(current_members=Coalesce(Subquery(counted), 0))


def case_ecomap(case: Case, actor, *, member_count: int | None = None) -> tuple[str, list]:
    """The case's ecomap. The centre names the household and how many live in it — not the members, whom the
    actor may not all be allowed to see (the genogram shows those she may). The count comes from the caller (the
    household's picture), from `with_member_count`, or else from one more query."""
    if case.household_id:
        count = member_count if member_count is not None else getattr(case, "current_members", None)
        if count is None:
            count = _current_members(timezone.localdate()).filter(household_id=case.household_id).count()
        centre = [case.household.name, f"世帯員 {count}人"]  # type: ignore[union-attr]  # household_id is set
    else:
        assert case.person is not None  # a case is about a household or a person
        age = case.person.age_on(timezone.localdate())
        centre = [case.person.name] + ([f"{age}歳"] if age is not None else [])
    nodes = case_nodes([case])
    return ecomap_svg.render(title=case.label, centre=centre, nodes=nodes), nodes
