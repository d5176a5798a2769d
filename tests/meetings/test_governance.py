"""Who governs a meeting, through the real pages and API: the convening agency's managers add and remove members
and agenda items; other members propose; a member sees nothing until her pledge; she may leave; the convener
stays. Each attack of the security review is a test here, and each refused write leaves nothing behind."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests import factories
from tests.meetings.conftest import seat
from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog, SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Compartment
from tsunagu.meetings import services
from tsunagu.meetings.models import (
    AgendaItem,
    AgendaProposal,
    ConfidentialityPledge,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingMember,
    ProposalStatus,
)

TODAY = timezone.localdate


def _agency(staff):
    return staff.memberships.get().agency


def _written():
    return (MeetingMember.objects.count(), AgendaItem.objects.count(), AgendaProposal.objects.count(),
            MeetingEvent.objects.count(), ConfidentialityPledge.objects.count(),
            list(MeetingMember.objects.order_by("pk").values_list("left_on", flat=True)),
            list(AgendaItem.objects.order_by("pk").values_list("removed_on", flat=True)))


@pytest.fixture
def seated_bob(world, bob):
    """bob's agency sits on the world's 支援会議; it sees the son's case through his consent only."""
    return seat(world.meeting, _agency(bob), joined_on=TODAY() - timedelta(days=5))


# ---- 4. Any member reshaped a meeting ----


