"""What a meeting's kind grants, through the one policy: 支援会議 without consent while on the agenda, former
members keep the duty but not the access, 重層的支援会議 only with consent, and the 要対協 compartment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.meetings.conftest import seat
from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog, SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Compartment
from tsunagu.meetings import services
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.sharing.services import consent_record


def test_support_meeting_member_sees_agenda_case_without_consent_until_it_leaves(world, meeting_members, convener,
                                                                                 client_for):
    dave, _ = meeting_members
    client = client_for(dave)
    assert client.get(f"/cases/{world.case.pk}/").status_code == 200
    log = AccessLog.objects.filter(staff=dave, object_type="cases.case", object_id=str(world.case.pk)).latest("at")
    assert log.basis == SharingBasis.SUPPORT_MEETING
    item = AgendaItem.objects.get(meeting=world.meeting, household=world.household)
    assert client_for(convener).post(f"/meetings/agenda/{item.pk}/remove/").status_code == 302
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    assert client.get(f"/people/households/{world.household.pk}/").status_code == 404


def test_former_member_has_no_access_but_stays_on_the_member_record(world, meeting_members, client_for):
    dave, erin = meeting_members
    former = client_for(erin)
    assert former.get(f"/meetings/{world.meeting.pk}/").status_code == 404
    assert former.get(f"/cases/{world.case.pk}/").status_code == 404
    assert world.meeting.title not in former.get("/meetings/").content.decode()
    page = client_for(dave).get(f"/meetings/{world.meeting.pk}/").content.decode()
    erin_agency = erin.memberships.get().agency.name
    assert "以前の構成員" in page and erin_agency in page
    assert MeetingMember.objects.filter(meeting=world.meeting, agency__name=erin_agency, left_on__isnull=False).exists()


@pytest.fixture
def multi_agency(world, alice, bob, meeting_members, convener):
    """A 重層的支援会議 of alice's, bob's and dave's agencies, convened by alice's manager (her agency is made a
    direct-operated municipal office for the test)."""
    dave, _ = meeting_members
    agencies = [s.memberships.get().agency for s in (bob, dave)]
    own = alice.memberships.get().agency
    own.operation = "direct"
    own.save(update_fields=["operation"])
    fresh = type(convener).objects.get(pk=convener.pk)  # the acting agency is cached on the instance
    return services.meeting_create(actor=actor(fresh), kind=MeetingKind.MULTI_AGENCY_MEETING, title="重層的支援会議",
                                   member_agencies=agencies)


def test_multi_agency_meeting_refuses_a_case_without_consent_and_says_why(world, alice, multi_agency, meeting_members, convener,
                                                                         client_for):
    dave, _ = meeting_members
    client = client_for(convener)
    response = client.post(f"/meetings/agenda/add/?case={world.son_case.pk}", {"meeting": multi_agency.pk, "case": world.son_case.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "同意の記録がありません" in page and dave.memberships.get().agency.name in page
    assert "支援会議" in page
    assert not AgendaItem.objects.filter(meeting=multi_agency).exists()
    # Consent covering every member agency: now it is accepted.
    consent_record(actor=actor(alice), person=world.son, agencies=[m.agency for m in multi_agency.members.all()])
    response = client.post("/meetings/agenda/add/", {"meeting": multi_agency.pk, "case": world.son_case.pk})
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=multi_agency, case=world.son_case).exists()


def test_child_protection_records_never_leave_the_council(world, alice, bob, meeting_members, charlie, client_for):
    """A note and minutes recorded under the 要対協 appear for its members only — in no other view, search,
    export or API answer, for the recording agency, a consenting partner or a 支援会議 member."""
    dave, _ = meeting_members
    today = timezone.localdate()
    council_agency = factories.agency("テスト子ども家庭センター", kind="child_family_center", fields=["children"])
    kosodate = factories.staff(council_agency, login_id="kosodate")
    council = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協 個別ケース検討会議",
                                     convened_by=council_agency)
    seat(council, council_agency, joined_on=today - timedelta(days=5))
    AgendaItem.objects.create(meeting=council, case=world.case, added_on=today - timedelta(days=1))
    secret = "要対協だけの記録：孫のネグレクトの具体的な状況"
    cases.note_add(actor=actor(kosodate), case=world.case, body=secret, compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    sitting = services.sitting_schedule(actor=actor(kosodate), meeting=council, held_on=today)[0]
    services.minutes_save(actor=actor(kosodate), sitting=sitting, expected_version=1, minutes=secret + "（議事録）")
    services.action_add(actor=actor(kosodate), sitting=sitting, description=secret + "（役割）", owner_agency=council_agency,
                        due_on=today)
    member = client_for(kosodate)
    assert secret in member.get(f"/meetings/sittings/{sitting.pk}/").content.decode()
    urls = [f"/cases/{world.case.pk}/", f"/people/households/{world.household.pk}/", "/cases/", "/cases/export.xlsx",
            f"/api/cases/{world.case.pk}/notes", "/people/?q=たかはし", "/meetings/", "/meetings/calendar/",
            "/meetings/actions/", f"/meetings/sittings/{sitting.pk}/", f"/meetings/sittings/{sitting.pk}/print/",
            f"/meetings/{council.pk}/", "/followups/", f"/ecomap/cases/{world.case.pk}/", f"/ecomap/cases/{world.case.pk}/ecomap.svg",
            f"/ecomap/households/{world.household.pk}/", "/", "/api/meetings/", "/api/meetings/actions"]
    for staff in (alice, bob, dave, charlie):
        client = client_for(staff)
        for url in urls:
            response = client.get(url)
            body = response.content.decode(errors="ignore") if response.status_code == 200 else ""
            assert secret not in body, f"{staff.login_id} saw the council's record at {url}"
    # The member's dashboard shows the action item without its text (it is the council's record).
    assert secret not in member.get("/").content.decode()


def test_api_refuses_a_case_without_consent_with_the_reason(world, alice, multi_agency, convener, client_for):
    response = client_for(convener).post(f"/api/meetings/{multi_agency.pk}/agenda", {"case_id": world.son_case.pk},
                                      content_type="application/json")
    assert response.status_code == 422 and "同意の記録がありません" in response.json()["detail"]
    assert not AgendaItem.objects.filter(meeting=multi_agency).exists()
    consent_record(actor=actor(alice), person=world.son, agencies=[m.agency for m in multi_agency.members.all()])
    response = client_for(convener).post(f"/api/meetings/{multi_agency.pk}/agenda", {"case_id": world.son_case.pk},
                                         content_type="application/json")
    assert response.status_code == 201
