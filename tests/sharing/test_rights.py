"""本人の権利: the 支援チームのお知らせ lists exactly the agencies the policy admits; a 開示請求 is a basis of its
own, for its coordinator while open, and its bundle marks the other members' information for the 不開示 review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.pdf import pdf_text
from tests.sharing import writes_world as ww
from tests.sharing.world import actor
from tsunagu.agencies.models import Agency
from tsunagu.audit.models import AccessAction, AccessLog, SharingBasis
from tsunagu.cases.models import CaseNote, ConcernSource, PersonConcern
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.people.models import Person
from tsunagu.sharing import policy
from tsunagu.sharing.demo import SEED_NEEDS
from tsunagu.sharing.models import DisclosureRequest, ImplementingBody, TeamLetterRequest
from tsunagu.sharing.services import vital_interest_disclose

pytestmark = pytest.mark.django_db


def _policy_says(person) -> dict[int, str]:
    """Per agency the policy admits, its first basis — asked one agency at a time, as a referral form asks."""
    found = {}
    for agency in Agency.objects.all():
        access = policy.agency_may_see(agency, person)
        if access is not None:
            found[agency.pk] = access.basis
    return found


def _letter_says(person) -> dict[int, str]:
    return {e.agency.pk: e.bases[0][0] for e in policy.agencies_seeing(person)}


def test_the_letter_lists_exactly_the_agencies_the_policy_admits(world, alice, bob, charlie, meeting_members):
    """Every persona of the household world, with an emergency disclosure and a 要対協 added so that every basis
    is on someone's letter."""
    outsider = charlie.memberships.get().agency
    vital_interest_disclose(actor=actor(alice), person=world.grandson, to_agency=outsider, ground="life",
                            reason="夜間に一人で外にいたと通報があり、保護のため")
    council = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協",
                                     convened_by=bob.memberships.get().agency)
    MeetingMember.objects.create(meeting=council, agency=bob.memberships.get().agency,
                                 confidentiality_pledged_on=timezone.localdate())
    AgendaItem.objects.create(meeting=council, case=world.case)
    reached = set()
    for person in (world.father, world.mother, world.son, world.grandson):
        assert _letter_says(person) == _policy_says(person), person.name
        reached |= {b for e in policy.agencies_seeing(person) for b, _ in e.bases}
    assert reached == {SharingBasis.OWN_AGENCY, SharingBasis.CONSENT, SharingBasis.SUPPORT_MEETING,
                       SharingBasis.CHILD_PROTECTION_COUNCIL, SharingBasis.VITAL_INTEREST}
    # and not everyone sees everyone: the disclosure was the grandson's
    assert outsider.pk in _letter_says(world.grandson) and outsider.pk not in _letter_says(world.son)


def test_the_letter_agrees_with_the_policy_for_every_person_of_the_writes_world():
    ww.build()
    for person in Person.objects.all():
        assert _letter_says(person) == _policy_says(person), person.name


def test_each_basis_says_since_when(world, alice, bob):
    son = {e.agency.pk: dict(e.bases) for e in policy.agencies_seeing(world.son)}
    assert son[bob.memberships.get().agency.pk][SharingBasis.CONSENT] == world.consent.given_on
    assert son[alice.memberships.get().agency.pk][SharingBasis.OWN_AGENCY] == timezone.localdate()
    meeting = next(v for v in son.values() if SharingBasis.SUPPORT_MEETING in v)
    assert meeting[SharingBasis.SUPPORT_MEETING] == timezone.localdate() - timedelta(days=10)  # the agenda item's day


def _letter(client, person, **data):
    return client.post(f"/people/{person.pk}/team-letter/",
                       {"requested_on": timezone.localdate().isoformat(), "method": "counter", **data})


def test_the_lead_agency_prints_the_letter_and_the_print_is_logged_with_the_request(world, alice, bob, client_for):
    client = client_for(alice)
    page = client.get(f"/people/{world.son.pk}/team-letter/").content.decode()
    partner = bob.memberships.get().agency
    assert "申出日" in page and partner.name not in page  # the list is never on screen
    response = _letter(client, world.son)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for entry in policy.agencies_seeing(world.son):
        assert entry.agency.name in text
    assert "本人同意" in text and "撤回" in text and "高橋 健一" in text
    request = TeamLetterRequest.objects.get(person=world.son)
    assert request.method == "counter" and {row["agency"] for row in request.listed} >= {partner.name}
    log = AccessLog.objects.filter(staff=alice, action=AccessAction.PRINT, object_id=str(world.son.pk)).get()
    assert "支援チームのお知らせ" in log.basis_detail and "窓口" in log.basis_detail


def test_only_the_lead_agency_or_the_coordinator_prints_it(world, alice, bob, charlie, coordinator, client_for):
    assert _letter(client_for(bob), world.son).status_code == 403  # sees him on consent, does not lead
    assert _letter(client_for(charlie), world.son).status_code == 404
    assert _letter(client_for(coordinator), world.son).status_code == 404  # her agency has no basis for him
    assert not TeamLetterRequest.objects.exists()
    bad = _letter(client_for(alice), world.son, requested_on=(timezone.localdate() + timedelta(days=2)).isoformat())
    assert bad.status_code == 400 and "申出日" in bad.content.decode() and not TeamLetterRequest.objects.exists()