@pytest.mark.parametrize("who", ["dave", "alice"])  # a member agency's worker; the convening agency's worker
def test_only_the_conveners_managers_reach_the_governance_screens(world, meeting_members, alice, charlie, convener,
                                                                   client_for, who):
    dave, _ = meeting_members
    staff = {"dave": dave, "alice": alice}[who]
    item = world.meeting.agenda_items.get()
    convener_row = world.meeting.members.get(agency=_agency(alice))
    dave_row = world.meeting.members.get(agency=_agency(dave))
    proposal = services.agenda_propose(actor=actor(dave), meeting=world.meeting, case=_dave_case(dave))
    before = _written()
    client = client_for(staff)
    yesterday = (TODAY() - timedelta(days=400)).isoformat()
    posts = [
        (f"/meetings/{world.meeting.pk}/members/", {"agency": _agency(charlie).pk, "joined_on": yesterday}),
        (f"/meetings/members/{convener_row.pk}/remove/", {}),
        (f"/meetings/members/{dave_row.pk}/remove/", {}),
        (f"/meetings/agenda/{item.pk}/remove/", {}),
        (f"/meetings/proposals/{proposal.pk}/accept/", {}),
        (f"/meetings/proposals/{proposal.pk}/decline/", {"reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert _written() == before
    page = client.get(f"/meetings/{world.meeting.pk}/").content.decode()
    assert "構成員に加える" not in page and "検討を終了" not in page and "構成員から外す" not in page
    assert "提案する" in page


def _dave_case(dave):
    """A case dave's agency leads (it sees it as its own)."""
    from tsunagu.people import services as people

    a = actor(dave)
    person = people.person_create(actor=a, name="出部 花", kana="でべ はな", sex="F")
    return cases.case_open(actor=a, person=person, title="花さんの家計相談")


def test_the_services_refuse_a_non_convener_whatever_the_path(world, meeting_members, charlie):
    dave, _ = meeting_members
    a = actor(dave)
    item = world.meeting.agenda_items.get()
    convener_row = world.meeting.members.get(agency=world.meeting.convened_by)
    before = _written()
    calls = [
        lambda: services.member_add(actor=a, meeting=world.meeting, agency=_agency(charlie)),
        lambda: services.member_remove(actor=a, member=convener_row),
        lambda: services.member_leave(actor=a, member=convener_row),
        lambda: services.agenda_remove(actor=a, item=item),
        lambda: services.agenda_add(actor=a, meeting=world.meeting, case=world.son_case),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert _written() == before


def test_a_member_who_sees_a_case_only_through_consent_cannot_open_it_to_every_member(
        world, bob, seated_bob, meeting_members, convener, client_for):
    """bob sees the son's case through his consent; on the old code he put it on the 支援会議's agenda, and dave
    (and every member) read it on the meeting's basis for as long as it stayed there. Now he can only propose."""
    dave, _ = meeting_members
    client = client_for(bob)
    response = client.post("/meetings/agenda/add/", {"meeting": world.meeting.pk, "case": world.son_case.pk})
    assert response.status_code == 200 and not world.meeting.agenda_items.filter(case=world.son_case).exists()
    response = client.post(f"/api/meetings/{world.meeting.pk}/agenda", {"case_id": world.son_case.pk},
                           content_type="application/json")
    assert response.status_code == 403 and "proposals" in response.json()["detail"]
    assert not world.meeting.agenda_items.filter(case=world.son_case).exists()
    assert client_for(dave).get(f"/cases/{world.son_case.pk}/").status_code == 404

    # bob proposes; it waits for the convener, and opens nothing meanwhile
    response = client.post("/meetings/agenda/add/", {"propose": "1", "proposal-meeting": world.meeting.pk,
                                                     "proposal-reason": "就労と家計の両面で支援が必要", "case": world.son_case.pk})
    assert response.status_code == 302
    proposal = AgendaProposal.objects.get(meeting=world.meeting, case=world.son_case)
    assert proposal.status == ProposalStatus.PENDING and proposal.proposer_basis == SharingBasis.CONSENT
    assert client_for(dave).get(f"/cases/{world.son_case.pk}/").status_code == 404
    page = client_for(convener).get(f"/meetings/{world.meeting.pk}/").content.decode()
    assert "検討事項の提案（判断待ち）" in page and world.son_case.label in page and "受け入れる" in page

    # the convener accepts: now an agenda item, logged as a disclosure on the meeting's basis
    assert client_for(convener).post(f"/meetings/proposals/{proposal.pk}/accept/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.agenda_item.case == world.son_case
    disclosed = AccessLog.objects.get(object_type="cases.case", object_id=str(world.son_case.pk), action="disclose")
    assert disclosed.basis == SharingBasis.SUPPORT_MEETING and disclosed.staff == convener
    assert client_for(dave).get(f"/cases/{world.son_case.pk}/").status_code == 200
    kinds = list(MeetingEvent.objects.filter(meeting=world.meeting).values_list("kind", flat=True))
    assert {"proposal_made", "agenda_added", "proposal_accepted"} <= set(kinds)


def test_the_api_proposes_for_members_and_adds_for_the_convener(world, bob, seated_bob, convener, client_for):
    response = client_for(bob).post(f"/api/meetings/{world.meeting.pk}/proposals",
                                    {"case_id": world.son_case.pk, "reason": "家計"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    again = client_for(bob).post(f"/api/meetings/{world.meeting.pk}/proposals", {"case_id": world.son_case.pk},
                                 content_type="application/json")
    assert again.status_code == 422 and "判断を待っています" in again.json()["detail"]
    both = client_for(convener).post(f"/api/meetings/{world.meeting.pk}/agenda",
                                     {"case_id": world.son_case.pk, "household_id": world.household.pk},
                                     content_type="application/json")
    assert both.status_code == 422 and "どちらか一方" in both.json()["detail"]
    response = client_for(convener).post(f"/api/meetings/{world.meeting.pk}/agenda", {"case_id": world.son_case.pk},
                                         content_type="application/json")
    assert response.status_code == 201
    assert world.meeting.agenda_items.filter(case=world.son_case, removed_on__isnull=True).count() == 1


def test_a_proposal_of_a_case_the_proposer_cannot_see_is_not_found(world, meeting_members, client_for):
    dave, _ = meeting_members
    response = client_for(dave).post(f"/api/meetings/{world.meeting.pk}/proposals", {"case_id": world.son_case.pk},
                                     content_type="application/json")
    assert response.status_code == 404 and not AgendaProposal.objects.exists()


def test_the_convener_declines_a_proposal_with_a_reason(world, bob, seated_bob, convener, client_for):
    proposal = services.agenda_propose(actor=actor(bob), meeting=world.meeting, case=world.son_case)
    assert client_for(convener).post(f"/meetings/proposals/{proposal.pk}/decline/",
                                     {"reason": "重層的支援会議で扱う"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.decline_reason == "重層的支援会議で扱う"
    assert not world.meeting.agenda_items.filter(case=world.son_case).exists()
    response = client_for(convener).post(f"/meetings/proposals/{proposal.pk}/accept/", follow=True)
    assert "すでに判断されています" in response.content.decode()
    assert not world.meeting.agenda_items.filter(case=world.son_case).exists()


def test_a_proposal_is_not_accepted_once_the_proposer_lost_its_basis(world, alice, bob, seated_bob, convener, client_for):
    from tsunagu.sharing.services import consent_withdraw

    proposal = services.agenda_propose(actor=actor(bob), meeting=world.meeting, case=world.son_case)
    consent_withdraw(actor=actor(alice), consent=world.consent)
    response = client_for(convener).post(f"/meetings/proposals/{proposal.pk}/accept/", follow=True)
    assert "閲覧する根拠がありません" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and not world.meeting.agenda_items.filter(case=world.son_case).exists()


def test_a_back_dated_join_needs_a_written_reason(world, charlie, convener, client_for):
    client = client_for(convener)
    back = TODAY() - timedelta(days=60)
    before = _written()
    response = client.post(f"/meetings/{world.meeting.pk}/members/", {"agency": _agency(charlie).pk,
                                                                       "joined_on": back.isoformat()}, follow=True)
    assert "理由を書いてください" in response.content.decode() and _written() == before
    response = client.post(f"/meetings/{world.meeting.pk}/members/", {
        "agency": _agency(charlie).pk, "joined_on": back.isoformat(), "joined_reason": "前回の会議から出席しており、記録が漏れていた"},
        follow=True)
    member = world.meeting.members.get(agency=_agency(charlie))
    assert member.joined_on == back and member.joined_reason.startswith("前回の会議から")
    assert member.confidentiality_pledged_on is None
    page = response.content.decode()
    assert "前回の会議から出席しており" in page and "構成員を追加" in page  # on the member table and in the history
    event = MeetingEvent.objects.get(meeting=world.meeting, kind="member_added", member=member)
    assert event.staff == convener and "前回の会議から" in event.note
    assert AccessLog.objects.filter(object_type="meetings.meetingmember", object_id=str(member.pk), action="edit").exists()
    # without a date, today
    other = factories.agency("テスト NPO法人 つなぐ", kind="npo")
    client.post(f"/meetings/{world.meeting.pk}/members/", {"agency": other.pk})
    assert world.meeting.members.get(agency=other).joined_on == TODAY()


def test_a_new_member_sees_nothing_until_her_pledge_then_at_once(world, charlie, convener, client_for):
    """On the old code a member added to a 支援会議 read its agenda's cases at once, pledged or not."""
    client_for(convener).post(f"/meetings/{world.meeting.pk}/members/", {"agency": _agency(charlie).pk})
    member = world.meeting.members.get(agency=_agency(charlie))
    newcomer = client_for(charlie)
    for url in (f"/meetings/{world.meeting.pk}/", f"/cases/{world.case.pk}/", f"/people/households/{world.household.pk}/",
                f"/people/{world.grandson.pk}/"):
        assert newcomer.get(url).status_code == 404, url
    listing = newcomer.get("/meetings/").content.decode()
    assert "守秘義務の誓約が必要な会議" in listing and world.household.name not in listing
    # she records her own pledge (the form offers her only)
    form = newcomer.get(f"/meetings/members/{member.pk}/pledge/").content.decode()
    assert charlie.name in form and world.household.name not in form
    assert newcomer.post(f"/meetings/members/{member.pk}/pledge/", {
        "staff": charlie.pk, "pledged_on": TODAY().isoformat(), "method": "electronic"}).status_code == 302
    assert newcomer.get(f"/cases/{world.case.pk}/").status_code == 200
    assert world.household.name in newcomer.get(f"/meetings/{world.meeting.pk}/").content.decode()
    assert MeetingEvent.objects.filter(meeting=world.meeting, kind="pledge_recorded", member=member).exists()


def test_a_pledge_is_recorded_by_the_member_agency_or_the_convener_only(world, meeting_members, charlie, convener, client_for):
    dave, _ = meeting_members
    member = services.member_add(actor=actor(convener), meeting=world.meeting, agency=_agency(charlie))
    response = client_for(dave).post(f"/meetings/members/{member.pk}/pledge/", {
        "staff": charlie.pk, "pledged_on": TODAY().isoformat(), "method": "written"})
    assert response.status_code == 403
    response = client_for(charlie).post(f"/meetings/members/{member.pk}/pledge/", {
        "staff": charlie.pk, "pledged_on": (TODAY() + timedelta(days=3)).isoformat(), "method": "written"})
    assert "未来の日付" in response.content.decode()
    member.refresh_from_db()
    assert member.confidentiality_pledged_on is None and not member.pledges.exists()
    # the convener records a written pledge handed in
    assert client_for(convener).post(f"/meetings/members/{member.pk}/pledge/", {
        "staff": charlie.pk, "pledged_on": TODAY().isoformat(), "method": "written"}).status_code == 302
    member.refresh_from_db()
    assert member.confidentiality_pledged_on == TODAY() and member.pledges.get().recorded_by == convener


@pytest.fixture
def council(world, alice, charlie):
    """A 要対協 convened by a こども家庭センター (its manager is the 調整機関's manager), with the household's case
    on its agenda and a note recorded under the council."""
    center = factories.agency("テスト こども家庭センター", kind="child_family_center", fields=["children"])
    manager = factories.staff(center, role="manager", login_id="kodomo_mgr", name="子供 管理子")
    meeting = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協 個別ケース検討会議",
                                     convened_by=center)
    seat(meeting, center, joined_on=TODAY() - timedelta(days=30))
    AgendaItem.objects.create(meeting=meeting, case=world.case, added_on=TODAY() - timedelta(days=20))
    worker = factories.staff(center, login_id="kodomo", name="子供 相談子")
    cases.note_add(actor=actor(worker), case=world.case, body="要対協だけの記録：登校の状況",
                   compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    return meeting, manager


def test_a_new_council_member_reads_no_compartment_note_before_her_pledge(world, charlie, council, client_for):
    meeting, manager = council
    client_for(manager).post(f"/meetings/{meeting.pk}/members/", {"agency": _agency(charlie).pk})
    member = meeting.members.get(agency=_agency(charlie))
    newcomer = client_for(charlie)
    assert newcomer.get(f"/cases/{world.case.pk}/").status_code == 404
    assert "要対協だけの記録" not in newcomer.get(f"/api/cases/{world.case.pk}/notes").content.decode()
    services.pledge_record(actor=actor(charlie), member=member, staff=charlie, method="electronic")
    page = newcomer.get(f"/cases/{world.case.pk}/").content.decode()
    assert "要対協だけの記録" in page


def test_a_member_leaves_herself_and_keeps_her_duty_on_record(world, meeting_members, client_for):
    dave, _ = meeting_members
    row = world.meeting.members.get(agency=_agency(dave))
    client = client_for(dave)
    assert client.post(f"/meetings/members/{row.pk}/leave/").status_code == 302
    row.refresh_from_db()
    assert row.left_on == TODAY() and row.confidentiality_pledged_on is not None
    assert client.get(f"/meetings/{world.meeting.pk}/").status_code == 404
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    assert MeetingEvent.objects.filter(meeting=world.meeting, kind="member_left", member=row, staff=dave).exists()
    assert AccessLog.objects.filter(staff=dave, object_type="meetings.meetingmember", object_id=str(row.pk),
                                    action="edit").exists()


def test_the_convener_can_neither_be_removed_nor_leave(world, meeting_members, convener, client_for):
    dave, _ = meeting_members
    row = world.meeting.members.get(agency=world.meeting.convened_by)
    client = client_for(convener)
    response = client.post(f"/meetings/members/{row.pk}/remove/", follow=True)
    assert "主催機関は構成員から外せず" in response.content.decode()
    response = client.post(f"/meetings/members/{row.pk}/leave/", follow=True)
    assert "主催機関は構成員から外せず" in response.content.decode()
    row.refresh_from_db()
    assert row.left_on is None
    # the convener removes another member
    dave_row = world.meeting.members.get(agency=_agency(dave))
    assert client.post(f"/meetings/members/{dave_row.pk}/remove/").status_code == 302
    dave_row.refresh_from_db()
    assert dave_row.left_on == TODAY()
    assert client_for(dave).get(f"/cases/{world.case.pk}/").status_code == 404


def test_the_convener_ends_an_agenda_item_and_the_history_says_so(world, meeting_members, convener, client_for):
    dave, _ = meeting_members
    item = world.meeting.agenda_items.get()
    assert client_for(convener).post(f"/meetings/agenda/{item.pk}/remove/").status_code == 302
    item.refresh_from_db()
    assert item.removed_on == TODAY()
    assert client_for(dave).get(f"/cases/{world.case.pk}/").status_code == 404
    page = client_for(dave).get(f"/meetings/{world.meeting.pk}/").content.decode()
    assert "検討事項を終了" in page and "会議の履歴" in page
    # dave no longer has a basis for the household: the history does not name it to him
    assert world.household.name not in page
    assert world.household.name in client_for(convener).get(f"/meetings/{world.meeting.pk}/").content.decode()


def test_a_new_meeting_seats_its_convener_only(alice, bob, convener, client_for):
    response = client_for(convener).post("/meetings/new/", {"kind": "case_conference", "title": "ケース会議（新規）",
                                                            "member_agencies": [_agency(bob).pk]})
    meeting = Meeting.objects.get(title="ケース会議（新規）")
    assert response.status_code == 302
    rows = {m.agency_id: m for m in meeting.members.all()}
    assert rows[_agency(alice).pk].confidentiality_pledged_on == TODAY()
    assert rows[_agency(bob).pk].confidentiality_pledged_on is None
    assert client_for(alice).get(f"/meetings/{meeting.pk}/").status_code == 200
    assert client_for(bob).get(f"/meetings/{meeting.pk}/").status_code == 404
    assert set(MeetingEvent.objects.filter(meeting=meeting).values_list("kind", flat=True)) == {"created", "member_added"}
