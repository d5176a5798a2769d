"""The printed sheets say what was recorded: a plan's agency and its 社会資源 both; a household consultation's household
and address, with no empty 「本人 （）」."""

import pytest

from tests.sharing.world import actor
from tsunagu.cases import services

pytestmark = pytest.mark.django_db


def _cell_of(html: str, text: str) -> str:
    """The <td> holding `text`."""
    at = html.index(text)
    return html[html.rindex("<td", 0, at):html.index("</td>", at)]


def test_the_printed_plan_names_the_agency_and_the_social_resource(world, alice, bob, client_for):
    partner = bob.memberships.get().agency
    plan = services.plan_create(actor=actor(alice), case=world.case, goals="孫が安心して暮らせる", actions=[
        {"description": "居場所への参加", "agency": partner, "resource_name": "旭町ふれあいサロン"},
        {"description": "配食", "resource_name": "配食ボランティア"},
        {"description": "相談支援", "agency": partner}])
    html = client_for(alice).get(f"/cases/plans/{plan.pk}/print/").content.decode()
    both = _cell_of(html, "旭町ふれあいサロン")
    assert partner.name in both
    assert "配食ボランティア" in html
    assert html.count(partner.name) == 2


def test_the_consultation_sheet_of_a_household_names_it_and_its_address(world, alice, client_for):
    consultation = services.consultation_record(actor=actor(alice), route="home_visit", consulter="neighbour",
                                                main_complaint="祖父母が孫の世話に困っている", household=world.household)
    html = client_for(alice).get(f"/cases/consultations/{consultation.pk}/print/").content.decode()
    assert "（）" not in html
    assert "高橋さん世帯" in _cell_of(html, "高橋さん世帯")
    assert "さくら野町旭町1丁目2番3号" in html


def test_the_consultation_sheet_of_a_person_in_a_household_names_both(world, alice, client_for):
    consultation = services.consultation_record(actor=actor(alice), route="home_visit", consulter="self",
                                                main_complaint="仕事が見つからない", person=world.son,
                                                household=world.household)
    html = client_for(alice).get(f"/cases/consultations/{consultation.pk}/print/").content.decode()
    assert "高橋 健一（たかはし けんいち）" in html
    assert "高橋さん世帯" in html
    assert "さくら野町旭町1丁目2番3号" in html  # the son's own record has no address: the household's
    assert "（）" not in html