# ---- 開示請求 ----


def _seed_needs(world, alice):
    """The seed's household, member by member (sharing.demo._seed_household): each member's own needs."""
    members = {"": world.father, "wife": world.mother, "child": world.son, "grandchild": world.grandson}
    agency = alice.memberships.get().agency
    for rel, concerns in SEED_NEEDS.items():
        for concern in concerns:
            PersonConcern.objects.create(person=members[rel], household=world.household, case=world.case,
                                         concern=concern, source=ConcernSource.INTAKE, agency=agency, staff=alice)


def _receive(client, **changes):
    data = {"receipt_number": "R8-開示-0001", "received_on": timezone.localdate().isoformat(), "name": "高橋 健一",
            "kana": "たかはし けんいち", "birth_date": "1975-02-03", **changes}
    return client.post("/people/disclosure-requests/", data)


def test_a_disclosure_bundle_marks_the_other_members_information(world, alice, bob, coordinator, client_for):
    _seed_needs(world, alice)
    secret = CaseNote.objects.create(case=world.case, agency=alice.memberships.get().agency, staff=alice,
                                     body="孫の登校の様子を学校に確認した。")
    secret.members.set([world.grandson])
    ImplementingBody.objects.create(agency=alice.memberships.get().agency, recorded_by=coordinator)
    client = client_for(coordinator)
    assert _receive(client).status_code == 302
    request = DisclosureRequest.objects.get()
    assert list(request.persons.all()) == [world.son]
    text = pdf_text(client.get(f"/people/disclosure-requests/{request.pk}/bundle.pdf").content)
    lines = text.splitlines()
    mark = "【不開示の検討】他の世帯員の情報"


    def row_of(i: int) -> str:  # a row's cells as drawn: the mark, when there is one, ends the line before its text
        return lines[i - 1] + lines[i] if mark in lines[i - 1] and lines[i - 1].startswith(("世帯員", "経過記録")) else lines[i]

    own = [row_of(i) for i, line in enumerate(lines) if f"{world.son.name}:" in line]
    others = [row_of(i) for i, line in enumerate(lines)
              if any(f"{p.name}:" in line for p in (world.father, world.mother, world.grandson))]
    assert len(own) == len(SEED_NEEDS["child"]) and all(mark not in row for row in own)
    assert len(others) == sum(len(v) for k, v in SEED_NEEDS.items() if k != "child")
    assert all(mark in row for row in others)
    note = next(i for i, line in enumerate(lines) if "孫の登校" in line)
    assert mark in row_of(note)  # a note naming the grandson
    assert "【不開示の検討】世帯としての記録" in text  # the household case's rows naming no one
    # every row read is in the access log under the request's basis
    logged = AccessLog.objects.filter(staff=coordinator, basis=SharingBasis.DISCLOSURE_REQUEST)
    assert logged.filter(object_type="people.person", object_id=str(world.grandson.pk)).exists()
    assert logged.filter(object_type="cases.casenote", object_id=str(secret.pk)).exists()
    assert all("R8-開示-0001" in row.basis_detail for row in logged)


def test_outside_the_implementing_body_the_bundle_lists_kinds_and_dates_only(world, alice, coordinator, client_for):
    client = client_for(coordinator)
    _receive(client)
    request = DisclosureRequest.objects.get()
    text = pdf_text(client.get(f"/people/disclosure-requests/{request.pk}/bundle.pdf").content)
    assert "実施機関外" in text and "経過記録" in text
    assert "祖父母が孫の世話" not in text  # the note's text: that agency answers for itself


def test_the_basis_is_the_coordinators_alone_and_ends(world, alice, coordinator, client_for, city_hall):
    client = client_for(coordinator)
    assert _receive(client, receipt_number="A-1").status_code == 302
    request = DisclosureRequest.objects.get()
    url = f"/people/disclosure-requests/{request.pk}/bundle.pdf"
    colleague = factories.staff(city_hall, role="manager")
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(alice).get(url).status_code == 404
    assert client_for(alice).get("/people/disclosure-requests/").status_code == 404
    # nobody's visible sets change: it is not a basis of the agency
    assert policy.basis_for(world.son, actor(coordinator)) is None
    DisclosureRequest.objects.filter(pk=request.pk).update(received_on=timezone.localdate() - timedelta(days=31),
                                                         expires_on=timezone.localdate() - timedelta(days=1))
    assert client.get(url).status_code == 404
    again = _receive(client, receipt_number="A-1")
    assert again.status_code == 400 and "受付番号" in again.content.decode()
    assert DisclosureRequest.objects.count() == 1


def test_the_holding_agencys_managers_see_the_request(world, alice, own_manager, bob, coordinator, client_for):
    _receive(client_for(coordinator), receipt_number="R8-77")
    assert "R8-77" in client_for(own_manager).get("/").content.decode()
    partner_manager = factories.staff(bob.memberships.get().agency, role="manager")
    assert "R8-77" not in client_for(partner_manager).get("/").content.decode()
