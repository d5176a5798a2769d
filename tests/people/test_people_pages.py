"""本人・世帯 pages: entering a household with 和暦 birth dates, tolerant search, consent given and withdrawn."""

import pytest

from tsunagu.people.models import Household, HouseholdMember, Person


def test_household_entered_with_members_in_wareki(alice, client_for):
    client = client_for(alice)
    response = client.post("/people/households/new/", {"name": "高橋さん世帯", "address": "旭町1-2-3"})
    household = Household.objects.get()
    assert response["Location"] == f"/people/households/{household.pk}/"
    for name, birth, relation in [("髙橋 清", "昭和17年5月1日", ""), ("高橋 ヨシ子", "S19.8.9", "wife"),
                                  ("高橋 蓮", "平成26年6月1日", "grandchild"), ("高橋 健一", "1975/2/3", "child")]:
        client.post(f"/people/households/{household.pk}/members/", {"name": name, "birth_date": birth,
                                                                     "relation_to_head": relation})
    births = dict(Person.objects.values_list("name", "birth_date"))
    assert births["髙橋 清"].isoformat() == "1942-05-01" and births["高橋 ヨシ子"].isoformat() == "1944-08-09"
    assert births["高橋 蓮"].isoformat() == "2014-06-01"
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "昭和17年5月1日" in page and "世帯主" in page and "孫" in page
    assert HouseholdMember.objects.get(person__name="髙橋 清").is_head


def test_impossible_wareki_in_a_member_is_refused_with_the_reason(alice, client_for):
    client = client_for(alice)
    client.post("/people/households/new/", {"name": "山田さん世帯"})
    household = Household.objects.get()
    response = client.post(f"/people/households/{household.pk}/members/", {"name": "山田 花子", "birth_date": "平成32年1月1日"},
                           follow=True)
    assert "平成は31年（令和元年）までです" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("query", ["ﾀｶﾊｼ", "たかはし", "髙橋", "高橋 健", "けんいち"])
def test_search_page_is_tolerant(world, alice, client_for, query):
    assert "高橋 健一" in client_for(alice).get("/people/", {"q": query}).content.decode()


def test_person_page_shows_birth_date_both_ways(world, alice, client_for):
    html = client_for(alice).get(f"/people/{world.son.pk}/").content.decode()
    assert "昭和50年2月3日" in html and "1975-02-03" in html


def test_consent_recorded_then_withdrawn_through_the_page(world, alice, charlie, client_for):
    owner, outsider = client_for(alice), client_for(charlie)
    agency = charlie.memberships.get().agency
    assert outsider.get(f"/people/{world.father.pk}/").status_code == 404
    owner.post(f"/people/{world.father.pk}/consents/", {"agencies": [agency.pk], "given_on": "2026-01-05", "method": "written"})
    assert outsider.get(f"/people/{world.father.pk}/").status_code == 200
    consent = world.father.consents.get()
    owner.post(f"/people/{world.father.pk}/consents/{consent.pk}/withdraw/", {"note": "本人の申し出"})
    assert outsider.get(f"/people/{world.father.pk}/").status_code == 404


def test_outsiders_cannot_write_to_a_household_or_person(world, charlie, client_for):
    client = client_for(charlie)
    assert client.post(f"/people/households/{world.household.pk}/members/", {"name": "侵入"}).status_code == 404
    assert client.post(f"/people/households/{world.household.pk}/propose-meeting/").status_code == 404
    assert client.post(f"/people/{world.son.pk}/consents/", {}).status_code == 404
    assert client.get(f"/people/households/{world.household.pk}/edit/").status_code == 404
    assert not Person.objects.filter(name="侵入").exists()


def test_vital_interest_disclosure_through_the_page_is_reviewed_by_the_coordinator(world, alice, charlie, coordinator,
                                                                                   client_for):
    outsider = client_for(charlie)
    assert outsider.get(f"/people/{world.grandson.pk}/").status_code == 404
    client_for(alice).post(f"/people/{world.grandson.pk}/vital-interest/", {
        "to_agency": charlie.memberships.get().agency.pk, "ground": "body", "reason": "深夜に一人で外にいると通報。保護のため共有する"})
    assert outsider.get(f"/people/{world.grandson.pk}/").status_code == 200
    # the receiving agency cannot pass it on under the same emergency
    assert outsider.post(f"/people/{world.grandson.pk}/vital-interest/", {
        "to_agency": world.son.agency_id, "ground": "body", "reason": "さらに別の機関へ提供したい理由"}).status_code == 403
    coord = client_for(coordinator)
    assert "深夜に一人で外にいる" in coord.get("/cases/inquiries/").content.decode()
    disclosure = world.grandson.vital_disclosures.get()
    coord.post(f"/cases/disclosures/{disclosure.pk}/review/", {"decision": "confirmed", "note": "妥当"})
    disclosure.refresh_from_db()
    assert disclosure.reviewed_by == coordinator
    assert client_for(alice).post(f"/cases/disclosures/{disclosure.pk}/review/", {"note": "x"}).status_code == 404


def test_an_expired_consent_reads_as_expired_not_in_force(world, alice, client_for):
    from datetime import timedelta

    from django.utils import timezone

    world.consent.given_on = timezone.localdate() - timedelta(days=400)
    world.consent.expires_on = timezone.localdate() - timedelta(days=1)
    world.consent.save()
    page = client_for(alice).get(f"/people/{world.son.pk}/").content.decode()
    row = page[page.index("本人同意・不同意の一覧"):page.index("</table>", page.index("本人同意・不同意の一覧"))]
    assert "期限切れ" in row and "有効" not in row.split("</thead>")[1]
