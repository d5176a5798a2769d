"""The seed's four-person household drawn as a genogram and an ecomap, read through the policy."""

import xml.etree.ElementTree as ET  # our own server's SVG, not untrusted input

import pytest

from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog
from tsunagu.cases.models import CaseAgency
from tsunagu.ecomap import services
from tsunagu.ecomap.models import TieKind, TieStrength

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- the SVG our own server just drew


def _people(svg: str) -> dict[str, ET.Element]:
    root = _parse(svg)
    return {g.get("data-key"): g for g in root.iterfind(".//svg:g", NS) if "genogram__person" in (g.get("class") or "")}


def test_seed_household_genogram_has_four_members_with_symbols_and_generations(world, alice, client_for):
    response = client_for(alice).get(f"/ecomap/households/{world.household.pk}/genogram.svg?focus={world.son.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    people = _people(response.content.decode())
    assert len(people) == 4
    by_person = {p.pk: people[f"p{p.pk}"] for p in (world.father, world.mother, world.son, world.grandson)}
    father, mother, son, grandson = (by_person[p.pk] for p in (world.father, world.mother, world.son, world.grandson))
    assert [g.get("data-generation") for g in (father, mother, son, grandson)] == ["0", "0", "1", "2"]
    assert father.find("svg:rect", NS) is not None and mother.find("svg:circle", NS) is not None  # square male, circle female
    assert son.find("svg:rect", NS) is not None and grandson.find("svg:rect", NS) is not None
    assert "genogram__person--index" in son.get("class")  # the person at the centre, doubled
    assert len(son.findall("svg:rect", NS)) == 2
    assert father.get("data-age") == str(world.father.age)
    root = _parse(response.content.decode())
    assert root.find(".//svg:rect[@class='genogram__household']", NS) is not None  # the household boundary
    unions = [g for g in root.iterfind(".//svg:g", NS) if "genogram__union--married" in (g.get("class") or "")]
    assert {(u.get("data-a"), u.get("data-b")) for u in unions} == {(f"p{world.father.pk}", f"p{world.mother.pk}")}
    assert AccessLog.objects.filter(staff=alice, object_type="people.household", object_id=str(world.household.pk)).exists()


def test_divorced_spouse_and_deceased_are_drawn(world, alice, client_for):
    a = actor(alice)
    services.figure_add(actor=a, household=world.household, label="元妻", sex="F", birth_year=1980,
                        partner_of=world.son, union_status="divorced", parent_of=[world.grandson])
    services.figure_add(actor=a, household=world.household, person=world.father, deceased=True)
    svg = client_for(alice).get(f"/ecomap/households/{world.household.pk}/genogram.svg").content.decode()
    people = _people(svg)
    assert len(people) == 5
    ex = next(g for k, g in people.items() if k.startswith("f"))
    assert ex.get("data-generation") == "1" and ex.find("svg:circle", NS) is not None
    assert "genogram__person--deceased" in people[f"p{world.father.pk}"].get("class")
    assert "genogram__union--divorced" in svg


def test_ecomap_shows_the_agencies_linked_to_the_case(world, alice, bob, client_for):
    a = actor(alice)
    partner = bob.memberships.get().agency
    CaseAgency.objects.create(case=world.case, agency=partner, role="障害福祉サービス")
    services.tie_add(actor=a, case=world.case, kind=TieKind.INFORMAL, label="近所の見守り隊", strength=TieStrength.STRONG)
    services.tie_add(actor=a, case=world.case, kind=TieKind.INFORMAL, label="別居の長女", strength=TieStrength.STRESSFUL)
    svg = client_for(alice).get(f"/ecomap/cases/{world.case.pk}/ecomap.svg").content.decode()
    root = _parse(svg)
    nodes = {g.get("data-key"): g for g in root.iterfind(".//svg:g", NS) if "ecomap__node" in (g.get("class") or "")}
    own = alice.memberships.get().agency
    assert f"a{own.pk}" in nodes and f"a{partner.pk}" in nodes
    assert nodes[f"a{own.pk}"].get("data-strength") == "strong"
    assert {n.get("data-strength") for n in nodes.values()} >= {"strong", "weak", "stressful"}
    assert own.name[:7] in svg and "見守り隊" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from outside


@pytest.mark.parametrize("url", ["/ecomap/households/{h}/", "/ecomap/households/{h}/genogram.svg", "/ecomap/households/{h}/ecomap.svg",
                                 "/ecomap/cases/{c}/", "/ecomap/cases/{c}/ecomap.svg"])
def test_outsider_gets_404(world, charlie, client_for, url):
    assert client_for(charlie).get(url.format(h=world.household.pk, c=world.case.pk)).status_code == 404


def test_outsider_cannot_add_ties_or_figures(world, charlie, client_for):
    client = client_for(charlie)
    assert client.post(f"/ecomap/cases/{world.case.pk}/ties/", {"kind": "informal", "label": "x", "strength": "weak"}).status_code == 404
    assert client.post(f"/ecomap/households/{world.household.pk}/figures/", {"label": "x"}).status_code == 404
    assert not world.case.ecomap_ties.exists()


def test_pages_render_for_a_meeting_member(world, meeting_members, client_for):
    dave, _ = meeting_members
    client = client_for(dave)
    page = client.get(f"/ecomap/households/{world.household.pk}/").content.decode()
    assert "ジェノグラム" in page and "<svg" in page and world.grandson.name in page
    assert client.get(f"/ecomap/cases/{world.case.pk}/").status_code == 200
