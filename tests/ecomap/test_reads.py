"""What the genogram and ecomap read: only the members the actor may see (each read logged, in one write), the
agencies linked to the case in the order the ecomap gives them, and a query count that does not grow with the
household or its ties."""

from datetime import date

import pytest

from tests.conftest import count_queries
from tests.ecomap.test_genogram import NS, _parse, _people
from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog, SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import CaseAgency, ReferralStatus
from tsunagu.ecomap import services
from tsunagu.ecomap.models import TieKind, TieStrength
from tsunagu.people import services as people
from tsunagu.people.models import HouseholdMember


def _nodes(svg: str) -> dict:
    root = _parse(svg)
    return {g.get("data-key"): g for g in root.iterfind(".//svg:g", NS) if "ecomap__node" in (g.get("class") or "")}


def test_a_consent_holder_sees_the_household_but_only_the_member_who_consented(world, bob, client_for):
    response = client_for(bob).get(f"/ecomap/households/{world.household.pk}/genogram.svg")
    assert response.status_code == 200
    assert set(_people(response.content.decode())) == {f"p{world.son.pk}"}
    logged = {(row.object_type, row.object_id, row.basis) for row in AccessLog.objects.filter(staff=bob)}
    assert logged == {("people.household", str(world.household.pk), SharingBasis.CONSENT),
                      ("people.person", str(world.son.pk), SharingBasis.CONSENT)}


def test_the_household_page_logs_the_household_its_members_and_its_cases(world, alice, client_for):
    page = client_for(alice).get(f"/ecomap/households/{world.household.pk}/").content.decode()
    assert world.grandson.name in page and world.case.label in page
    logged = {(row.object_type, row.object_id) for row in AccessLog.objects.filter(staff=alice)}
    assert ("people.household", str(world.household.pk)) in logged
    assert {str(p.pk) for p in (world.father, world.mother, world.son, world.grandson)} <= {
        oid for t, oid in logged if t == "people.person"}
    assert {("cases.case", str(world.case.pk)), ("cases.case", str(world.son_case.pk))} <= logged


def test_members_are_drawn_head_first_and_a_member_who_left_is_not(world, alice, client_for):
    member = HouseholdMember.objects.get(household=world.household, person=world.grandson)
    people.household_member_leave(actor=actor(alice), member=member, left_on=date.today())
    client = client_for(alice)
    svg = client.get(f"/ecomap/households/{world.household.pk}/genogram.svg").content.decode()
    assert list(_people(svg)) == [f"p{p.pk}" for p in (world.father, world.mother, world.son)]
    centre = client.get(f"/ecomap/cases/{world.case.pk}/ecomap.svg").content.decode()
    assert "世帯員 3人" in centre


def test_the_ecomap_joins_lead_participants_accepted_referrals_and_recorded_ties(world, alice, bob, charlie, client_for):
    partner, outsider = bob.memberships.get().agency, charlie.memberships.get().agency
    CaseAgency.objects.create(case=world.son_case, agency=outsider, role="子育て支援")
    cases.referral_respond(actor=actor(bob), referral=world.referral, status=ReferralStatus.ACCEPTED,
                           expected_version=world.referral.version)
    a = actor(alice)
    services.tie_add(actor=a, case=world.son_case, kind=TieKind.AGENCY, agency=outsider, strength=TieStrength.STRESSFUL,
                     note="方針が合わない")
    ended = services.tie_add(actor=a, case=world.son_case, kind=TieKind.INFORMAL, label="元の職場", strength=TieStrength.WEAK)
    services.tie_end(actor=a, tie=ended)
    services.tie_add(actor=a, case=world.son_case, kind=TieKind.INFORMAL, label="いとこ", strength=TieStrength.STRONG)
    nodes = _nodes(client_for(alice).get(f"/ecomap/cases/{world.son_case.pk}/ecomap.svg").content.decode())
    own = alice.memberships.get().agency
    assert list(nodes)[:3] == [f"a{own.pk}", f"a{outsider.pk}", f"a{partner.pk}"]
    assert nodes[f"a{own.pk}"].get("data-strength") == "strong"  # the lead agency
    assert nodes[f"a{partner.pk}"].find("svg:title", NS).text.endswith("つなぎ")  # the accepted referral
    assert nodes[f"a{outsider.pk}"].get("data-strength") == "stressful"  # the recorded tie wins over participation
    assert "方針が合わない" in nodes[f"a{outsider.pk}"].find("svg:title", NS).text
    informal = [g for key, g in nodes.items() if key.startswith("t")]
    assert [g.find("svg:title", NS).text.split("（")[0] for g in informal] == ["いとこ"]  # the ended tie is gone


def _grow(world, alice):
    """Three more members, two figures and four ties: none of them may cost a query per row."""
    a = actor(alice)
    for i in range(3):
        person = people.person_create(actor=a, name=f"高橋 孫{i}", kana=f"たかはし まご{i}", birth_date=date(2015 + i, 1, 1))
        people.household_member_add(actor=a, household=world.household, person=person, relation_to_head="grandchild")
    services.figure_add(actor=a, household=world.household, label="元妻", sex="F", partner_of=world.son,
                        union_status="divorced", parent_of=[world.grandson])
    services.figure_add(actor=a, household=world.household, person=world.father, deceased=True)
    for i in range(4):
        services.tie_add(actor=a, case=world.case, kind=TieKind.INFORMAL, label=f"近所の人{i}", strength=TieStrength.WEAK)
    CaseAgency.objects.create(case=world.case, agency=world.referral.to_agency, role="相談支援")


@pytest.mark.parametrize("url", ["/ecomap/households/{h}/genogram.svg", "/ecomap/households/{h}/ecomap.svg",
                                 "/ecomap/households/{h}/", "/ecomap/cases/{c}/ecomap.svg", "/ecomap/cases/{c}/",
                                 "/ecomap/cases/{c}/diagrams/", "/ecomap/households/{h}/diagrams/"])
def test_drawing_costs_the_same_queries_however_large_the_household(world, alice, client_for, url):
    url = url.format(h=world.household.pk, c=world.case.pk)
    client = client_for(alice)
    services.figure_add(actor=actor(alice), household=world.household, label="祖母", sex="F", parent_of=[world.father])
    client.get(url)
    small = count_queries(client, url)
    _grow(world, alice)
    client.get(url)  # new members changed the sharing bases: the first request rebuilds the agency's Scope
    assert count_queries(client, url) == small
