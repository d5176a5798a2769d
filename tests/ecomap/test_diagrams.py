"""The card on the case and household pages: the genogram and the ecomap drawn into one answer, read through the
policy, every row drawn logged in one write, and the pages loading the card."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.ecomap.test_genogram import _people
from tests.ecomap.test_reads import _nodes
from tsunagu.audit.models import AccessLog, SharingBasis
from tsunagu.people.models import HouseholdMember


def _svgs(html: str) -> dict[str, str]:
    """The inline SVGs of the answer, by the figure they draw ("genogram" / "ecomap")."""
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return {("genogram" if 'aria-labelledby="genogram-title' in svg else "ecomap"): svg for svg in found}


def _logged(staff) -> set:
    return {(row.object_type, row.object_id, row.basis) for row in AccessLog.objects.filter(staff=staff)}


def test_the_case_card_draws_the_household_genogram_and_the_case_ecomap_in_one_answer(world, alice, client_for):
    response = client_for(alice).get(f"/ecomap/cases/{world.case.pk}/diagrams/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    svgs = _svgs(response.content.decode())
    assert set(svgs) == {"genogram", "ecomap"}
    assert set(_people(svgs["genogram"])) == {f"p{p.pk}" for p in (world.father, world.mother, world.son, world.grandson)}
    assert f"a{world.case.lead_agency_id}" in _nodes(svgs["ecomap"])
    assert "世帯員 4人" in svgs["ecomap"]
    own = SharingBasis.OWN_AGENCY
    assert _logged(alice) == {("cases.case", str(world.case.pk), own), ("people.household", str(world.household.pk), own),
                              *{("people.person", str(p.pk), own) for p in (world.father, world.mother, world.son, world.grandson)}}


def test_a_persons_case_draws_her_current_household_with_her_doubled(world, alice, client_for):
    svgs = _svgs(client_for(alice).get(f"/ecomap/cases/{world.son_case.pk}/diagrams/").content.decode())
    people = _people(svgs["genogram"])
    assert len(people) == 4
    assert "genogram__person--index" in people[f"p{world.son.pk}"].get("class")
    assert [k for k, g in people.items() if "genogram__person--index" in g.get("class")] == [f"p{world.son.pk}"]


def test_a_consent_holder_sees_only_the_member_who_consented(world, bob, client_for):
    response = client_for(bob).get(f"/ecomap/cases/{world.son_case.pk}/diagrams/")
    assert response.status_code == 200
    assert set(_people(_svgs(response.content.decode())["genogram"])) == {f"p{world.son.pk}"}
    people_logged = {oid for t, oid, _ in _logged(bob) if t == "people.person"}
    assert people_logged == {str(world.son.pk)}


def test_without_a_household_the_card_says_so_and_draws_the_ecomap(world, alice, client_for):
    HouseholdMember.objects.filter(person=world.son).update(left_on=world.case.opened_on)
    html = client_for(alice).get(f"/ecomap/cases/{world.son_case.pk}/diagrams/").content.decode()
    assert set(_svgs(html)) == {"ecomap"}
    assert "ジェノグラムに描ける世帯はありません" in html
    assert not AccessLog.objects.filter(staff=alice, object_type="people.household").exists()


def test_without_a_basis_the_cards_are_404_and_nothing_is_logged(world, charlie, client_for):
    client = client_for(charlie)
    for url in (f"/ecomap/cases/{world.case.pk}/diagrams/", f"/ecomap/households/{world.household.pk}/diagrams/"):
        assert client.get(url).status_code == 404
    assert not AccessLog.objects.filter(staff=charlie).exists()


def test_the_household_card_draws_the_genogram_and_the_household_ecomap(world, alice, client_for):
    html = client_for(alice).get(f"/ecomap/households/{world.household.pk}/diagrams/").content.decode()
    svgs = _svgs(html)
    assert len(_people(svgs["genogram"])) == 4
    assert f"a{world.case.lead_agency_id}" in _nodes(svgs["ecomap"])
    assert {("cases.case", str(c.pk)) for c in (world.case, world.son_case)} <= {(t, oid) for t, oid, _ in _logged(alice)}


def test_one_write_to_the_access_log_for_the_whole_card(world, alice, client_for):
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/ecomap/cases/{world.case.pk}/diagrams/").status_code == 200
    writes = [q["sql"] for q in queries if "audit_accesslog" in q["sql"] and q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(writes) == 1


def test_the_case_and_household_pages_load_the_card(world, alice, client_for):
    client = client_for(alice)
    case_page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'hx-get="/ecomap/cases/{world.case.pk}/diagrams/"' in case_page
    household_page = client.get(f"/people/households/{world.household.pk}/").content.decode()
    assert f'hx-get="/ecomap/households/{world.household.pk}/diagrams/"' in household_page


def test_the_figure_pages_offer_each_figure_as_an_svg_file_to_save(world, alice, client_for):
    client = client_for(alice)
    for page, expected in [(f"/ecomap/households/{world.household.pk}/",
                            [f"/ecomap/households/{world.household.pk}/genogram.svg",
                             f"/ecomap/households/{world.household.pk}/ecomap.svg"]),
                           (f"/ecomap/cases/{world.case.pk}/", [f"/ecomap/cases/{world.case.pk}/ecomap.svg"])]:
        links = re.findall(r'<a href="([^"]+\.svg)" download="([^"]+)"', client.get(page).content.decode())
        assert [href for href, _ in links] == expected
        assert all(name.endswith(".svg") and ("ジェノグラム" in name or "エコマップ" in name) for _, name in links)
        for href, _ in links:
            response = client.get(href)
            assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
