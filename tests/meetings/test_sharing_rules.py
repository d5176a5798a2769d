"""The meeting rules of the sharing policy (the meetings issue builds the meetings themselves)."""

from datetime import timedelta

from django.utils import timezone

from tests.meetings.conftest import seat
from tests.sharing.world import actor
from tsunagu.audit.models import SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Compartment
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.sharing import policy

TODAY = timezone.localdate


def test_support_meeting_member_sees_only_while_on_the_agenda(world, meeting_members):
    dave, erin = meeting_members
    assert policy.basis_for(world.grandson, actor(dave)).basis == SharingBasis.SUPPORT_MEETING
    assert policy.basis_for(world.grandson, actor(erin)) is None  # left yesterday: duty stays, access does not
    for item in AgendaItem.objects.filter(meeting=world.meeting):  # saved one by one: the policy hears of each
        item.removed_on = TODAY()
        item.save(update_fields=["removed_on"])
    assert policy.basis_for(world.grandson, actor(dave)) is None


def test_a_member_who_joins_tomorrow_sees_nothing_today(world, charlie):
    seat(world.meeting, charlie.memberships.get().agency, joined_on=TODAY() + timedelta(days=1),
         confidentiality_pledged_on=TODAY())
    assert policy.basis_for(world.household, actor(charlie)) is None


def test_a_member_sits_from_her_pledge_on(world, charlie):
    """Until her 守秘義務の誓約 is recorded a member has no basis through the meeting and reads none of it; the
    pledge seats her at once (the policy hears of the member's save). A pledge dated tomorrow seats nobody today."""
    member = MeetingMember.objects.create(meeting=world.meeting, agency=charlie.memberships.get().agency,
                                          joined_on=TODAY() - timedelta(days=3))
    who = actor(charlie)
    assert policy.basis_for(world.household, who) is None
    assert not policy.visible_meetings(Meeting.objects.all(), who).exists()
    member.confidentiality_pledged_on = TODAY() + timedelta(days=1)
    member.save(update_fields=["confidentiality_pledged_on"])
    assert policy.basis_for(world.household, actor(charlie)) is None
    member.confidentiality_pledged_on = TODAY()
    member.save(update_fields=["confidentiality_pledged_on"])
    assert policy.basis_for(world.household, actor(charlie)).basis == SharingBasis.SUPPORT_MEETING
    assert list(policy.visible_meetings(Meeting.objects.all(), actor(charlie))) == [world.meeting]


def test_a_multi_agency_meeting_gives_no_basis_without_consent(world, charlie):
    meeting = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="重層的支援会議",
                                     convened_by=charlie.memberships.get().agency)
    seat(meeting, charlie.memberships.get().agency)
    AgendaItem.objects.create(meeting=meeting, household=world.household)
    assert policy.basis_for(world.household, actor(charlie)) is None


def test_a_case_recorded_under_the_council_stays_inside_it(world, alice, bob, charlie):
    council = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協",
                                     convened_by=charlie.memberships.get().agency)
    seat(council, charlie.memberships.get().agency)
    secret = cases.case_open(actor=actor(alice), person=world.grandson, title="ネグレクトの見守り",
                             compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    # recorded by alice's agency under the council, but her agency is not a member: not even "own agency"
    assert policy.basis_for(secret, actor(alice)) is None
    AgendaItem.objects.create(meeting=council, case=secret)
    assert policy.basis_for(secret, actor(charlie)).basis == SharingBasis.CHILD_PROTECTION_COUNCIL
    assert policy.basis_for(secret, actor(bob)) is None  # consent does not open the compartment
    seat(council, alice.memberships.get().agency)
    assert policy.basis_for(secret, actor(alice)).basis == SharingBasis.CHILD_PROTECTION_COUNCIL
